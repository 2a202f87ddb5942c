import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type DbHandle, type Dialect } from '../../src/platform/db/index.ts';
import { MIGRATION_LOCK, migrateToLatest } from '../../src/platform/db/migrate.ts';

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

const SCHEMA_LOCK = MIGRATION_LOCK;

async function withSchemaLock<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(POSTGRES_URL);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    return await work(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]).catch(() => undefined);
    await client.end();
  }
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
  // Kysely's migrator reads the catalogue of every schema; a schema dropped by another test file
  // (or a CLI test's child process) at that moment makes it fail, so creating and dropping a
  // schema take the migration lock.
  await withSchemaLock((client) => client.query(`CREATE SCHEMA ${schema}`));
  const h = openDatabase(POSTGRES_URL, { schema });
  try {
    await migrateToLatest(h.db); // takes the same lock itself
  } finally {
    await h.close();
  }
  return {
    url: POSTGRES_URL,
    schema,
    dataDir,
    open: () => openDatabase(POSTGRES_URL, { schema }),
    drop: async () => {
      await withSchemaLock((client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The names of the indexes on a table, on either database (for migration tests). */
export async function indexesOn(h: DbHandle, table: string): Promise<string[]> {
  const rows =
    h.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(h.db)
      : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = ${table} and schemaname = current_schema()`.execute(h.db);
  return rows.rows.map((r) => r.name);
}
