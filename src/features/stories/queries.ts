import { sql, type Insertable, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database, OrgUnit, StoryStatus, StoryTable } from '../../platform/db/types.ts';
import type { Principal } from '../../platform/rbac/index.ts';
import { storyInScope } from './service.ts';

type Executor = Db | Transaction<Database>;

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// ---- Units for the picker

export interface UnitChoice {
  id: number;
  name: string;
  path: string;
  parent_name: string | null;
}

const choiceQuery = (db: Executor) =>
  db
    .selectFrom('org_units as u')
    .leftJoin('org_units as p', 'p.id', 'u.parent_id')
    .select(['u.id', 'u.name', 'u.path', 'p.name as parent_name'])
    .where('u.archived_at', 'is', null);

/**
 * Units whose name contains the words typed, or without a search the trust and the units just below
 * it; at most `limit`, in the order of the organisation.
 */
export async function unitChoices(db: Executor, search: string | undefined, limit: number): Promise<UnitChoice[]> {
  let q = choiceQuery(db);
  if (search) {
    const pattern = likePattern(search);
    q = q.where(sql<SqlBool>`lower(u.name) like ${pattern} escape '\\'`);
  } else {
    q = q.where((eb) => eb.or([eb('u.parent_id', 'is', null), eb('p.parent_id', 'is', null)]));
  }
  return q.orderBy('u.path').limit(limit).execute();
}

export async function unitChoicesByIds(db: Executor, ids: readonly number[]): Promise<UnitChoice[]> {
  if (ids.length === 0) return [];
  return choiceQuery(db).where('u.id', 'in', [...ids]).orderBy('u.path').execute();
}

export async function activeUnit(db: Executor, id: number): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst();
}

export async function rootUnit(db: Executor): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_units').selectAll().where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
}

// ---- Stories

export async function insertStory(db: Executor, values: Insertable<StoryTable>): Promise<number> {
  const { id } = await db.insertInto('stories').values(values).returning('id').executeTakeFirstOrThrow();
  return id;
}

export interface QueueRow {
  id: number;
  public_title: string;
  unit_name: string;
  source: string;
  status: StoryStatus;
  received_at: string;
  safeguarding_at: string | null;
  erased_at: string | null;
}

/** One page of the moderation queue: stories in scope with this status, oldest first, after the cursor. */
export async function queue(db: Executor, principal: Principal, status: StoryStatus, after: { at: string; id: number } | undefined, limit: number): Promise<QueueRow[]> {
  let q = db
    .selectFrom('stories')
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select(['stories.id', 'stories.public_title', 'u.name as unit_name', 'stories.source', 'stories.status', 'stories.received_at', 'stories.safeguarding_at', 'stories.erased_at'])
    .where('stories.status', '=', status)
    .where((eb) => storyInScope(eb, principal, 'stories:moderate'));
  if (after) {
    q = q.where((eb) => eb.or([eb('stories.received_at', '>', after.at), eb.and([eb('stories.received_at', '=', after.at), eb('stories.id', '>', after.id)])]));
  }
  return q.orderBy('stories.received_at').orderBy('stories.id').limit(limit).execute();
}

/** How many stories in scope have this status. */
export async function countInScope(db: Executor, principal: Principal, status: StoryStatus): Promise<number> {
  const row = await db
    .selectFrom('stories')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('stories.status', '=', status)
    .where((eb) => storyInScope(eb, principal, 'stories:moderate'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type StoryRow = Awaited<ReturnType<typeof storyForModerator>> & object;

/** A story with its unit, if the principal moderates one of the units it is about. */
export async function storyForModerator(db: Executor, principal: Principal, id: number) {
  return db
    .selectFrom('stories')
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .selectAll('stories')
    .select(['u.name as unit_name', 'u.path as unit_path'])
    .where('stories.id', '=', id)
    .where((eb) => storyInScope(eb, principal, 'stories:moderate'))
    .executeTakeFirst();
}

export async function tagsOf(db: Executor, storyId: number): Promise<string[]> {
  const rows = await db.selectFrom('story_tags').select('tag').where('story_id', '=', storyId).orderBy('tag').execute();
  return rows.map((r) => r.tag);
}

export async function unitsOf(db: Executor, storyId: number): Promise<UnitChoice[]> {
  return choiceQuery(db)
    .innerJoin('story_units as su', 'su.unit_id', 'u.id')
    .where('su.story_id', '=', storyId)
    .orderBy('u.path')
    .execute();
}

/** The themes used most, for the moderator to reuse. */
export async function popularTags(db: Executor, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('story_tags')
    .select(['tag', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('tag')
    .orderBy('n', 'desc')
    .orderBy('tag')
    .limit(limit)
    .execute();
  return rows.map((r) => r.tag);
}

export async function userName(db: Executor, id: number | null): Promise<string | null> {
  if (id == null) return null;
  const row = await db.selectFrom('users').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name ?? null;
}

export async function updateStory(db: Executor, id: number, values: Partial<Insertable<StoryTable>>): Promise<void> {
  await db.updateTable('stories').set(values).where('id', '=', id).execute();
}

export async function replaceTags(db: Executor, storyId: number, tags: readonly string[]): Promise<void> {
  await db.deleteFrom('story_tags').where('story_id', '=', storyId).execute();
  if (tags.length) await db.insertInto('story_tags').values(tags.map((tag) => ({ story_id: storyId, tag }))).execute();
}

export async function replaceUnits(db: Executor, storyId: number, unitIds: readonly number[]): Promise<void> {
  await db.deleteFrom('story_units').where('story_id', '=', storyId).execute();
  if (unitIds.length) await db.insertInto('story_units').values(unitIds.map((unit_id) => ({ story_id: storyId, unit_id }))).execute();
}

// ---- Safeguarding contacts

/** The unit ids on a materialised path, from the trust down: "/1/4/9/" → [1, 4, 9]. */
export const pathIds = (path: string): number[] => path.split('/').filter(Boolean).map(Number);

export interface ContactRow {
  unit_id: number;
  unit_name: string;
  unit_path: string;
  name: string;
  email: string;
}

/** The safeguarding contacts of these units. */
export async function contactsFor(db: Executor, unitIds: readonly number[]): Promise<ContactRow[]> {
  if (unitIds.length === 0) return [];
  return db
    .selectFrom('safeguarding_contacts as c')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .select(['c.unit_id', 'u.name as unit_name', 'u.path as unit_path', 'c.name', 'c.email'])
    .where('c.unit_id', 'in', [...new Set(unitIds)])
    .execute();
}

/** The contact of the unit with this path, or of its nearest ancestor that has one. */
export async function nearestContact(db: Executor, unitPath: string): Promise<ContactRow | undefined> {
  const contacts = await contactsFor(db, pathIds(unitPath));
  return contacts.sort((a, b) => b.unit_path.length - a.unit_path.length)[0];
}

export interface ContactUnitRow {
  id: number;
  name: string;
  path: string;
  contact_name: string | null;
  contact_email: string | null;
}

/** A page of the units under these paths with their own contact, in the order of the organisation. */
export async function unitsWithContacts(db: Executor, paths: readonly string[], afterPath: string | undefined, limit: number): Promise<ContactUnitRow[]> {
  if (paths.length === 0) return [];
  let q = db
    .selectFrom('org_units as u')
    .leftJoin('safeguarding_contacts as c', 'c.unit_id', 'u.id')
    .select(['u.id', 'u.name', 'u.path', 'c.name as contact_name', 'c.email as contact_email'])
    .where('u.archived_at', 'is', null)
    .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))));
  if (afterPath) q = q.where('u.path', '>', afterPath);
  return q.orderBy('u.path').limit(limit).execute();
}

export async function upsertContact(db: Executor, values: { unit_id: number; name: string; email: string; updated_by: number; updated_at: string }): Promise<void> {
  await db
    .insertInto('safeguarding_contacts')
    .values(values)
    .onConflict((oc) => oc.column('unit_id').doUpdateSet({ name: values.name, email: values.email, updated_by: values.updated_by, updated_at: values.updated_at }))
    .execute();
}

export async function deleteContact(db: Executor, unitId: number): Promise<number> {
  const r = await db.deleteFrom('safeguarding_contacts').where('unit_id', '=', unitId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The message sent for a story's safeguarding flag, if one was. */
export async function sentMessage(db: Executor, key: string): Promise<{ recipient: string; created_at: string } | undefined> {
  return db.selectFrom('outbox').select(['recipient', 'created_at']).where('idempotency_key', '=', key).executeTakeFirst();
}

// ---- Texts to tellers, sent by hand

export interface TextRow {
  id: number;
  story_id: number;
  public_title: string;
  unit_name: string;
  recipient: string;
  subject: string;
  body_text: string;
  status: 'pending' | 'sent' | 'dead';
  created_at: string;
}

/** Texts to the tellers of stories the principal moderates (the outbox rows that name a story). */
const textsFor = (db: Executor, principal: Principal) =>
  db
    .selectFrom('outbox')
    .innerJoin('stories', 'stories.id', 'outbox.story_id')
    .innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .select(['outbox.id', 'stories.id as story_id', 'stories.public_title', 'u.name as unit_name', 'outbox.recipient', 'outbox.subject', 'outbox.body_text', 'outbox.status', 'outbox.created_at'])
    .where('outbox.channel', '=', 'sms')
    .where((eb) => storyInScope(eb, principal, 'stories:moderate'));

/** Texts waiting to be sent, oldest first, after the given message id. */
export async function pendingTexts(db: Executor, principal: Principal, after: number | undefined, limit: number): Promise<TextRow[]> {
  let q = textsFor(db, principal).where('outbox.status', '=', 'pending');
  if (after !== undefined) q = q.where('outbox.id', '>', after);
  return (await q.orderBy('outbox.id').limit(limit).execute()) as TextRow[];
}

export async function countPendingTexts(db: Executor, principal: Principal): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .innerJoin('stories', 'stories.id', 'outbox.story_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('outbox.channel', '=', 'sms')
    .where('outbox.status', '=', 'pending')
    .where((eb) => storyInScope(eb, principal, 'stories:moderate'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function textForModerator(db: Executor, principal: Principal, id: number): Promise<TextRow | undefined> {
  return (await textsFor(db, principal).where('outbox.id', '=', id).executeTakeFirst()) as TextRow | undefined;
}

/** Marks a pending text sent; false when it was no longer pending. */
export async function markTextSent(db: Executor, id: number, at: string): Promise<boolean> {
  const r = await db.updateTable('outbox').set({ status: 'sent', sent_at: at, locked_until: null })
    .where('id', '=', id).where('channel', '=', 'sms').where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * On erasure: messages still waiting for the teller are dropped; those already sent keep their
 * row (that we wrote to them) without the address or words, which named them.
 */
export async function eraseTellerMessages(db: Executor, storyId: number, erased: string): Promise<void> {
  await db.deleteFrom('outbox').where('story_id', '=', storyId).where('status', '!=', 'sent').execute();
  await db.updateTable('outbox').set({ recipient: erased, body_text: erased }).where('story_id', '=', storyId).execute();
}

// ---- What we hold about a teller (subject access)

/** Stories the principal moderates told with this email address (stored lower-case). */
export async function storyIdsByEmail(db: Executor, principal: Principal, email: string): Promise<number[]> {
  const rows = await db.selectFrom('stories').select('stories.id').where('stories.contact_email', '=', email)
    .where((eb) => storyInScope(eb, principal, 'stories:moderate')).execute();
  return rows.map((r) => r.id);
}

/**
 * Phone numbers are kept as typed, so the caller compares their digits: this reads only the id and
 * number of each story in scope that has one. A lookup made on request, not on every page.
 */
export async function phonesInScope(db: Executor, principal: Principal): Promise<{ id: number; contact_phone: string }[]> {
  return (await db.selectFrom('stories').select(['stories.id', 'stories.contact_phone']).where('stories.contact_phone', 'is not', null)
    .where((eb) => storyInScope(eb, principal, 'stories:moderate')).execute()) as { id: number; contact_phone: string }[];
}

/** The stories with these ids, whole, with their unit, oldest first. */
export async function storiesByIds(db: Executor, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('stories').innerJoin('org_units as u', 'u.id', 'stories.unit_id')
    .selectAll('stories').select('u.name as unit_name')
    .where('stories.id', 'in', ids).orderBy('stories.received_at').orderBy('stories.id').execute();
}

export async function tagsOfStories(db: Executor, ids: readonly number[]): Promise<{ story_id: number; tag: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('story_tags').select(['story_id', 'tag']).where('story_id', 'in', ids).orderBy('tag').execute();
}

export async function unitsOfStories(db: Executor, ids: readonly number[]): Promise<{ story_id: number; name: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('story_units as su').innerJoin('org_units as u', 'u.id', 'su.unit_id')
    .select(['su.story_id', 'u.name']).where('su.story_id', 'in', ids).orderBy('u.path').execute();
}

/** The public responses to these stories, oldest first (the teller can read them anyway). */
export async function responsesOfStories(db: Executor, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('story_responses')
    .select(['story_id', 'responder_role', 'body', 'change', 'change_description', 'created_at', 'updated_at'])
    .where('story_id', 'in', ids).orderBy('created_at').orderBy('id').execute();
}

/** The messages written to the teller of these stories. */
export async function messagesOfStories(db: Executor, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('outbox').select(['story_id', 'channel', 'recipient', 'subject', 'body_text', 'status', 'created_at', 'sent_at'])
    .where('story_id', 'in', ids).orderBy('id').execute();
}
