import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { ChangeKind, Database, TellerRole } from '../../platform/db/types.ts';
import { onPublicSite, storyUnderPaths } from '../stories/service.ts';
import type { SearchJoin } from './search.ts';

/*
 * Reads for the public stories site. Every query here keeps to stories on the public site
 * (onPublicSite) and reads only their public version: never the original as told, never contact
 * details. Writes: none.
 */

/** How much of the body a list reads for its excerpt (cut to a sentence or word in the service). */
export const EXCERPT_SOURCE_CHARS = 400;

export interface ListFilter {
  /** The story's unit, or a unit it is tagged with, at or below this unit path. */
  unitPath?: string;
  tag?: string;
  /** Published at or after / before these instants (UTC ISO). */
  from?: string;
  before?: string;
}

export interface StoryRow {
  id: number;
  public_title: string;
  excerpt: string;
  public_name: string;
  teller_role: TellerRole;
  published_at: string;
  unit_name: string;
}

type Eb = ExpressionBuilder<Database, 'stories'>;

function filtered(eb: Eb, filter: ListFilter): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [onPublicSite(eb)];
  if (filter.unitPath) all.push(storyUnderPaths(eb, [filter.unitPath]));
  if (filter.tag) {
    const tag = filter.tag;
    all.push(eb.exists(eb.selectFrom('story_tags as tg').select('tg.story_id').whereRef('tg.story_id', '=', 'stories.id').where('tg.tag', '=', tag)));
  }
  if (filter.from) all.push(eb('stories.published_at', '>=', filter.from));
  if (filter.before) all.push(eb('stories.published_at', '<', filter.before));
  return eb.and(all);
}

function listSelect(db: Db) {
  return db
    .selectFrom('stories')
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select([
      'stories.id', 'stories.public_title', 'stories.public_name', 'stories.teller_role', 'u.name as unit_name',
      sql<string>`substr(stories.public_body, 1, ${sql.lit(EXCERPT_SOURCE_CHARS)})`.as('excerpt'),
      // Public stories always have a published_at; coalesce only tells the type so.
      sql<string>`coalesce(stories.published_at, stories.received_at)`.as('published_at'),
    ]);
}

/** Newest first: keyset on (published_at, id), reading one more than a page to know if there is another. */
export async function newestStories(db: Db, filter: ListFilter, after: { at: string; id: number } | undefined, size: number): Promise<StoryRow[]> {
  let q = listSelect(db).where((eb) => filtered(eb, filter));
  // A row comparison, which both databases turn into one range on the index (an OR of the two
  // cases made PostgreSQL walk from the newest story to the cursor: 20 ms at 10,000 deep).
  if (after) q = q.where((eb) => eb(eb.refTuple('stories.published_at', 'stories.id'), '<', eb.tuple(after.at, after.id)));
  return q.orderBy('stories.published_at', 'desc').orderBy('stories.id', 'desc').limit(size + 1).execute();
}

/**
 * At most this many matches are ranked: the newest that match the words and the filters, ten times
 * the most results the site shows (10 pages of 20). Ranking looks at every candidate, and finding
 * candidates walks the matches newest first, checking the filters: without a cap a common word
 * ("nurse", in most stories) would rank most of the table on every page, and with a narrow filter
 * (one team) the walk grows with how many candidates are wanted. bench/story-search.ts measures it.
 */
export const RANKED_CANDIDATES = 2_000;

/**
 * Best matches first (ties: the newest story first), among the newest RANKED_CANDIDATES that
 * match: a page of `size` from `offset`, plus one to know if there is another.
 */
export async function matchingStories(db: Db, search: SearchJoin, filter: ListFilter, offset: number, size: number): Promise<StoryRow[]> {
  const candidates = db
    .selectFrom('stories')
    .innerJoin(search.table, (j) => j.on(search.on))
    .select(['stories.id', search.score.as('score')])
    .where((eb) => filtered(eb, filter))
    .orderBy(search.newest, 'desc')
    .limit(RANKED_CANDIDATES);
  const page = db
    .selectFrom(candidates.as('c'))
    .select(['c.id', 'c.score'])
    .orderBy('c.score', 'desc')
    .orderBy('c.id', 'desc')
    .limit(size + 1)
    .offset(offset);
  return listSelect(db)
    .innerJoin(page.as('p'), 'p.id', 'stories.id')
    .orderBy('p.score', 'desc')
    .orderBy('stories.id', 'desc')
    .execute();
}

/** For each story, whether staff have answered it and whether a change has been made because of it. */
export async function markersOf(db: Db, storyIds: number[]): Promise<Map<number, { responded: boolean; changeMade: boolean }>> {
  const out = new Map<number, { responded: boolean; changeMade: boolean }>();
  if (storyIds.length === 0) return out;
  const rows = await db
    .selectFrom('story_responses')
    .select(['story_id', sql<number>`max(case when change = 'made' then 1 else 0 end)`.as('made')])
    .where('story_id', 'in', storyIds)
    .groupBy('story_id')
    .execute();
  for (const r of rows) out.set(r.story_id, { responded: true, changeMade: Number(r.made) === 1 });
  return out;
}

// ---- One story

export interface PublicStory {
  id: number;
  unit_id: number;
  unit_name: string;
  teller_role: TellerRole;
  public_title: string;
  public_body: string;
  public_good: string | null;
  public_better: string | null;
  public_name: string;
  published_at: string;
}

export async function publicStory(db: Db, id: number): Promise<PublicStory | undefined> {
  return db
    .selectFrom('stories')
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select([
      'stories.id', 'stories.unit_id', 'u.name as unit_name', 'stories.teller_role', 'stories.public_title', 'stories.public_body',
      'stories.public_good', 'stories.public_better', 'stories.public_name',
      sql<string>`coalesce(stories.published_at, stories.received_at)`.as('published_at'),
    ])
    .where('stories.id', '=', id)
    .where((eb) => onPublicSite(eb))
    .executeTakeFirst();
}

export async function tagsOf(db: Db, storyId: number): Promise<string[]> {
  return (await db.selectFrom('story_tags').select('tag').where('story_id', '=', storyId).orderBy('tag').execute()).map((r) => r.tag);
}

/** The further services the moderator tagged the story with. */
export async function otherUnitsOf(db: Db, storyId: number): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('story_units as su').innerJoin('org_units as u', 'u.id', 'su.unit_id').select(['u.id', 'u.name']).where('su.story_id', '=', storyId).orderBy('u.name').execute();
}

export interface ResponseRow {
  id: number;
  story_id: number;
  responder_role: string;
  body: string;
  change: ChangeKind;
  change_description: string | null;
  created_at: string;
  project_id: number | null;
  project_title: string | null;
  project_aim: string | null;
  project_stage: string | null;
  idea_title: string | null;
  idea_status: string | null;
}

function responseSelect(db: Db) {
  return db
    .selectFrom('story_responses as r')
    .leftJoin('projects as p', 'p.id', 'r.project_id')
    .leftJoin('change_ideas as ci', 'ci.id', 'r.change_idea_id')
    .select([
      'r.id', 'r.story_id', 'r.responder_role', 'r.body', 'r.change', 'r.change_description', 'r.created_at', 'r.project_id',
      'p.title as project_title', 'p.aim as project_aim', 'p.stage as project_stage', 'ci.title as idea_title', 'ci.status as idea_status',
    ]);
}

/** A story's responses, oldest first (a conversation). */
export async function responsesOf(db: Db, storyId: number): Promise<ResponseRow[]> {
  return responseSelect(db).where('r.story_id', '=', storyId).orderBy('r.created_at').orderBy('r.id').execute();
}

// ---- You said, we did

/**
 * One entry on the page: a project that changes made because of public stories link to (key = the
 * project id), or a change made with no project (key = minus the response id), with the newest such
 * change's time. Keyset on (latest, key), newest first.
 */
export interface ChangeEntry {
  key: number;
  latest: string;
}

const entryKey = sql<number>`case when r.project_id is null then 0 - r.id else r.project_id end`;

export async function changeEntries(db: Db, after: { at: string; key: number } | undefined, size: number): Promise<ChangeEntry[]> {
  let q = db
    .selectFrom('story_responses as r')
    .innerJoin('stories', 'stories.id', 'r.story_id')
    .select([entryKey.as('key'), (eb) => eb.fn.max('r.created_at').as('latest')])
    .where('r.change', '=', 'made')
    .where((eb) => onPublicSite(eb as unknown as Eb))
    .groupBy(entryKey);
  if (after) {
    q = q.having((eb) => eb.or([eb(eb.fn.max('r.created_at'), '<', after.at), eb.and([eb(eb.fn.max('r.created_at'), '=', after.at), eb(entryKey, '<', after.key)])]));
  }
  const rows = await q.orderBy(sql`max(r.created_at)`, 'desc').orderBy(entryKey, 'desc').limit(size + 1).execute();
  return rows.map((r) => ({ key: Number(r.key), latest: String(r.latest) }));
}

export type ChangeRow = ResponseRow & { story_title: string; story_excerpt: string; entry_key: number; entry_changes: number };

/** How many changes an entry shows; the rest are counted. */
export const CHANGES_PER_ENTRY = 5;

/**
 * The changes made because of public stories for these entries (entry keys as changeEntries gives
 * them), newest first: at most CHANGES_PER_ENTRY each, with how many the entry has in all.
 */
export async function changesFor(db: Db, keys: number[]): Promise<ChangeRow[]> {
  const projectIds = keys.filter((k) => k > 0);
  const responseIds = keys.filter((k) => k < 0).map((k) => -k);
  if (keys.length === 0) return [];
  const ranked = responseSelect(db)
    .innerJoin('stories', 'stories.id', 'r.story_id')
    .select([
      'stories.public_title as story_title',
      sql<string>`substr(stories.public_body, 1, ${sql.lit(EXCERPT_SOURCE_CHARS)})`.as('story_excerpt'),
      entryKey.as('entry_key'),
      sql<number>`row_number() over (partition by ${entryKey} order by r.created_at desc, r.id desc)`.as('place'),
      sql<number>`count(*) over (partition by ${entryKey})`.as('entry_changes'),
    ])
    .where('r.change', '=', 'made')
    .where((eb) => onPublicSite(eb as unknown as Eb))
    .where((eb) => eb.or([...(projectIds.length ? [eb('r.project_id', 'in', projectIds)] : []), ...(responseIds.length ? [eb('r.id', 'in', responseIds)] : [])]));
  const rows = await db.selectFrom(ranked.as('x')).selectAll().where('x.place', '<=', CHANGES_PER_ENTRY).orderBy('x.created_at', 'desc').orderBy('x.id', 'desc').execute();
  return rows.map(({ place: _p, ...r }) => ({ ...r, entry_key: Number(r.entry_key), entry_changes: Number(r.entry_changes) }));
}

// ---- Choices for the filters

export async function unitChoices(db: Db): Promise<{ id: number; name: string; path: string }[]> {
  return db.selectFrom('org_units').select(['id', 'name', 'path']).where('archived_at', 'is', null).orderBy('path').execute();
}

export async function unitPathOf(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('org_units').select('path').where('id', '=', id).executeTakeFirst())?.path;
}
