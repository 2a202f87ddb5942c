import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, isUniqueViolation, nowIso } from '../../platform/db/index.ts';
import type { Database, OrgUnit } from '../../platform/db/types.ts';
import type { VotingState } from '../../platform/db/workshop-types.ts';
import { VOTING_STATES } from '../../platform/db/workshop-types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { can, requirePermission, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { parse } from '../groups/service.ts';
import { dateFromParts } from '../meetings/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import * as q from './queries.ts';
import {
  challengeSchema, EMAILS_MAX, listQuerySchema, looksLikeEmail, participantsSchema, splitEmails, voteSchema, votingSchema, winnerSchema, workshopSchema,
} from './schemas.ts';

/**
 * Workshops (issue 7, item 7). This file is the one way other features reach workshops.
 *
 * - Organisers are users with workshops:manage on the workshop's unit (or a unit above it).
 *   Participants are user accounts added to the workshop; they reach it through being on it.
 *   Anyone else gets a 404, so a workshop's existence is not revealed. A participant who tries
 *   something only organisers do gets a 403; an organiser who is not a participant may not vote (403).
 * - Challenges are added, changed and removed only before voting opens, so everyone votes on the
 *   same list. Voting opens with at least two challenges.
 * - One vote per participant: the vote's primary key is the participant. While voting is open a
 *   participant may change their mind: a second vote replaces the first (an upsert, in one
 *   statement that also checks voting is still open, so concurrent posts leave exactly one vote).
 * - Closing voting records the winning challenge, the one with most votes. On a tie (or no votes)
 *   no winner is recorded and an organiser chooses among the challenges tied for the most votes.
 * - Results: organisers see them at any time; a participant sees them once they have voted, or once
 *   voting has closed, so the running count does not sway their own vote.
 * - Participants can be removed until voting closes (their vote goes with them); after that, the
 *   recorded result and their promise stay as they are.
 * - Who voted for what is never shown or audited: the results are counts only.
 * - Every create, change and removal is audited (ids and field names, no values).
 */

export const PAGE_SIZE = 25;
export { VOTING_STATES };
export type { VotingState };

export type WorkshopRow = q.WorkshopRow;

export interface WorkshopAccess {
  workshop: WorkshopRow;
  /** workshops:manage in scope of the workshop's unit. */
  isOrganiser: boolean;
  /** The signed-in user's participant id on this workshop, or null. */
  participantId: number | null;
}

/** May the principal organise workshops of this unit (workshops:manage in scope)? */
export function isOrganiserOf(principal: Principal | null | undefined, workshop: { unit_path: string }): boolean {
  return can(principal, 'workshops:manage', { path: workshop.unit_path });
}

/** Workshops the principal organises: SQL filter for queries over `workshops`. */
export function workshopInScope(eb: ExpressionBuilder<Database, 'workshops'>, principal: Principal): Expression<SqlBool> {
  return q.workshopUnderPaths(eb, scopePaths(principal, 'workshops:manage'));
}

/** Workshops whose unit is at or below one of these unit paths. */
export const workshopUnderPaths = q.workshopUnderPaths;

/**
 * The one place that decides who reaches a workshop: organisers in scope and participants.
 * Anyone else (and an id that cannot be a record) gets a NotFoundError.
 */
export async function getWorkshopAccess(ctx: ServiceContext, workshopId: number): Promise<WorkshopAccess> {
  const principal = requireSignedIn(ctx.principal);
  if (!isRecordId(workshopId)) throw new NotFoundError();
  const workshop = await q.workshopById(ctx.db, workshopId);
  if (!workshop) throw new NotFoundError();
  const isOrganiser = isOrganiserOf(principal, workshop);
  const participantId = await q.participantIdOf(ctx.db, workshop.id, principal.userId);
  if (!isOrganiser && participantId == null) throw new NotFoundError();
  return { workshop, isOrganiser, participantId };
}

/** Access for organiser-only work: a participant who is not an organiser gets a 403. */
async function organiserAccess(ctx: ServiceContext, workshopId: number): Promise<WorkshopAccess> {
  const access = await getWorkshopAccess(ctx, workshopId);
  if (!access.isOrganiser) throw new ForbiddenError();
  return access;
}

const auditWorkshop = (ctx: ServiceContext, db: q.Tx, action: string, workshopId: number, details?: Record<string, unknown>, subjectUserId?: number) =>
  audit(db, auditContext(ctx), { action, entityType: 'workshop', entityId: workshopId, subjectUserId: subjectUserId ?? null, details });

// ---- The list

/** Reads /workshops' cursor from the query string; one that makes no sense is ignored. */
export function parseListQuery(raw: Record<string, unknown>): { after?: string } {
  const r = listQuerySchema.safeParse({ after: raw.after });
  return r.success ? r.data : {};
}

/** Workshops the user organises (in scope) or takes part in, latest first, a page at a time. */
export async function listWorkshops(ctx: ServiceContext, opts: { after?: string }) {
  const principal = requireSignedIn(ctx.principal);
  let after: { heldOn: string; id: number } | undefined;
  if (opts.after) {
    const [heldOn, id] = opts.after.split('_') as [string, string];
    if (isRecordId(Number(id))) after = { heldOn, id: Number(id) };
  }
  const rows = await q.listWorkshops(ctx.db, { userId: principal.userId, paths: scopePaths(principal, 'workshops:manage'), after, limit: PAGE_SIZE + 1 });
  const workshops = rows.slice(0, PAGE_SIZE);
  const last = workshops[workshops.length - 1];
  return {
    workshops,
    nextAfter: rows.length > PAGE_SIZE && last ? `${last.held_on}_${last.id}` : null,
    canCreate: can(principal, 'workshops:manage'),
  };
}

// ---- Workshops

/** Units where the user may organise workshops: the unit choices on the form. */
export async function organiserUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'workshops:manage');
  return unitsUnder(ctx.db, scopePaths(principal, 'workshops:manage'));
}

async function chosenUnit(ctx: ServiceContext, unitId: number): Promise<OrgUnit> {
  const unit = await unitById(ctx.db, unitId);
  if (!unit || unit.archived_at || !can(ctx.principal, 'workshops:manage', unit)) throw ValidationError.one('unitId', 'errors.workshops.unitRequired');
  return unit;
}

/** The form's fields (date in three boxes) as the schema takes them. */
function workshopInput(raw: Record<string, unknown>): q.WorkshopValues {
  const heldOn = dateFromParts(raw.dateDay, raw.dateMonth, raw.dateYear);
  const input = parse(workshopSchema, { ...raw, heldOn });
  return {
    unit_id: input.unitId,
    title: input.title,
    held_on: input.heldOn,
    venue: input.venue ?? null,
    programme: input.programme ?? null,
    progress_public: input.progressPublic === 'yes' ? 1 : 0,
  };
}

/** The form's values for a workshop being changed. */
export function workshopFormValues(w: q.WorkshopRow): Record<string, unknown> {
  const [y, m, d] = w.held_on.split('-');
  return {
    title: w.title, unitId: String(w.unit_id), dateDay: String(Number(d)), dateMonth: String(Number(m)), dateYear: y,
    venue: w.venue, programme: w.programme, progressPublic: w.progress_public ? 'yes' : 'no',
  };
}

export async function createWorkshop(ctx: ServiceContext, raw: Record<string, unknown>): Promise<number> {
  const principal = requirePermission(ctx.principal, 'workshops:manage');
  const values = workshopInput(raw);
  await chosenUnit(ctx, values.unit_id);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertWorkshop(trx, values, principal.userId, nowIso());
    await auditWorkshop(ctx, trx, 'workshop.created', id, { unitId: values.unit_id });
    return id;
  });
}

export async function workshopForEdit(ctx: ServiceContext, id: number): Promise<q.WorkshopRow> {
  return (await organiserAccess(ctx, id)).workshop;
}

export async function updateWorkshop(ctx: ServiceContext, id: number, raw: Record<string, unknown>): Promise<void> {
  const { workshop } = await organiserAccess(ctx, id);
  const values = workshopInput(raw);
  if (values.unit_id !== workshop.unit_id) await chosenUnit(ctx, values.unit_id);
  const changed = (['unit_id', 'title', 'held_on', 'venue', 'programme', 'progress_public'] as const).filter((k) => values[k] !== workshop[k]);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateWorkshop(trx, id, values, nowIso());
    await auditWorkshop(ctx, trx, 'workshop.updated', id, { changed });
  });
}

// ---- The workshop page

export interface WorkshopPage {
  access: WorkshopAccess;
  challenges: q.ChallengeRow[];
  participants: q.ParticipantRow[];
  winner: q.ChallengeRow | null;
  /** The challenge the signed-in participant voted for, if any. */
  myVote: q.ChallengeRow | null;
  votesCast: number;
  /** May the user see the results now (see the rules at the top). */
  mayReadResults: boolean;
  /** Voting closed on a tie and no winner has been chosen yet. */
  winnerToChoose: boolean;
}

export async function workshopPage(ctx: ServiceContext, id: number): Promise<WorkshopPage> {
  const access = await getWorkshopAccess(ctx, id);
  const { workshop } = access;
  const [challenges, participants, mine] = await Promise.all([
    q.challengesOf(ctx.db, workshop.id),
    q.participantsOf(ctx.db, workshop.id),
    access.participantId == null ? undefined : q.voteOf(ctx.db, access.participantId),
  ]);
  const byId = new Map(challenges.map((c) => [c.id, c]));
  return {
    access,
    challenges,
    participants,
    winner: workshop.winning_challenge_id == null ? null : (byId.get(workshop.winning_challenge_id) ?? null),
    myVote: mine ? (byId.get(mine.challenge_id) ?? null) : null,
    votesCast: participants.filter((p) => p.voted).length,
    mayReadResults: resultsVisible(access, workshop.voting, mine != null),
    winnerToChoose: workshop.voting === 'closed' && workshop.winning_challenge_id == null,
  };
}

function resultsVisible(access: WorkshopAccess, voting: VotingState, hasVoted: boolean): boolean {
  if (access.isOrganiser) return true;
  return voting === 'closed' || (voting === 'open' && hasVoted);
}

// ---- Challenges

function requireNotOpened(workshop: { voting: VotingState }): void {
  if (workshop.voting !== 'not_open') throw ValidationError.one('challengeTitle', 'errors.workshops.challengesLocked');
}

/** May challenges still be added, changed or removed (voting has not opened)? */
export const challengesMayChange = (workshop: { voting: VotingState }): boolean => workshop.voting === 'not_open';

export async function addChallenge(ctx: ServiceContext, id: number, raw: unknown): Promise<number> {
  const { workshop } = await organiserAccess(ctx, id);
  requireNotOpened(workshop);
  const input = parse(challengeSchema, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockWorkshop(trx, id, ctx.dialect);
    if (!locked) throw new NotFoundError();
    requireNotOpened(locked);
    const challengeId = await q.insertChallenge(trx, id, { title: input.challengeTitle, description: input.challengeDescription ?? null });
    await auditWorkshop(ctx, trx, 'workshop.challenge_added', id, { challengeId });
    return challengeId;
  });
}

/** A challenge of a workshop the user organises; another workshop's challenge is a 404. */
export async function challengeForEdit(ctx: ServiceContext, id: number, challengeId: number) {
  const access = await organiserAccess(ctx, id);
  if (!isRecordId(challengeId)) throw new NotFoundError();
  const challenge = await q.challengeOf(ctx.db, id, challengeId);
  if (!challenge) throw new NotFoundError();
  return { workshop: access.workshop, challenge, mayChange: challengesMayChange(access.workshop) };
}

export async function updateChallenge(ctx: ServiceContext, id: number, challengeId: number, raw: unknown): Promise<void> {
  const { workshop, challenge } = await challengeForEdit(ctx, id, challengeId);
  requireNotOpened(workshop);
  const input = parse(challengeSchema, raw);
  const values = { title: input.challengeTitle, description: input.challengeDescription ?? null };
  const changed = (['title', 'description'] as const).filter((k) => values[k] !== challenge[k]);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockWorkshop(trx, id, ctx.dialect);
    if (!locked) throw new NotFoundError();
    requireNotOpened(locked);
    await q.updateChallenge(trx, challengeId, values);
    await auditWorkshop(ctx, trx, 'workshop.challenge_updated', id, { challengeId, changed });
  });
}

export async function removeChallenge(ctx: ServiceContext, id: number, challengeId: number): Promise<void> {
  const { workshop } = await challengeForEdit(ctx, id, challengeId);
  requireNotOpened(workshop);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockWorkshop(trx, id, ctx.dialect);
    if (!locked) throw new NotFoundError();
    requireNotOpened(locked);
    await q.deleteChallenge(trx, challengeId);
    await auditWorkshop(ctx, trx, 'workshop.challenge_removed', id, { challengeId });
  });
}

/**
 * Moves a challenge one place up or down the list, before voting opens (the order is the order
 * participants read them in). At the top or bottom already, nothing changes. Audited.
 */
export async function moveChallenge(ctx: ServiceContext, id: number, challengeId: number, rawDirection: unknown): Promise<boolean> {
  const { workshop } = await challengeForEdit(ctx, id, challengeId);
  requireNotOpened(workshop);
  const direction = rawDirection === 'up' ? -1 : rawDirection === 'down' ? 1 : null;
  if (direction === null) throw ValidationError.one('direction', 'errors.workshops.directionInvalid');
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockWorkshop(trx, id, ctx.dialect);
    if (!locked) throw new NotFoundError();
    requireNotOpened(locked);
    const ids = (await q.challengesOf(trx, id)).map((c) => c.id);
    const from = ids.indexOf(challengeId);
    const to = from + direction;
    if (from < 0 || to < 0 || to >= ids.length) return false;
    [ids[from], ids[to]] = [ids[to] as number, ids[from] as number];
    await q.renumberChallenges(trx, ids);
    await auditWorkshop(ctx, trx, 'workshop.challenge_moved', id, { challengeId, to });
    return true;
  });
}

// ---- Participants

/**
 * Adds participants by the addresses of their accounts. All or nothing: when any address is not
 * an account (or not an address), nobody is added and the error names each of them, so the form
 * can be corrected and sent again as it is. Someone already on the workshop is left as they are.
 */
export async function addParticipants(ctx: ServiceContext, id: number, raw: unknown): Promise<{ added: number; already: number }> {
  await organiserAccess(ctx, id);
  const input = parse(participantsSchema, raw);
  const emails = splitEmails(input.emails);
  if (emails.length === 0) throw ValidationError.one('emails', 'errors.workshops.emailsRequired');
  if (emails.length > EMAILS_MAX) throw ValidationError.one('emails', 'errors.workshops.emailsTooMany');
  const wellFormed = emails.filter(looksLikeEmail);
  const users = await q.usersByEmail(ctx.db, wellFormed);
  const found = new Map(users.map((u) => [u.email, u.id]));
  const missing = emails.filter((e) => !found.has(e));
  if (missing.length > 0) throw new NotFoundEmails(missing);
  const userIds = emails.map((e) => found.get(e) as number);
  const added = await ctx.db.transaction().execute(async (trx) => {
    const rows = await q.addParticipants(trx, id, userIds, nowIso());
    for (const r of rows) await auditWorkshop(ctx, trx, 'workshop.participant_added', id, { participantId: r.id }, r.user_id);
    return rows.length;
  });
  return { added, already: userIds.length - added };
}

/** The addresses that are not accounts: a validation error that also carries them. */
export class NotFoundEmails extends ValidationError {
  constructor(readonly emails: string[]) {
    super([{ field: 'emails', message: 'errors.workshops.emailsNotFound' }]);
  }
}

export async function removeParticipant(ctx: ServiceContext, id: number, participantId: number): Promise<void> {
  const { workshop } = await organiserAccess(ctx, id);
  if (!isRecordId(participantId)) throw new NotFoundError();
  const participant = await q.participantOf(ctx.db, id, participantId);
  if (!participant) throw new NotFoundError();
  if (workshop.voting === 'closed') throw ValidationError.one('participants', 'errors.workshops.participantsLocked');
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockWorkshop(trx, id, ctx.dialect);
    if (!locked) throw new NotFoundError();
    if (locked.voting === 'closed') throw ValidationError.one('participants', 'errors.workshops.participantsLocked');
    await q.deleteParticipant(trx, participantId);
    await auditWorkshop(ctx, trx, 'workshop.participant_removed', id, { participantId }, participant.user_id);
  });
}

// ---- Voting

export interface Tallied {
  challenges: { id: number; title: string; description: string | null; votes: number; percent: number; winner: boolean }[];
  totalVotes: number;
  participants: number;
}

/** The challenges with the most votes (all of them when nobody voted). */
export function leaders(counts: readonly { id: number; votes: number }[]): number[] {
  const top = Math.max(0, ...counts.map((c) => c.votes));
  return counts.filter((c) => c.votes === top).map((c) => c.id);
}

/** Whole percentages of the votes cast (0 when none), rounded to the nearest. */
export const percentOf = (votes: number, total: number): number => (total === 0 ? 0 : Math.round((votes * 100) / total));

/**
 * Opens or closes voting. Closing records the winner, the challenge with the most votes; on a tie
 * no winner is recorded (the result says so, and an organiser chooses).
 */
export async function setVoting(ctx: ServiceContext, id: number, raw: unknown): Promise<{ voting: VotingState; tie: boolean }> {
  const { workshop } = await organiserAccess(ctx, id);
  const { action } = parse(votingSchema, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockWorkshop(trx, workshop.id, ctx.dialect);
    if (!locked) throw new NotFoundError();
    const now = nowIso();
    if (action === 'open') {
      if (locked.voting !== 'not_open') throw ValidationError.one('voting', 'errors.workshops.alreadyOpened');
      if ((await q.challengesOf(trx, id)).length < 2) throw ValidationError.one('voting', 'errors.workshops.twoChallenges');
      if (!(await q.moveVoting(trx, id, 'not_open', 'open', null, now))) throw ValidationError.one('voting', 'errors.workshops.alreadyOpened');
      await auditWorkshop(ctx, trx, 'workshop.voting_opened', id);
      return { voting: 'open', tie: false };
    }
    if (locked.voting !== 'open') throw ValidationError.one('voting', 'errors.workshops.notOpen');
    const top = leaders(await q.tally(trx, id));
    const winner = top.length === 1 ? (top[0] as number) : null;
    if (!(await q.moveVoting(trx, id, 'open', 'closed', winner, now))) throw ValidationError.one('voting', 'errors.workshops.notOpen');
    await auditWorkshop(ctx, trx, 'workshop.voting_closed', id, { winnerChallengeId: winner, tied: top.length > 1 ? top.length : 0 });
    return { voting: 'closed', tie: winner == null };
  });
}

/** The tied challenges an organiser chooses the winner from; null when there is nothing to choose. */
export async function winnerChoices(ctx: ServiceContext, id: number) {
  const { workshop } = await organiserAccess(ctx, id);
  if (workshop.voting !== 'closed' || workshop.winning_challenge_id != null) return { workshop, choices: null };
  const counts = await q.tally(ctx.db, id);
  const top = new Set(leaders(counts));
  return { workshop, choices: counts.filter((c) => top.has(c.id)) };
}

export async function chooseWinner(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const { choices } = await winnerChoices(ctx, id);
  if (!choices) throw ValidationError.one('challengeId', 'errors.workshops.noTie');
  const { challengeId } = parse(winnerSchema, raw);
  if (!choices.some((c) => c.id === challengeId)) throw ValidationError.one('challengeId', 'errors.workshops.winnerRequired');
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await q.setWinner(trx, id, challengeId, nowIso()))) throw ValidationError.one('challengeId', 'errors.workshops.noTie');
    await auditWorkshop(ctx, trx, 'workshop.winner_chosen', id, { winnerChallengeId: challengeId, tied: choices.length });
  });
}

/** Access for voting: a participant of the workshop (an organiser who is not one gets a 403). */
async function participantAccess(ctx: ServiceContext, id: number): Promise<WorkshopAccess & { participantId: number }> {
  const access = await getWorkshopAccess(ctx, id);
  if (access.participantId == null) throw new ForbiddenError();
  return { ...access, participantId: access.participantId };
}

export async function votePage(ctx: ServiceContext, id: number) {
  const access = await participantAccess(ctx, id);
  const [challenges, mine] = await Promise.all([q.challengesOf(ctx.db, id), q.voteOf(ctx.db, access.participantId)]);
  return { access, challenges, myVote: mine?.challenge_id ?? null };
}

/**
 * The participant's vote: recorded, or replacing their earlier one, while voting is open. Returns
 * whether it replaced a vote.
 */
export async function castVote(ctx: ServiceContext, id: number, raw: unknown): Promise<{ changed: boolean }> {
  const access = await participantAccess(ctx, id);
  if (access.workshop.voting !== 'open') throw ValidationError.one('challengeId', 'errors.workshops.votingClosed');
  const { challengeId } = parse(voteSchema, raw);
  const before = await q.voteOf(ctx.db, access.participantId);
  return ctx.db.transaction().execute(async (trx) => {
    let recorded: boolean;
    try {
      recorded = await q.castVote(trx, { workshopId: id, participantId: access.participantId, challengeId }, nowIso());
    } catch (err) {
      // Two first votes racing on PostgreSQL: the upsert settles it, but be safe on any dialect.
      if (!isUniqueViolation(err)) throw err;
      recorded = false;
    }
    if (!recorded) {
      const now = await q.workshopById(trx, id);
      if (now?.voting !== 'open') throw ValidationError.one('challengeId', 'errors.workshops.votingClosed');
      throw ValidationError.one('challengeId', 'errors.workshops.voteRequired');
    }
    const changed = before != null && before.challenge_id !== challengeId;
    await auditWorkshop(ctx, trx, before ? 'workshop.vote_changed' : 'workshop.vote_cast', id, { participantId: access.participantId }, ctx.principal?.userId);
    return { changed };
  });
}

// ---- Results

export interface ResultsPage extends Tallied {
  access: WorkshopAccess;
  /** False for a participant who has not voted yet while voting is open (or before it opens). */
  visible: boolean;
  hasVoted: boolean;
}

export async function resultsPage(ctx: ServiceContext, id: number): Promise<ResultsPage> {
  const access = await getWorkshopAccess(ctx, id);
  const { workshop } = access;
  const mine = access.participantId == null ? undefined : await q.voteOf(ctx.db, access.participantId);
  const visible = resultsVisible(access, workshop.voting, mine != null);
  const [counts, participants] = await Promise.all([visible ? q.tally(ctx.db, id) : [], q.participantCount(ctx.db, id)]);
  const totalVotes = counts.reduce((s, c) => s + c.votes, 0);
  return {
    access,
    visible,
    hasVoted: mine != null,
    totalVotes,
    participants,
    challenges: counts.map((c) => ({ ...c, percent: percentOf(c.votes, totalVotes), winner: c.id === workshop.winning_challenge_id })),
  };
}
