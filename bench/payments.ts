/**
 * Payments pages at trust scale (issue 8): how long the real app takes to render the finance list
 * of lines to pay, the overdue list, a busy person's payments and the involvement dashboard (with
 * its promptness charts) for a trust with 3,000 people in the register and 100,000 claims over
 * three years (about 250,000 lines and 500,000 ledger entries), on SQLite and PostgreSQL; and how
 * long one finance export of the ~2,500 owed lines not yet exported takes.
 *
 * Per database: a fresh database (bench/databases.ts) is migrated and filled in bulk
 * (bench/payments-data.ts, multi-row inserts in one transaction), then ANALYZEd as a live database
 * would be. The real app (buildApp, production mode, no logger) renders each page through
 * `app.inject` with an admin's session cookie: a warm-up, then N renders one after another. Each
 * page is checked against what the data says it must show (rows, links, counts), and the baseline
 * is a bare Fastify instance replying with the same bytes, so the ratio bare/page does not depend
 * on the machine. The promptness figures (payment-reports promptness(), what the dashboard adds
 * for payments) are also timed alone. Last, the finance export is made once through its form
 * (POST /finance/exports, CSRF token and all), since it takes the lines it exports, and its line
 * count and total are checked against the data.
 *
 * Run alone with `npx tsx bench/payments.ts [--iterations 20] [--warmup 5] [--no-postgres]`;
 * `npm run bench` runs it after the involvement dashboard. Budgets: bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { monthsUpTo } from '../src/features/insights/service.ts';
import { daysBefore, promptness } from '../src/features/payment-reports/service.ts';
import { taxYearOf } from '../src/features/payments/service.ts';
import { currentMonth, londonDate } from '../src/features/projects/service.ts';
import type { Db, Dialect } from '../src/platform/db/index.ts';
import { BENCH_POSTGRES_URL, freshDatabase, postgresReachable } from './databases.ts';
import { benchApp, cookiesOf, percentile, signIn, timeBare, timed, timePage, type Timing } from './inject-timing.ts';
import { BENCH_CLAIMS, BENCH_PAYEES, fillPayments, type FilledPayments } from './payments-data.ts';

/** The pages must stay quick at trust scale: the median render under half a second. */
export const PAYMENTS_BUDGET_MEDIAN_MS = 500;
export const PAYMENTS_ITERATIONS = 20;
export const PAYMENTS_WARMUP = 5;
/** The finance list and the overdue list show 50 rows a page. */
const PAGE_ROWS = 50;

export interface PaymentsPage {
  page: string;
  url: string;
  timing: Timing;
  bare: Timing;
  /** What the check found on the page, in words. */
  shows: string;
}

export interface ExportRun {
  ms: number;
  lines: number;
  totalPence: number;
}

export interface PaymentsDialectResult {
  dialect: Dialect;
  fillSeconds: number;
  counts: FilledPayments['counts'];
  pages: PaymentsPage[];
  /** The dashboard's promptness figures alone (24 months, whole trust), median ms. */
  promptnessMs: number;
  exportRun: ExportRun;
}

const count = (body: string, pattern: RegExp): number => (body.match(pattern) ?? []).length;

/** The part of a page inside the element with this id, up to the end of its table. */
function tableOf(url: string, body: string, id: string): string {
  const start = body.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`${url}: no ${id} on the page`);
  const end = body.indexOf('</table>', start);
  return body.slice(start, end < 0 ? undefined : end);
}

function expect(url: string, what: string, found: number, wanted: number): void {
  if (found !== wanted) throw new Error(`${url}: ${found} ${what}, expected ${wanted}; the figures would mean nothing`);
}

/** A finance list page: 50 lines to pay (a tick box each), a next page, and the export filter honoured. */
function checkFinance(url: string, body: string, exported: 'all' | 'exported' | 'not_exported'): string {
  expect(url, 'lines to pay', count(body, /name="line"/g), PAGE_ROWS);
  if (!body.includes('after=')) throw new Error(`${url}: no link to the next page`);
  const inExport = count(body, />\s*In export \d+\s*</g);
  const notInExport = count(body, />\s*Not exported\s*</g);
  if (exported === 'exported') expect(url, 'lines in an export', inExport, PAGE_ROWS);
  if (exported === 'not_exported') expect(url, 'lines not exported', notInExport, PAGE_ROWS);
  if (inExport + notInExport !== PAGE_ROWS) throw new Error(`${url}: ${inExport} + ${notInExport} export tags for ${PAGE_ROWS} lines`);
  return `${PAGE_ROWS} lines (${inExport} exported), next page`;
}

/** The overdue list: the count in its sentence, 50 rows linking to each person's payments, and a next page. */
function checkOverdue(url: string, body: string, overdue: number): string {
  const said = /([\d,]+) claims have waited more than/.exec(body)?.[1];
  expect(url, 'claims said to be overdue', Number(said?.replace(/,/g, '') ?? NaN), overdue);
  expect(url, 'overdue rows', count(tableOf(url, body, 'overdue-data'), /href="\/payments\/people\/\d+"/g), PAGE_ROWS);
  if (!body.includes('after=')) throw new Error(`${url}: no link to the next page`);
  return `${overdue} overdue, ${PAGE_ROWS} rows, next page`;
}

/** A person's payments: a row for each claim with activity this tax year, and a statement link for each tax year since their first claim. */
function checkPerson(url: string, body: string, claims: number, years: number): string {
  expect(url, 'claims this tax year', count(tableOf(url, body, 'claims-data'), /<tr class="nhsuk-table__row">/g) - 1, claims);
  expect(url, 'statement links', count(body, /href="\/payments\/people\/\d+\/statement\/\d{4}"/g), years);
  return `${claims} claims this tax year, ${years} statements`;
}

/** The dashboard: both promptness charts, and each of their data tables linking every month to the claims paid in it. */
function checkInsights(url: string, body: string, months: number): string {
  for (const id of ['insights-days-to-pay-title', 'insights-paid-within-title', 'promptness-days-data', 'promptness-within-data']) {
    if (!body.includes(`id="${id}"`)) throw new Error(`${url}: no ${id} on the page`);
  }
  expect(url, 'links to a month of claims paid', count(body, /href="\/payments\/paid\?month=\d{4}-\d{2}"/g), 2 * months);
  return `both promptness charts, ${months} months linked in each table`;
}

/** Makes one finance export through its form, timed, and checks it took exactly the lines not yet exported. */
async function exportOnce(app: FastifyInstance, handle: { db: Db }, cookie: string, wanted: FilledPayments['notExported']): Promise<ExportRun> {
  const page = await app.inject({ method: 'GET', url: '/finance', headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) throw new Error('no CSRF token on /finance');
  const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: [cookie, ...cookiesOf(page).filter((c) => !c.includes('session='))].join('; ') };
  const before = await handle.db.selectFrom('finance_exports').select((eb) => eb.fn.max<number | null>('id').as('id')).executeTakeFirstOrThrow();
  const start = process.hrtime.bigint();
  const res = await app.inject({ method: 'POST', url: '/finance/exports', headers, payload: new URLSearchParams({ _csrf: token }).toString() });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.statusCode !== 303) throw new Error(`POST /finance/exports: HTTP ${res.statusCode}`);
  const made = await handle.db.selectFrom('finance_exports').select(['id', 'line_count', 'total_pence']).where('id', '>', Number(before.id ?? 0)).execute();
  if (made.length !== 1) throw new Error(`POST /finance/exports made ${made.length} exports, expected 1`);
  const [row] = made as [(typeof made)[number]];
  expect('POST /finance/exports', 'lines exported', Number(row.line_count), wanted.lines);
  expect('POST /finance/exports', 'pence exported', Number(row.total_pence), wanted.totalPence);
  return { ms, lines: Number(row.line_count), totalPence: Number(row.total_pence) };
}

async function benchDialect(dialect: Dialect, warmup: number, iterations: number): Promise<PaymentsDialectResult> {
  const database = await freshDatabase(dialect, 'payments');
  try {
    const handle = database.open();
    try {
      const password = randomBytes(12).toString('base64url');
      const now = new Date();
      const started = process.hrtime.bigint();
      const filled = await fillPayments(handle, password, now);
      // A live database has planner statistics; a bulk-filled one has none until analysed. On
      // PostgreSQL autovacuum also vacuums tables that are mostly inserted into (13 and later), which
      // marks their pages all-visible, so index-only scans need no table reads: do that too.
      await sql`${sql.raw(dialect === 'postgres' ? 'vacuum analyze' : 'analyze')}`.execute(handle.db);
      const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;

      const today = londonDate(now);
      const { target_days: targetDays } = await handle.db.selectFrom('payment_settings').select('target_days').where('id', '=', 1).executeTakeFirstOrThrow();
      const overdueBefore = daysBefore(today, targetDays);
      const overdue = filled.waitingDays.filter((d) => d < overdueBefore).length;
      const year = taxYearOf(today);
      const busiest = filled.busiest;
      const busiestThisYear = busiest.activityDays.filter((d) => d >= year.start && d <= year.end).length;
      const firstYear = taxYearOf([...busiest.activityDays].sort()[0] ?? today).startYear;
      const statementYears = year.startYear - firstYear + 1;

      const months = monthsUpTo(currentMonth(now), 24);
      const promptnessRuns = await timed(() => promptness(handle.db, { prefixes: [filled.trust.path], months }, now), 2, 10);

      const app = await benchApp(database, handle);
      try {
        const cookie = await signIn(app, filled.adminEmail, password);
        const targets: { page: string; url: string; check: (url: string, body: string) => string }[] = [
          { page: '/finance, first page', url: '/finance', check: (u, b) => checkFinance(u, b, 'all') },
          { page: '/finance, not exported', url: '/finance?exported=not_exported', check: (u, b) => checkFinance(u, b, 'not_exported') },
          { page: '/finance, exported', url: '/finance?exported=exported', check: (u, b) => checkFinance(u, b, 'exported') },
          { page: '/payments/overdue', url: '/payments/overdue', check: (u, b) => checkOverdue(u, b, overdue) },
          { page: `/payments/people/:id (${busiest.activityDays.length} claims)`, url: `/payments/people/${busiest.personId}`, check: (u, b) => checkPerson(u, b, busiestThisYear, statementYears) },
          { page: '/insights, 24 months', url: '/insights', check: (u, b) => checkInsights(u, b, 24) },
          { page: '/insights, 36 months', url: '/insights?months=36', check: (u, b) => checkInsights(u, b, 36) },
        ];
        const pages: PaymentsPage[] = [];
        for (const target of targets) {
          const { timing, body, contentType } = await timePage(app, target.url, cookie, warmup, iterations);
          const shows = target.check(target.url, body);
          pages.push({ page: target.page, url: target.url, timing, bare: await timeBare(body, contentType, warmup, iterations), shows });
        }
        // Last: the export takes the lines it exports, so it runs once.
        const exportRun = await exportOnce(app, handle, cookie, filled.notExported);
        return { dialect, fillSeconds, counts: filled.counts, pages, promptnessMs: percentile(promptnessRuns, 50), exportRun };
      } finally {
        await app.close();
      }
    } finally {
      await handle.close();
    }
  } finally {
    await database.drop();
  }
}

export async function benchPayments(options: { iterations?: number; warmup?: number; postgres?: boolean; sqlite?: boolean } = {}): Promise<{ results: PaymentsDialectResult[]; skipped: string[] }> {
  const warmup = options.warmup ?? PAYMENTS_WARMUP;
  const iterations = options.iterations ?? PAYMENTS_ITERATIONS;
  const results: PaymentsDialectResult[] = [];
  const skipped: string[] = [];
  if (options.sqlite !== false) results.push(await benchDialect('sqlite', warmup, iterations));
  else skipped.push('SQLite skipped (--no-sqlite)');
  if (options.postgres !== false) {
    const problem = await postgresReachable();
    if (problem) skipped.push(`PostgreSQL skipped: cannot connect to ${BENCH_POSTGRES_URL} (${problem})`);
    else results.push(await benchDialect('postgres', warmup, iterations));
  } else {
    skipped.push('PostgreSQL skipped (--no-postgres)');
  }
  return { results, skipped };
}

export function paymentsWithinBudget(results: PaymentsDialectResult[]): boolean {
  return results.every((r) => r.pages.every((p) => p.timing.median <= PAYMENTS_BUDGET_MEDIAN_MS));
}

export function describePaymentsBench({ results, skipped }: { results: PaymentsDialectResult[]; skipped: string[] }, iterations: number, warmup: number): string[] {
  const lines = [`Payments pages: ${BENCH_PAYEES} people, ${BENCH_CLAIMS} claims over 3 years; app.inject as an admin, ${warmup} warm-up then ${iterations} renders each`];
  const f = (ms: number): string => ms.toFixed(1).padStart(7);
  for (const r of results) {
    const c = r.counts;
    const s = c.statuses;
    lines.push(
      `  ${r.dialect} (filled in ${r.fillSeconds.toFixed(1)} s: ${c.units} units, ${c.people} people, ${c.claims} claims, ${c.lines} lines, ${c.entries} ledger entries, ${c.exports} exports of ${c.exportItems} lines;`,
      `    claims ${s.approved} approved (${c.paidClaims} paid, ${c.unpaidClaims} not yet: ${c.owedLines} lines owed, ${c.owedExported} of them exported), ${s.submitted} submitted, ${s.second_approval} at second approval, ${s.draft} drafts, ${s.rejected} rejected;`,
      `    ${c.paymentsReturned} payments returned and paid again, ${c.owedReversed} owed entries reversed):`,
    );
    for (const p of r.pages) {
      const verdict = p.timing.median <= PAYMENTS_BUDGET_MEDIAN_MS ? 'within budget' : 'OVER BUDGET';
      lines.push(`    ${p.page.padEnd(40)} median ${f(p.timing.median)} ms, p95 ${f(p.timing.p95)} ms (budget median <= ${PAYMENTS_BUDGET_MEDIAN_MS} ms: ${verdict}); ${Math.round(p.timing.bytes / 1024)} KB; ${p.shows}`);
      lines.push(`    ${'  bare Fastify reply, same bytes'.padEnd(40)} median ${f(p.bare.median)} ms, p95 ${f(p.bare.p95)} ms; ratio bare/page (medians) ${(p.bare.median / p.timing.median).toFixed(3)}`);
    }
    lines.push(`    promptness figures alone (24 months, whole trust): ${f(r.promptnessMs)} ms median`);
    const e = r.exportRun;
    lines.push(`    finance export (POST /finance/exports, once): ${e.lines} lines, ${(e.totalPence / 100).toFixed(2)} pounds in ${e.ms.toFixed(0)} ms (${Math.round(e.lines / (e.ms / 1000))} lines/s)`);
  }
  for (const s of skipped) lines.push(`  ${s}`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: String(PAYMENTS_ITERATIONS) },
      warmup: { type: 'string', default: String(PAYMENTS_WARMUP) },
      'no-postgres': { type: 'boolean', default: false },
      'no-sqlite': { type: 'boolean', default: false },
    },
  });
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  const started = Date.now();
  const outcome = await benchPayments({ iterations, warmup, postgres: !values['no-postgres'], sqlite: !values['no-sqlite'] });
  for (const line of describePaymentsBench(outcome, iterations, warmup)) process.stdout.write(`${line}\n`);
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s in all)\n`);
  if (!paymentsWithinBudget(outcome.results)) process.exitCode = 1;
}
