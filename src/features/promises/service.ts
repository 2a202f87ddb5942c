import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, isUniqueViolation, nowIso } from '../../platform/db/index.ts';
import { PROMISE_PROGRESS, type PromiseProgress } from '../../platform/db/workshop-types.ts';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail } from '../../platform/outbox/index.ts';
import { can, requireSignedIn } from '../../platform/rbac/index.ts';
import type { ScheduledJob } from '../../platform/worker.ts';
import { groupSummary, listGroups } from '../groups/service.ts';
import { londonDate } from '../projects/service.ts';
import { getWorkshopAccess, type WorkshopAccess } from '../workshops/service.ts';
import * as q from './queries.ts';
import {
  checkInSchema, dateFromParts, DEFAULT_INTERVAL, encouragementSchema, INTERVALS, LIST_FILTERS, listQuerySchema, MAX_DAYS_AHEAD, myQuerySchema, promiseSchema,
  supporterSchema, type ListFilter,
} from './schemas.ts';

/**
 * Promises to self (issue 7, items 7 and 8). At a workshop each participant writes a promise to
 * themselves with a check-in date; the organiser assigns supporters (an involvement group, whose
 * members with accounts support, or a named person); supporters send encouragement, shown in the
 * app and emailed; participants check in (kept, in progress, not yet) and are reminded on their
 * check-in date; a progress page shows the counts.
 *
 * Who sees a promise's words (the privacy rule):
 * - the participant who made it, and the workshop's organisers (workshops:manage on its unit), always;
 * - supporters and other participants only when the participant chose to share it. Otherwise a
 *   supporter sees "a private promise" with its progress, and can still encourage;
 * - the progress page shows counts only: never words, never names.
 */

export const PAGE_SIZE = 25;
export const MY_PAGE_SIZE = 10;
/** Most participants offered in the "assign to" choice: a workshop is a room of people, not a register. */
export const CHOICE_LIMIT = 500;
const SHARED_SHOWN = 50;
const ENCOURAGEMENTS_SHOWN = 10;
const CHECK_INS_SHOWN = 5;
const REMINDER_BATCH = 200;
const REMINDER_BATCHES = 50;
const HOUR_MS = 3_600_000;

export { DEFAULT_INTERVAL, INTERVALS, LIST_FILTERS, PROMISE_PROGRESS };
export type { ListFilter, PromiseProgress };

// ---- Dates

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const whenFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });

/** "2026-11-03" → "3 November 2026". */
export const dayText = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00Z`));
/** A stored timestamp as the day in London: "3 November 2026". */
export const whenText = (at: string): string => whenFormat.format(new Date(at));

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The day, month and year boxes for a stored date. */
export function dateParts(day: string | null | undefined): { checkInDay?: string; checkInMonth?: string; checkInYear?: string } {
  if (!day) return {};
  const [y, m, d] = day.split('-');
  return { checkInDay: String(Number(d)), checkInMonth: String(Number(m)), checkInYear: y };
}

// ---- Who reaches what

function principalOf(ctx: ServiceContext) {
  return requireSignedIn(ctx.principal);
}

async function asParticipant(ctx: ServiceContext, workshopId: number): Promise<WorkshopAccess & { participantId: number }> {
  const access = await getWorkshopAccess(ctx, workshopId);
  if (access.participantId == null) throw new NotFoundError();
  return { ...access, participantId: access.participantId };
}

/** Organisers only: a participant who organises nowhere is refused (403); one who organises elsewhere sees nothing (404). */
async function asOrganiser(ctx: ServiceContext, workshopId: number): Promise<WorkshopAccess> {
  const principal = principalOf(ctx);
  const access = await getWorkshopAccess(ctx, workshopId);
  if (!access.isOrganiser) throw can(principal, 'workshops:manage') ? new NotFoundError() : new ForbiddenError();
  return access;
}

/** Validates after the permission check, so someone who may not act learns nothing from the errors. */
function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw ValidationError.fromZod(r.error);
  return r.data;
}

// ---- A participant's promise

/** The promise form: the participant's promise (if made) and the promises others at the workshop chose to share. */
export async function promisePage(ctx: ServiceContext, workshopId: number) {
  const access = await asParticipant(ctx, workshopId);
  const promise = await q.promiseOfParticipant(ctx.db, access.participantId);
  const shared = await q.sharedPromisesAt(ctx.db, access.workshop.id, access.participantId, SHARED_SHOWN);
  if (shared.length > 0) {
    await audit(ctx.db, auditContext(ctx), { action: 'promises.shared_viewed', entityType: 'workshop', entityId: access.workshop.id, details: { promiseIds: shared.map((s) => s.id) } });
  }
  return { workshop: access.workshop, isOrganiser: access.isOrganiser, promise, shared, today: londonDate() };
}

/**
 * Writes (or changes) the participant's promise: one per participant (the database refuses a
 * second; two forms sent at once both end as the one promise). The check-in date must be a real
 * date after today in London. Audited: who and which fields, never the words.
 */
export async function savePromise(ctx: ServiceContext, workshopId: number, raw: Record<string, unknown>): Promise<{ created: boolean; promiseId: number }> {
  const access = await asParticipant(ctx, workshopId);
  const errors: FieldError[] = [];
  const parsed = promiseSchema.safeParse(raw);
  if (!parsed.success) errors.push(...ValidationError.fromZod(parsed.error).fields.filter((f) => !f.field.startsWith('checkIn')));
  const today = londonDate();
  const allEmpty = [raw.checkInDay, raw.checkInMonth, raw.checkInYear].every((v) => v === undefined || v === '');
  const checkInOn = dateFromParts(raw.checkInDay, raw.checkInMonth, raw.checkInYear);
  if (allEmpty) errors.push({ field: 'checkIn', message: 'errors.promises.dateRequired' });
  else if (!checkInOn) errors.push({ field: 'checkIn', message: 'errors.promises.dateInvalid' });
  else if (checkInOn <= today) errors.push({ field: 'checkIn', message: 'errors.promises.dateNotFuture' });
  else if (checkInOn > addDays(today, MAX_DAYS_AHEAD)) errors.push({ field: 'checkIn', message: 'errors.promises.dateTooFar' });
  if (errors.length || !parsed.success || !checkInOn) throw new ValidationError(errors);
  const input = { text: parsed.data.text, shared: parsed.data.shared === 'yes', checkInOn };

  const write = () =>
    ctx.db.transaction().execute(async (trx) => {
      const at = nowIso();
      const existing = await q.promiseOfParticipant(trx, access.participantId);
      let promiseId: number;
      if (existing) {
        await q.updatePromise(trx, existing.id, { ...input, at });
        promiseId = existing.id;
      } else {
        promiseId = await q.insertPromise(trx, { workshopId: access.workshop.id, participantId: access.participantId, ...input, at });
      }
      const changed = existing
        ? [existing.text !== input.text && 'text', (existing.shared === 1) !== input.shared && 'shared', existing.check_in_on !== input.checkInOn && 'checkInOn'].filter(Boolean)
        : ['text', 'shared', 'checkInOn'];
      await audit(trx, auditContext(ctx), {
        action: existing ? 'promise.updated' : 'promise.created',
        entityType: 'promise',
        entityId: promiseId,
        subjectUserId: ctx.principal?.userId ?? null,
        details: { workshopId: access.workshop.id, participantId: access.participantId, shared: input.shared, changed },
      });
      return { created: !existing, promiseId };
    });
  try {
    return await write();
  } catch (err) {
    // Someone else's request (the same person, in another tab) made it first: change that one.
    if (isUniqueViolation(err)) return write();
    throw err;
  }
}

// ---- The organiser's list and supporters

export interface SupporterView {
  id: number;
  kind: 'group' | 'person';
  name: string;
  members: number | null;
}

function supporterView(s: q.SupporterRow): SupporterView {
  return s.group_id != null
    ? { id: s.id, kind: 'group', name: s.group_name ?? t('promises.organiser.unknownGroup'), members: s.members_with_accounts ?? 0 }
    : { id: s.id, kind: 'person', name: s.user_name ?? t('promises.organiser.unknownPerson'), members: null };
}

/**
 * Every participant of the workshop with their promise (or none yet), its progress, next check-in
 * and supporters, a page at a time, narrowed by progress in SQL; the counts; the groups an
 * organiser may assign. Organisers see every promise's words. Viewing is audited.
 */
export async function organiserPage(ctx: ServiceContext, workshopId: number, rawQuery: unknown) {
  const access = await asOrganiser(ctx, workshopId);
  const query = listQuerySchema.parse(rawQuery ?? {});
  const rows = await q.participantsWithPromises(ctx.db, access.workshop.id, { show: query.show, after: query.after, limit: PAGE_SIZE + 1 });
  const shown = rows.slice(0, PAGE_SIZE);
  const supporters = await q.supportersOf(ctx.db, shown.map((r) => r.participant_id));
  const counts = await q.progressCounts(ctx.db, access.workshop.id);
  const choices = await q.participantChoices(ctx.db, access.workshop.id, CHOICE_LIMIT);
  const groups = await groupsToOffer(ctx);
  await audit(ctx.db, auditContext(ctx), {
    action: 'promises.viewed',
    entityType: 'workshop',
    entityId: access.workshop.id,
    details: { participantIds: shown.map((r) => r.participant_id) },
  });
  return {
    today: londonDate(),
    workshop: access.workshop,
    show: query.show,
    rows: shown.map((r) => ({ ...r, supporters: supporters.filter((s) => s.participant_id === r.participant_id).map(supporterView) })),
    next: rows.length > PAGE_SIZE ? (shown.at(-1)?.participant_id ?? null) : null,
    paged: query.after !== undefined,
    counts: summarise(counts),
    choices,
    groups,
  };
}

/** Involvement groups the organiser may see (people:view in scope), newest first; none when they see no register. */
async function groupsToOffer(ctx: ServiceContext) {
  if (!can(ctx.principal, 'people:view')) return [];
  const { groups } = await listGroups(ctx, {});
  return groups.map((g) => ({ id: g.id, name: g.name, unitName: g.unit_name }));
}

/**
 * Assigns a supporter to one participant or to every participant: an involvement group the
 * organiser may see (its current members with accounts support), or a named person with an account
 * (found by email). Nobody supports themselves; an assignment already there is not made twice.
 * Returns how many assignments were made. Audited.
 */
export async function assignSupporters(ctx: ServiceContext, workshopId: number, raw: Record<string, unknown>): Promise<{ added: number; already: number }> {
  const access = await asOrganiser(ctx, workshopId);
  const principal = principalOf(ctx);
  const input = parse(supporterSchema, raw);
  const participantField = input.kind === 'group' ? 'groupParticipant' : 'personParticipant';
  const choice = input.kind === 'group' ? input.groupParticipant : input.personParticipant;
  let participants: { id: number; user_id: number }[];
  if (choice === 'all') participants = await q.allParticipants(ctx.db, access.workshop.id);
  else {
    const one = choice === undefined ? undefined : await q.participantInWorkshop(ctx.db, access.workshop.id, choice);
    if (!one) throw ValidationError.one(participantField, 'errors.promises.participantRequired');
    participants = [one];
  }
  if (participants.length === 0) throw ValidationError.one(participantField, 'errors.promises.noParticipants');

  let who: { userId: number } | { groupId: number };
  if (input.kind === 'group') {
    const group = input.groupId === undefined ? undefined : await groupSummary(ctx, input.groupId);
    if (!group) throw ValidationError.one('groupId', 'errors.promises.groupRequired');
    who = { groupId: group.id };
  } else {
    const user = await q.userByEmail(ctx.db, input.email ?? '');
    if (!user || user.disabled_at) throw ValidationError.one('email', 'errors.promises.userNotFound');
    if (choice !== 'all' && participants[0]?.user_id === user.id) throw ValidationError.one('email', 'errors.promises.supportSelf');
    who = { userId: user.id };
    participants = participants.filter((p) => p.user_id !== user.id);
  }

  return ctx.db.transaction().execute(async (trx) => {
    const at = nowIso();
    let added = 0;
    let already = 0;
    for (const p of participants) {
      if (await q.supporterExists(trx, p.id, who)) {
        already += 1;
        continue;
      }
      const id = await q.insertSupporter(trx, { participantId: p.id, userId: 'userId' in who ? who.userId : null, groupId: 'groupId' in who ? who.groupId : null, by: principal.userId, at });
      await audit(trx, auditContext(ctx), {
        action: 'promise.supporter_assigned',
        entityType: 'promise_supporter',
        entityId: id,
        subjectUserId: p.user_id,
        details: { workshopId: access.workshop.id, participantId: p.id, ...who },
      });
      added += 1;
    }
    return { added, already };
  });
}

/** Takes a supporter off a participant of this workshop (404 for anything else). Audited. */
export async function removeSupporter(ctx: ServiceContext, workshopId: number, supporterId: number): Promise<void> {
  const access = await asOrganiser(ctx, workshopId);
  const row = isRecordId(supporterId) ? await q.supporterInWorkshop(ctx.db, access.workshop.id, supporterId) : undefined;
  if (!row) throw new NotFoundError();
  await ctx.db.transaction().execute(async (trx) => {
    await q.deleteSupporter(trx, row.id);
    await audit(trx, auditContext(ctx), {
      action: 'promise.supporter_removed',
      entityType: 'promise_supporter',
      entityId: row.id,
      subjectUserId: row.participant_user_id,
      details: { workshopId: access.workshop.id, participantId: row.participant_id, userId: row.user_id, groupId: row.group_id },
    });
  });
}

// ---- My promises

/**
 * The signed-in user's promises (each with its recent check-ins and the encouragement received)
 * and the promises they support: the participant's name, the words only when shared, the
 * progress. Each list a page at a time. Seeing whom one supports is audited.
 */
export async function myPromisesPage(ctx: ServiceContext, rawQuery: unknown) {
  const principal = principalOf(ctx);
  const query = myQuerySchema.parse(rawQuery ?? {});
  const mineRows = await q.myPromises(ctx.db, principal.userId, { after: query.after, limit: MY_PAGE_SIZE + 1 });
  const mine = mineRows.slice(0, MY_PAGE_SIZE);
  const promiseIds = mine.flatMap((m) => (m.promise_id == null ? [] : [m.promise_id]));
  const encouragements = await q.encouragementsFor(ctx.db, promiseIds, ENCOURAGEMENTS_SHOWN);
  const checkIns = await q.checkInsFor(ctx.db, promiseIds, CHECK_INS_SHOWN);

  const supportingRows = await q.supporting(ctx.db, principal.userId, { after: query.supportingAfter, limit: MY_PAGE_SIZE + 1 });
  const supporting = supportingRows.slice(0, MY_PAGE_SIZE);
  if (supporting.length > 0) {
    await audit(ctx.db, auditContext(ctx), { action: 'promises.supporting_viewed', entityType: 'promise', details: { promiseIds: supporting.map((s) => s.promise_id) } });
  }
  return {
    today: londonDate(),
    mine: mine.map((m) => ({
      ...m,
      encouragements: encouragements.filter((e) => e.promise_id === m.promise_id),
      checkIns: checkIns.filter((c) => c.promise_id === m.promise_id),
    })),
    mineNext: mineRows.length > MY_PAGE_SIZE ? (mine.at(-1)?.participant_id ?? null) : null,
    // The privacy rule: a supporter sees the words only when the participant shared them.
    supporting: supporting.map(({ text, ...s }) => ({ ...s, text: s.shared === 1 ? text : null })),
    supportingNext: supportingRows.length > MY_PAGE_SIZE ? (supporting.at(-1)?.promise_id ?? null) : null,
    paged: query.after !== undefined || query.supportingAfter !== undefined,
  };
}

/**
 * Records the participant's check-in on their own promise: its progress becomes what they said,
 * and the next check-in moves forward by the weeks they chose (four unless they say), counted from
 * today; a kept promise keeps its date and is not reminded again. Audited, without the note.
 */
export async function recordCheckIn(ctx: ServiceContext, promiseId: number, raw: Record<string, unknown>): Promise<{ progress: PromiseProgress; nextCheckIn: string | null }> {
  const principal = principalOf(ctx);
  const promise = isRecordId(promiseId) ? await q.ownPromise(ctx.db, promiseId, principal.userId) : undefined;
  if (!promise) throw new NotFoundError();
  const input = parse(checkInSchema, raw);
  const checkInOn = input.progress === 'kept' ? promise.check_in_on : addDays(londonDate(), Number(input.nextInWeeks) * 7);
  await ctx.db.transaction().execute(async (trx) => {
    const at = nowIso();
    const checkInId = await q.insertCheckIn(trx, { promiseId: promise.id, progress: input.progress, note: input.note ?? null, at });
    await q.setProgress(trx, promise.id, { progress: input.progress, checkInOn, at });
    await audit(trx, auditContext(ctx), {
      action: 'promise.checked_in',
      entityType: 'promise',
      entityId: promise.id,
      subjectUserId: principal.userId,
      details: { checkInId, progress: input.progress, from: promise.progress, nextCheckIn: input.progress === 'kept' ? null : checkInOn, note: input.note ? 'given' : 'none' },
    });
  });
  return { progress: input.progress, nextCheckIn: input.progress === 'kept' ? null : checkInOn };
}

export const encouragementKey = (encouragementId: number): string => `promise-encouragement:${encouragementId}`;

/**
 * A supporter's encouragement: kept with the promise (the participant sees it on /my-promises) and
 * emailed to the participant through the outbox in the same transaction. Only someone who supports
 * the participant may send it (404 for anyone else). Audited, without the words.
 */
export async function encourage(ctx: ServiceContext, promiseId: number, raw: Record<string, unknown>): Promise<{ name: string }> {
  const principal = principalOf(ctx);
  const promise = isRecordId(promiseId) ? await q.supportedPromise(ctx.db, promiseId, principal.userId) : undefined;
  if (!promise) throw new NotFoundError();
  const input = parse(encouragementSchema, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const at = nowIso();
    const id = await q.insertEncouragement(trx, { promiseId: promise.promise_id, fromUserId: principal.userId, message: input.message, at });
    if (!promise.participant_disabled) {
      const vars = { name: promise.name, from: principal.name, workshop: promise.workshop_title, message: input.message, link: `${ctx.config.baseUrl}/my-promises` };
      await enqueueEmail(trx, { idempotencyKey: encouragementKey(id), to: promise.participant_email, subject: t('promises.email.encouragement.subject', vars), text: t('promises.email.encouragement.text', vars) });
    }
    await audit(trx, auditContext(ctx), {
      action: 'promise.encouraged',
      entityType: 'promise',
      entityId: promise.promise_id,
      subjectUserId: promise.participant_user_id,
      details: { encouragementId: id, emailed: !promise.participant_disabled },
    });
  });
  return { name: promise.name };
}

// ---- The progress page

export interface ProgressSummary {
  participants: number;
  made: number;
  notMade: number;
  kept: number;
  inProgress: number;
  notYet: number;
  /** Whole-number percentages of participants, for the bar. */
  percent: { kept: number; inProgress: number; notYet: number; notMade: number };
}

export function summarise(counts: { participants: number; byProgress: Record<PromiseProgress, number> }): ProgressSummary {
  const { kept, in_progress: inProgress, not_yet: notYet } = counts.byProgress;
  const made = kept + inProgress + notYet;
  const participants = Math.max(counts.participants, made);
  const notMade = participants - made;
  const pc = (n: number) => (participants === 0 ? 0 : Math.round((n * 1000) / participants) / 10);
  return { participants, made, notMade, kept, inProgress, notYet, percent: { kept: pc(kept), inProgress: pc(inProgress), notYet: pc(notYet), notMade: pc(notMade) } };
}

/**
 * The workshop's promises in numbers: how many kept, in progress, not yet and not made, and the
 * winning challenge. Public when the organiser made it so; otherwise only for its organisers and
 * participants, and a 404 for everyone else (signed in or not). Counts only: never words or names.
 */
export async function progressPage(ctx: ServiceContext, workshopId: number) {
  const workshop = isRecordId(workshopId) ? await q.workshopForProgress(ctx.db, workshopId) : undefined;
  if (!workshop) throw new NotFoundError();
  let member = false;
  if (ctx.principal) {
    try {
      await getWorkshopAccess(ctx, workshop.id);
      member = true;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  if (workshop.progress_public !== 1 && !member) throw new NotFoundError();
  const counts = await q.progressCounts(ctx.db, workshop.id);
  return { workshop: { id: workshop.id, title: workshop.title, heldOn: workshop.held_on, winningTitle: workshop.winning_title, isPublic: workshop.progress_public === 1 }, member, summary: summarise(counts) };
}

// ---- Subject access and erasure (for the users feature's export and erase)

/** Everything the promise tables hold about a user: their promises with check-ins and encouragement, what they sent, whom they support by name. */
export async function promisesExportForUser(db: ServiceContext['db'], userId: number) {
  const mine = await q.myPromises(db, userId, { limit: 10_000 });
  const ids = mine.flatMap((m) => (m.promise_id == null ? [] : [m.promise_id]));
  return {
    promises: mine.map((m) => ({ workshop: m.workshop_title, held_on: m.held_on, text: m.text, shared: m.shared === 1, progress: m.progress, check_in_on: m.check_in_on })),
    check_ins: await q.checkInsFor(db, ids, 10_000),
    encouragement_received: (await q.encouragementsFor(db, ids, 10_000)).map((e) => ({ promise_id: e.promise_id, from: e.from_name, message: e.message, created_at: e.created_at })),
    encouragement_sent: await q.encouragementsSentBy(db, userId),
    supporting_by_name: await q.namedSupportOf(db, userId),
  };
}

/**
 * Erases a user's words from the promise tables, keeping the counts: their promises' words become
 * a placeholder (progress stays, so the workshop's figures do not change), their check-in notes
 * and the encouragement they sent or received are deleted, and they stop supporting anyone by name.
 * Pass the erasing transaction.
 */
export async function erasePromisesOfUser(db: ServiceContext['db'], userId: number): Promise<void> {
  await q.eraseForUser(db, userId, t('promises.erased'));
}

// ---- Reminders on check-in dates

export const supportPromptKey = (promiseId: number, checkInOn: string, userId: number): string => `promise-support-prompt:${promiseId}:${checkInOn}:${userId}`;

/**
 * Emails each participant whose promise is not kept and whose check-in date (in London) is today
 * or past, once per check-in date, with a link to /my-promises; and each of their supporters a
 * gentle prompt to encourage them (the words only when shared). Safe to run twice, or on two
 * workers at once: every message has an idempotency key, and a promise whose reminder for its
 * date is in the outbox is not picked again.
 */
export async function sendCheckInReminders(ctx: ServiceContext, now: Date = new Date()): Promise<{ reminders: number; prompts: number }> {
  const today = londonDate(now);
  const link = `${ctx.config.baseUrl}/my-promises`;
  let reminders = 0;
  let prompts = 0;
  for (let batch = 0; batch < REMINDER_BATCHES; batch++) {
    const due = await q.duePromises(ctx.db, today, REMINDER_BATCH);
    for (const p of due) {
      await ctx.db.transaction().execute(async (trx) => {
        const vars = { name: p.name, workshop: p.workshop_title, promise: p.text, date: dayText(p.check_in_on), link };
        await enqueueEmail(trx, { idempotencyKey: q.reminderKey(p.id, p.check_in_on), to: p.email, subject: t('promises.email.reminder.subject', vars), text: t('promises.email.reminder.text', vars) });
        reminders += 1;
        const shared = (await q.promiseOfParticipant(trx, p.participant_id))?.shared === 1;
        for (const s of await q.supporterUsers(trx, p.participant_id, p.user_id)) {
          const sv = { ...vars, supporter: s.name };
          await enqueueEmail(trx, {
            idempotencyKey: supportPromptKey(p.id, p.check_in_on, s.id),
            to: s.email,
            subject: t('promises.email.prompt.subject', sv),
            text: t(shared ? 'promises.email.prompt.textShared' : 'promises.email.prompt.textPrivate', sv),
          });
          prompts += 1;
        }
      });
    }
    if (due.length < REMINDER_BATCH) break;
  }
  return { reminders, prompts };
}

/** The worker's hourly run of the reminders (src/features/jobs.ts). */
export const promiseRemindersJob: ScheduledJob = {
  name: 'promise check-in reminders',
  everyMs: HOUR_MS,
  run: (ctx, now) => sendCheckInReminders(ctx, now),
};
