import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DbHandle, type Dialect } from '../src/platform/db/index.ts';
import { MIGRATION_LOCK, migrateToLatest } from '../src/platform/db/migrate.ts';

/** Where benchmarks make their PostgreSQL schemas (the machine's test database by default). */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Migrates under the advisory lock the test suite uses, so a run beside `npm test` cannot trip Kysely's migrator. */
const SCHEMA_LOCK = MIGRATION_LOCK;

export interface BenchDatabase {
  url: string;
  schema?: string;
  dataDir: string;
  open(): DbHandle;
  drop(): Promise<void>;
}

/** A migrated database of its own for one benchmark run: a temporary SQLite file, or a fresh PostgreSQL schema. */
export async function freshDatabase(dialect: Dialect, name: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `alongside-bench-${name}-`));
  if (dialect === 'sqlite') {
    const url = `sqlite:${join(dataDir, 'bench.db')}`;
    const h = openDatabase(url);
    await migrateToLatest(h.db);
    await h.close();
    return { url, dataDir, open: () => openDatabase(url), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client(BENCH_POSTGRES_URL);
  await client.connect();
  try {
    // Create under the migration lock, then release it: migrateToLatest takes the same lock itself.
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    const h = openDatabase(BENCH_POSTGRES_URL, { schema });
    try {
      await migrateToLatest(h.db);
    } finally {
      await h.close();
    }
  } catch (err) {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    throw err;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]).catch(() => undefined);
    await client.end();
  }
  return {
    url: BENCH_POSTGRES_URL,
    schema,
    dataDir,
    open: () => openDatabase(BENCH_POSTGRES_URL, { schema }),
    async drop() {
      const c = new pg.Client(BENCH_POSTGRES_URL);
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Null when the benchmark PostgreSQL answers, or why it does not. */
export async function postgresReachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Runs a bench on SQLite, then on PostgreSQL unless told not to or the server cannot be reached
 * (then says why it was skipped), so every bench reports both databases the same way.
 */
export async function onEachDialect<R>(run: (dialect: Dialect) => Promise<R>, postgres = true): Promise<{ results: R[]; skipped: string[] }> {
  const results = [await run('sqlite')];
  const skipped: string[] = [];
  if (!postgres) skipped.push('PostgreSQL skipped (--no-postgres)');
  else {
    const problem = await postgresReachable();
    if (problem) skipped.push(`PostgreSQL skipped: cannot connect to ${BENCH_POSTGRES_URL} (${problem})`);
    else results.push(await run('postgres'));
  }
  return { results, skipped };
}
