/**
 * Story measures render time (issue 7, point 9): how long the real app takes to render
 * `/feedback/measures` and its CSV for a trust with 100,000 stories over 30 months (about 70 %
 * published, most answered, some discussed at team meetings, a change made on about one in ten),
 * on SQLite and PostgreSQL.
 *
 * Per database: a fresh database (bench/databases.ts) is migrated and filled in bulk (multi-row
 * inserts in one transaction), then ANALYZEd. The real app renders the page through `app.inject`
 * with an admin's session: trust wide for 24 months (the default), for one team, and the CSV. The
 * baseline is a bare Fastify reply of the same bytes (bench/inject-timing.ts). Also timed alone:
 * the cohort query (story-measures/queries.ts `cohorts`), the one that reads every story in range.
 *
 * Run alone with `npx tsx bench/story-measures.ts [--iterations 10] [--warmup 3] [--no-postgres]`;
 * `npm run bench` runs it after the payments bench. Budgets: bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Insertable } from 'kysely';
import { insertUnit } from '../src/features/org/service.ts';
import { monthBounds, monthsBetween, monthBefore } from '../src/features/story-measures/service.ts';
import * as q from '../src/features/story-measures/queries.ts';
import { currentMonth } from '../src/features/projects/service.ts';
import { createAdmin } from '../src/features/users/service.ts';
import type { Db, Dialect } from '../src/platform/db/index.ts';
import type { OrgUnit, StoryResponseTable, StoryTable } from '../src/platform/db/types.ts';
import { freshDatabase, onEachDialect } from './databases.ts';
import { benchApp, percentile, signIn, timeBare, timed, timePage, type Timing } from './inject-timing.ts';
import { random } from './random.ts';

export const STORY_MEASURES_STORIES = 100_000;
/**
 * The page (and its CSV) for the whole trust's 24 months, every story read and grouped, must render
 * in under a second (median): a monthly report page, opened now and then, not a list page.
 */
export const STORY_MEASURES_BUDGET_MEDIAN_MS = 1000;
export const STORY_MEASURES_ITERATIONS = 10;
export const STORY_MEASURES_WARMUP = 3;

const DAY = 86_400_000;
const CHUNK = 500;

interface Filled {
  adminEmail: string;
  trust: OrgUnit;
  team: OrgUnit;
  counts: { stories: number; responses: number; discussions: number; discussed: number };
}

/** Fills an empty, migrated database: a trust of 4 boroughs × 5 teams and the stories about them. */
async function fillStories(db: Db, password: string, now = new Date()): Promise<Filled> {
  const adminEmail = 'bench@example.org';
  await createAdmin(db, { email: adminEmail, name: 'Bench Admin', password, trustName: 'Bench NHS Trust' });
  const trust = await db.selectFrom('org_units').selectAll().where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const stamp = now.toISOString();
  const teams: OrgUnit[] = [];
  for (const borough of ['North', 'South', 'East', 'West']) {
    const b = await insertUnit(db, { name: `${borough} Borough`, kind: 'borough', parentId: trust.id }, stamp);
    for (let k = 1; k <= 5; k++) teams.push(await insertUnit(db, { name: `${borough} Team ${k}`, kind: 'team', parentId: b.id }, stamp));
  }
  const next = random(9);
  const nowMs = now.getTime();
  const span = 30 * 30.5 * DAY;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const counts = { stories: 0, responses: 0, discussions: 0, discussed: 0 };

  await db.transaction().execute(async (trx) => {
    for (let done = 0; done < STORY_MEASURES_STORIES; done += CHUNK) {
      const rows: Insertable<StoryTable>[] = [];
      const plan: { received: number; published: boolean; answerAfter: number | null; change: boolean; discussed: boolean; unit: number }[] = [];
      for (let i = 0; i < Math.min(CHUNK, STORY_MEASURES_STORIES - done); i++) {
        const received = nowMs - next() * span;
        const roll = next();
        const status = roll < 0.7 ? 'published' : roll < 0.8 ? 'rejected' : roll < 0.9 ? 'held' : 'new';
        const unit = (teams[Math.floor(next() * teams.length)] as OrgUnit).id;
        const published = status === 'published';
        const answerAfter = published && next() < 0.85 ? next() ** 2 * 60 * DAY : null;
        plan.push({ received, published, answerAfter: answerAfter !== null && received + answerAfter < nowMs ? answerAfter : null, change: next() < 0.1, discussed: published && next() < 0.3, unit });
        rows.push({
          unit_id: unit, source: 'online', teller_role: 'patient', title: 'A story', body: 'What happened.', good: null, better: null,
          teller_name: null, contact_email: null, contact_phone: null, consent_publish: 1, naming: 'anonymous',
          public_title: 'A story', public_body: 'What happened.', public_good: null, public_better: null, public_name: 'Anonymous',
          status, received_at: iso(received), updated_at: iso(received), published_at: published ? iso(received + DAY) : null,
        });
      }
      const ids = (await trx.insertInto('stories').values(rows).returning('id').execute()).map((r) => r.id);
      counts.stories += ids.length;
      const responses: Insertable<StoryResponseTable>[] = [];
      const discussed: { id: number; unit: number; at: number }[] = [];
      plan.forEach((p, k) => {
        const id = ids[k] as number;
        if (p.answerAfter !== null) {
          const at = iso(p.received + p.answerAfter);
          responses.push({ story_id: id, user_id: null, responder_role: 'Team manager', body: 'Thank you.', change: p.change ? 'made' : 'none', change_description: null, project_id: null, change_idea_id: null, created_at: at, updated_at: at });
        }
        if (p.discussed) discussed.push({ id, unit: p.unit, at: Math.min(nowMs, p.received + 20 * DAY) });
      });
      if (responses.length) await trx.insertInto('story_responses').values(responses).execute();
      counts.responses += responses.length;
      // One team meeting per chunk and team, discussing that team's stories in the chunk.
      const byUnit = new Map<number, typeof discussed>();
      for (const d of discussed) byUnit.set(d.unit, [...(byUnit.get(d.unit) ?? []), d]);
      for (const [unit, list] of byUnit) {
        const held = iso(Math.max(...list.map((d) => d.at))).slice(0, 10);
        const { id } = await trx
          .insertInto('story_discussions')
          .values({ unit_id: unit, held_on: held, attendees: 'The team', attendee_count: 8, learning: 'What we took from it.', actions: null, recorded_by: null, created_at: stamp })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('story_discussion_stories').values(list.map((d) => ({ discussion_id: id, story_id: d.id }))).execute();
        counts.discussions++;
        counts.discussed += list.length;
      }
    }
  });
  return { adminEmail, trust, team: teams[0] as OrgUnit, counts };
}

export interface StoryMeasuresPage {
  page: string;
  timing: Timing;
  bare: Timing;
}

export interface StoryMeasuresDialectResult {
  dialect: Dialect;
  fillSeconds: number;
  counts: Filled['counts'];
  pages: StoryMeasuresPage[];
  cohortQueryMs: number;
}

async function benchDialect(dialect: Dialect, warmup: number, iterations: number): Promise<StoryMeasuresDialectResult> {
  const database = await freshDatabase(dialect, 'story-measures');
  try {
    const handle = database.open();
    try {
      const password = randomBytes(12).toString('base64url');
      const started = process.hrtime.bigint();
      const filled = await fillStories(handle.db, password);
      await sql`analyze`.execute(handle.db);
      const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;

      let from = currentMonth();
      for (let i = 1; i < 24; i++) from = monthBefore(from);
      const bounds = monthBounds(monthsBetween(from, currentMonth()));
      const cutoff = (d: number) => new Date(Date.now() - d * DAY).toISOString();
      const cohortMs = await timed(() => q.cohorts(handle.db, dialect, { paths: [filled.trust.path], bounds, cutoff7: cutoff(7), cutoff28: cutoff(28) }), 2, iterations);

      const app = await benchApp(database, handle);
      try {
        const cookie = await signIn(app, filled.adminEmail, password);
        const pages: StoryMeasuresPage[] = [];
        for (const target of [
          { page: '/feedback/measures, trust, 24 months', url: '/feedback/measures' },
          { page: '/feedback/measures, one team', url: `/feedback/measures?unit=${filled.team.id}` },
          { page: '/feedback/measures.csv, trust', url: '/feedback/measures.csv' },
          // The dashboard sums the same measures for its "at a glance" figures (no projects or meetings here: the stories' share of its time).
          { page: '/insights, trust, 24 months', url: '/insights' },
        ]) {
          const { timing, body, contentType } = await timePage(app, target.url, cookie, warmup, iterations);
          const expected = target.url === '/insights' ? 'data-figure="storiesReceived"' : 'id="story-measures-within28-title"';
          if (!target.url.includes('.csv') && !body.includes(expected)) throw new Error(`${target.url}: no story measures on the page`);
          pages.push({ page: target.page, timing, bare: await timeBare(body, contentType, warmup, iterations) });
        }
        return { dialect, fillSeconds, counts: filled.counts, pages, cohortQueryMs: percentile(cohortMs, 50) };
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

export async function benchStoryMeasures(options: { iterations?: number; warmup?: number; postgres?: boolean } = {}): Promise<{ results: StoryMeasuresDialectResult[]; skipped: string[] }> {
  const warmup = options.warmup ?? STORY_MEASURES_WARMUP;
  const iterations = options.iterations ?? STORY_MEASURES_ITERATIONS;
  return onEachDialect((dialect) => benchDialect(dialect, warmup, iterations), options.postgres !== false);
}

export function storyMeasuresWithinBudget(results: StoryMeasuresDialectResult[]): boolean {
  return results.every((r) => r.pages.every((p) => p.timing.median <= STORY_MEASURES_BUDGET_MEDIAN_MS));
}

export function describeStoryMeasuresBench({ results, skipped }: { results: StoryMeasuresDialectResult[]; skipped: string[] }, iterations: number, warmup: number): string[] {
  const lines = [`Story measures render: ${STORY_MEASURES_STORIES} stories over 30 months; app.inject as an admin, ${warmup} warm-up then ${iterations} renders each`];
  const f = (ms: number): string => ms.toFixed(1).padStart(7);
  for (const r of results) {
    const c = r.counts;
    lines.push(`  ${r.dialect} (filled in ${r.fillSeconds.toFixed(1)} s: ${c.stories} stories, ${c.responses} responses, ${c.discussions} discussions of ${c.discussed} stories):`);
    for (const p of r.pages) {
      const verdict = p.timing.median <= STORY_MEASURES_BUDGET_MEDIAN_MS ? 'within budget' : 'OVER BUDGET';
      lines.push(`    ${p.page.padEnd(40)} median ${f(p.timing.median)} ms, p95 ${f(p.timing.p95)} ms (budget median <= ${STORY_MEASURES_BUDGET_MEDIAN_MS} ms: ${verdict}); ${Math.round(p.timing.bytes / 1024)} KB`);
      lines.push(`    ${'  bare Fastify reply, same bytes'.padEnd(40)} median ${f(p.bare.median)} ms; ratio bare/page (medians) ${(p.bare.median / p.timing.median).toFixed(3)}`);
    }
    lines.push(`    cohort query alone (trust, 24 months): median ${f(r.cohortQueryMs)} ms`);
  }
  for (const s of skipped) lines.push(`  ${s}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { iterations: { type: 'string' }, warmup: { type: 'string' }, 'no-postgres': { type: 'boolean', default: false } } });
  const iterations = Number(values.iterations ?? STORY_MEASURES_ITERATIONS);
  const warmup = Number(values.warmup ?? STORY_MEASURES_WARMUP);
  const out = await benchStoryMeasures({ iterations, warmup, postgres: !values['no-postgres'] });
  for (const line of describeStoryMeasuresBench(out, iterations, warmup)) process.stdout.write(`${line}\n`);
  if (!storyMeasuresWithinBudget(out.results)) process.exitCode = 1;
}
