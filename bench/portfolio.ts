/**
 * Portfolio render time (issue 4, Performance): how long the real app takes to render the
 * portfolio page `/projects` when the trust has 500 projects, each with a 60-point XmR measure,
 * and one measure page with its chart, on SQLite and on PostgreSQL.
 *
 * Per database: a fresh database (a temp SQLite file; a `bench_<random>` PostgreSQL schema, dropped
 * afterwards) is migrated and filled in bulk, in transactions: a trust with boroughs and teams, a
 * signed-in admin, 500 projects (with their history rows and, for some, a service-user partner) and
 * 500 × 60 data points. The real app (buildApp, production mode, no logger) renders each page
 * through `app.inject` with the admin's session cookie: a warm-up, then N renders one after another.
 * The baseline is a bare Fastify instance replying with the same bytes through `app.inject`, so the
 * ratio (bare / page, as in bench/run.ts: higher is better) is independent of the machine.
 *
 * Run alone with `npx tsx bench/portfolio.ts [--iterations 50] [--warmup 10] [--no-postgres]`;
 * `npm run bench` runs it after the SPC bench. Budgets: bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { insertUnit } from '../src/features/org/service.ts';
import { PAGE_SIZE } from '../src/features/projects/service.ts';
import { createAdmin } from '../src/features/users/service.ts';
import type { Db, Dialect } from '../src/platform/db/index.ts';
import { INVOLVEMENT_LEVELS, STAGES, type OrgUnit } from '../src/platform/db/types.ts';
import { freshDatabase, onEachDialect } from './databases.ts';
import { benchApp, signIn, timeBare, timePage, type Timing } from './inject-timing.ts';
import { syntheticSeries } from './spc.ts';

export const PROJECTS = 500;
export const POINTS_PER_MEASURE = 60;
/**
 * Median render time, per page and database, not to be exceeded. Absolute and machine-dependent (the
 * p95 moves too much with other load to budget on): a guard against an order-of-magnitude slowdown,
 * such as a query per project or per point, not against a few per cent.
 */
export const PORTFOLIO_BUDGET_MEDIAN_MS = 100;
export const MEASURE_BUDGET_MEDIAN_MS = 250;
export const DEFAULT_ITERATIONS = 50;
export const DEFAULT_WARMUP = 10;

export interface PageResult {
  page: string;
  url: string;
  timing: Timing;
  bare: Timing;
  budgetMedian: number;
}

export interface DialectResult {
  dialect: Dialect;
  fillSeconds: number;
  rowsShown: number;
  pages: PageResult[];
}

export interface PortfolioBenchOptions {
  iterations?: number;
  warmup?: number;
  postgres?: boolean;
}

const EMAIL = 'bench@example.org';

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** The i-th weekly period from Monday 6 January 2020 (60 weeks: into 2021). */
const weekly = (i: number): string => new Date(Date.UTC(2020, 0, 6 + 7 * i)).toISOString().slice(0, 10);

/** A trust, two boroughs with two teams each, an admin, and 500 projects each with one 60-point XmR measure. */
async function fill(db: Db, password: string): Promise<{ projectId: number; measureId: number }> {
  const adminId = await createAdmin(db, { email: EMAIL, name: 'Bench Admin', password, trustName: 'Bench NHS Trust' });
  const trust = await db.selectFrom('org_units').selectAll().where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const now = new Date();
  const teams: OrgUnit[] = [];
  for (const borough of ['North', 'South']) {
    const b = await insertUnit(db, { name: `${borough} Borough`, kind: 'borough', parentId: trust.id }, now.toISOString());
    for (const team of ['Community Team', 'Home Treatment Team']) {
      teams.push(await insertUnit(db, { name: `${borough} ${team}`, kind: 'team', parentId: b.id }, now.toISOString()));
    }
  }

  const openStages = STAGES.filter((s) => s !== 'closed');
  // Created over the last two years, oldest first, so ids and dates agree (the portfolio is newest first).
  const created = (i: number): string => new Date(now.getTime() - (PROJECTS - i) * 36 * 3_600_000).toISOString();
  const projectIds = await db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (const batch of chunks([...Array(PROJECTS).keys()], 250)) {
      const rows = await trx
        .insertInto('projects')
        .values(
          batch.map((i) => ({
            unit_id: teams[i % teams.length]!.id,
            title: `Project ${i + 1}: quicker first appointments in team ${(i % teams.length) + 1}`,
            aim: 'Cut the wait for a first appointment from 6 weeks to 2 within a year, measured weekly',
            background: null,
            stage: i % 20 === 0 ? 'closed' : openStages[i % openStages.length]!,
            programme: i % 3 === 0 ? 'Waiting well' : i % 3 === 1 ? 'Safer care' : null,
            involvement_level: INVOLVEMENT_LEVELS[i % INVOLVEMENT_LEVELS.length]!,
            created_by: adminId,
            created_at: created(i),
            updated_at: created(i),
          })),
        )
        .returning('id')
        .execute();
      ids.push(...rows.map((r) => r.id));
    }
    const projects = await trx.selectFrom('projects').select(['id', 'stage', 'involvement_level', 'created_at']).orderBy('id').execute();
    for (const batch of chunks(projects, 500)) {
      await trx
        .insertInto('project_history')
        .values(
          batch.flatMap((p) => [
            { project_id: p.id, field: 'stage' as const, value: p.stage, changed_at: p.created_at, changed_by: adminId, note: null },
            { project_id: p.id, field: 'involvement_level' as const, value: p.involvement_level, changed_at: p.created_at, changed_by: adminId, note: null },
          ]),
        )
        .execute();
    }
    const partners = projects.filter((_, i) => i % 3 === 0);
    for (const batch of chunks(partners, 500)) {
      await trx
        .insertInto('project_members')
        .values(batch.map((p) => ({ project_id: p.id, user_id: null, display_name: 'Sam Partner', role: 'service_user_partner' as const, joined_on: p.created_at.slice(0, 10), left_on: null })))
        .execute();
    }
    return ids;
  });

  const series = syntheticSeries(PROJECTS, POINTS_PER_MEASURE, 4);
  const measureIds = await db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('measures')
      .values(
        projectIds.map((projectId) => ({
          project_id: projectId,
          name: 'Days to first appointment',
          kind: 'outcome' as const,
          definition: 'Days from referral to first appointment, weekly median',
          unit_label: 'days',
          direction: 'decrease' as const,
          chart: 'xmr' as const,
          target: 40,
          baseline_points: 20,
          screen_moving_ranges: 1,
          created_at: now.toISOString(),
        })),
      )
      .returning('id')
      .execute();
    const ids = rows.map((r) => r.id);
    const points = ids.flatMap((measureId, m) =>
      series[m]!.map((p, i) => ({ measure_id: measureId, period: weekly(i), value: p.value, denominator: null, excluded: 0, rebase: 0, note: null })),
    );
    // 7 parameters a row: 1,000 rows a statement stays well under both databases' limits.
    for (const batch of chunks(points, 1000)) await trx.insertInto('data_points').values(batch).execute();
    return ids;
  });
  const last = projectIds.length - 1;
  return { projectId: projectIds[last]!, measureId: measureIds[last]! };
}

async function benchDialect(dialect: Dialect, warmup: number, iterations: number): Promise<DialectResult> {
  const database = await freshDatabase(dialect, 'portfolio');
  try {
    const handle = database.open();
    try {
      const password = randomBytes(12).toString('base64url');
      const started = process.hrtime.bigint();
      const { projectId, measureId } = await fill(handle.db, password);
      const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;

      const app = await benchApp(database, handle);
      try {
        const cookie = await signIn(app, EMAIL, password);
        const pages: PageResult[] = [];
        let rowsShown = 0;
        const targets = [
          { page: `portfolio /projects (first page of ${PAGE_SIZE})`, url: '/projects', budgetMedian: PORTFOLIO_BUDGET_MEDIAN_MS },
          { page: 'measure page with its XmR chart (60 points)', url: `/projects/${projectId}/measures/${measureId}`, budgetMedian: MEASURE_BUDGET_MEDIAN_MS },
        ];
        for (const target of targets) {
          const { timing, body, contentType } = await timePage(app, target.url, cookie, warmup, iterations);
          if (target.url === '/projects') {
            rowsShown = (body.match(/href="\/projects\/\d+"/g) ?? []).length;
            if (!body.includes('before=')) throw new Error('/projects: expected a link to the next page with 500 projects');
          } else if (!body.includes('<svg')) {
            throw new Error(`${target.url}: no chart (<svg) on the measure page`);
          }
          const bare = await timeBare(body, contentType, warmup, iterations);
          pages.push({ ...target, timing, bare });
        }
        return { dialect, fillSeconds, rowsShown, pages };
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

export async function benchPortfolio(options: PortfolioBenchOptions = {}): Promise<{ results: DialectResult[]; skipped: string[] }> {
  const warmup = options.warmup ?? DEFAULT_WARMUP;
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  return onEachDialect((dialect) => benchDialect(dialect, warmup, iterations), options.postgres !== false);
}

export function withinBudget(results: DialectResult[]): boolean {
  return results.every((r) => r.pages.every((p) => p.timing.median <= p.budgetMedian));
}

export function describePortfolioBench({ results, skipped }: { results: DialectResult[]; skipped: string[] }, iterations: number, warmup: number): string[] {
  const lines = [`Portfolio render: ${PROJECTS} projects × one ${POINTS_PER_MEASURE}-point XmR measure; app.inject, ${warmup} warm-up then ${iterations} renders each`];
  const f = (ms: number): string => ms.toFixed(2).padStart(7);
  for (const r of results) {
    lines.push(`  ${r.dialect} (filled in ${r.fillSeconds.toFixed(1)} s; first page shows ${r.rowsShown} project links, ${PAGE_SIZE} a page):`);
    for (const p of r.pages) {
      const verdict = p.timing.median <= p.budgetMedian ? 'within budget' : 'OVER BUDGET';
      lines.push(
        `    ${p.page.padEnd(46)} median ${f(p.timing.median)} ms, p95 ${f(p.timing.p95)} ms (budget median <= ${p.budgetMedian} ms: ${verdict}); ${Math.round(p.timing.bytes / 1024)} KB`,
      );
      lines.push(
        `    ${'  bare Fastify reply, same bytes'.padEnd(46)} median ${f(p.bare.median)} ms, p95 ${f(p.bare.p95)} ms; ratio bare/page (medians) ${(p.bare.median / p.timing.median).toFixed(3)}`,
      );
    }
  }
  for (const s of skipped) lines.push(`  ${s}`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { iterations: { type: 'string', default: String(DEFAULT_ITERATIONS) }, warmup: { type: 'string', default: String(DEFAULT_WARMUP) }, 'no-postgres': { type: 'boolean', default: false } },
  });
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  const started = Date.now();
  const outcome = await benchPortfolio({ iterations, warmup, postgres: !values['no-postgres'] });
  for (const line of describePortfolioBench(outcome, iterations, warmup)) process.stdout.write(`${line}\n`);
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s in all)\n`);
  if (!withinBudget(outcome.results)) process.exitCode = 1;
}
