/**
 * Full-text search over the public stories site (issue 7, point 6) at a million stories, on SQLite
 * (FTS5) and PostgreSQL (tsvector + GIN): how long it takes to fill and index them, how big the
 * index is, how long typical searches take as queries and as pages through the real app.
 *
 * Per database: a fresh database (SQLite: a file in a temp dir; PostgreSQL: its own database,
 * `alongside_bench_stories` on the BENCH_POSTGRES_URL server, dropped afterwards) is migrated and
 * filled (bench/story-search-data.ts) with the index kept in step as it goes (the triggers, or the
 * generated column and the GIN index), then analysed as a live database would be (PostgreSQL:
 * VACUUM ANALYZE). The index is then rebuilt once, timed (SQLite: emptied and filled again from
 * the public stories; PostgreSQL: REINDEX), and its size read. Each search is checked first: the
 * rare and uncommon planted words must match exactly as many public stories as were given them.
 *
 * Then each case is timed a warm-up and N times, one after another: the service alone
 * (storiesList, what the page calls: the search or list query, the markers, the units for the
 * filter) in ms, and the page through the app (`benchApp`, `app.inject`, not signed in) with the
 * bare Fastify reply of the same bytes as the baseline (bench/inject-timing.ts), as median, p95
 * and p99 ms and the ratio bare/page. Cases: the newest page; a page 10,000 stories deep (keyset);
 * a common word; a rare word; a two-word phrase; a common word in one team (and the services
 * below it); a common word in one month; the tenth page of a common word's results (the deepest
 * the site shows); one story's page; "You said, we did".
 *
 * Run alone with `npx tsx bench/story-search.ts [--stories 1000000] [--iterations 10] [--warmup 2]
 * [--no-postgres] [--no-sqlite]`; `npm run bench` runs it with 100,000 stories. Budgets:
 * bench/README.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { parseSearch, searchFor } from '../src/features/story-site/search.ts';
import { storiesList } from '../src/features/story-site/service.ts';
import type { ServiceContext } from '../src/platform/context.ts';
import { openDatabase, type DbHandle, type Dialect } from '../src/platform/db/index.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { BENCH_POSTGRES_URL, postgresReachable, type BenchDatabase } from './databases.ts';
import { benchApp, percentile, timeBare, timed, timePage } from './inject-timing.ts';
import { fillStories, RARE_WORD, UNCOMMON_WORD, type FilledStories } from './story-search-data.ts';

/** At a million stories, median per render: a search page within 500 ms, the newest and keyset pages 50 ms, a story and You said, we did 250 ms. */
export const SEARCH_BUDGET_MEDIAN_MS = 500;
export const LIST_BUDGET_MEDIAN_MS = 50;
export const PAGE_BUDGET_MEDIAN_MS = 250;
export const STORY_SEARCH_ITERATIONS = 10;
export const STORY_SEARCH_WARMUP = 2;
/** `npm run bench` size; the figures in bench/README.md are for 1,000,000 (`--stories 1000000`). */
export const STORY_SEARCH_DEFAULT_STORIES = 100_000;
export const BENCH_STORIES_DATABASE = 'alongside_bench_stories';

export interface CaseResult {
  name: string;
  url: string;
  /** Budget kind: a search, or a list without one. */
  kind: 'search' | 'list' | 'page';
  service: { median: number; p95: number; p99: number };
  page: { median: number; p95: number; p99: number; bytes: number };
  bare: { median: number };
  shown: number;
}

export interface StorySearchDialectResult {
  dialect: Dialect;
  filled: FilledStories;
  fillSeconds: number;
  rebuildSeconds: number;
  indexBytes: number;
  databaseBytes: number;
  /** Matches for the planted words, counted through the search (must equal what was planted). */
  rareMatches: number;
  uncommonMatches: number;
  cases: CaseResult[];
}

const write = (line = ''): void => void process.stdout.write(`${line}\n`);
const round = (n: number): number => (n >= 100 ? Math.round(n) : Math.round(n * 10) / 10);
const stats = (ms: number[]) => ({ median: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99) });

/** A database of its own for the bench: a temp SQLite file, or a PostgreSQL database made (and later dropped) on the bench server. */
async function benchDatabase(dialect: Dialect): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alongside-bench-stories-'));
  if (dialect === 'sqlite') {
    const url = `sqlite:${join(dataDir, 'bench.db')}`;
    return { url, dataDir, open: () => openDatabase(url), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client(BENCH_POSTGRES_URL);
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${BENCH_STORIES_DATABASE}`);
    await admin.query(`create database ${BENCH_STORIES_DATABASE}`);
  } finally {
    await admin.end();
  }
  const target = new URL(BENCH_POSTGRES_URL);
  target.pathname = `/${BENCH_STORIES_DATABASE}`;
  const url = target.toString();
  return {
    url,
    dataDir,
    open: () => openDatabase(url),
    async drop() {
      const c = new pg.Client(BENCH_POSTGRES_URL);
      await c.connect();
      try {
        await c.query(`drop database if exists ${BENCH_STORIES_DATABASE} with (force)`);
      } finally {
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

async function countMatches(handle: DbHandle, word: string): Promise<number> {
  const search = searchFor(handle.dialect).matching(parseSearch(word));
  const row = await handle.db
    .selectFrom('stories')
    .innerJoin(search.table, (j) => j.on(search.on))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('stories.status', '=', 'published')
    .where('stories.consent_publish', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function databaseBytes(handle: DbHandle): Promise<number> {
  if (handle.dialect === 'postgres') {
    const r = await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(handle.db);
    return Number(r.rows[0]?.n ?? 0);
  }
  const r = await sql<{ n: number }>`select page_count * page_size as n from pragma_page_count(), pragma_page_size()`.execute(handle.db);
  return Number(r.rows[0]?.n ?? 0);
}

async function benchDialect(dialect: Dialect, stories: number, warmup: number, iterations: number): Promise<StorySearchDialectResult> {
  const database = await benchDatabase(dialect);
  try {
    const handle = database.open();
    let client: pg.Client | undefined;
    try {
      await migrateToLatest(handle.db);
      if (dialect === 'postgres') {
        client = new pg.Client(database.url);
        await client.connect();
      } else {
        // A bulk load: the WAL would grow to the size of the data between checkpoints.
        handle.sqlite?.pragma('journal_mode = DELETE');
        handle.sqlite?.pragma('synchronous = OFF');
      }
      const started = process.hrtime.bigint();
      const filled = await fillStories(handle, stories, { pg: client, progress: (n) => process.stderr.write(`  ${dialect}: ${n.toLocaleString('en-GB')} stories in ${seconds(started).toFixed(0)} s\n`) });
      const fillSeconds = seconds(started);
      if (dialect === 'sqlite') {
        handle.sqlite?.pragma('synchronous = FULL');
        handle.sqlite?.pragma('journal_mode = WAL');
      }
      await sql`${sql.raw(dialect === 'postgres' ? 'vacuum analyze' : 'analyze')}`.execute(handle.db);
      const search = searchFor(dialect);
      const rebuildStart = process.hrtime.bigint();
      await search.rebuild(handle.db);
      const rebuildSeconds = seconds(rebuildStart);
      if (dialect === 'postgres') await sql`vacuum analyze stories`.execute(handle.db);
      const indexBytes = await search.indexBytes(handle.db);
      const dbBytes = await databaseBytes(handle);
      const rareMatches = await countMatches(handle, RARE_WORD);
      const uncommonMatches = await countMatches(handle, UNCOMMON_WORD);
      if (rareMatches !== filled.rare || uncommonMatches !== filled.uncommon) {
        throw new Error(`${dialect}: "${RARE_WORD}" matched ${rareMatches} (planted ${filled.rare}), "${UNCOMMON_WORD}" ${uncommonMatches} (planted ${filled.uncommon}); the figures would mean nothing`);
      }

      // The cases, as addresses of the page; the service gets the same query.
      const team = filled.teams[3];
      const newestMonth = new Date(Date.parse(filled.newest) - 40 * 86_400_000);
      const monthStart = { fromDay: '1', fromMonth: String(newestMonth.getUTCMonth() + 1), fromYear: String(newestMonth.getUTCFullYear()) };
      const monthEnd = new Date(Date.UTC(newestMonth.getUTCFullYear(), newestMonth.getUTCMonth() + 1, 0));
      const deep = await handle.db
        .selectFrom('stories')
        .select(['published_at', 'id'])
        .where('status', '=', 'published')
        .where('consent_publish', '=', 1)
        .orderBy('published_at', 'desc')
        .orderBy('id', 'desc')
        .offset(Math.min(10_000, filled.publicStories - 40))
        .limit(1)
        .executeTakeFirstOrThrow();
      const someStory = await handle.db.selectFrom('story_responses').select('story_id').where('change', '=', 'made').where('project_id', 'is not', null).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      const cases: { name: string; kind: CaseResult['kind']; query?: Record<string, string>; url?: string; min: number }[] = [
        { name: 'newest page (no search)', kind: 'list', query: {}, min: 20 },
        { name: 'keyset page 10,000 stories deep', kind: 'list', query: { after: `${deep.published_at}~${deep.id}` }, min: 20 },
        { name: 'common word: nurse', kind: 'search', query: { q: 'nurse' }, min: 20 },
        { name: `rare word: ${RARE_WORD}`, kind: 'search', query: { q: RARE_WORD }, min: Math.min(20, filled.rare) },
        { name: 'two-word phrase: "waiting room"', kind: 'search', query: { q: '"waiting room"' }, min: 20 },
        { name: `nurse in one team (${team?.name})`, kind: 'search', query: { q: 'nurse', unit: String(team?.id) }, min: 20 },
        { name: 'nurse in one month', kind: 'search', query: { q: 'nurse', ...monthStart, toDay: String(monthEnd.getUTCDate()), toMonth: monthStart.fromMonth, toYear: monthStart.fromYear }, min: 20 },
        { name: 'nurse, page 10 (the deepest shown)', kind: 'search', query: { q: 'nurse', page: '10' }, min: 20 },
        { name: 'one story with its replies', kind: 'page', url: `/stories/${someStory.story_id}`, min: 0 },
        { name: 'You said, we did', kind: 'page', url: '/you-said-we-did', min: 0 },
      ];

      const ctx: ServiceContext = { db: handle.db, dialect, config: {} as ServiceContext['config'], principal: null, ip: null };
      const app = await benchApp(database, handle);
      const results: CaseResult[] = [];
      try {
        for (const c of cases) {
          const url = c.url ?? (Object.keys(c.query ?? {}).length ? `/stories?${new URLSearchParams(c.query)}` : '/stories');
          let shown = 0;
          let serviceMs: number[] = [];
          if (c.query) {
            const check = await storiesList(ctx, c.query);
            if (check.errors.length) throw new Error(`${url}: ${check.errors.map((e) => e.message).join(', ')}`);
            shown = check.stories.length;
            if (shown < c.min) throw new Error(`${url}: ${shown} stories shown, expected at least ${c.min}; the figures would mean nothing`);
            const query = c.query;
            serviceMs = await timed(() => storiesList(ctx, query), warmup, iterations);
          }
          // One render for the bytes (after the warm-up), then the timed renders.
          const page = await timePage(app, url, '', warmup, 1);
          if (c.query && (page.body.match(/<li class="app-story-list__item">/g) ?? []).length !== shown) throw new Error(`${url}: the page shows a different number of stories from the service`);
          if (c.url === '/you-said-we-did' && !page.body.includes('<svg')) throw new Error(`${url}: no chart on the page`);
          const bare = await timeBare(page.body, page.contentType, warmup, iterations);
          const pageMs = await timed(async () => {
            const res = await app.inject({ method: 'GET', url });
            if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
          }, 0, iterations);
          results.push({
            name: c.name,
            url,
            kind: c.kind,
            service: serviceMs.length ? stats(serviceMs) : { median: NaN, p95: NaN, p99: NaN },
            page: { ...stats(pageMs), bytes: page.timing.bytes },
            bare: { median: bare.median },
            shown,
          });
        }
      } finally {
        await app.close();
      }
      return { dialect, filled, fillSeconds, rebuildSeconds, indexBytes, databaseBytes: dbBytes, rareMatches, uncommonMatches, cases: results };
    } finally {
      await client?.end();
      await handle.close();
    }
  } finally {
    await database.drop();
  }
}

export async function benchStorySearch(options: { stories?: number; postgres?: boolean; sqlite?: boolean; warmup?: number; iterations?: number } = {}): Promise<{ results: StorySearchDialectResult[]; skipped: string[]; stories: number }> {
  const stories = options.stories ?? STORY_SEARCH_DEFAULT_STORIES;
  const results: StorySearchDialectResult[] = [];
  const skipped: string[] = [];
  if (options.sqlite !== false) results.push(await benchDialect('sqlite', stories, options.warmup ?? STORY_SEARCH_WARMUP, options.iterations ?? STORY_SEARCH_ITERATIONS));
  if (options.postgres !== false) {
    const why = await postgresReachable();
    if (why) skipped.push(`PostgreSQL skipped: ${why}`);
    else results.push(await benchDialect('postgres', stories, options.warmup ?? STORY_SEARCH_WARMUP, options.iterations ?? STORY_SEARCH_ITERATIONS));
  }
  return { results, skipped, stories };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export function describeStorySearchBench(run: { results: StorySearchDialectResult[]; skipped: string[]; stories: number }, iterations = STORY_SEARCH_ITERATIONS, warmup = STORY_SEARCH_WARMUP): string[] {
  const lines = [`Story search (bench/story-search.ts): ${run.stories.toLocaleString('en-GB')} public stories; ${warmup} warm-up then ${iterations} timed runs each; ms`];
  for (const r of run.results) {
    const f = r.filled;
    lines.push('');
    lines.push(`${r.dialect}: ${f.allStories.toLocaleString('en-GB')} stories (${f.publicStories.toLocaleString('en-GB')} public), ${f.tags.toLocaleString('en-GB')} topics, ${f.responses.toLocaleString('en-GB')} replies (${f.madeChanges.toLocaleString('en-GB')} changes made on public stories)`);
    lines.push(`  fill with the index kept in step ${r.fillSeconds.toFixed(0)} s (${Math.round(f.allStories / r.fillSeconds).toLocaleString('en-GB')} stories/s); index rebuilt in ${r.rebuildSeconds.toFixed(1)} s; index ${mb(r.indexBytes)} of a ${mb(r.databaseBytes)} database`);
    lines.push(`  "${RARE_WORD}" matched ${r.rareMatches}, "${UNCOMMON_WORD}" ${r.uncommonMatches}, as planted`);
    lines.push(`  ${'case'.padEnd(44)} ${'service p50'.padStart(11)} ${'p95'.padStart(7)} ${'page p50'.padStart(9)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'bare p50'.padStart(9)} ${'bare/page'.padStart(9)}  size`);
    for (const c of r.cases) {
      const over = c.page.median > budgetOf(c.kind) ? '  OVER BUDGET' : '';
      lines.push(
        `  ${c.name.padEnd(44)} ${(Number.isNaN(c.service.median) ? '' : String(round(c.service.median))).padStart(11)} ${(Number.isNaN(c.service.p95) ? '' : String(round(c.service.p95))).padStart(7)} ${String(round(c.page.median)).padStart(9)} ${String(round(c.page.p95)).padStart(7)} ${String(round(c.page.p99)).padStart(7)} ${String(round(c.bare.median)).padStart(9)} ${(c.bare.median / c.page.median).toFixed(3).padStart(9)}  ${Math.round(c.page.bytes / 1024)} KB${over}`,
      );
    }
  }
  for (const s of run.skipped) lines.push(s);
  lines.push('');
  lines.push(
    `Budget (median per page): search <= ${SEARCH_BUDGET_MEDIAN_MS} ms, newest and keyset <= ${LIST_BUDGET_MEDIAN_MS} ms, a story and You said, we did <= ${PAGE_BUDGET_MEDIAN_MS} ms: ${storySearchWithinBudget(run.results) ? 'within budget' : 'OVER BUDGET'}`,
  );
  return lines;
}

const budgetOf = (kind: CaseResult['kind']): number => (kind === 'search' ? SEARCH_BUDGET_MEDIAN_MS : kind === 'list' ? LIST_BUDGET_MEDIAN_MS : PAGE_BUDGET_MEDIAN_MS);

export function storySearchWithinBudget(results: StorySearchDialectResult[]): boolean {
  return results.every((r) => r.cases.every((c) => c.page.median <= budgetOf(c.kind)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      stories: { type: 'string', default: '1000000' },
      iterations: { type: 'string', default: String(STORY_SEARCH_ITERATIONS) },
      warmup: { type: 'string', default: String(STORY_SEARCH_WARMUP) },
      'no-postgres': { type: 'boolean', default: false },
      'no-sqlite': { type: 'boolean', default: false },
    },
  });
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  const run = await benchStorySearch({ stories: Number(values.stories), postgres: !values['no-postgres'], sqlite: !values['no-sqlite'], iterations, warmup });
  for (const line of describeStorySearchBench(run, iterations, warmup)) write(line);
  if (!storySearchWithinBudget(run.results)) process.exitCode = 1;
}
