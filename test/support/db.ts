import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DbHandle, type Dialect } from '../../src/platform/db/index.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

/** Which database this test run uses: the whole suite runs once on each. */
export const TEST_DIALECT: Dialect = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  schema?: string;
  dataDir: string;
  open(): DbHandle;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a temp SQLite file, or its own PostgreSQL schema so runs never collide. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alongside-test-'));
  if (TEST_DIALECT === 'sqlite') {
    const url = `sqlite:${join(dataDir, 'test.db')}`;
    const h = openDatabase(url);
    await migrateToLatest(h.db);
    await h.close();
    return { url, dataDir, open: () => openDatabase(url), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const h = openDatabase(POSTGRES_URL, { schema });
  await migrateToLatest(h.db);
  await h.close();
  return {
    url: POSTGRES_URL,
    schema,
    dataDir,
    open: () => openDatabase(POSTGRES_URL, { schema }),
    drop: async () => {
      const c = new pg.Client(POSTGRES_URL);
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
