/**
 * `npm run bench`: first the SPC engine's throughput (bench/spc.ts, in this process, before any
 * server starts); then how much does our stack cost over a bare Fastify reply of the same bytes?
 *
 * (a) the real app (src/main.ts in its own process, SQLite temp file, production mode, quiet log,
 *     no worker) serving the signed-in home page `/`, session cookie and all;
 * (b) a bare Fastify server (bench/bare-server.ts, its own process) returning exactly the bytes
 *     and content type that (a) returned.
 * Both are measured in the same run on the same machine, so the ratio a/b means something where
 * absolute requests/sec do not. Between the SPC bench and (a), bench/portfolio.ts times the
 * portfolio page and a measure page with 500 projects, then bench/insights.ts the involvement
 * dashboard with 5,000 projects and 2,000 meetings, then bench/payments.ts the payments pages and a
 * finance export with 100,000 claims, then bench/people-import.ts, then bench/story-search.ts
 * full-text search over 100,000 public stories, then bench/story-measures.ts the story measures
 * page over 100,000 stories, on SQLite and PostgreSQL (`--no-postgres` leaves
 * PostgreSQL out). Budgets: bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import { createAdmin } from '../src/features/users/service.ts';
import { openDatabase } from '../src/platform/db/index.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { benchInsights, describeInsightsBench, INSIGHTS_ITERATIONS, INSIGHTS_WARMUP, insightsWithinBudget } from './insights.ts';
import { benchPayments, describePaymentsBench, PAYMENTS_ITERATIONS, PAYMENTS_WARMUP, paymentsWithinBudget } from './payments.ts';
import { benchPeopleImport, describePeopleImportBench, importWithinBudget } from './people-import.ts';
import { benchPortfolio, DEFAULT_ITERATIONS, DEFAULT_WARMUP, describePortfolioBench, withinBudget } from './portfolio.ts';
import { benchSpc, describeSpcBench, SPC_BUDGET_POINTS_PER_SECOND } from './spc.ts';
import { benchStoryMeasures, describeStoryMeasuresBench, STORY_MEASURES_ITERATIONS, STORY_MEASURES_WARMUP, storyMeasuresWithinBudget } from './story-measures.ts';
import { benchStorySearch, describeStorySearchBench, STORY_SEARCH_DEFAULT_STORIES, STORY_SEARCH_ITERATIONS, STORY_SEARCH_WARMUP, storySearchWithinBudget } from './story-search.ts';

/** The home page must manage at least this share of the bare server's requests/sec. */
export const BUDGET_RATIO = 0.6;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    'no-postgres': { type: 'boolean', default: false },
  },
});
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);

const write = (line = ''): void => void process.stdout.write(`${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

/** Runs a TypeScript file in its own Node process (through tsx, as bin/alongside.js does). */
function startTs(file: string, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && !stopping) {
      process.stderr.write(`${file} exited early (code ${code}, signal ${signal})\n${stderr}\n`);
      process.exit(1);
    }
  });
  children.push(child);
  return child;
}

async function waitUntilReady(url: string, seconds = 30): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready in ${seconds}s`);
}

const cookiePairs = (res: Response): string[] => res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');

/** Signs in through the real sign-in form (CSRF token and all) and returns the Cookie header to send. */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!token) throw new Error('no CSRF token on the sign-in page');
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiePairs(form).join('; ') },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  const session = cookiePairs(res).find((c) => c.includes('session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return session;
}

async function measure(title: string, url: string, headers: Record<string, string>): Promise<Result> {
  await autocannon({ url, headers, connections: CONNECTIONS, duration: WARMUP });
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${title}: ${result.non2xx} non-2xx responses and ${result.errors} errors; the figures would mean nothing`);
  }
  return result;
}

let stopping = false;
async function main(): Promise<void> {
  write(`Alongside bench: Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'})`);
  write('');
  const spc = benchSpc();
  for (const line of describeSpcBench(spc)) write(line);
  if (spc.pointsPerSecond < SPC_BUDGET_POINTS_PER_SECOND) process.exitCode = 1;
  write('');

  // The portfolio and measure pages with 500 projects, in this process, on both databases (bench/portfolio.ts).
  const portfolio = await benchPortfolio({ postgres: !args['no-postgres'] });
  for (const line of describePortfolioBench(portfolio, DEFAULT_ITERATIONS, DEFAULT_WARMUP)) write(line);
  if (!withinBudget(portfolio.results)) process.exitCode = 1;
  write('');

  // The involvement dashboard for a trust with 5,000 projects and 2,000 meetings, in this process, on both databases (bench/insights.ts).
  const insights = await benchInsights({ postgres: !args['no-postgres'] });
  for (const line of describeInsightsBench(insights, INSIGHTS_ITERATIONS, INSIGHTS_WARMUP)) write(line);
  if (!insightsWithinBudget(insights.results)) process.exitCode = 1;
  write('');

  // The payments pages and one finance export for a trust with 100,000 claims, in this process, on both databases (bench/payments.ts).
  const payments = await benchPayments({ postgres: !args['no-postgres'] });
  for (const line of describePaymentsBench(payments, PAYMENTS_ITERATIONS, PAYMENTS_WARMUP)) write(line);
  if (!paymentsWithinBudget(payments.results)) process.exitCode = 1;
  write('');

  // Importing a 100,000-row register through the people-import service, each database in its own process (bench/people-import.ts).
  const peopleImport = await benchPeopleImport({ postgres: !args['no-postgres'] });
  for (const line of describePeopleImportBench(peopleImport)) write(line);
  if (!importWithinBudget(peopleImport.results)) process.exitCode = 1;
  write('');

  // Full-text search over the public stories site: 100,000 stories here (1,000,000 with
  // `npx tsx bench/story-search.ts`), in this process, on both databases (bench/story-search.ts).
  const storySearch = await benchStorySearch({ stories: STORY_SEARCH_DEFAULT_STORIES, postgres: !args['no-postgres'] });
  for (const line of describeStorySearchBench(storySearch, STORY_SEARCH_ITERATIONS, STORY_SEARCH_WARMUP)) write(line);
  if (!storySearchWithinBudget(storySearch.results)) process.exitCode = 1;
  write('');

  // The story measures page and its CSV over 100,000 stories, in this process, on both databases (bench/story-measures.ts).
  const storyMeasures = await benchStoryMeasures({ postgres: !args['no-postgres'] });
  for (const line of describeStoryMeasuresBench(storyMeasures, STORY_MEASURES_ITERATIONS, STORY_MEASURES_WARMUP)) write(line);
  if (!storyMeasuresWithinBudget(storyMeasures.results)) process.exitCode = 1;
  write('');

  const dir = mkdtempSync(join(tmpdir(), 'alongside-bench-'));
  try {
    // An admin made directly in the database (so the first-start bootstrap stays quiet).
    const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
    const email = 'bench@example.org';
    const password = randomBytes(12).toString('base64url');
    const setup = openDatabase(databaseUrl);
    await migrateToLatest(setup.db);
    await createAdmin(setup.db, { email, name: 'Bench Admin', password, trustName: 'Bench NHS Trust' });
    await setup.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    startTs('src/main.ts', [], {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      BASE_URL: base,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dir,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'silent',
      RUN_WORKER: 'false',
    });
    await waitUntilReady(`${base}/ready`);
    const cookie = await signIn(base, email, password);

    // The exact bytes and content type of the signed-in home page, for the baseline to return.
    const home = await fetch(`${base}/`, { headers: { cookie }, redirect: 'manual' });
    if (home.status !== 200) throw new Error(`home page: HTTP ${home.status}`);
    const body = Buffer.from(await home.arrayBuffer());
    const contentType = home.headers.get('content-type') ?? 'text/html; charset=utf-8';
    const bodyFile = join(dir, 'home.html');
    writeFileSync(bodyFile, body);

    const bare = startTs('bench/bare-server.ts', [bodyFile, contentType], { PATH: process.env.PATH });
    const barePort = await new Promise<number>((resolve) => {
      bare.stdout?.setEncoding('utf8').once('data', (d: string) => resolve((JSON.parse(d) as { port: number }).port));
    });
    await waitUntilReady(`http://127.0.0.1:${barePort}/`);

    write(`autocannon: ${CONNECTIONS} connections, ${WARMUP}s warm-up then ${DURATION}s each; page is ${body.length} bytes of ${contentType}`);
    write('');
    const a = await measure('home page', `${base}/`, { cookie });
    const b = await measure('bare Fastify', `http://127.0.0.1:${barePort}/`, {});
    const line = (label: string, r: Result): string =>
      `${label.padEnd(42)} ${r.requests.average.toFixed(0).padStart(7)} req/s   latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`;
    write(line('(a) signed-in home page /', a));
    write(line('(b) bare Fastify, same bytes', b));
    const ratio = a.requests.average / b.requests.average;
    const verdict = ratio >= BUDGET_RATIO ? 'within budget' : 'BELOW BUDGET';
    write('');
    write(`ratio a/b: ${ratio.toFixed(2)}  (budget >= ${BUDGET_RATIO}: ${verdict})`);
    if (ratio < BUDGET_RATIO) process.exitCode = 1;
  } finally {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
