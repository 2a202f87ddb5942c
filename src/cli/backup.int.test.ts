import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../../test/support/db.ts';
import { emptyDatabase, runCli, type CliDatabase } from './testing.ts';

const PASSWORD_ENV = { ALONGSIDE_ADMIN_PASSWORD: 'a long enough password' };

describe('alongside backup and restore', { timeout: 60_000 }, () => {
  let database: CliDatabase;
  beforeEach(async () => {
    database = await emptyDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  const emails = async (): Promise<string[]> => {
    const h = database.open();
    try {
      return (await h.db.selectFrom('users').select('email').orderBy('email').execute()).map((u) => u.email);
    } finally {
      await h.close();
    }
  };

  // Each dialect's tests are registered only in that dialect's run (the suite runs once per database).
  if (TEST_DIALECT === 'sqlite') describe('on SQLite', () => {
    it('round-trips: a restore brings back exactly what was backed up', async () => {
      const file = join(database.dataDir, 'backup.db');
      expect((await runCli(['create-admin', '--email', 'first@example.org'], { database, env: PASSWORD_ENV })).code).toBe(0);
      expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
      const before = await emails();

      const backup = await runCli(['backup', file], { database });
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      expect(existsSync(file)).toBe(true);

      expect((await runCli(['create-admin', '--email', 'after-backup@example.org'], { database, env: PASSWORD_ENV })).code).toBe(0);
      expect(await emails()).toContain('after-backup@example.org');

      const restore = await runCli(['restore', file], { database });
      expect(restore.stderr).toBe('');
      expect(restore.code).toBe(0);
      expect(await emails()).toEqual(before);
      // The database as it was is kept beside it, not thrown away.
      expect(readdirSync(database.dataDir).some((f) => f.startsWith('alongside.db.before-restore-'))).toBe(true);
    });

    it('backs up while the app has the database open', async () => {
      expect((await runCli(['migrate'], { database })).code).toBe(0);
      const h = database.open();
      try {
        await h.db.selectFrom('users').select('id').execute();
        const { code } = await runCli(['backup', join(database.dataDir, 'live.db')], { database });
        expect(code).toBe(0);
      } finally {
        await h.close();
      }
    });

    it('will not overwrite an existing file without --force', async () => {
      const file = join(database.dataDir, 'backup.db');
      expect((await runCli(['migrate'], { database })).code).toBe(0);
      writeFileSync(file, 'keep me');
      const refused = await runCli(['backup', file], { database });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('already exists');
      expect((await runCli(['backup', '--force', file], { database })).code).toBe(0);
    });

    it('refuses to restore a file that is not an Alongside database, and leaves the database alone', async () => {
      expect((await runCli(['create-admin', '--email', 'first@example.org'], { database, env: PASSWORD_ENV })).code).toBe(0);
      const junk = join(database.dataDir, 'junk.db');
      writeFileSync(junk, 'this is not a database at all, just some text long enough');
      const notSqlite = await runCli(['restore', junk], { database });
      expect(notSqlite.code).toBe(1);
      expect(notSqlite.stderr).toContain('is not a SQLite database');

      const other = join(database.dataDir, 'other.db');
      const s = new SQLite(other);
      s.exec('create table notes (id integer primary key, body text)');
      s.close();
      const foreign = await runCli(['restore', other], { database });
      expect(foreign.code).toBe(1);
      expect(foreign.stderr).toContain('is not an Alongside database');

      const missing = await runCli(['restore', join(database.dataDir, 'nowhere.db')], { database });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('there is no backup file');

      expect(await emails()).toEqual(['first@example.org']);
    });

    it('refuses to restore while the app has the database open', async () => {
      const file = join(database.dataDir, 'backup.db');
      expect((await runCli(['migrate'], { database })).code).toBe(0);
      expect((await runCli(['backup', file], { database })).code).toBe(0);
      const h = database.open();
      try {
        await h.db.selectFrom('users').select('id').execute();
        const { code, stderr } = await runCli(['restore', file], { database });
        expect(code).toBe(1);
        expect(stderr).toContain('is in use: stop Alongside');
      } finally {
        await h.close();
      }
    });
  });

  if (TEST_DIALECT === 'postgres') describe('on PostgreSQL', () => {
    it('points to pg_dump and pg_restore instead, with a non-zero exit', async () => {
      const backup = await runCli(['backup', 'alongside.dump'], { database });
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain('pg_dump --format=custom');
      const restore = await runCli(['restore', 'alongside.dump'], { database });
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain('pg_restore --clean');
    });
  });
});
