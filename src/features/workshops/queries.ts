import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/types.ts';
import type { Workshop } from '../../platform/db/workshop-types.ts';

/** A workshop with the unit it belongs to (its path decides who organises it). */
export type WorkshopRow = Workshop & { unit_name: string; unit_path: string };

/** Workshops whose unit is at or below one of these unit paths. */
export function workshopUnderPaths(eb: ExpressionBuilder<Database, 'workshops'>, paths: string[]): Expression<SqlBool> {
  // Not eb.val(false): SQLite cannot bind a boolean.
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  return eb.exists(
    eb.selectFrom('org_units as ws_u').select('ws_u.id').whereRef('ws_u.id', '=', 'workshops.unit_id')
      .where((u) => u.or(paths.map((p) => u('ws_u.path', 'like', `${p}%`)))),
  );
}

export async function workshopById(db: Db, id: number): Promise<WorkshopRow | undefined> {
  return db
    .selectFrom('workshops')
    .innerJoin('org_units', 'org_units.id', 'workshops.unit_id')
    .selectAll('workshops')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('workshops.id', '=', id)
    .executeTakeFirst();
}

export async function participantIdOf(db: Db, workshopId: number, userId: number): Promise<number | null> {
  const row = await db
    .selectFrom('workshop_participants')
    .select('id')
    .where('workshop_id', '=', workshopId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.id ?? null;
}

// ---- Lists

export interface ListRow {
  id: number;
  title: string;
  held_on: string;
  venue: string | null;
  voting: Workshop['voting'];
  unit_name: string;
  /** 1 when the user is a participant. */
  taking_part: number;
}

/**
 * Workshops the user organises (unit at or below one of `paths`) or takes part in, latest first,
 * a page at a time after the keyset cursor (held_on, id).
 */
export async function listWorkshops(db: Db, opts: { userId: number; paths: string[]; after?: { heldOn: string; id: number }; limit: number }): Promise<ListRow[]> {
  let query = db
    .selectFrom('workshops')
    .innerJoin('org_units', 'org_units.id', 'workshops.unit_id')
    .select(['workshops.id', 'workshops.title', 'workshops.held_on', 'workshops.venue', 'workshops.voting', 'org_units.name as unit_name'])
    .select((eb) =>
      eb
        .case()
        .when(eb.exists(eb.selectFrom('workshop_participants as wp').select('wp.id').whereRef('wp.workshop_id', '=', 'workshops.id').where('wp.user_id', '=', opts.userId)))
        .then(1)
        .else(0)
        .end()
        .as('taking_part'),
    )
    .where((eb) =>
      eb.or([
        workshopUnderPaths(eb, opts.paths),
        eb.exists(eb.selectFrom('workshop_participants as mine').select('mine.id').whereRef('mine.workshop_id', '=', 'workshops.id').where('mine.user_id', '=', opts.userId)),
      ]),
    );
  if (opts.after) {
    const { heldOn, id } = opts.after;
    query = query.where((eb) => eb.or([eb('workshops.held_on', '<', heldOn), eb.and([eb('workshops.held_on', '=', heldOn), eb('workshops.id', '<', id)])]));
  }
  const rows = await query.orderBy('workshops.held_on', 'desc').orderBy('workshops.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, taking_part: Number(r.taking_part) }));
}

// ---- Workshops

export interface WorkshopValues {
  unit_id: number;
  title: string;
  held_on: string;
  venue: string | null;
  programme: string | null;
  progress_public: number;
}

export async function insertWorkshop(db: Db, values: WorkshopValues, createdBy: number, now: string): Promise<number> {
  const { id } = await db
    .insertInto('workshops')
    .values({ ...values, voting: 'not_open', winning_challenge_id: null, created_by: createdBy, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateWorkshop(db: Db, id: number, values: WorkshopValues, now: string): Promise<void> {
  await db.updateTable('workshops').set({ ...values, updated_at: now }).where('id', '=', id).execute();
}

/**
 * Moves voting from one state to the next, only if it is still in the state expected (so two
 * organisers pressing at once change it once). True when this call made the change.
 */
export async function moveVoting(db: Db, id: number, from: Workshop['voting'], to: Workshop['voting'], winner: number | null, now: string): Promise<boolean> {
  const res = await db
    .updateTable('workshops')
    .set({ voting: to, winning_challenge_id: winner, updated_at: now })
    .where('id', '=', id)
    .where('voting', '=', from)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Records the winner chosen from a tie, only while none is recorded. True when this call did. */
export async function setWinner(db: Db, id: number, challengeId: number, now: string): Promise<boolean> {
  const res = await db
    .updateTable('workshops')
    .set({ winning_challenge_id: challengeId, updated_at: now })
    .where('id', '=', id)
    .where('voting', '=', 'closed')
    .where('winning_challenge_id', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

// ---- Challenges

export type ChallengeRow = { id: number; workshop_id: number; title: string; description: string | null; position: number };

export async function challengesOf(db: Db, workshopId: number): Promise<ChallengeRow[]> {
  return db.selectFrom('workshop_challenges').selectAll().where('workshop_id', '=', workshopId).orderBy('position').orderBy('id').execute();
}

export async function challengeOf(db: Db, workshopId: number, challengeId: number): Promise<ChallengeRow | undefined> {
  return db.selectFrom('workshop_challenges').selectAll().where('workshop_id', '=', workshopId).where('id', '=', challengeId).executeTakeFirst();
}

export async function insertChallenge(db: Db, workshopId: number, values: { title: string; description: string | null }): Promise<number> {
  const last = await db
    .selectFrom('workshop_challenges')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('workshop_id', '=', workshopId)
    .executeTakeFirst();
  const position = last?.p == null ? 0 : Number(last.p) + 1;
  const { id } = await db.insertInto('workshop_challenges').values({ workshop_id: workshopId, ...values, position }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateChallenge(db: Db, challengeId: number, values: { title: string; description: string | null }): Promise<void> {
  await db.updateTable('workshop_challenges').set(values).where('id', '=', challengeId).execute();
}

/** Numbers the workshop's challenges 0, 1, 2… in the order given. */
export async function renumberChallenges(db: Db, ids: readonly number[]): Promise<void> {
  for (const [position, id] of ids.entries()) await db.updateTable('workshop_challenges').set({ position }).where('id', '=', id).execute();
}

export async function deleteChallenge(db: Db, challengeId: number): Promise<void> {
  await db.deleteFrom('workshop_challenges').where('id', '=', challengeId).execute();
}

/** Locks the workshop row for the rest of the transaction (PostgreSQL; SQLite writes one at a time). */
export async function lockWorkshop(db: Db, id: number, dialect: 'sqlite' | 'postgres'): Promise<Workshop | undefined> {
  let query = db.selectFrom('workshops').selectAll().where('id', '=', id);
  if (dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

// ---- Participants

export interface ParticipantRow {
  id: number;
  user_id: number;
  name: string;
  email: string;
  voted: number;
}

export async function participantsOf(db: Db, workshopId: number): Promise<ParticipantRow[]> {
  const rows = await db
    .selectFrom('workshop_participants as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select(['p.id', 'p.user_id', 'u.name', 'u.email'])
    .select((eb) => eb.case().when(eb.exists(eb.selectFrom('workshop_votes as v').select('v.participant_id').whereRef('v.participant_id', '=', 'p.id'))).then(1).else(0).end().as('voted'))
    .where('p.workshop_id', '=', workshopId)
    .orderBy('u.name')
    .orderBy('p.id')
    .execute();
  return rows.map((r) => ({ ...r, voted: Number(r.voted) }));
}

export async function participantOf(db: Db, workshopId: number, participantId: number): Promise<{ id: number; user_id: number } | undefined> {
  return db.selectFrom('workshop_participants').select(['id', 'user_id']).where('workshop_id', '=', workshopId).where('id', '=', participantId).executeTakeFirst();
}

/** Accounts (not disabled) with these addresses. */
export async function usersByEmail(db: Db, emails: string[]): Promise<{ id: number; email: string }[]> {
  if (emails.length === 0) return [];
  return db.selectFrom('users').select(['id', 'email']).where('email', 'in', emails).where('disabled_at', 'is', null).execute();
}

/** Adds the users not already on the workshop; returns the new participants (id, user_id). */
export async function addParticipants(db: Db, workshopId: number, userIds: number[], now: string): Promise<{ id: number; user_id: number }[]> {
  if (userIds.length === 0) return [];
  return db
    .insertInto('workshop_participants')
    .values(userIds.map((user_id) => ({ workshop_id: workshopId, user_id, added_at: now })))
    .onConflict((oc) => oc.columns(['workshop_id', 'user_id']).doNothing())
    .returning(['id', 'user_id'])
    .execute();
}

export async function deleteParticipant(db: Db, participantId: number): Promise<void> {
  await db.deleteFrom('workshop_participants').where('id', '=', participantId).execute();
}

// ---- Votes

/**
 * Records the participant's vote, or replaces it: one row per participant (the primary key). The
 * insert happens only while the workshop's voting is open and the challenge is one of its own, in
 * the same statement, so a vote cannot land after voting closes. True when a vote was recorded.
 */
export async function castVote(db: Db, vote: { workshopId: number; participantId: number; challengeId: number }, now: string): Promise<boolean> {
  const res = await db
    .insertInto('workshop_votes')
    .columns(['participant_id', 'workshop_id', 'challenge_id', 'voted_at'])
    .expression((eb) =>
      eb
        .selectFrom('workshops as w')
        .innerJoin('workshop_challenges as c', 'c.workshop_id', 'w.id')
        .select([eb.cast<number>(eb.val(vote.participantId), 'integer').as('participant_id'), 'w.id', 'c.id', eb.cast<string>(eb.val(now), 'text').as('voted_at')])
        .where('w.id', '=', vote.workshopId)
        .where('w.voting', '=', 'open')
        .where('c.id', '=', vote.challengeId),
    )
    .onConflict((oc) => oc.column('participant_id').doUpdateSet((eb) => ({ challenge_id: eb.ref('excluded.challenge_id'), voted_at: eb.ref('excluded.voted_at') })))
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function voteOf(db: Db, participantId: number): Promise<{ challenge_id: number; voted_at: string } | undefined> {
  return db.selectFrom('workshop_votes').select(['challenge_id', 'voted_at']).where('participant_id', '=', participantId).executeTakeFirst();
}

/** Votes per challenge (every challenge, with 0 for none), in the challenges' order. */
export async function tally(db: Db, workshopId: number): Promise<{ id: number; title: string; description: string | null; votes: number }[]> {
  const rows = await db
    .selectFrom('workshop_challenges as c')
    .leftJoin('workshop_votes as v', 'v.challenge_id', 'c.id')
    .select(['c.id', 'c.title', 'c.description', 'c.position'])
    .select((eb) => eb.fn.count<number>('v.participant_id').as('votes'))
    .where('c.workshop_id', '=', workshopId)
    .groupBy(['c.id', 'c.title', 'c.description', 'c.position'])
    .orderBy('c.position')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, description: r.description, votes: Number(r.votes) }));
}

export async function participantCount(db: Db, workshopId: number): Promise<number> {
  const row = await db.selectFrom('workshop_participants').select((eb) => eb.fn.countAll<number>().as('n')).where('workshop_id', '=', workshopId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A query runner: the database or a transaction on it. */
export type Tx = Db;
