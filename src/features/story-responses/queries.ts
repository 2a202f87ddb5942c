import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { ChangeKind, Database, StoryResponse } from '../../platform/db/types.ts';
import { storyUnderPaths } from '../stories/service.ts';

type Db = Kysely<Database> | Transaction<Database>;

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// ---- The staff list of published stories

export interface ListFilter {
  /** Unit paths where the user may see stories (stories:view). */
  paths: string[];
  /** Only stories about this unit or the units below it. */
  unitPath?: string;
  answered?: boolean;
  discussed?: boolean;
  tag?: string;
  search?: string;
  after?: { at: string; id: number };
}

export interface ListRow {
  id: number;
  public_title: string;
  published_at: string | null;
  unit_name: string;
  response_count: number;
  discussed_on: string | null;
}

function listBase(db: Db, f: ListFilter) {
  let q = db
    .selectFrom('stories')
    .where('stories.status', '=', 'published')
    .where((eb) => storyUnderPaths(eb, f.paths));
  if (f.unitPath) {
    const unitPath = f.unitPath;
    q = q.where((eb) => storyUnderPaths(eb, [unitPath]));
  }
  if (f.answered !== undefined) {
    const answered = f.answered;
    q = q.where((eb) => {
      const has = eb.exists(eb.selectFrom('story_responses as r').select('r.id').whereRef('r.story_id', '=', 'stories.id'));
      return answered ? has : eb.not(has);
    });
  }
  if (f.discussed !== undefined) {
    const discussed = f.discussed;
    q = q.where((eb) => {
      const has = eb.exists(eb.selectFrom('story_discussion_stories as ds').select('ds.story_id').whereRef('ds.story_id', '=', 'stories.id'));
      return discussed ? has : eb.not(has);
    });
  }
  if (f.tag) {
    const tag = f.tag;
    q = q.where((eb) => eb.exists(eb.selectFrom('story_tags as tg').select('tg.story_id').whereRef('tg.story_id', '=', 'stories.id').where('tg.tag', '=', tag)));
  }
  if (f.search) {
    const pattern = likePattern(f.search);
    q = q.where((eb) =>
      eb.or([sql<SqlBool>`lower(stories.public_title) like ${pattern} escape '\\'`, sql<SqlBool>`lower(stories.public_body) like ${pattern} escape '\\'`]),
    );
  }
  return q;
}

/** Published stories in scope, newest first, a page at a time (keyset on published_at and id). */
export async function listStories(db: Db, f: ListFilter, limit: number): Promise<ListRow[]> {
  if (f.paths.length === 0) return [];
  let q = listBase(db, f);
  if (f.after) {
    const { at, id } = f.after;
    q = q.where((eb) => eb.or([eb('stories.published_at', '<', at), eb.and([eb('stories.published_at', '=', at), eb('stories.id', '<', id)])]));
  }
  const rows = await q
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select((eb) => [
      'stories.id',
      'stories.public_title',
      'stories.published_at',
      'u.name as unit_name',
      eb.selectFrom('story_responses as r').select((c) => c.fn.countAll<number>().as('n')).whereRef('r.story_id', '=', 'stories.id').as('response_count'),
      eb
        .selectFrom('story_discussion_stories as ds')
        .innerJoin('story_discussions as d', 'd.id', 'ds.discussion_id')
        .select((c) => c.fn.max('d.held_on').as('on'))
        .whereRef('ds.story_id', '=', 'stories.id')
        .as('discussed_on'),
    ])
    .orderBy('stories.published_at', 'desc')
    .orderBy('stories.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, response_count: Number(r.response_count ?? 0), discussed_on: (r.discussed_on as string | null) ?? null }));
}

export async function countStories(db: Db, f: ListFilter): Promise<number> {
  if (f.paths.length === 0) return 0;
  const row = await listBase(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Themes used on published stories in scope, for the filter. */
export async function tagsInUse(db: Db, paths: string[], limit: number): Promise<string[]> {
  if (paths.length === 0) return [];
  const rows = await db
    .selectFrom('story_tags as tg')
    .innerJoin('stories', 'stories.id', 'tg.story_id')
    .select('tg.tag')
    .distinct()
    .where('stories.status', '=', 'published')
    .where((eb) => storyUnderPaths(eb as never, paths))
    .orderBy('tg.tag')
    .limit(limit)
    .execute();
  return rows.map((r) => r.tag);
}

// ---- One story, as staff see it

export interface StoryRow {
  id: number;
  unit_id: number;
  unit_name: string;
  unit_path: string;
  source: string;
  teller_role: string;
  public_title: string;
  public_body: string;
  public_good: string | null;
  public_better: string | null;
  public_name: string;
  consent_publish: number;
  status: string;
  received_at: string;
  published_at: string | null;
  /** The teller left a way to reach them (the details themselves are not read here). */
  wants_reply: number;
}

/** A published story in the given unit paths (the public version only), or undefined. */
export async function publishedStory(db: Db, id: number, paths: string[]): Promise<StoryRow | undefined> {
  // storyUnderPaths answers a bound `false` for no paths, which better-sqlite3 cannot bind: nothing to find.
  if (paths.length === 0) return undefined;
  const row = await db
    .selectFrom('stories')
    .where('stories.id', '=', id)
    .where('stories.status', '=', 'published')
    .where((eb) => storyUnderPaths(eb, paths))
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select((eb) => [
      'stories.id', 'stories.unit_id', 'u.name as unit_name', 'u.path as unit_path', 'stories.source', 'stories.teller_role',
      'stories.public_title', 'stories.public_body', 'stories.public_good', 'stories.public_better', 'stories.public_name',
      'stories.consent_publish', 'stories.status', 'stories.received_at', 'stories.published_at',
      eb.case().when(eb.or([eb('stories.contact_email', 'is not', null), eb('stories.contact_phone', 'is not', null)])).then(1).else(0).end().as('wants_reply'),
    ])
    .executeTakeFirst();
  return row ? { ...row, wants_reply: Number(row.wants_reply) } : undefined;
}

/** Is the story about a unit at or below one of these paths? */
export async function storyUnder(db: Db, id: number, paths: string[]): Promise<boolean> {
  if (paths.length === 0) return false;
  const row = await db.selectFrom('stories').select('stories.id').where('stories.id', '=', id).where((eb) => storyUnderPaths(eb, paths)).executeTakeFirst();
  return row !== undefined;
}

/** How to tell the teller of a response: their contact details and whether the public site shows the story. Never shown on a page. */
export async function tellerContact(db: Db, id: number): Promise<{ contact_email: string | null; contact_phone: string | null; teller_name: string | null; public_title: string; on_site: number } | undefined> {
  const row = await db
    .selectFrom('stories')
    .select((eb) => [
      'contact_email', 'contact_phone', 'teller_name', 'public_title',
      eb.case().when(eb.and([eb('status', '=', 'published'), eb('consent_publish', '=', 1)])).then(1).else(0).end().as('on_site'),
    ])
    .where('id', '=', id)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  return row ? { ...row, on_site: Number(row.on_site) } : undefined;
}

export async function tagsOf(db: Db, storyId: number): Promise<string[]> {
  return (await db.selectFrom('story_tags').select('tag').where('story_id', '=', storyId).orderBy('tag').execute()).map((r) => r.tag);
}

export async function taggedUnitsOf(db: Db, storyId: number): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('story_units as su').innerJoin('org_units as u', 'u.id', 'su.unit_id').select(['u.id', 'u.name']).where('su.story_id', '=', storyId).orderBy('u.name').execute();
}

export type ResponseRow = StoryResponse & { author_name: string | null; project_title: string | null; idea_title: string | null };

/** A story's responses, oldest first, with who wrote them and the project and change idea they link to. */
export async function responsesOf(db: Db, storyId: number): Promise<ResponseRow[]> {
  return db
    .selectFrom('story_responses as r')
    .leftJoin('users as us', 'us.id', 'r.user_id')
    .leftJoin('projects as p', 'p.id', 'r.project_id')
    .leftJoin('change_ideas as ci', 'ci.id', 'r.change_idea_id')
    .selectAll('r')
    .select(['us.name as author_name', 'p.title as project_title', 'ci.title as idea_title'])
    .where('r.story_id', '=', storyId)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
}

export async function responseOf(db: Db, storyId: number, responseId: number): Promise<StoryResponse | undefined> {
  return db.selectFrom('story_responses').selectAll().where('story_id', '=', storyId).where('id', '=', responseId).executeTakeFirst();
}

export interface DiscussionRow {
  id: number;
  held_on: string;
  unit_name: string;
  attendee_count: number;
}

/** The team discussions a story was part of, latest first. */
export async function discussionsOf(db: Db, storyId: number): Promise<DiscussionRow[]> {
  return db
    .selectFrom('story_discussion_stories as ds')
    .innerJoin('story_discussions as d', 'd.id', 'ds.discussion_id')
    .innerJoin('org_units as u', 'u.id', 'd.unit_id')
    .select(['d.id', 'd.held_on', 'u.name as unit_name', 'd.attendee_count'])
    .where('ds.story_id', '=', storyId)
    .orderBy('d.held_on', 'desc')
    .orderBy('d.id', 'desc')
    .execute();
}

/** The role the user last responded under, to fill in the form. */
export async function lastRoleOf(db: Db, userId: number): Promise<string | undefined> {
  const row = await db.selectFrom('story_responses').select('responder_role').where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.responder_role;
}

// ---- Writing responses

export interface ResponseValues {
  responderRole: string;
  body: string;
  change: ChangeKind;
  changeDescription: string | null;
  projectId: number | null;
  changeIdeaId: number | null;
}

export async function insertResponse(trx: Db, storyId: number, userId: number, v: ResponseValues, at: string): Promise<number> {
  const { id } = await trx
    .insertInto('story_responses')
    .values({
      story_id: storyId, user_id: userId, responder_role: v.responderRole, body: v.body, change: v.change, change_description: v.changeDescription,
      project_id: v.projectId, change_idea_id: v.changeIdeaId, created_at: at, updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateResponse(trx: Db, responseId: number, v: ResponseValues, at: string): Promise<void> {
  await trx
    .updateTable('story_responses')
    .set({
      responder_role: v.responderRole, body: v.body, change: v.change, change_description: v.changeDescription,
      project_id: v.projectId, change_idea_id: v.changeIdeaId, updated_at: at,
    })
    .where('id', '=', responseId)
    .execute();
}
