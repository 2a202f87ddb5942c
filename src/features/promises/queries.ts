import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/types.ts';
import type { PromiseProgress, WorkshopPromise } from '../../platform/db/workshop-types.ts';
import type { ListFilter } from './schemas.ts';

/**
 * Promises, supporters, encouragement and check-ins. Reads the workshop tables (workshops,
 * participants, challenges) and, to resolve a group's supporters, group_members → people.user_id;
 * writes only the four promise tables.
 */

// ---- Workshops (read)

export interface ProgressWorkshop {
  id: number;
  title: string;
  held_on: string;
  progress_public: number;
  unit_path: string;
  winning_title: string | null;
}

export async function workshopForProgress(db: Db, id: number): Promise<ProgressWorkshop | undefined> {
  return db
    .selectFrom('workshops')
    .innerJoin('org_units', 'org_units.id', 'workshops.unit_id')
    .leftJoin('workshop_challenges as wc', (j) => j.onRef('wc.id', '=', 'workshops.winning_challenge_id').onRef('wc.workshop_id', '=', 'workshops.id'))
    .select(['workshops.id', 'workshops.title', 'workshops.held_on', 'workshops.progress_public', 'org_units.path as unit_path', 'wc.title as winning_title'])
    .where('workshops.id', '=', id)
    .executeTakeFirst();
}

/** Participants of the workshop, and its promises by progress (counts only). */
export async function progressCounts(db: Db, workshopId: number): Promise<{ participants: number; byProgress: Record<PromiseProgress, number> }> {
  const participants = await db
    .selectFrom('workshop_participants')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workshop_id', '=', workshopId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('promises')
    .select(['progress', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workshop_id', '=', workshopId)
    .groupBy('progress')
    .execute();
  const byProgress: Record<PromiseProgress, number> = { not_yet: 0, in_progress: 0, kept: 0 };
  for (const r of rows) byProgress[r.progress] = Number(r.n);
  return { participants: Number(participants.n), byProgress };
}

// ---- One participant's promise

export async function promiseOfParticipant(db: Db, participantId: number): Promise<WorkshopPromise | undefined> {
  return db.selectFrom('promises').selectAll().where('participant_id', '=', participantId).executeTakeFirst();
}

export async function insertPromise(db: Db, values: { workshopId: number; participantId: number; text: string; shared: boolean; checkInOn: string; at: string }): Promise<number> {
  const row = await db
    .insertInto('promises')
    .values({
      workshop_id: values.workshopId, participant_id: values.participantId, text: values.text, shared: values.shared ? 1 : 0,
      check_in_on: values.checkInOn, progress: 'not_yet', created_at: values.at, updated_at: values.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePromise(db: Db, id: number, values: { text: string; shared: boolean; checkInOn: string; at: string }): Promise<void> {
  await db
    .updateTable('promises')
    .set({ text: values.text, shared: values.shared ? 1 : 0, check_in_on: values.checkInOn, updated_at: values.at })
    .where('id', '=', id)
    .execute();
}

/** Promises other participants at the workshop chose to share, with their names (never the unshared). */
export async function sharedPromisesAt(db: Db, workshopId: number, exceptParticipantId: number, limit: number) {
  return db
    .selectFrom('promises')
    .innerJoin('workshop_participants as wp', 'wp.id', 'promises.participant_id')
    .innerJoin('users', 'users.id', 'wp.user_id')
    .select(['promises.id', 'promises.text', 'promises.progress', 'users.name'])
    .where('promises.workshop_id', '=', workshopId)
    .where('promises.shared', '=', 1)
    .where('promises.participant_id', '!=', exceptParticipantId)
    .orderBy('promises.id')
    .limit(limit)
    .execute();
}

// ---- The organiser's list

export interface OrganiserRow {
  participant_id: number;
  user_id: number;
  name: string;
  email: string;
  promise_id: number | null;
  text: string | null;
  shared: number | null;
  progress: PromiseProgress | null;
  check_in_on: string | null;
}

export async function participantsWithPromises(db: Db, workshopId: number, opts: { show?: ListFilter; after?: number; limit: number }): Promise<OrganiserRow[]> {
  let q = db
    .selectFrom('workshop_participants as wp')
    .innerJoin('users', 'users.id', 'wp.user_id')
    .leftJoin('promises', 'promises.participant_id', 'wp.id')
    .select([
      'wp.id as participant_id', 'users.id as user_id', 'users.name', 'users.email', 'promises.id as promise_id', 'promises.text', 'promises.shared',
      'promises.progress', 'promises.check_in_on',
    ])
    .where('wp.workshop_id', '=', workshopId);
  if (opts.show === 'none') q = q.where('promises.id', 'is', null);
  else if (opts.show) q = q.where('promises.progress', '=', opts.show);
  if (opts.after) q = q.where('wp.id', '>', opts.after);
  return q.orderBy('wp.id').limit(opts.limit).execute();
}

/** Every participant of the workshop, for the "assign to" choice (a workshop is a room of people, not a register). */
export async function participantChoices(db: Db, workshopId: number, limit: number) {
  return db
    .selectFrom('workshop_participants as wp')
    .innerJoin('users', 'users.id', 'wp.user_id')
    .select(['wp.id', 'wp.user_id', 'users.name'])
    .where('wp.workshop_id', '=', workshopId)
    .orderBy('users.name')
    .orderBy('wp.id')
    .limit(limit)
    .execute();
}

export async function participantInWorkshop(db: Db, workshopId: number, participantId: number) {
  return db
    .selectFrom('workshop_participants')
    .select(['id', 'user_id'])
    .where('workshop_id', '=', workshopId)
    .where('id', '=', participantId)
    .executeTakeFirst();
}

export async function allParticipants(db: Db, workshopId: number) {
  return db.selectFrom('workshop_participants').select(['id', 'user_id']).where('workshop_id', '=', workshopId).orderBy('id').execute();
}

// ---- Supporters

export interface SupporterRow {
  id: number;
  participant_id: number;
  user_id: number | null;
  user_name: string | null;
  group_id: number | null;
  group_name: string | null;
  members_with_accounts: number | null;
}

/** The group's members today who have a user account. */
function activeMembersWithAccounts(eb: ExpressionBuilder<Database, 'promise_supporters'>) {
  return eb
    .selectFrom('group_members as gm')
    .innerJoin('people', 'people.id', 'gm.person_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .whereRef('gm.group_id', '=', 'promise_supporters.group_id')
    .where('gm.left_on', 'is', null)
    .where('people.user_id', 'is not', null)
    .where('people.erased_at', 'is', null);
}

export async function supportersOf(db: Db, participantIds: readonly number[]): Promise<SupporterRow[]> {
  if (participantIds.length === 0) return [];
  const rows = await db
    .selectFrom('promise_supporters')
    .leftJoin('users', 'users.id', 'promise_supporters.user_id')
    .leftJoin('groups', 'groups.id', 'promise_supporters.group_id')
    .select([
      'promise_supporters.id', 'promise_supporters.participant_id', 'promise_supporters.user_id', 'users.name as user_name', 'promise_supporters.group_id',
      'groups.name as group_name',
    ])
    .select((eb) => activeMembersWithAccounts(eb).as('members_with_accounts'))
    .where('promise_supporters.participant_id', 'in', participantIds)
    .orderBy('promise_supporters.id')
    .execute();
  return rows.map((r) => ({ ...r, members_with_accounts: r.members_with_accounts == null ? null : Number(r.members_with_accounts) }));
}

export async function supporterExists(db: Db, participantId: number, who: { userId: number } | { groupId: number }): Promise<boolean> {
  let q = db.selectFrom('promise_supporters').select('id').where('participant_id', '=', participantId);
  q = 'userId' in who ? q.where('user_id', '=', who.userId) : q.where('group_id', '=', who.groupId);
  return !!(await q.executeTakeFirst());
}

export async function insertSupporter(db: Db, values: { participantId: number; userId: number | null; groupId: number | null; by: number; at: string }): Promise<number> {
  const row = await db
    .insertInto('promise_supporters')
    .values({ participant_id: values.participantId, user_id: values.userId, group_id: values.groupId, assigned_by: values.by, assigned_at: values.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A supporter row, only when it belongs to a participant of this workshop. */
export async function supporterInWorkshop(db: Db, workshopId: number, supporterId: number) {
  return db
    .selectFrom('promise_supporters')
    .innerJoin('workshop_participants as wp', 'wp.id', 'promise_supporters.participant_id')
    .select(['promise_supporters.id', 'promise_supporters.participant_id', 'promise_supporters.user_id', 'promise_supporters.group_id', 'wp.user_id as participant_user_id'])
    .where('promise_supporters.id', '=', supporterId)
    .where('wp.workshop_id', '=', workshopId)
    .executeTakeFirst();
}

export async function deleteSupporter(db: Db, id: number): Promise<void> {
  await db.deleteFrom('promise_supporters').where('id', '=', id).execute();
}

export async function userByEmail(db: Db, email: string) {
  return db.selectFrom('users').select(['id', 'name', 'disabled_at']).where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** Every user who supports the participant (named, or through a group), except the participant. */
export async function supporterUsers(db: Db, participantId: number, participantUserId: number) {
  const named = db
    .selectFrom('promise_supporters as ps')
    .innerJoin('users', 'users.id', 'ps.user_id')
    .select(['users.id', 'users.name', 'users.email'])
    .where('ps.participant_id', '=', participantId)
    .where('users.disabled_at', 'is', null);
  const viaGroups = db
    .selectFrom('promise_supporters as ps')
    .innerJoin('group_members as gm', 'gm.group_id', 'ps.group_id')
    .innerJoin('people', 'people.id', 'gm.person_id')
    .innerJoin('users', 'users.id', 'people.user_id')
    .select(['users.id', 'users.name', 'users.email'])
    .where('ps.participant_id', '=', participantId)
    .where('gm.left_on', 'is', null)
    .where('people.erased_at', 'is', null)
    .where('users.disabled_at', 'is', null);
  const rows = await named.union(viaGroups).execute();
  return rows.filter((r) => r.id !== participantUserId).sort((a, b) => a.id - b.id);
}

// ---- My promises

export interface MyPromiseRow {
  participant_id: number;
  workshop_id: number;
  workshop_title: string;
  held_on: string;
  promise_id: number | null;
  text: string | null;
  shared: number | null;
  progress: PromiseProgress | null;
  check_in_on: string | null;
}

export async function myPromises(db: Db, userId: number, opts: { after?: number; limit: number }): Promise<MyPromiseRow[]> {
  let q = db
    .selectFrom('workshop_participants as wp')
    .innerJoin('workshops', 'workshops.id', 'wp.workshop_id')
    .leftJoin('promises', 'promises.participant_id', 'wp.id')
    .select([
      'wp.id as participant_id', 'workshops.id as workshop_id', 'workshops.title as workshop_title', 'workshops.held_on', 'promises.id as promise_id',
      'promises.text', 'promises.shared', 'promises.progress', 'promises.check_in_on',
    ])
    .where('wp.user_id', '=', userId);
  if (opts.after) q = q.where('wp.id', '<', opts.after);
  return q.orderBy('wp.id', 'desc').limit(opts.limit).execute();
}

/** A promise the user made (through their participant row), or undefined. */
export async function ownPromise(db: Db, promiseId: number, userId: number) {
  return db
    .selectFrom('promises')
    .innerJoin('workshop_participants as wp', 'wp.id', 'promises.participant_id')
    .selectAll('promises')
    .where('promises.id', '=', promiseId)
    .where('wp.user_id', '=', userId)
    .executeTakeFirst();
}

export async function encouragementsFor(db: Db, promiseIds: readonly number[], perPromise: number) {
  if (promiseIds.length === 0) return [];
  const rows = await db
    .selectFrom('promise_encouragements as pe')
    .leftJoin('users', 'users.id', 'pe.from_user_id')
    .select(['pe.id', 'pe.promise_id', 'pe.message', 'pe.created_at', 'users.name as from_name'])
    .where('pe.promise_id', 'in', promiseIds)
    .orderBy('pe.created_at', 'desc')
    .orderBy('pe.id', 'desc')
    .limit(perPromise * promiseIds.length)
    .execute();
  const counts = new Map<number, number>();
  return rows.filter((r) => {
    const n = counts.get(r.promise_id) ?? 0;
    counts.set(r.promise_id, n + 1);
    return n < perPromise;
  });
}

export async function checkInsFor(db: Db, promiseIds: readonly number[], perPromise: number) {
  if (promiseIds.length === 0) return [];
  const rows = await db
    .selectFrom('promise_check_ins')
    .select(['id', 'promise_id', 'progress', 'note', 'recorded_at'])
    .where('promise_id', 'in', promiseIds)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(perPromise * promiseIds.length)
    .execute();
  const counts = new Map<number, number>();
  return rows.filter((r) => {
    const n = counts.get(r.promise_id) ?? 0;
    counts.set(r.promise_id, n + 1);
    return n < perPromise;
  });
}

export async function insertCheckIn(db: Db, values: { promiseId: number; progress: PromiseProgress; note: string | null; at: string }): Promise<number> {
  const row = await db
    .insertInto('promise_check_ins')
    .values({ promise_id: values.promiseId, progress: values.progress, note: values.note, recorded_at: values.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setProgress(db: Db, promiseId: number, values: { progress: PromiseProgress; checkInOn: string; at: string }): Promise<void> {
  await db.updateTable('promises').set({ progress: values.progress, check_in_on: values.checkInOn, updated_at: values.at }).where('id', '=', promiseId).execute();
}

// ---- Subject access and erasure

export async function encouragementsSentBy(db: Db, userId: number) {
  return db.selectFrom('promise_encouragements').select(['promise_id', 'message', 'created_at']).where('from_user_id', '=', userId).orderBy('id').execute();
}

export async function namedSupportOf(db: Db, userId: number) {
  return db
    .selectFrom('promise_supporters as ps')
    .innerJoin('workshop_participants as wp', 'wp.id', 'ps.participant_id')
    .innerJoin('workshops', 'workshops.id', 'wp.workshop_id')
    .select(['workshops.title as workshop', 'ps.assigned_at'])
    .where('ps.user_id', '=', userId)
    .orderBy('ps.id')
    .execute();
}

export async function eraseForUser(db: Db, userId: number, placeholder: string): Promise<void> {
  const theirs = db.selectFrom('promises').innerJoin('workshop_participants as wp', 'wp.id', 'promises.participant_id').select('promises.id').where('wp.user_id', '=', userId);
  await db.updateTable('promises').set({ text: placeholder, shared: 0 }).where('id', 'in', theirs).execute();
  await db.updateTable('promise_check_ins').set({ note: null }).where('promise_id', 'in', theirs).execute();
  await db.deleteFrom('promise_encouragements').where((eb) => eb.or([eb('promise_id', 'in', theirs), eb('from_user_id', '=', userId)])).execute();
  await db.deleteFrom('promise_supporters').where('user_id', '=', userId).execute();
}

// ---- Promises I support

export interface SupportingRow {
  promise_id: number;
  participant_id: number;
  participant_user_id: number;
  name: string;
  workshop_title: string;
  text: string;
  shared: number;
  progress: PromiseProgress;
  check_in_on: string;
}

function supportingQuery(db: Db, userId: number) {
  return db
    .selectFrom('promises')
    .innerJoin('workshop_participants as wp', 'wp.id', 'promises.participant_id')
    .innerJoin('users', 'users.id', 'wp.user_id')
    .innerJoin('workshops', 'workshops.id', 'promises.workshop_id')
    .select([
      'promises.id as promise_id', 'wp.id as participant_id', 'wp.user_id as participant_user_id', 'users.name', 'workshops.title as workshop_title',
      'promises.text', 'promises.shared', 'promises.progress', 'promises.check_in_on',
    ])
    .where('wp.user_id', '!=', userId)
    // Supported by this user: named, or as a current member (with this account) of an assigned group.
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('promise_supporters as ps')
          .select('ps.id')
          .whereRef('ps.participant_id', '=', 'wp.id')
          .where((s) =>
            s.or([
              s('ps.user_id', '=', userId),
              s(
                'ps.group_id',
                'in',
                s
                  .selectFrom('group_members as gm')
                  .innerJoin('people', 'people.id', 'gm.person_id')
                  .select('gm.group_id')
                  .where('people.user_id', '=', userId)
                  .where('people.erased_at', 'is', null)
                  .where('gm.left_on', 'is', null),
              ),
            ]),
          ),
      ),
    );
}

export async function supporting(db: Db, userId: number, opts: { after?: number; limit: number }): Promise<SupportingRow[]> {
  let q = supportingQuery(db, userId);
  if (opts.after) q = q.where('promises.id', '<', opts.after);
  return q.orderBy('promises.id', 'desc').limit(opts.limit).execute();
}

export async function supportedPromise(db: Db, promiseId: number, userId: number): Promise<(SupportingRow & { participant_email: string; participant_disabled: string | null }) | undefined> {
  return supportingQuery(db, userId)
    .select(['users.email as participant_email', 'users.disabled_at as participant_disabled'])
    .where('promises.id', '=', promiseId)
    .executeTakeFirst();
}

export async function insertEncouragement(db: Db, values: { promiseId: number; fromUserId: number; message: string; at: string }): Promise<number> {
  const row = await db
    .insertInto('promise_encouragements')
    .values({ promise_id: values.promiseId, from_user_id: values.fromUserId, message: values.message, created_at: values.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ---- Reminders

export const reminderKey = (promiseId: number, checkInOn: string): string => `promise-check-in:${promiseId}:${checkInOn}`;

export interface DueRow {
  id: number;
  participant_id: number;
  check_in_on: string;
  text: string;
  user_id: number;
  name: string;
  email: string;
  workshop_title: string;
}

/**
 * Promises not kept whose check-in date has come (today or before, in London) and whose reminder
 * for that date has not been written to the outbox yet; the oldest first, a batch at a time.
 */
export async function duePromises(db: Db, today: string, limit: number): Promise<DueRow[]> {
  return db
    .selectFrom('promises')
    .innerJoin('workshop_participants as wp', 'wp.id', 'promises.participant_id')
    .innerJoin('users', 'users.id', 'wp.user_id')
    .innerJoin('workshops', 'workshops.id', 'promises.workshop_id')
    .select(['promises.id', 'promises.participant_id', 'promises.check_in_on', 'promises.text', 'users.id as user_id', 'users.name', 'users.email', 'workshops.title as workshop_title'])
    .where('promises.check_in_on', '<=', today)
    .where('promises.progress', '!=', 'kept')
    .where('users.disabled_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('outbox')
            .select('outbox.id')
            .where('outbox.idempotency_key', '=', sql<string>`${'promise-check-in:'} || cast(promises.id as varchar(12)) || ${':'} || promises.check_in_on`),
        ),
      ),
    )
    .orderBy('promises.check_in_on')
    .orderBy('promises.id')
    .limit(limit)
    .execute();
}
