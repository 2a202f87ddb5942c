/**
 * Involvement dashboard render time (issue 6, Performance): how long the real app takes to render
 * `/insights` for a trust with 5,000 QI projects (stage and involvement history, partners joining
 * and leaving over 30 months) and 2,000 meetings (about 15 attendance rows and 2 actions each),
 * with 1,500 people in the register and 12,000 involvement activities, on SQLite and PostgreSQL.
 *
 * Per database: a fresh database (bench/databases.ts) is migrated and filled in bulk
 * (bench/insights-data.ts, multi-row inserts in one transaction), then ANALYZEd as a live database
 * would be. The real app (buildApp, production mode, no logger) renders the page through
 * `app.inject` with an admin's session cookie: a warm-up, then N renders one after another, trust
 * wide (24 months, the default) and for 36 months. The baseline is a bare Fastify instance
 * replying with the same bytes, so the ratio bare/page (as in bench/portfolio.ts) does not depend
 * on the machine. Also timed alone: the p chart's series query (projects/queries.ts
 * involvementShareByMonth) and the month-by-month alternative it replaces (involvementShare once a
 * month), so the saving is visible.
 *
 * Run alone with `npx tsx bench/insights.ts [--iterations 20] [--warmup 5] [--no-postgres]`;
 * `npm run bench` runs it after the portfolio bench. Budgets: bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import * as projectQueries from '../src/features/projects/queries.ts';
import { currentMonth, monthEnd } from '../src/features/projects/service.ts';
import { monthsUpTo } from '../src/features/insights/service.ts';
import type { Db, Dialect } from '../src/platform/db/index.ts';
import { freshDatabase, onEachDialect } from './databases.ts';
import { benchApp, percentile, signIn, timeBare, timed, timePage, type Timing } from './inject-timing.ts';
import { BENCH_MEETINGS, BENCH_PROJECTS, fillTrust, type FilledTrust } from './insights-data.ts';

/** The issue asks for "well under a second": the median render must be under half of one. */
export const INSIGHTS_BUDGET_MEDIAN_MS = 500;
export const INSIGHTS_ITERATIONS = 20;
export const INSIGHTS_WARMUP = 5;

export interface InsightsPage {
  page: string;
  url: string;
  timing: Timing;
  bare: Timing;
}

export interface InsightsDialectResult {
  dialect: Dialect;
  fillSeconds: number;
  counts: FilledTrust['counts'];
  pages: InsightsPage[];
  /** The p chart's query for 24 months, median ms: one series query, and one query a month. */
  seriesMs: number;
  perMonthMs: number;
}

/** What the page must show for the figures to mean anything: both charts, their tables, every meeting. */
function checkPage(url: string, body: string, meetingsHeld: number): void {
  for (const id of ['insights-share-title', 'insights-attendance-title', 'share-data', 'attendance-data', 'monthly-data']) {
    if (!body.includes(`id="${id}"`)) throw new Error(`${url}: no ${id} on the page`);
  }
  const meetingLinks = (body.match(/href="\/meetings\/\d+"/g) ?? []).length;
  if (meetingLinks !== meetingsHeld) throw new Error(`${url}: ${meetingLinks} meeting links, expected ${meetingsHeld}`);
}

async function benchDialect(dialect: Dialect, warmup: number, iterations: number): Promise<InsightsDialectResult> {
  const database = await freshDatabase(dialect, 'insights');
  try {
    const handle = database.open();
    try {
      const password = randomBytes(12).toString('base64url');
      const started = process.hrtime.bigint();
      const filled = await fillTrust(handle.db, password);
      // A live database has planner statistics; a bulk-filled one has none until analysed.
      await sql`analyze`.execute(handle.db);
      const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;

      const months = monthsUpTo(currentMonth(), 24).map((month) => ({ month, ...monthEnd(month) }));
      const prefixes = [filled.trust.path];
      const db: Db = handle.db;
      const series = await timed(() => projectQueries.involvementShareByMonth(db, { prefixes, months }), 2, 10);
      const perMonth = await timed(() => Promise.all(months.map((m) => projectQueries.involvementShare(db, { prefixes, endInstant: m.endInstant, endDate: m.endDate }))), 1, 5);

      const app = await benchApp(database, handle);
      try {
        const cookie = await signIn(app, filled.adminEmail, password);
        const pages: InsightsPage[] = [];
        const now = new Date().toISOString();
        for (const target of [
          { page: '/insights, whole trust, 24 months', url: '/insights', months: 24 },
          { page: '/insights, whole trust, 36 months', url: '/insights?months=36', months: 36 },
        ]) {
          const { timing, body, contentType } = await timePage(app, target.url, cookie, warmup, iterations);
          const since = new Date(Date.parse(monthEnd(monthsUpTo(currentMonth(), target.months + 1)[0] as string).endInstant)).toISOString();
          const held = await handle.db
            .selectFrom('meetings')
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .where('status', '!=', 'cancelled')
            .where('starts_at', '>=', since)
            .where('starts_at', '<', now)
            .executeTakeFirstOrThrow();
          checkPage(target.url, body, Number(held.n));
          pages.push({ page: target.page, url: target.url, timing, bare: await timeBare(body, contentType, warmup, iterations) });
        }
        return { dialect, fillSeconds, counts: filled.counts, pages, seriesMs: percentile(series, 50), perMonthMs: percentile(perMonth, 50) };
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

export async function benchInsights(options: { iterations?: number; warmup?: number; postgres?: boolean } = {}): Promise<{ results: InsightsDialectResult[]; skipped: string[] }> {
  const warmup = options.warmup ?? INSIGHTS_WARMUP;
  const iterations = options.iterations ?? INSIGHTS_ITERATIONS;
  return onEachDialect((dialect) => benchDialect(dialect, warmup, iterations), options.postgres !== false);
}

export function insightsWithinBudget(results: InsightsDialectResult[]): boolean {
  return results.every((r) => r.pages.every((p) => p.timing.median <= INSIGHTS_BUDGET_MEDIAN_MS));
}

export function describeInsightsBench({ results, skipped }: { results: InsightsDialectResult[]; skipped: string[] }, iterations: number, warmup: number): string[] {
  const lines = [`Involvement dashboard render: ${BENCH_PROJECTS} projects, ${BENCH_MEETINGS} meetings; app.inject as an admin, ${warmup} warm-up then ${iterations} renders each`];
  const f = (ms: number): string => ms.toFixed(1).padStart(7);
  for (const r of results) {
    const c = r.counts;
    lines.push(
      `  ${r.dialect} (filled in ${r.fillSeconds.toFixed(1)} s: ${c.projects} projects, ${c.history} history rows, ${c.partners} partners, ${c.meetings} meetings, ${c.attendance} attendance rows, ${c.actions} actions, ${c.people} people, ${c.activities} activities):`,
    );
    for (const p of r.pages) {
      const verdict = p.timing.median <= INSIGHTS_BUDGET_MEDIAN_MS ? 'within budget' : 'OVER BUDGET';
      lines.push(`    ${p.page.padEnd(38)} median ${f(p.timing.median)} ms, p95 ${f(p.timing.p95)} ms (budget median <= ${INSIGHTS_BUDGET_MEDIAN_MS} ms: ${verdict}); ${Math.round(p.timing.bytes / 1024)} KB`);
      lines.push(`    ${'  bare Fastify reply, same bytes'.padEnd(38)} median ${f(p.bare.median)} ms, p95 ${f(p.bare.p95)} ms; ratio bare/page (medians) ${(p.bare.median / p.timing.median).toFixed(3)}`);
    }
    lines.push(`    p chart series, 24 months: one query ${f(r.seriesMs)} ms median; involvementShare once a month ${f(r.perMonthMs)} ms`);
  }
  for (const s of skipped) lines.push(`  ${s}`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { iterations: { type: 'string', default: String(INSIGHTS_ITERATIONS) }, warmup: { type: 'string', default: String(INSIGHTS_WARMUP) }, 'no-postgres': { type: 'boolean', default: false } },
  });
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  const started = Date.now();
  const outcome = await benchInsights({ iterations, warmup, postgres: !values['no-postgres'] });
  for (const line of describeInsightsBench(outcome, iterations, warmup)) process.stdout.write(`${line}\n`);
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s in all)\n`);
  if (!insightsWithinBudget(outcome.results)) process.exitCode = 1;
}
