import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Database, StoryDiscussion } from '../../platform/db/types.ts';
import { storyUnderPaths } from '../stories/service.ts';

type Db = Kysely<Database> | Transaction<Database>;

// ---- The list of discussions

export interface ListFilter {
  /** Unit paths where the user may see stories (stories:view). */
  paths: string[];
  unitPath?: string;
  after?: { on: string; id: number };
}

export interface ListRow {
  id: number;
  held_on: string;
  unit_name: string;
  attendee_count: number;
  story_count: number;
}

/** Discussions held by units in scope, latest first, a page at a time (keyset on held_on and id). */
export async function listDiscussions(db: Db, f: ListFilter, limit: number): Promise<ListRow[]> {
  if (f.paths.length === 0) return [];
  let q = db
    .selectFrom('story_discussions as d')
    .innerJoin('org_units as u', 'u.id', 'd.unit_id')
    .where((eb) => eb.or(f.paths.map((p) => eb('u.path', 'like', `${p}%`))));
  if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
  if (f.after) {
    const { on, id } = f.after;
    q = q.where((eb) => eb.or([eb('d.held_on', '<', on), eb.and([eb('d.held_on', '=', on), eb('d.id', '<', id)])]));
  }
  const rows = await q
    .select((eb) => [
      'd.id', 'd.held_on', 'u.name as unit_name', 'd.attendee_count',
      eb.selectFrom('story_discussion_stories as ds').select((c) => c.fn.countAll<number>().as('n')).whereRef('ds.discussion_id', '=', 'd.id').as('story_count'),
    ])
    .orderBy('d.held_on', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, story_count: Number(r.story_count ?? 0) }));
}

// ---- One discussion

export type DiscussionRow = StoryDiscussion & { unit_name: string; unit_path: string; recorded_by_name: string | null };

export async function discussionById(db: Db, id: number): Promise<DiscussionRow | undefined> {
  return db
    .selectFrom('story_discussions as d')
    .innerJoin('org_units as u', 'u.id', 'd.unit_id')
    .leftJoin('users as us', 'us.id', 'd.recorded_by')
    .selectAll('d')
    .select(['u.name as unit_name', 'u.path as unit_path', 'us.name as recorded_by_name'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export interface DiscussedStory {
  id: number;
  public_title: string;
  published_at: string | null;
  status: string;
}

export async function storiesOf(db: Db, discussionId: number): Promise<DiscussedStory[]> {
  return db
    .selectFrom('story_discussion_stories as ds')
    .innerJoin('stories as s', 's.id', 'ds.story_id')
    .select(['s.id', 's.public_title', 's.published_at', 's.status'])
    .where('ds.discussion_id', '=', discussionId)
    .orderBy('s.published_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute();
}

// ---- Stories to choose from

export interface StoryChoice {
  id: number;
  public_title: string;
  published_at: string | null;
  /** When a team in the unit (or the unit itself) last discussed it; null when none has. */
  discussed_on: string | null;
}

/**
 * The unit's published stories (about it or a unit below it): those not yet discussed by a team in
 * the unit first, then newest first. With ids, those stories only (still the unit's published ones).
 */
export async function storiesForUnit(db: Db, unitPath: string, opts: { limit: number; ids?: number[] }): Promise<StoryChoice[]> {
  if (opts.ids && opts.ids.length === 0) return [];
  const discussedOn = (eb: ExpressionBuilder<Database, 'stories'>) =>
    eb
      .selectFrom('story_discussion_stories as ds')
      .innerJoin('story_discussions as d', 'd.id', 'ds.discussion_id')
      .innerJoin('org_units as du', 'du.id', 'd.unit_id')
      .select((c) => c.fn.max('d.held_on').as('on'))
      .whereRef('ds.story_id', '=', 'stories.id')
      .where('du.path', 'like', `${unitPath}%`);
  const base = () => {
    let q = db.selectFrom('stories').where('stories.status', '=', 'published').where((eb) => storyUnderPaths(eb, [unitPath]));
    if (opts.ids) q = q.where('stories.id', 'in', opts.ids);
    return q;
  };
  const rows = await base()
    .select((eb) => ['stories.id', 'stories.public_title', 'stories.published_at', discussedOn(eb).as('discussed_on')])
    .orderBy((eb) => eb.case().when(discussedOn(eb), 'is', null).then(0).else(1).end())
    .orderBy('stories.published_at', 'desc')
    .orderBy('stories.id', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({ ...r, discussed_on: (r.discussed_on as string | null) ?? null }));
}

export async function countStoriesForUnit(db: Db, unitPath: string): Promise<number> {
  const row = await db
    .selectFrom('stories')
    .where('stories.status', '=', 'published')
    .where((eb) => storyUnderPaths(eb, [unitPath]))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- Recording a discussion

export interface NewDiscussion {
  unitId: number;
  heldOn: string;
  attendees: string;
  attendeeCount: number;
  learning: string;
  actions: string | null;
  recordedBy: number;
  storyIds: number[];
}

export async function insertDiscussion(trx: Db, d: NewDiscussion, at: string): Promise<number> {
  const { id } = await trx
    .insertInto('story_discussions')
    .values({
      unit_id: d.unitId, held_on: d.heldOn, attendees: d.attendees, attendee_count: d.attendeeCount, learning: d.learning, actions: d.actions,
      recorded_by: d.recordedBy, created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.insertInto('story_discussion_stories').values(d.storyIds.map((storyId) => ({ discussion_id: id, story_id: storyId }))).execute();
  return id;
}

// ---- Coverage: how many of each unit's stories its teams have discussed

export interface CoverageRow {
  id: number;
  name: string;
  path: string;
  published: number;
  discussed: number;
  oldest_id: number | null;
}

/**
 * For each unit at or below the paths (a page of them, in tree order): its published stories (about
 * it or a unit below it), how many of those a team in the unit has discussed, and the oldest
 * published one none has. Stories a moderator tagged with the unit count as well as its own.
 */
export async function coverage(db: Db, paths: string[], after: string | undefined, limit: number): Promise<CoverageRow[]> {
  if (paths.length === 0) return [];
  const inScope = sql.join(paths.map((p) => sql`u.path like ${`${p}%`}`), sql` or `);
  // A story is about the unit u when its own unit, or a unit it was tagged with, is at or below u.
  const about = sql`(
    s.unit_id in (select mu.id from org_units mu where mu.path like u.path || '%')
    or s.id in (select su.story_id from story_units su inner join org_units tu on tu.id = su.unit_id where tu.path like u.path || '%')
  )`;
  const discussed = sql`exists (
    select 1 from story_discussion_stories ds
    inner join story_discussions d on d.id = ds.discussion_id
    inner join org_units du on du.id = d.unit_id
    where ds.story_id = s.id and du.path like u.path || '%'
  )`;
  const afterPath = after ? sql`and u.path > ${after}` : sql``;
  const result = await sql<{ id: number; name: string; path: string; published: number | string; discussed: number | string; oldest_id: number | null }>`
    select u.id, u.name, u.path,
      (select count(*) from stories s where s.status = 'published' and ${about}) as published,
      (select count(*) from stories s where s.status = 'published' and ${about} and ${discussed}) as discussed,
      (select s.id from stories s where s.status = 'published' and ${about} and not ${discussed}
        order by s.published_at, s.id limit 1) as oldest_id
    from org_units u
    where u.archived_at is null and (${inScope}) ${afterPath}
    order by u.path
    limit ${limit}
  `.execute(db);
  return result.rows.map((r) => ({ ...r, published: Number(r.published), discussed: Number(r.discussed), oldest_id: r.oldest_id == null ? null : Number(r.oldest_id) }));
}

export async function storiesByIds(db: Db, ids: number[]): Promise<{ id: number; public_title: string; published_at: string | null }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('stories').select(['id', 'public_title', 'published_at']).where('id', 'in', ids).execute();
}
