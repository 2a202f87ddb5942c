/**
 * Importing a 100,000-row register through the people-import service, as the pages do: upload
 * (read the CSV and keep its rows), map the columns, the dry-run preview (validate every row, look
 * for duplicates in the file and the register) and the import itself (validate, dedupe, insert
 * people, their attributes and status history in batches, one transaction). Target (issue 5):
 * ≤ 10 s and ≤ 300 MB peak RSS.
 *
 * The parent process writes the CSV to a temporary file once; each database then runs in its own
 * Node process that reads the file, so the peak RSS is that import's alone (the generator's memory
 * is not counted). Each child reports its peak RSS, its RSS just before the upload (Node, tsx, the
 * modules, the migrated database and the file's bytes) and the difference, what the import adds:
 * `npx tsx bench/people-import.ts [--rows 100000] [--no-postgres]`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { insertUnit } from '../src/features/org/service.ts';
import { guessMapping, INITIAL_DEFAULTS } from '../src/features/people-import/mapping.ts';
import { commitImport, previewImport, saveMapping, startImport } from '../src/features/people-import/service.ts';
import type { ServiceContext } from '../src/platform/context.ts';
import { nowIso, type Dialect } from '../src/platform/db/index.ts';
import { BENCH_POSTGRES_URL, freshDatabase, postgresReachable } from './databases.ts';

export const IMPORT_ROWS = 100_000;
export const IMPORT_BUDGET_SECONDS = 10;
export const IMPORT_BUDGET_RSS_MB = 300;
const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ImportBenchResult {
  dialect: Dialect;
  rows: number;
  megabytes: number;
  seconds: { upload: number; preview: number; import: number; total: number };
  imported: number;
  skipped: number;
  badRows: number;
  peakRssMb: number;
  /** The process's peak before the upload: Node, tsx, the modules, the migrated database and the file's bytes. */
  baselineRssMb: number;
  /** What the import adds: peak minus baseline. */
  addedRssMb: number;
}

const HEADERS = ['Full name', 'Email', 'Phone', 'Postcode', 'Status', 'Access needs', 'Availability', 'Interests', 'Skills', 'Heard via', 'Notes'];
const STATUSES = ['Enquiry', 'active', 'Contacted', 'paused'];
const ACCESS = ['', '', 'Step-free access', 'hearing loop; quiet room', 'BSL interpreter'];
const AVAILABILITY = ['', 'mon_am', 'Tuesday afternoon; wed_pm', 'fri eve'];
const INTERESTS = ['"mental health, carers"', 'art', '"housing, peer support, research"', ''];

function registerLine(i: number): string {
  const bad = i % 97 === 13;
  const duplicate = i % 101 === 50 && i > 100;
  const email = duplicate ? `person${i - 100}@example.org` : `person${i}@example.org`;
  return [
    `Person ${i} Example`,
    bad ? 'not-an-email' : email,
    `07${String(700_000_000 + i)}`,
    `LU${(i % 9) + 1} ${(i % 9) + 1}AB`,
    STATUSES[i % STATUSES.length],
    ACCESS[i % ACCESS.length],
    AVAILABILITY[i % AVAILABILITY.length],
    INTERESTS[i % INTERESTS.length],
    i % 3 === 0 ? 'qi introduction' : '',
    i % 2 ? 'Word of mouth' : 'stall',
    i % 10 === 0 ? '"Met at the library stall, would like evening meetings"' : '',
  ].join(',');
}

/**
 * A seeded register, written to a file a thousand lines at a time (never held whole as strings):
 * about 1 row in 97 has a problem and 1 in 101 repeats an earlier row's email.
 */
export function writeRegisterCsv(path: string, rows: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, HEADERS.join(','));
    for (let i = 0; i < rows; i += 1000) {
      const chunk: string[] = [];
      for (let j = i; j < Math.min(rows, i + 1000); j++) chunk.push(registerLine(j));
      writeSync(fd, `\n${chunk.join('\n')}`);
    }
  } finally {
    closeSync(fd);
  }
}


/** One database, in this process, importing the CSV file at `csvPath`. */
export async function benchOne(dialect: Dialect, rows: number, csvPath: string): Promise<ImportBenchResult> {
  const database = await freshDatabase(dialect, 'import');
  const handle = database.open();
  try {
    const now = nowIso();
    const trust = await insertUnit(handle.db, { name: 'Bench NHS Trust', kind: 'trust', parentId: null }, now);
    const team = await insertUnit(handle.db, { name: 'Bench Team', kind: 'team', parentId: trust.id }, now);
    const { id: userId } = await handle.db
      .insertInto('users')
      .values({ email: 'lead@example.org', name: 'Bench Lead', password_hash: null, failed_sign_ins: 0, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'sqlite::memory:', SESSION_SECRET: randomBytes(32).toString('base64url'), BASE_URL: 'http://127.0.0.1:3000', LOG_LEVEL: 'silent' });
    const ctx: ServiceContext = {
      db: handle.db,
      dialect,
      config,
      ip: null,
      principal: { userId, email: 'lead@example.org', name: 'Bench Lead', grants: [{ unitId: trust.id, unitPath: trust.path, role: 'lead' }] },
    };
    const csv = readFileSync(csvPath);

    const mem = (label: string) => process.env.BENCH_MEMORY && process.stderr.write(`${label}: rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB, max ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
    mem('before');
    const baselineRssMb = process.resourceUsage().maxRSS / 1024;
    const t0 = performance.now();
    const id = await startImport(ctx, { unitId: team.id, fileName: 'register.csv', buffer: csv }, { maxBytes: Number.POSITIVE_INFINITY });
    const form: Record<string, unknown> = {};
    guessMapping(HEADERS).forEach((f, i) => (form[`column-${i}`] = f ?? ''));
    for (const [k, v] of Object.entries(INITIAL_DEFAULTS)) form[`default-${k}`] = v;
    await saveMapping(ctx, id, form);
    const t1 = performance.now();
    mem('uploaded');
    const { preview } = await previewImport(ctx, id);
    const t2 = performance.now();
    mem('previewed');
    const outcome = await commitImport(ctx, id, { mode: 'good' });
    const t3 = performance.now();
    mem('imported');
    if ('refused' in outcome) throw new Error(`import refused: ${outcome.message}`);
    const count = await handle.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(count.n) !== outcome.result.imported || preview.good !== outcome.result.imported + outcome.result.skipped) throw new Error('counts do not add up');
    return {
      dialect,
      rows,
      megabytes: csv.length / 1024 / 1024,
      seconds: { upload: (t1 - t0) / 1000, preview: (t2 - t1) / 1000, import: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
      imported: outcome.result.imported,
      skipped: outcome.result.skipped,
      badRows: outcome.result.badRows,
      // maxRSS is in kilobytes on Linux: the peak of this process, start-up and generated CSV included.
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      baselineRssMb,
      addedRssMb: process.resourceUsage().maxRSS / 1024 - baselineRssMb,
    };
  } finally {
    await handle.close();
    await database.drop();
  }
}


/** Runs one database in its own Node process and reads its result. */
function inChild(dialect: Dialect, rows: number, csvPath: string): Promise<ImportBenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/people-import.ts', '--child', dialect, '--rows', String(rows), '--csv', csvPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`people-import bench (${dialect}) failed:\n${err}`));
      if (process.env.BENCH_MEMORY) process.stderr.write(err);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ImportBenchResult);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

export async function benchPeopleImport(options: { rows?: number; postgres?: boolean } = {}): Promise<{ results: ImportBenchResult[]; skipped: string[] }> {
  const rows = options.rows ?? IMPORT_ROWS;
  const dir = mkdtempSync(join(tmpdir(), 'alongside-bench-csv-'));
  const csvPath = join(dir, 'register.csv');
  try {
    writeRegisterCsv(csvPath, rows);
    const results = [await inChild('sqlite', rows, csvPath)];
    const skipped: string[] = [];
    if (options.postgres !== false) {
      const problem = await postgresReachable();
      if (problem) skipped.push(`PostgreSQL skipped: cannot connect to ${BENCH_POSTGRES_URL} (${problem})`);
      else results.push(await inChild('postgres', rows, csvPath));
    }
    return { results, skipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function importWithinBudget(results: ImportBenchResult[]): boolean {
  return results.every((r) => r.seconds.total <= IMPORT_BUDGET_SECONDS && r.peakRssMb <= IMPORT_BUDGET_RSS_MB);
}

export function describePeopleImportBench({ results, skipped }: { results: ImportBenchResult[]; skipped: string[] }): string[] {
  const lines = [`People import: ${results[0]?.rows.toLocaleString('en-GB')} CSV rows (${results[0]?.megabytes.toFixed(1)} MB), upload → map → preview → import "only the good rows", each database in its own process`];
  for (const r of results) {
    const s = r.seconds;
    const verdict = r.seconds.total <= IMPORT_BUDGET_SECONDS && r.peakRssMb <= IMPORT_BUDGET_RSS_MB ? 'within budget' : 'OVER BUDGET';
    lines.push(
      `  ${r.dialect.padEnd(9)} ${s.total.toFixed(1)} s (upload ${s.upload.toFixed(1)}, preview ${s.preview.toFixed(1)}, import ${s.import.toFixed(1)}), peak RSS ${r.peakRssMb.toFixed(0)} MB (${r.baselineRssMb.toFixed(0)} MB before the upload, so the import adds ${r.addedRssMb.toFixed(0)} MB); ` +
        `${r.imported} imported, ${r.skipped} duplicates skipped, ${r.badRows} bad rows left out  (budget ≤ ${IMPORT_BUDGET_SECONDS} s, ≤ ${IMPORT_BUDGET_RSS_MB} MB: ${verdict})`,
    );
  }
  return [...lines, ...skipped.map((s) => `  ${s}`)];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: String(IMPORT_ROWS) }, child: { type: 'string' }, csv: { type: 'string' }, 'no-postgres': { type: 'boolean', default: false } } });
  const rows = Number(values.rows);
  if (values.child === 'sqlite' || values.child === 'postgres') {
    if (!values.csv || !statSync(values.csv).isFile()) throw new Error('--child needs --csv <file>');
    process.stdout.write(`${JSON.stringify(await benchOne(values.child, rows, values.csv))}\n`);
  } else {
    const outcome = await benchPeopleImport({ rows, postgres: !values['no-postgres'] });
    for (const line of describePeopleImportBench(outcome)) process.stdout.write(`${line}\n`);
    if (!importWithinBudget(outcome.results)) process.exitCode = 1;
  }
}
