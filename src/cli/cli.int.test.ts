import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueEmail } from '../platform/outbox/index.ts';
import { collect, emptyDatabase, runCli, startCli, type CliDatabase } from './testing.ts';

const COMMANDS = ['migrate', 'create-admin', 'seed', 'worker', 'backup', 'restore'];

describe('alongside CLI', { timeout: 60_000 }, () => {
  let database: CliDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('--help lists every command', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const listed = stdout
      .split('Commands:')[1]
      ?.split('\n')
      .map((line) => /^\s{2}([a-z-]+)/.exec(line)?.[1])
      .filter(Boolean);
    expect(listed).toEqual(expect.arrayContaining(COMMANDS));
  });

  it('is what `npm exec alongside` runs from the project root', async () => {
    const child = spawn('npm', ['exec', '--no', '--', 'alongside', '--help'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { code, stdout } = await collect(child);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: alongside');
    expect(stdout).toContain('create-admin');
  });

  it('migrate sets up an empty database, then finds nothing to do', async () => {
    database = await emptyDatabase();
    const first = await runCli(['migrate'], { database });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('001_foundation');
    const tables = database.open();
    try {
      await expect(tables.db.selectFrom('users').select('id').execute()).resolves.toEqual([]);
    } finally {
      await tables.close();
    }
    const second = await runCli(['migrate'], { database });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('stops with a clear message when a setting is wrong', async () => {
    const { code, stderr } = await runCli(['migrate'], { env: { DATABASE_URL: 'mysql://localhost/alongside' } });
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL: must start with sqlite: or postgres://');
    expect(stderr).not.toContain('    at ');
  });

  it('refuses an unknown command with exit code 1', async () => {
    const { code, stderr } = await runCli(['frobnicate']);
    expect(code).toBe(1);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });

  it('worker --once delivers what is due and exits', async () => {
    database = await emptyDatabase();
    expect((await runCli(['migrate'], { database })).code).toBe(0);
    const h = database.open();
    try {
      await enqueueEmail(h.db, { idempotencyKey: 'cli-test-1', to: 'someone@example.org', subject: 'Hello', text: 'Hello from the outbox' });
      const { code, stdout } = await runCli(['worker', '--once'], { database });
      expect(code).toBe(0);
      expect(stdout).toContain('1 sent');
      const row = await h.db.selectFrom('outbox').select(['id', 'status']).executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      expect(existsSync(join(database.dataDir, 'mail', `${row.id}.eml`))).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('worker keeps delivering until SIGTERM, then exits cleanly', async () => {
    database = await emptyDatabase();
    const child = startCli(['worker'], { database });
    const result = collect(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('worker did not start')), 15_000);
      child.stdout?.on('data', (d: Buffer | string) => {
        if (String(d).includes('Worker started')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const h = database.open();
    try {
      await enqueueEmail(h.db, { idempotencyKey: 'cli-test-2', to: 'someone@example.org', subject: 'Hi', text: 'Queued while running' });
      const deadline = Date.now() + 10_000;
      let status = 'pending';
      while (status !== 'sent' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        status = (await h.db.selectFrom('outbox').select('status').executeTakeFirstOrThrow()).status;
      }
      expect(status).toBe('sent');
      expect(readdirSync(join(database.dataDir, 'mail'))).toHaveLength(1);
    } finally {
      await h.close();
    }
    child.kill('SIGTERM');
    const { code, stdout } = await result;
    expect(code).toBe(0);
    expect(stdout).toContain('Worker stopped');
  });
});
