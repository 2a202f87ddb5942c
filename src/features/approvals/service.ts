import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { Channel, ClaimActivity, ClaimLine, Format, PAYMENT_PREFERENCES } from '../../platform/db/types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueForPerson } from '../../platform/outbox/index.ts';
import { can, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { nameFor, personHref } from '../groups/service.ts';
import { plannedChannel } from '../invitations/service.ts';
import { formatPence, paymentSettings, postOwed, taxYearStatus, type TaxYearStatus } from '../payments/service.ts';
import { isContactable, todayInLondon } from '../people/service.ts';
import * as q from './queries.ts';
import { cursorSchema, parseLineDecisions, parseSecondDecision, type LineDecision } from './schemas.ts';

/**
 * Approvals (issue 8): the involvement lead approves or rejects each line of a claim sent for
 * approval, with a reason for each rejection; a claim whose approved total is over the trust's
 * second-approval amount then waits for a budget holder, who approves it or rejects it with a
 * reason. When a claim is approved, what each approved line is owed goes into the ledger; the
 * person is told the outcome through the outbox, in their channel and format, with a plain warning
 * when their involvement payments this tax year are near or over the trust's threshold.
 *
 * Nobody decides a claim for their own register entry, and nobody gives both approvals.
 */

export const PAGE_SIZE = 25;
const DAY_MS = 86_400_000;

export { DECISIONS, REASON_MAX } from './schemas.ts';
/** Pence as money for the routes' messages. */
export const formatAmount = formatPence;

type Preference = (typeof PAYMENT_PREFERENCES)[number];
export type Stage = 'first' | 'second';
export type Outcome = 'approved' | 'partly_approved' | 'rejected' | 'second_approval';

// ---- Words and numbers shown

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const whenFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true });

/** "2026-11-03" → "3 November 2026". */
export const dayText = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00Z`));
/** A timestamp in London: "3 Nov 2026, 2:15 pm". */
export const whenText = (at: string): string => whenFormat.format(new Date(at));

/** Whole days from the timestamp to now (never negative). */
export function daysSince(at: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(at)) / DAY_MS));
}

/** How much of something a line is: "1 hour 30 minutes", "2 half days", "12.5 miles", or nothing. */
export function quantityText(line: Pick<ClaimLine, 'kind' | 'category' | 'quantity'>): string {
  if (line.kind === 'time' && line.category === 'hour') {
    const hours = Math.floor(line.quantity / 60);
    const minutes = line.quantity % 60;
    return [hours ? t('approvals.quantity.hours', { count: hours }) : '', minutes ? t('approvals.quantity.minutes', { count: minutes }) : ''].filter(Boolean).join(' ');
  }
  if (line.kind === 'time') return t(line.category === 'half_day' ? 'approvals.quantity.halfDays' : 'approvals.quantity.days', { count: line.quantity });
  if (line.category === 'mileage') return t('approvals.quantity.miles', { miles: `${Math.floor(line.quantity / 10)}.${line.quantity % 10}` });
  return line.quantity > 1 ? t('approvals.quantity.times', { count: line.quantity }) : '';
}

/** What a line is for, in words: its category and the claimant's own description. */
export function lineLabel(line: Pick<ClaimLine, 'category' | 'description'>): string {
  const category = t(`approvals.categories.${line.category}`);
  return line.description ? t('approvals.lineLabel', { category, description: line.description }) : category;
}

/** Time is an involvement payment (it can count as income); expenses are refunds and do not. */
const timePence = (lines: readonly Pick<ClaimLine, 'kind' | 'status' | 'amount_pence'>[], statuses: readonly ClaimLine['status'][]): number =>
  lines.filter((l) => l.kind === 'time' && statuses.includes(l.status)).reduce((s, l) => s + l.amount_pence, 0);

const sumPence = (lines: readonly Pick<ClaimLine, 'status' | 'amount_pence'>[], statuses: readonly ClaimLine['status'][]): number =>
  lines.filter((l) => statuses.includes(l.status)).reduce((s, l) => s + l.amount_pence, 0);

/** The tax-year warning for the lead (or budget holder), in plain words; undefined when all is well. */
function taxWarning(status: TaxYearStatus, name: string) {
  if (status.level === 'ok') return undefined;
  const vars = {
    name,
    paid: formatPence(status.paidPence),
    threshold: formatPence(status.thresholdPence),
    from: dayText(status.year.start),
    to: dayText(status.year.end),
  };
  return { level: status.level, heading: t(`approvals.tax.${status.level}.heading`), text: t(`approvals.tax.${status.level}.text`, vars), advice: t('approvals.tax.advice', vars) };
}

// ---- Who may review what

interface Access {
  claim: q.ReviewClaim;
  stage: Stage;
}

/**
 * The claim and the decision this user may make on it: the first (claims:manage in its unit, while
 * it is submitted) or the second (claims:second_approval in its unit, while it waits for one, and
 * not by whoever gave the first). Anything else — another unit, another status, their own register
 * entry — is a 404.
 */
function stageFor(principal: Principal, claim: Pick<q.ReviewClaim, 'status' | 'unit_path' | 'person_user_id' | 'decided_by'>): Stage | undefined {
  if (claim.person_user_id === principal.userId) return undefined;
  const unit = { path: claim.unit_path };
  if (claim.status === 'submitted' && can(principal, 'claims:manage', unit)) return 'first';
  if (claim.status === 'second_approval' && claim.decided_by !== principal.userId && can(principal, 'claims:second_approval', unit)) return 'second';
  return undefined;
}

async function reviewAccess(ctx: ServiceContext, claimId: number): Promise<Access & { principal: Principal }> {
  const principal = requireSignedIn(ctx.principal);
  const claim = isRecordId(claimId) ? await q.claimForReview(ctx.db, claimId) : undefined;
  const stage = claim ? stageFor(principal, claim) : undefined;
  if (!claim || !stage) throw new NotFoundError();
  return { claim, stage, principal };
}

const personName = (principal: Principal, c: q.ReviewClaim | q.QueueRow): string =>
  nameFor(principal, { full_name: c.full_name, preferred_name: c.preferred_name, anonymity: c.anonymity, erased_at: c.erased_at, person_unit_path: c.person_unit_path });

// ---- The queue

function queueItem(principal: Principal, r: q.QueueRow, stage: Stage) {
  const pending = Number(r.pending_lines);
  const withoutReceipt = Number(r.without_receipt);
  const needs =
    stage === 'first'
      ? [t('approvals.queue.needsDecisions', { count: pending }), ...(withoutReceipt ? [t('approvals.queue.withoutReceipt', { count: withoutReceipt })] : [])]
      : [t('approvals.queue.needsSecond', { amount: formatPence(r.total_pence) })];
  return {
    id: r.id,
    href: `/approvals/${r.id}`,
    name: personName(principal, r),
    activity: t(`approvals.activities.${r.activity_kind}`),
    activityDate: dayText(r.activity_date),
    description: r.description,
    unitName: r.unit_name,
    total: formatPence(r.total_pence),
    daysWaiting: daysSince(r.waiting_since),
    needs,
  };
}

function cursorOf(raw: unknown) {
  const parsed = cursorSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The approvals queue: claims sent for approval in the units where the user approves claims, and
 * claims waiting for a second approval where they are a budget holder; each oldest activity first,
 * a page at a time. Finance and everyone else get a 403. Showing the list is audited (names and amounts).
 */
export async function approvalQueue(ctx: ServiceContext, opts: { after?: unknown; secondAfter?: unknown }) {
  const principal = requireSignedIn(ctx.principal);
  const firstPrefixes = scopePaths(principal, 'claims:manage');
  const secondPrefixes = scopePaths(principal, 'claims:second_approval');
  if (firstPrefixes.length === 0 && secondPrefixes.length === 0) throw new ForbiddenError();
  const list = async (stage: Stage, prefixes: string[], after: unknown) => {
    if (prefixes.length === 0) return undefined;
    const rows = await q.queue(ctx.db, {
      status: stage === 'first' ? 'submitted' : 'second_approval',
      prefixes,
      userId: principal.userId,
      after: cursorOf(after),
      limit: PAGE_SIZE + 1,
    });
    const shown = rows.slice(0, PAGE_SIZE);
    const last = shown.at(-1);
    return { claims: shown.map((r) => queueItem(principal, r, stage)), next: rows.length > PAGE_SIZE && last ? `${last.activity_date}.${last.id}` : null, paged: cursorOf(after) !== undefined };
  };
  const first = await list('first', firstPrefixes, opts.after);
  const second = await list('second', secondPrefixes, opts.secondAfter);
  const settings = await paymentSettings(ctx.db);
  await audit(ctx.db, auditContext(ctx), {
    action: 'approvals.queue_viewed',
    entityType: 'claim',
    details: { claimIds: [...(first?.claims ?? []), ...(second?.claims ?? [])].map((c) => c.id) },
  });
  return { first, second, secondOver: formatPence(settings.second_approval_over_pence) };
}

// ---- The review page

export interface ReviewLine {
  id: number;
  position: number;
  kind: ClaimLine['kind'];
  category: ClaimLine['category'];
  label: string;
  quantity: string;
  amount: string;
  amountPence: number;
  status: ClaimLine['status'];
  statusText: string;
  reason: string | null;
  decidedBy: string | null;
  pending: boolean;
  receipts: { href: string; filename: string; size: string }[];
}

/** Where a receipt is downloaded: the claims feature's route for it. */
export const receiptHref = (claimId: number, receiptId: number): string => `/claims/${claimId}/receipts/${receiptId}`;

const sizeText = (bytes: number): string => (bytes >= 1_048_576 ? t('approvals.size.mb', { n: (bytes / 1_048_576).toFixed(1) }) : t('approvals.size.kb', { n: Math.max(1, Math.round(bytes / 1024)) }));

/**
 * One claim for the lead (first approval) or budget holder (second): who it is for, the activity,
 * each line with its amount and receipts, the person's payment preference, and the tax-year warning
 * when approving it would take their involvement payments near or over the trust's threshold.
 * Viewing it is audited.
 */
export async function reviewPage(ctx: ServiceContext, claimId: number) {
  const { claim, stage, principal } = await reviewAccess(ctx, claimId);
  const lines = await q.linesOf(ctx.db, claim.id);
  const receipts = await q.receiptsOf(ctx.db, lines.map((l) => l.id));
  const settings = await paymentSettings(ctx.db);
  const name = personName(principal, claim);
  // What approving it would add: every time line not rejected (the first decision may approve them all).
  const tax = await taxYearStatus(ctx.db, claim.person_id, todayInLondon(), timePence(lines, ['pending', 'approved']));
  await audit(ctx.db, auditContext(ctx), {
    action: 'claim.review_viewed',
    entityType: 'claim',
    entityId: claim.id,
    subjectUserId: claim.person_user_id,
    details: { personId: claim.person_id, stage },
  });
  const reviewLines: ReviewLine[] = lines.map((l, i) => ({
    id: l.id,
    position: i + 1,
    kind: l.kind,
    category: l.category,
    label: lineLabel(l),
    quantity: quantityText(l),
    amount: formatPence(l.amount_pence),
    amountPence: l.amount_pence,
    status: l.status,
    statusText: t(`approvals.lineStatuses.${l.status}`),
    reason: l.reason,
    decidedBy: l.decided_by_name,
    pending: l.status === 'pending',
    receipts: receipts.filter((r) => r.claim_line_id === l.id).map((r) => ({ href: receiptHref(claim.id, r.id), filename: r.filename, size: sizeText(r.size) })),
  }));
  return {
    stage,
    claim: {
      id: claim.id,
      activity: t(`approvals.activities.${claim.activity_kind}`),
      activityDate: dayText(claim.activity_date),
      description: claim.description,
      unitName: claim.unit_name,
      preference: t(`approvals.preferences.${claim.preference}`),
      preferenceHint: t(`approvals.preferenceHints.${claim.preference}`),
      total: formatPence(claim.total_pence),
      submitted: claim.submitted_at ? whenText(claim.submitted_at) : null,
      firstDecision: stage === 'second' && claim.decided_at ? { by: claim.decided_by_name ?? t('approvals.review.someone'), when: whenText(claim.decided_at) } : null,
    },
    person: { name, href: personHref(principal, claim.person_id, { erased_at: claim.erased_at, person_unit_path: claim.person_unit_path }) },
    lines: reviewLines,
    pendingLines: reviewLines.filter((l) => l.pending),
    approvedTotal: formatPence(sumPence(lines, ['approved'])),
    secondOver: formatPence(settings.second_approval_over_pence),
    tax: taxWarning(tax, name),
  };
}

// ---- Deciding

/** The outcome message to the person, in words for their channel and format. */
export interface OutcomeFacts {
  outcome: Exclude<Outcome, 'second_approval'>;
  name: string;
  format: Format;
  channel: Channel;
  activityKind: ClaimActivity;
  activityDate: string;
  approvedPence: number;
  preference: Preference;
  /** Each reason given, with the lines it was given for. */
  rejections: { lines: string[]; reason: string }[];
  tax: TaxYearStatus;
}

export function outcomeMessage(f: OutcomeFacts): { subject: string; text: string } {
  const style = f.format === 'easy_read' ? 'easyRead' : 'plain';
  const k = (key: string) => `approvals.message.${style}.${key}`;
  const vars = {
    name: f.name,
    activity: t(`approvals.activityPhrases.${f.activityKind}`),
    date: dayText(f.activityDate),
    amount: formatPence(f.approvedPence),
    paid: formatPence(f.tax.paidPence),
    threshold: formatPence(f.tax.thresholdPence),
  };
  const subject = t(k(`subject.${f.outcome}`), vars);
  const howPaid = f.preference === 'vouchers' ? 'vouchers' : 'money';
  const taxLine = f.outcome !== 'rejected' && f.tax.level !== 'ok' ? t(k(`tax.${f.tax.level}`), vars) : null;
  if (f.channel === 'sms') {
    return { subject, text: [t(k(`sms.${f.outcome}`), vars), taxLine ? t(k('sms.tax'), vars) : null].filter(Boolean).join(' ') };
  }
  const reasons = f.rejections.map((r) => t(k('reasonLine'), { lines: r.lines.join(', '), reason: r.reason }));
  const parts: string[] = [t(k('greeting'), vars), t(k(`intro.${f.outcome}`), vars)];
  if (reasons.length) parts.push([t(k(f.outcome === 'rejected' ? 'reasonsRejected' : 'reasonsPartly'), vars), ...reasons].join('\n'));
  if (f.outcome !== 'rejected') parts.push(t(k(`howPaid.${howPaid}`), vars));
  if (taxLine) parts.push(taxLine);
  parts.push(t(k('questions'), vars), t(k('thanks'), vars));
  return { subject, text: parts.join('\n\n') };
}

export const outcomeKey = (claimId: number, outcome: Outcome): string => `claim-outcome:${claimId}:${outcome}`;

const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? '';

/** Groups rejected lines by the reason given, in line order, so one reason given for many is said once. */
function rejectionsOf(lines: readonly ClaimLine[]): { lines: string[]; reason: string }[] {
  const byReason = new Map<string, string[]>();
  for (const l of lines) {
    if (l.status !== 'rejected') continue;
    const reason = l.reason ?? '';
    byReason.set(reason, [...(byReason.get(reason) ?? []), `${lineLabel(l)} (${formatPence(l.amount_pence)})`]);
  }
  return [...byReason].map(([reason, ls]) => ({ lines: ls, reason }));
}

export interface DecisionResult {
  outcome: Outcome;
  approvedPence: number;
  /** The channel the person's message went by; null when it was not sent (no consent, no way to reach them, or not yet decided). */
  notified: Channel | null;
}

/** Whoever got here second finds the claim already decided: nothing is changed or posted twice. */
const alreadyDecided = () => ValidationError.one('claim', 'errors.approvals.alreadyDecided');

/**
 * Records a decision on a claim in one transaction, with the claim row locked: the first decision
 * sets each pending line approved or rejected (a reason for each rejection), recomputes the claim's
 * total, and then rejects it (nothing approved), sends it for a second approval (approved total over
 * the trust's amount: nothing is posted yet) or approves it (what each approved line is owed is
 * posted to the ledger). The second decision approves (and posts) or rejects the whole claim with a
 * reason. The person is told any final outcome through the outbox; the decision is audited.
 */
export async function decideClaim(ctx: ServiceContext, claimId: number, raw: Record<string, unknown>): Promise<DecisionResult> {
  const { claim: seen, stage, principal } = await reviewAccess(ctx, claimId);
  const shownLines = await q.linesOf(ctx.db, seen.id);
  let lineDecisions: LineDecision[] = [];
  let second: { decision: 'approve' | 'reject'; reason: string | null } | undefined;
  if (stage === 'first') {
    const pendingIds = shownLines.filter((l) => l.status === 'pending').map((l) => l.id);
    if (pendingIds.length === 0) throw ValidationError.one('lines', 'errors.approvals.nothingToDecide');
    const parsed = parseLineDecisions(raw, pendingIds);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    lineDecisions = parsed.decisions;
  } else {
    const parsed = parseSecondDecision(raw);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    second = parsed;
  }

  return ctx.db.transaction().execute(async (trx) => {
    const locked = await q.lockClaim(trx, ctx.dialect, seen.id);
    const expected = stage === 'first' ? 'submitted' : 'second_approval';
    if (!locked || locked.status !== expected || (stage === 'second' && locked.decided_by === principal.userId)) throw alreadyDecided();
    const at = nowIso();
    const before = await q.linesOf(trx, locked.id);
    if (stage === 'first') {
      // The lines waiting now must be the ones decided on the form (none added or decided meanwhile).
      const pending = before.filter((l) => l.status === 'pending').map((l) => l.id);
      if (pending.length !== lineDecisions.length || lineDecisions.some((d) => !pending.includes(d.lineId))) throw ValidationError.one('lines', 'errors.approvals.linesChanged');
      for (const d of lineDecisions) {
        await q.decideLine(trx, d.lineId, { status: d.decision === 'approve' ? 'approved' : 'rejected', reason: d.reason, by: principal.userId, at });
      }
    } else if (second?.decision === 'reject') {
      for (const l of before.filter((x) => x.status !== 'rejected')) {
        await q.decideLine(trx, l.id, { status: 'rejected', reason: second.reason, by: principal.userId, at });
      }
    }
    const lines = await q.linesOf(trx, locked.id);
    const approved = lines.filter((l) => l.status === 'approved');
    const approvedPence = sumPence(lines, ['approved']);
    const totalPence = sumPence(lines, ['pending', 'approved']);
    const settings = await paymentSettings(trx);

    let outcome: Outcome;
    if (approved.length === 0) outcome = 'rejected';
    else if (stage === 'first' && approvedPence > settings.second_approval_over_pence) outcome = 'second_approval';
    else outcome = approved.length === lines.length ? 'approved' : 'partly_approved';

    const status = outcome === 'second_approval' ? 'second_approval' : outcome === 'rejected' ? 'rejected' : 'approved';
    await q.updateClaim(trx, locked.id, {
      status,
      total_pence: totalPence,
      updated_at: at,
      ...(stage === 'first' ? { decided_by: principal.userId, decided_at: at } : { second_decided_by: principal.userId, second_decided_at: at }),
    });
    if (status === 'approved') {
      for (const l of approved) await postOwed(trx, { id: l.id, amountPence: l.amount_pence, personId: locked.person_id }, principal.userId);
    }

    // Where this approval takes the person's involvement payments this tax year (time only: expenses are refunds).
    const tax = await taxYearStatus(trx, locked.person_id, todayInLondon(), status === 'approved' ? timePence(lines, ['approved']) : 0);
    let notified: Channel | null = null;
    if (outcome !== 'second_approval' && (await isContactable(trx, locked.person_id))) {
      const person = {
        id: locked.person_id, preferred_channel: seen.preferred_channel, format: seen.format, email: seen.email, phone: seen.phone, address: seen.address, postcode: seen.postcode,
      };
      const channel = plannedChannel(person);
      if (channel) {
        const message = outcomeMessage({
          outcome, name: firstName(seen.preferred_name ?? seen.full_name), format: seen.format, channel, activityKind: locked.activity_kind,
          activityDate: locked.activity_date, approvedPence, preference: locked.preference, rejections: rejectionsOf(lines), tax,
        });
        notified = await enqueueForPerson(trx, { idempotencyKey: outcomeKey(locked.id, outcome), person, subject: message.subject, text: message.text });
      }
    }

    // Ids and amounts only: the reasons typed are on the lines, never in the audit log.
    await audit(trx, auditContext(ctx), {
      action: stage === 'first' ? 'claim.decided' : 'claim.second_decided',
      entityType: 'claim',
      entityId: locked.id,
      subjectUserId: seen.person_user_id,
      details: {
        personId: locked.person_id,
        outcome,
        status,
        approvedLineIds: approved.map((l) => l.id),
        rejectedLineIds: lines.filter((l) => l.status === 'rejected').map((l) => l.id),
        approvedPence,
        totalPence,
        postedOwed: status === 'approved',
        taxLevel: tax.level,
        notified,
      },
    });
    return { outcome, approvedPence, notified };
  });
}
