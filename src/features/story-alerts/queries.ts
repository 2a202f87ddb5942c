import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Dialect } from '../../platform/db/index.ts';
import type { Database, DigestFrequency, Role } from '../../platform/db/types.ts';

/**
 * SQL for routing published stories to staff: their follows and digest settings (tables this
 * feature owns), the stories routed to one reader (read from the stories feature's tables, public
 * version only), and the readers whose digest is due.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** What routes a story to one reader (see routedTo). */
export interface Routing {
  /** Where the reader may see stories at all (stories:view): a story outside these is never theirs. */
  scopePaths: string[];
  /** Paths of the units they follow: a follow covers the unit and everything below it. */
  followPaths: string[];
  /** Themes they follow. */
  followTags: string[];
  /** Units they hold a stories:view role on directly: their own teams' stories come without a follow. */
  teamUnitIds: number[];
  dialect: Dialect;
}

/** The ids of the units at or below any of these paths (a subquery, worked out once per query). */
function unitsUnder(eb: ExpressionBuilder<Database, 'stories'>, paths: string[]) {
  return eb.selectFrom('org_units as under_u').select('under_u.id').where((u) => u.or(paths.map((p) => u('under_u.path', 'like', `${p}%`))));
}

/**
 * Stories about any of these units: the story's own unit or one it is tagged with. The same rule as
 * storyUnderPaths (stories feature) when given the units under paths, written as an IN list so the
 * database finds the units once per query rather than once per story.
 */
function aboutUnits(eb: ExpressionBuilder<Database, 'stories'>, units: ReturnType<typeof unitsUnder> | number[]): Expression<SqlBool> {
  return eb.or([
    eb('stories.unit_id', 'in', units),
    eb.exists(eb.selectFrom('story_units as about_su').select('about_su.story_id').whereRef('about_su.story_id', '=', 'stories.id').where('about_su.unit_id', 'in', units)),
  ]);
}

/**
 * The routing rule, as SQL on `stories`: published (with or without consent to the public site),
 * within the reader's scope (storyUnderPaths' rule), and about a unit they follow (or one below it),
 * tagged with a theme they follow, or about a unit they work in (its own unit or one it is tagged with).
 */
export function routedTo(eb: ExpressionBuilder<Database, 'stories'>, r: Routing): Expression<SqlBool> {
  const routes: Expression<SqlBool>[] = [];
  if (r.followPaths.length > 0) routes.push(aboutUnits(eb, unitsUnder(eb, r.followPaths)));
  if (r.followTags.length > 0) {
    routes.push(eb.exists(eb.selectFrom('story_tags as ft').select('ft.story_id').whereRef('ft.story_id', '=', 'stories.id').where('ft.tag', 'in', r.followTags)));
  }
  if (r.teamUnitIds.length > 0) routes.push(aboutUnits(eb, r.teamUnitIds));
  if (routes.length === 0 || r.scopePaths.length === 0) return eb.val(false);
  return eb.and([published(eb, r.dialect), aboutUnits(eb, unitsUnder(eb, r.scopePaths)), eb.or(routes)]);
}

/**
 * Published stories. Nearly every story is published, so an index on status narrows nothing: on
 * SQLite (which plans without statistics and would pick stories_status, then sort every published
 * story) the status is written so that no index can serve it, and the database walks
 * stories_published (published_at, id) in time order instead. PostgreSQL knows from its statistics.
 */
function published(eb: ExpressionBuilder<Database, 'stories'>, dialect: Dialect): Expression<SqlBool> {
  const status = dialect === 'sqlite' ? eb(sql<string>`${sql.ref('stories.status')} || ''`, '=', 'published') : eb('stories.status', '=', 'published');
  return eb.and([status, eb('stories.published_at', 'is not', null)]);
}

// ---- Follows

export interface FollowRow {
  id: number;
  unit_id: number | null;
  tag: string | null;
  unit_name: string | null;
  unit_path: string | null;
}

export async function followsOf(db: Db, userId: number): Promise<FollowRow[]> {
  return db
    .selectFrom('story_follows as f')
    .leftJoin('org_units as u', 'u.id', 'f.unit_id')
    .select(['f.id', 'f.unit_id', 'f.tag', 'u.name as unit_name', 'u.path as unit_path'])
    .where('f.user_id', '=', userId)
    .orderBy('u.path')
    .orderBy('f.tag')
    .orderBy('f.id')
    .execute();
}

export async function followExists(db: Db, userId: number, follow: { unitId: number } | { tag: string }): Promise<boolean> {
  let q = db.selectFrom('story_follows').select('id').where('user_id', '=', userId);
  q = 'unitId' in follow ? q.where('unit_id', '=', follow.unitId) : q.where('unit_id', 'is', null).where('tag', '=', follow.tag);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function countFollows(db: Db, userId: number): Promise<number> {
  const row = await db.selectFrom('story_follows').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertFollow(db: Db, userId: number, follow: { unitId: number } | { tag: string }, now: string): Promise<number> {
  const { id } = await db
    .insertInto('story_follows')
    .values({ user_id: userId, unit_id: 'unitId' in follow ? follow.unitId : null, tag: 'tag' in follow ? follow.tag : null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function followById(db: Db, userId: number, id: number): Promise<FollowRow | undefined> {
  return db
    .selectFrom('story_follows as f')
    .leftJoin('org_units as u', 'u.id', 'f.unit_id')
    .select(['f.id', 'f.unit_id', 'f.tag', 'u.name as unit_name', 'u.path as unit_path'])
    .where('f.id', '=', id)
    .where('f.user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteFollow(db: Db, userId: number, id: number): Promise<void> {
  await db.deleteFrom('story_follows').where('id', '=', id).where('user_id', '=', userId).execute();
}

/**
 * Themes to suggest: those on the trust's 1,000 most recently published stories, most used first.
 * Themes are the moderators' words, not personal data, and a followed theme still brings only
 * stories in the reader's scope. Bounded, so it stays quick however many stories there are (a
 * scoped list would have to walk back through every story to find a small team's).
 */
export async function tagSuggestions(db: Db, limit = 30): Promise<string[]> {
  const rows = await db
    .selectFrom('story_tags as t')
    .select(['t.tag', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('t.story_id', 'in', (eb) =>
      eb
        .selectFrom('stories')
        .select('stories.id')
        // Published at some time (a story held after publishing keeps its themes): walks stories_published.
        .where('stories.published_at', 'is not', null)
        .orderBy('stories.published_at', 'desc')
        .limit(1000),
    )
    .groupBy('t.tag')
    .orderBy('n', 'desc')
    .orderBy('t.tag')
    .limit(limit)
    .execute();
  return rows.map((r) => r.tag);
}

// ---- Digest settings

export interface Settings {
  frequency: DigestFrequency;
  last_sent_at: string | null;
  last_seen_at: string | null;
}

export async function settingsOf(db: Db, userId: number): Promise<Settings | undefined> {
  return db.selectFrom('story_digest_settings').select(['frequency', 'last_sent_at', 'last_seen_at']).where('user_id', '=', userId).executeTakeFirst();
}

export async function saveFrequency(db: Db, userId: number, frequency: DigestFrequency, now: string): Promise<void> {
  await db
    .insertInto('story_digest_settings')
    .values({ user_id: userId, frequency, last_sent_at: null, last_seen_at: null, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ frequency, updated_at: now }))
    .execute();
}

/** The reader opened "for you" now: what is published after this is new next time. */
export async function markSeen(db: Db, userId: number, now: string): Promise<void> {
  await db
    .insertInto('story_digest_settings')
    .values({ user_id: userId, frequency: 'weekly', last_sent_at: null, last_seen_at: now, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ last_seen_at: now }))
    .execute();
}

/**
 * Records that the reader has been told up to `now`, only if nobody else has since `previous` was
 * read (another worker running the same digest): answers whether this call made the change.
 */
export async function markSent(db: Db, userId: number, previous: { exists: boolean; lastSentAt: string | null }, now: string): Promise<boolean> {
  if (!previous.exists) {
    const rows = await db
      .insertInto('story_digest_settings')
      .values({ user_id: userId, frequency: 'weekly', last_sent_at: now, last_seen_at: null, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returning('user_id')
      .execute();
    return rows.length > 0;
  }
  const result = await db
    .updateTable('story_digest_settings')
    .set({ last_sent_at: now })
    .where('user_id', '=', userId)
    .where((eb) => (previous.lastSentAt === null ? eb('last_sent_at', 'is', null) : eb('last_sent_at', '=', previous.lastSentAt)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---- Stories routed to a reader

export interface RoutedStory {
  id: number;
  public_title: string;
  excerpt: string;
  published_at: string;
  unit_id: number;
  unit_name: string;
}

/** Where a page of stories starts: after the last one shown (newest first). */
export interface StoryCursor {
  at: string;
  id: number;
}

/** How much of the public version is read for an excerpt. */
const EXCERPT_CHARS = 400;

/**
 * The stories routed to the reader, newest first: published after `after` (exclusive) and up to
 * `until`, one page at a time. Only the moderated public version is read.
 */
export async function routedStories(
  db: Db,
  r: Routing,
  opts: { publishedAfter?: string | undefined; until?: string | undefined; cursor?: StoryCursor | undefined; limit: number },
): Promise<RoutedStory[]> {
  let q = db
    .selectFrom('stories')
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select((eb) => [
      'stories.id', 'stories.public_title', 'stories.unit_id', 'u.name as unit_name',
      eb.fn<string>('substr', ['stories.public_body', eb.lit(1), eb.lit(EXCERPT_CHARS)]).as('excerpt'),
      eb.fn.coalesce('stories.published_at', 'stories.received_at').as('published_at'),
    ])
    .where((eb) => routedTo(eb, r));
  if (opts.publishedAfter) q = q.where('stories.published_at', '>', opts.publishedAfter);
  if (opts.until) q = q.where('stories.published_at', '<=', opts.until);
  if (opts.cursor) {
    const { at, id } = opts.cursor;
    q = q.where((eb) => eb.or([eb('stories.published_at', '<', at), eb.and([eb('stories.published_at', '=', at), eb('stories.id', '<', id)])]));
  }
  return q.orderBy('stories.published_at', 'desc').orderBy('stories.id', 'desc').limit(opts.limit).execute();
}

/** How many stories are routed to the reader published after `after` (and up to `until`). */
export async function countRouted(db: Db, r: Routing, opts: { publishedAfter: string; until?: string | undefined }): Promise<number> {
  let q = db
    .selectFrom('stories')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => routedTo(eb, r))
    .where('stories.published_at', '>', opts.publishedAfter);
  if (opts.until) q = q.where('stories.published_at', '<=', opts.until);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** The further units each story is tagged with, by story. */
export async function taggedUnits(db: Db, storyIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (storyIds.length === 0) return out;
  const rows = await db
    .selectFrom('story_units as su')
    .innerJoin('org_units as u', 'u.id', 'su.unit_id')
    .select(['su.story_id', 'u.name'])
    .where('su.story_id', 'in', storyIds)
    .orderBy('u.path')
    .execute();
  for (const r of rows) out.set(r.story_id, [...(out.get(r.story_id) ?? []), r.name]);
  return out;
}

// ---- Readers whose digest is due

export interface Recipient {
  id: number;
  email: string;
  name: string;
  frequency: DigestFrequency | null;
  last_sent_at: string | null;
  has_settings: number | string | boolean;
}

/**
 * Active users who may read stories somewhere, whose digest frequency is one of `frequencies`
 * (weekly when they have never chosen) and who have not been told since `boundary`; a page at a
 * time by user id.
 */
export async function dueRecipients(
  db: Db,
  opts: { frequencies: DigestFrequency[]; boundary: string; viewRoles: Role[]; afterUserId: number; limit: number },
): Promise<Recipient[]> {
  if (opts.frequencies.length === 0 || opts.viewRoles.length === 0) return [];
  return db
    .selectFrom('users as u')
    .leftJoin('story_digest_settings as s', 's.user_id', 'u.id')
    .select((eb) => ['u.id', 'u.email', 'u.name', 's.frequency', 's.last_sent_at', eb('s.user_id', 'is not', null).as('has_settings')])
    .where('u.disabled_at', 'is', null)
    .where('u.id', '>', opts.afterUserId)
    .where((eb) => eb(eb.fn.coalesce('s.frequency', eb.val('weekly')), 'in', opts.frequencies))
    .where((eb) => eb.or([eb('s.last_sent_at', 'is', null), eb('s.last_sent_at', '<', opts.boundary)]))
    .where((eb) =>
      eb.exists(
        eb.selectFrom('role_grants as g').innerJoin('org_units as gu', 'gu.id', 'g.unit_id').select('g.id')
          .whereRef('g.user_id', '=', 'u.id').where('g.role', 'in', opts.viewRoles).where('gu.archived_at', 'is', null),
      ),
    )
    .orderBy('u.id')
    .limit(opts.limit)
    .execute();
}
