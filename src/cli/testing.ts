import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../platform/db/index.ts';
import { POSTGRES_URL, TEST_DIALECT, type TestDatabase } from '../../test/support/db.ts';

/** Test helpers for the CLI: run the real `alongside` command as a child process. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'alongside.js');

export interface CliDatabase extends TestDatabase {
  /** DATABASE_URL for the child process (on PostgreSQL it selects this database's schema). */
  cliUrl: string;
}

/** An empty, unmigrated database of this run's dialect: the CLI must set it up itself. */
export async function emptyDatabase(): Promise<CliDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alongside-cli-'));
  if (TEST_DIALECT === 'sqlite') {
    const url = `sqlite:${join(dataDir, 'alongside.db')}`;
    return { url, cliUrl: url, dataDir, open: () => openDatabase(url), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client(POSTGRES_URL);
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  // pg reads libpq's `options` from the URL, so the child process gets this schema through DATABASE_URL alone.
  const cliUrl = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url: POSTGRES_URL,
    cliUrl,
    schema,
    dataDir,
    open: () => openDatabase(POSTGRES_URL, { schema }),
    drop: async () => {
      await admin(`DROP SCHEMA ${schema} CASCADE`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing from the test runner's own env (e.g. a stray ALONGSIDE_ADMIN_PASSWORD) leaks in. */
function cliEnv(database: CliDatabase | undefined, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // A fixed secret, so no session-secret file is written anywhere.
    SESSION_SECRET: 'cli-test-secret-cli-test-secret-0123456789',
    // Without a test database, nothing may touch the project's own data/ folder.
    ...(database ? { DATABASE_URL: database.cliUrl, DATA_DIR: database.dataDir } : { DATABASE_URL: 'sqlite::memory:', DATA_DIR: tmpdir() }),
    ...env,
  };
}

export function startCli(args: string[], options: { database?: CliDatabase; env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: cliEnv(options.database, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], options: { database?: CliDatabase; env?: Record<string, string> } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return collect(child);
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
