import type { Transaction } from 'kysely';
import { audit, type AuditContext } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { ClaimLine, ClaimStatus, Database, ExpenseCategory, LedgerEntry, RateBasis } from '../../platform/db/types.ts';
import { CLAIM_ACTIVITIES, CLAIM_STATUSES, EXPENSE_CATEGORIES, RATE_BASES } from '../../platform/db/types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { readFile, storeFile } from '../../platform/files/index.ts';
import { parseFilters } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requirePermission, requireSignedIn, scopePaths } from '../../platform/rbac/index.ts';
import { parse } from '../groups/service.ts';
import { cleanFilename, londonDayText, londonParts } from '../meetings/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import {
  balanceOf, expenseRateOn, formatPence, parsePounds, priceExpense, priceTime, taxYearStatus, timeRateOn, type Priced, type TaxYearStatus,
} from '../payments/service.ts';
import { londonDate } from '../projects/service.ts';
import * as q from './queries.ts';
import {
  expenseLineSchema, listQuerySchema, MAX_MINUTES, newClaimSchema, RECEIPT_MAX_BYTES, RECEIPT_TYPES, receiptKindOf, timeLineSchema, type ListQuery,
} from './schemas.ts';

/**
 * Expense and involvement-payment claims (issue 8, item 2).
 *
 * - A claim is for one activity (a meeting attended, project work, a workshop, outreach) on one
 *   day, by one person in the register. An involvement lead (claims:manage) makes claims for people
 *   in their units at /claims; a partner makes their own at /my-claims, through the register entry
 *   linked to their account. Anyone else gets a 404.
 * - The person's payment preference is copied onto the claim when it is made and applied: "no
 *   payment" means no claim; "expenses only" means no time lines; "vouchers" means time is paid in
 *   vouchers.
 * - Lines are priced at the rate in force on the activity's date (so a claim made after a rate
 *   changes keeps the old rate for an earlier activity); an expense needs a rate and stays within
 *   its limit. The claim's total is the sum of its lines that are not rejected, kept in the same
 *   transaction as every change to its lines.
 * - Lines and receipts may change while the claim is a draft, or submitted and nobody has decided
 *   any of it yet. Approval (approvals/) and payment (finance/) happen elsewhere.
 * - Recording attendance at a meeting makes a draft claim for each person present who wants payment
 *   (draftClaimsForMeeting), so nobody has to ask.
 * - Every claim made, changed or looked at is audited (ids, kinds and counts; no names or amounts).
 */

export const PAGE_SIZE = 25;
const SEARCH_RESULTS = 30;
const CHOICES_MAX = 50;

export type As = 'staff' | 'self';
export { CLAIM_ACTIVITIES, CLAIM_STATUSES, EXPENSE_CATEGORIES, RATE_BASES, RECEIPT_MAX_BYTES };
export type { ListQuery };

/** Reads /claims filters from the query string; a value that makes no sense is left out. */
export function parseListQuery(raw: Record<string, unknown>): ListQuery {
  return parseFilters(listQuerySchema, raw);
}

const cursorOf = (after: string | undefined): { date: string; id: number } | undefined => {
  if (!after) return undefined;
  const [date, id] = after.split('_') as [string, string];
  return { date, id: Number(id) };
};

const today = (): string => londonDate();

/** The name staff see for the person on a claim; someone whose details were removed is not named. */
function personName(c: { full_name: string; erased_at: string | null }): string {
  return c.erased_at ? t('claims.removedPerson') : c.full_name;
}

// ---- Access

export interface ClaimAccess {
  claim: q.ClaimRow;
  /** The signed-in user is the person claiming. */
  isSelf: boolean;
  /** An involvement lead (claims:manage) for the claim's unit. */
  canManage: boolean;
  /** A budget holder (claims:second_approval) for the claim's unit. */
  canSecondApprove: boolean;
}

/**
 * The one place that decides who reaches a claim. Through /claims (as staff): leads for its unit,
 * and budget holders for its unit, who read it. Through /my-claims (as self): the person claiming.
 * Anyone else gets a 404, so a claim's existence is not revealed.
 */
export async function claimAccess(ctx: ServiceContext, claimId: number, as: As): Promise<ClaimAccess> {
  const principal = requireSignedIn(ctx.principal);
  if (!isRecordId(claimId)) throw new NotFoundError();
  const claim = await q.claimById(ctx.db, claimId);
  if (!claim) throw new NotFoundError();
  const unit = { path: claim.unit_path };
  const isSelf = claim.erased_at == null && claim.person_user_id === principal.userId;
  const canManage = can(principal, 'claims:manage', unit);
  const canSecondApprove = can(principal, 'claims:second_approval', unit);
  if (as === 'self' ? !isSelf : !canManage && !canSecondApprove) throw new NotFoundError();
  return { claim, isSelf, canManage, canSecondApprove };
}

/** May the lines of this claim still change: a draft, or submitted with nothing decided yet. */
export function linesMayChange(claim: { status: ClaimStatus; decided_at: string | null }, lines: readonly Pick<ClaimLine, 'status'>[]): boolean {
  return (claim.status === 'draft' || claim.status === 'submitted') && claim.decided_at == null && lines.every((l) => l.status === 'pending');
}

/** Access for a change: the person themselves (as self) or a lead for the claim's unit (as staff). */
async function changeAccess(ctx: ServiceContext, claimId: number, as: As): Promise<ClaimAccess> {
  const access = await claimAccess(ctx, claimId, as);
  if (as === 'staff' && !access.canManage) throw new ForbiddenError();
  return access;
}

/** Runs a change to a claim's lines in one transaction, after checking (and locking) that they may change. */
async function changeLines<T>(ctx: ServiceContext, claimId: number, work: (trx: Transaction<Database>, at: string) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const at = nowIso();
    if (!(await q.touchEditable(trx, claimId, at))) throw ValidationError.one('claim', 'errors.claims.notEditable');
    const result = await work(trx, at);
    await q.refreshTotal(trx, claimId);
    return result;
  });
}

const auditTarget = (access: ClaimAccess) => ({ entityType: 'claim', entityId: access.claim.id, subjectUserId: access.claim.person_user_id });

// ---- What has been paid

export interface LinePayments {
  /** Paid so far, less reversed payments (pence, positive). */
  paidPence: number;
  /** Still owed on the ledger: owed − paid, with reversals (balanceOf). */
  owedPence: number;
  /** The day of the latest payment still standing. */
  lastPaidOn: string | null;
}

/** What the ledger says about one line: what was paid (net of reversed payments), what is still owed. */
export function linePayments(entries: readonly LedgerEntry[]): LinePayments {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const reversed = new Set(entries.map((e) => e.reverses_id).filter((id) => id != null));
  let paidPence = 0;
  let lastPaidOn: string | null = null;
  for (const e of entries) {
    if (e.kind === 'paid') {
      paidPence -= e.amount_pence;
      if (!reversed.has(e.id) && e.paid_on && (!lastPaidOn || e.paid_on > lastPaidOn)) lastPaidOn = e.paid_on;
    } else if (e.kind === 'reversal' && e.reverses_id != null && byId.get(e.reverses_id)?.kind === 'paid') {
      paidPence -= e.amount_pence;
    }
  }
  return { paidPence, owedPence: balanceOf(entries), lastPaidOn };
}

// ---- One claim

export interface ClaimPage {
  access: ClaimAccess;
  personName: string;
  lines: (ClaimLine & LinePayments & { receipts: q.ReceiptRow[] })[];
  paidPence: number;
  mayChange: boolean;
  maySubmit: boolean;
  tax: TaxYearStatus;
  /** The approvals page, for those who decide on the claim while it waits for them. */
  reviewHref: string | null;
  meetingText: string | null;
}

/** A claim with its lines, receipts and what has been paid; the tax-year figure for the person. Audited as a view. */
export async function claimPage(ctx: ServiceContext, claimId: number, as: As): Promise<ClaimPage> {
  const access = await claimAccess(ctx, claimId, as);
  const { claim } = access;
  const [lines, receipts, entries] = await Promise.all([q.linesOf(ctx.db, claim.id), q.receiptsOf(ctx.db, claim.id), q.entriesOf(ctx.db, claim.id)]);
  const shown = lines.map((l) => ({
    ...l,
    ...linePayments(entries.filter((e) => e.claim_line_id === l.id)),
    receipts: receipts.filter((r) => r.claim_line_id === l.id),
  }));
  // Where this claim's time, once paid, would take the person in the tax year.
  const unpaidTime = shown.filter((l) => l.kind === 'time' && l.status !== 'rejected').reduce((s, l) => s + Math.max(0, l.amount_pence - l.paidPence), 0);
  const tax = await taxYearStatus(ctx.db, claim.person_id, today(), unpaidTime);
  const mayChange = linesMayChange(claim, lines) && (as === 'self' ? access.isSelf : access.canManage);
  const waiting = claim.status === 'submitted' || claim.status === 'second_approval';
  await audit(ctx.db, auditContext(ctx), { action: 'claim.viewed', ...auditTarget(access), details: { self: as === 'self' } });
  return {
    access,
    personName: as === 'self' ? (claim.preferred_name ?? claim.full_name) : personName(claim),
    lines: shown,
    paidPence: shown.reduce((s, l) => s + l.paidPence, 0),
    mayChange,
    maySubmit: mayChange && claim.status === 'draft' && lines.length > 0,
    tax,
    reviewHref: as === 'staff' && waiting && (access.canManage || access.canSecondApprove) ? `/approvals/${claim.id}` : null,
    meetingText: claim.meeting_starts_at ? `${claim.meeting_title ?? claim.series_name ?? ''}, ${londonDayText(claim.meeting_starts_at)}` : null,
  };
}

// ---- Making a claim

export interface ClaimFor {
  person: q.PersonChoice;
  meetings: q.AttendedMeeting[];
  projects: q.PersonProject[];
}

async function choicesFor(ctx: ServiceContext, person: q.PersonChoice): Promise<ClaimFor> {
  const [meetings, projects] = await Promise.all([q.attendedMeetings(ctx.db, person, CHOICES_MAX), q.projectsOf(ctx.db, person, CHOICES_MAX)]);
  return { person, meetings, projects };
}

/** A person in the register of a unit where the lead makes claims; anyone else is a 404. */
async function personForLead(ctx: ServiceContext, personId: number): Promise<q.PersonChoice> {
  const principal = requirePermission(ctx.principal, 'claims:manage');
  const person = isRecordId(personId) ? await q.personById(ctx.db, personId) : undefined;
  if (!person || !can(principal, 'claims:manage', { path: person.unit_path })) throw new NotFoundError();
  return person;
}

/**
 * /claims/new: with a person chosen, what a claim for them can be for; otherwise people in the
 * lead's units whose name matches the search (nobody until something is typed).
 */
export async function newClaimForLead(ctx: ServiceContext, opts: { personId?: number; search?: string }): Promise<{ claimFor: ClaimFor | null; results: q.PersonChoice[] | null }> {
  const principal = requirePermission(ctx.principal, 'claims:manage');
  if (opts.personId != null) return { claimFor: await choicesFor(ctx, await personForLead(ctx, opts.personId)), results: null };
  if (!opts.search) return { claimFor: null, results: null };
  return { claimFor: null, results: await q.peopleInUnits(ctx.db, scopePaths(principal, 'claims:manage'), opts.search, SEARCH_RESULTS) };
}

/** /my-claims/new: the signed-in user's own register entry and what a claim can be for; null when they have none. */
export async function newClaimForSelf(ctx: ServiceContext): Promise<ClaimFor | null> {
  const principal = requireSignedIn(ctx.principal);
  const person = await q.personOfUser(ctx.db, principal.userId);
  return person ? choicesFor(ctx, person) : null;
}

/**
 * Makes a draft claim for a person: by a lead for someone in their units (as staff), or by the
 * person themselves (as self). Checks the preference, the date (not in the future) and that the
 * meeting or project is theirs. Audited. Returns the new claim's id.
 */
export async function createClaim(ctx: ServiceContext, as: As, raw: Record<string, unknown>): Promise<number> {
  const principal = requireSignedIn(ctx.principal);
  let person: q.PersonChoice | undefined;
  if (as === 'staff') {
    // No person chosen (a hand-made form): ask for one; a person outside the lead's units is a 404.
    if (!isRecordId(Number(raw.personId))) throw ValidationError.one('q', 'errors.claims.personInvalid');
    person = await personForLead(ctx, Number(raw.personId));
  }
  else person = await q.personOfUser(ctx.db, principal.userId);
  if (!person) throw new NotFoundError();
  if (person.payment_preference === 'none') throw ValidationError.one('activityKind', 'errors.claims.noPayment');
  const input = parse(newClaimSchema, raw);
  if (input.activityDate > today()) throw ValidationError.one('activityDate', 'errors.claims.dateInFuture');
  if (input.meetingId != null && input.projectId != null) throw ValidationError.one('projectId', 'errors.claims.meetingOrProject');
  const { meetings, projects } = await choicesFor(ctx, person);
  const meeting = input.meetingId != null ? meetings.find((m) => m.meeting_id === input.meetingId) : undefined;
  if (input.meetingId != null && !meeting) throw ValidationError.one('meetingId', 'errors.claims.meetingInvalid');
  const project = input.projectId != null ? projects.find((p) => p.id === input.projectId) : undefined;
  if (input.projectId != null && !project) throw ValidationError.one('projectId', 'errors.claims.projectInvalid');
  const unitId = meeting?.unit_id ?? project?.unit_id ?? person.unit_id;
  if (as === 'staff') {
    const unit = await unitById(ctx.db, unitId);
    if (!unit || !can(principal, 'claims:manage', unit)) throw ValidationError.one(meeting ? 'meetingId' : 'projectId', 'errors.claims.unitNotYours');
  }
  if (meeting && (await q.claimForMeeting(ctx.db, person.id, meeting.meeting_id)) !== undefined) throw ValidationError.one('meetingId', 'errors.claims.meetingClaimed');
  const chosen = person;
  // After a withdrawn claim, a fresh one for the meeting does not take the attendance row it holds.
  const attendanceId = meeting?.attendance_id != null && !(await q.attendanceClaimed(ctx.db, meeting.attendance_id)) ? meeting.attendance_id : null;
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertClaim(
      trx,
      {
        personId: chosen.id, unitId, activityKind: input.activityKind, activityDate: input.activityDate, description: input.description,
        meetingId: meeting?.meeting_id ?? null, attendanceId, projectId: project?.id ?? null,
        preference: chosen.payment_preference, createdBy: principal.userId,
      },
      nowIso(),
    );
    // Another claim took the attendance row in the meantime (a draft made from attendance).
    if (id === undefined) throw ValidationError.one('meetingId', 'errors.claims.meetingClaimed');
    await audit(trx, auditContext(ctx), {
      action: 'claim.created', entityType: 'claim', entityId: id, subjectUserId: chosen.user_id,
      details: { personId: chosen.id, activityKind: input.activityKind, self: as === 'self', meetingId: meeting?.meeting_id ?? null, projectId: project?.id ?? null },
    });
    return id;
  });
}

// ---- Lines

function priceProblem(priced: Priced, field: string, what: string): ValidationError | null {
  if (!('problem' in priced)) return null;
  if (priced.problem === 'overLimit') return ValidationError.one(field, t('errors.claims.overLimit', { limit: formatPence(priced.limitPence ?? 0), what }));
  return ValidationError.one(field, t('errors.claims.noRate', { what }));
}

/**
 * Adds a time line, priced at the rate for the activity and basis in force on the activity's date.
 * Not for someone paid expenses only. Hourly time is hours and minutes; half and full days a count.
 */
export async function addTimeLine(ctx: ServiceContext, claimId: number, as: As, raw: unknown): Promise<number> {
  const access = await changeAccess(ctx, claimId, as);
  const { claim } = access;
  if (claim.preference === 'expenses_only' || claim.preference === 'none') throw ValidationError.one('basis', 'errors.claims.timeNotPaid');
  const input = parse(timeLineSchema, raw);
  let quantity: number;
  if (input.basis === 'hour') {
    quantity = (input.hours ?? 0) * 60 + (input.minutes ?? 0);
    if (quantity <= 0) throw ValidationError.one('hours', 'errors.claims.timeRequired');
    if (quantity > MAX_MINUTES) throw ValidationError.one('hours', 'errors.claims.timeTooLong');
  } else {
    quantity = input.days ?? 0;
    if (quantity <= 0) throw ValidationError.one('days', 'errors.claims.daysRequired');
  }
  return changeLines(ctx, claim.id, async (trx, at) => {
    const rate = await timeRateOn(trx, claim.activity_kind, input.basis, claim.activity_date);
    const priced = priceTime(input.basis, quantity, rate);
    const what = t('claims.rateFor', { activity: t(`claims.activities.${claim.activity_kind}`), basis: t(`claims.bases.${input.basis}`) });
    const problem = priceProblem(priced, 'basis', what);
    if (problem || !rate || !('amountPence' in priced)) throw problem ?? ValidationError.one('basis', t('errors.claims.noRate', { what }));
    const id = await q.insertLine(trx, {
      claimId: claim.id, kind: 'time', category: input.basis, description: input.timeDescription ?? null, quantity, amountPence: priced.amountPence, timeRateId: rate.id, expenseRateId: null,
    }, at);
    await audit(trx, auditContext(ctx), { action: 'claim.line_added', ...auditTarget(access), details: { lineId: id, kind: 'time', category: input.basis, self: as === 'self' } });
    return id;
  });
}

/**
 * Adds an expense: the amount on the receipt, or miles for mileage (priced per mile). The category
 * needs a rate in force on the activity's date, and the amount must be within its limit.
 */
export async function addExpenseLine(ctx: ServiceContext, claimId: number, as: As, raw: unknown): Promise<number> {
  const access = await changeAccess(ctx, claimId, as);
  const { claim } = access;
  const input = parse(expenseLineSchema, raw);
  let quantity = 1;
  let receiptPence: number | null = null;
  if (input.category === 'mileage') {
    if (input.miles == null) throw ValidationError.one('miles', 'errors.claims.milesRequired');
    quantity = input.miles;
  } else {
    if (input.amount == null) throw ValidationError.one('amount', 'errors.claims.amountRequired');
    receiptPence = parsePounds(input.amount);
    if (receiptPence == null || receiptPence <= 0) throw ValidationError.one('amount', 'errors.claims.amountInvalid');
  }
  const category: ExpenseCategory = input.category;
  return changeLines(ctx, claim.id, async (trx, at) => {
    const rate = await expenseRateOn(trx, category, claim.activity_date);
    const what = t(`claims.categories.${category}`);
    const priced = priceExpense(category, quantity, receiptPence, rate);
    const problem = priceProblem(priced, category === 'mileage' ? 'miles' : 'amount', what);
    if (!rate) throw ValidationError.one('category', t('errors.claims.noRate', { what }));
    if (problem || !('amountPence' in priced)) throw problem ?? ValidationError.one('category', t('errors.claims.noRate', { what }));
    const id = await q.insertLine(trx, {
      claimId: claim.id, kind: 'expense', category, description: input.expenseDescription ?? null, quantity, amountPence: priced.amountPence, timeRateId: null, expenseRateId: rate.id,
    }, at);
    await audit(trx, auditContext(ctx), { action: 'claim.line_added', ...auditTarget(access), details: { lineId: id, kind: 'expense', category, self: as === 'self' } });
    return id;
  });
}

/** Removes a line (and its receipts) while the claim's lines may change. Audited. */
export async function removeLine(ctx: ServiceContext, claimId: number, lineId: number, as: As): Promise<void> {
  const access = await changeAccess(ctx, claimId, as);
  if (!isRecordId(lineId)) throw new NotFoundError();
  await changeLines(ctx, access.claim.id, async (trx) => {
    if (!(await q.deleteLine(trx, access.claim.id, lineId))) throw new NotFoundError();
    await audit(trx, auditContext(ctx), { action: 'claim.line_removed', ...auditTarget(access), details: { lineId, self: as === 'self' } });
  });
}

/** Sends a draft for approval (draft → submitted), by the person or a lead. It needs at least one line. Audited. */
export async function submitClaim(ctx: ServiceContext, claimId: number, as: As): Promise<void> {
  const access = await changeAccess(ctx, claimId, as);
  await ctx.db.transaction().execute(async (trx) => {
    const at = nowIso();
    if ((await q.linesOf(trx, access.claim.id)).length === 0) throw ValidationError.one('claim', 'errors.claims.noLines');
    if (!(await q.markSubmitted(trx, access.claim.id, at))) throw ValidationError.one('claim', 'errors.claims.notDraft');
    await audit(trx, auditContext(ctx), { action: 'claim.submitted', ...auditTarget(access), details: { self: as === 'self' } });
  });
}

/** Withdraws a claim nobody has decided yet, by the person or a lead. Kept, not deleted. Audited. */
export async function withdrawClaim(ctx: ServiceContext, claimId: number, as: As): Promise<void> {
  const access = await changeAccess(ctx, claimId, as);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await q.markWithdrawn(trx, access.claim.id, nowIso()))) throw ValidationError.one('claim', 'errors.claims.notEditable');
    await audit(trx, auditContext(ctx), { action: 'claim.withdrawn', ...auditTarget(access), details: { self: as === 'self' } });
  });
}

// ---- Receipts

/** Checks the line is an expense on a claim the user may change, before the upload is read. */
export async function receiptTarget(ctx: ServiceContext, claimId: number, lineId: number, as: As): Promise<ClaimAccess> {
  const access = await changeAccess(ctx, claimId, as);
  const line = isRecordId(lineId) ? await q.lineOf(ctx.db, access.claim.id, lineId) : undefined;
  if (!line) throw new NotFoundError();
  return access;
}

/**
 * Attaches a receipt to an expense line: a JPEG, PNG or PDF of at most 5 MB, recognised by its
 * first bytes (never by its name or the browser's word for it). Stored once by its hash. Audited.
 */
export async function uploadReceipt(ctx: ServiceContext, claimId: number, lineId: number, as: As, file: { filename: string; content: Buffer }): Promise<number> {
  const access = await receiptTarget(ctx, claimId, lineId, as);
  const principal = requireSignedIn(ctx.principal);
  const field = `receipt-${lineId}`;
  if (file.content.length === 0) throw ValidationError.one(field, 'errors.claims.receipt.empty');
  if (file.content.length > RECEIPT_MAX_BYTES) throw ValidationError.one(field, t('errors.claims.receipt.tooLarge', { max: RECEIPT_MAX_BYTES / 1024 / 1024 }));
  const kind = receiptKindOf(file.content);
  if (!kind) throw ValidationError.one(field, 'errors.claims.receipt.typeNotAllowed');
  const type = RECEIPT_TYPES[kind];
  // The name people see keeps what they called it, with the ending of what it really is.
  const base = cleanFilename(file.filename).replace(/\.[^.]*$/, '') || t('claims.receipts.defaultName');
  const filename = `${base}.${type.extension}`;
  return changeLines(ctx, access.claim.id, async (trx, at) => {
    const line = await q.lineOf(trx, access.claim.id, lineId);
    if (!line) throw new NotFoundError();
    if (line.kind !== 'expense') throw ValidationError.one(field, 'errors.claims.receipt.expenseOnly');
    const sha256 = await storeFile(trx, file.content);
    const id = await q.insertReceipt(trx, { lineId, sha256, filename, contentType: type.contentType, size: file.content.length, uploadedBy: principal.userId }, at);
    await audit(trx, auditContext(ctx), { action: 'claim.receipt_added', ...auditTarget(access), details: { lineId, receiptId: id, size: file.content.length, self: as === 'self' } });
    return id;
  });
}

/** A receipt's bytes, to whoever may see the claim. Audited. */
export async function receiptDownload(ctx: ServiceContext, claimId: number, receiptId: number, as: As): Promise<{ filename: string; contentType: string; content: Buffer }> {
  const access = await claimAccess(ctx, claimId, as);
  const receipt = isRecordId(receiptId) ? await q.receiptOf(ctx.db, access.claim.id, receiptId) : undefined;
  const content = receipt ? await readFile(ctx.db, receipt.file_sha256) : undefined;
  if (!receipt || !content) throw new NotFoundError();
  await audit(ctx.db, auditContext(ctx), { action: 'claim.receipt_viewed', ...auditTarget(access), details: { receiptId, self: as === 'self' } });
  return { filename: receipt.filename, contentType: receipt.content_type, content };
}

/** Removes a receipt while the claim's lines may change. Audited. */
export async function removeReceipt(ctx: ServiceContext, claimId: number, receiptId: number, as: As): Promise<string> {
  const access = await changeAccess(ctx, claimId, as);
  const receipt = isRecordId(receiptId) ? await q.receiptOf(ctx.db, access.claim.id, receiptId) : undefined;
  if (!receipt) throw new NotFoundError();
  await changeLines(ctx, access.claim.id, async (trx) => {
    await q.deleteReceipt(trx, receipt.id);
    await audit(trx, auditContext(ctx), { action: 'claim.receipt_removed', ...auditTarget(access), details: { receiptId, self: as === 'self' } });
  });
  return receipt.filename;
}

// ---- Lists

/** Claims in the lead's units, newest activity first, filtered in SQL; the total matching. Audited with counts. */
export async function listClaims(ctx: ServiceContext, filter: ListQuery) {
  const principal = requirePermission(ctx.principal, 'claims:manage');
  const prefixes = scopePaths(principal, 'claims:manage');
  let unitPath: string | undefined;
  if (filter.unitId != null) {
    const unit = await unitById(ctx.db, filter.unitId);
    // A unit that does not exist, or is not the user's, matches nothing rather than everything.
    unitPath = unit && can(principal, 'claims:manage', unit) ? unit.path : '\u0001';
  }
  const f: q.ListFilter = { prefixes, unitPath, status: filter.status, search: filter.q };
  const [rows, total, units] = await Promise.all([
    q.listClaims(ctx.db, { ...f, after: cursorOf(filter.after) }, PAGE_SIZE + 1),
    q.countClaims(ctx.db, f),
    unitsUnder(ctx.db, prefixes),
  ]);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  await audit(ctx.db, auditContext(ctx), {
    action: 'claims.listed', entityType: 'claims',
    details: { shown: page.length, total, filters: Object.keys(filter).filter((k) => k !== 'after') },
  });
  return {
    claims: page.map((c) => ({ ...c, personName: personName(c) })),
    total,
    units,
    next: rows.length > PAGE_SIZE && last ? `${last.activity_date}_${last.id}` : null,
  };
}

/**
 * A partner's own claims with what has been paid on each, and their involvement payments so far
 * this tax year. Null when their account has no register entry. Audited as a view of their record.
 */
export async function myClaims(ctx: ServiceContext, after?: string) {
  const principal = requireSignedIn(ctx.principal);
  const person = await q.personOfUser(ctx.db, principal.userId);
  if (!person) return null;
  const rows = await q.claimsOfPerson(ctx.db, person.id, cursorOf(after), PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  const [paid, tax] = await Promise.all([q.paidByClaim(ctx.db, page.map((c) => c.id)), taxYearStatus(ctx.db, person.id, today())]);
  await audit(ctx.db, auditContext(ctx), { action: 'claims.viewed_own', entityType: 'person', entityId: person.id, subjectUserId: principal.userId, details: { shown: page.length } });
  return {
    person,
    claims: page.map((c) => ({ ...c, paidPence: paid.get(c.id) ?? 0 })),
    tax,
    next: rows.length > PAGE_SIZE && last ? `${last.activity_date}_${last.id}` : null,
  };
}

// ---- Draft claims from attendance

/** Whole minutes between two instants (a meeting's length). */
export const minutesBetween = (from: string, to: string): number => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));

/**
 * Makes a draft claim for each person recorded present at the meeting who wants payment and has
 * no claim for it yet: the meeting's London date, its series' unit and name, and — unless they
 * are paid expenses only — a time line for the meeting's length at the hourly meeting rate in
 * force that day (none when there is no rate). Runs inside the caller's transaction (recording
 * attendance). Recording attendance again makes no second draft: the database holds one claim per
 * attendance row, and a row another transaction claimed first is skipped. Returns how many were made.
 */
export async function draftClaimsForMeeting(trx: Transaction<Database>, meetingId: number, byUserId: number | null): Promise<number> {
  const meeting = await q.meetingForDrafts(trx, meetingId);
  if (!meeting) return 0;
  const present = await q.presentWithoutClaim(trx, meetingId);
  const wanting = present.filter((p) => p.payment_preference !== 'none');
  if (wanting.length === 0) return 0;
  const day = londonParts(meeting.starts_at).date;
  const minutes = minutesBetween(meeting.starts_at, meeting.ends_at);
  const rate = await timeRateOn(trx, 'meeting', 'hour', day);
  const priced = priceTime('hour', minutes, rate);
  const actor: AuditContext = { actorUserId: byUserId, ip: null };
  let made = 0;
  for (const p of wanting) {
    const at = nowIso();
    const id = await q.insertClaim(trx, {
      personId: p.person_id, unitId: meeting.unit_id, activityKind: 'meeting', activityDate: day, description: meeting.series_name,
      meetingId: meeting.id, attendanceId: p.attendance_id, projectId: null, preference: p.payment_preference, createdBy: byUserId,
    }, at);
    if (id === undefined) continue;
    if (p.payment_preference !== 'expenses_only' && rate && minutes > 0 && 'amountPence' in priced) {
      await q.insertLine(trx, { claimId: id, kind: 'time', category: 'hour', description: null, quantity: minutes, amountPence: priced.amountPence, timeRateId: rate.id, expenseRateId: null }, at);
      await q.refreshTotal(trx, id);
    }
    await audit(trx, actor, { action: 'claim.created', entityType: 'claim', entityId: id, subjectUserId: p.user_id, details: { personId: p.person_id, fromAttendance: true, meetingId } });
    made++;
  }
  return made;
}

export type { RateBasis };
