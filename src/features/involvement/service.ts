import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import { CANDIDATE_STAGES, HEARD_VIA, PERSON_STATUSES, type OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { can, requirePermission } from '../../platform/rbac/index.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { registerScope } from '../people/access.ts';
import { currentMonth, londonDate, monthEnd } from '../projects/service.ts';
import * as q from './queries.ts';

/** An opportunity that has waited longer than this for its first match is picked out. */
export const LONG_WAIT_DAYS = 28;
const OPPORTUNITY_LIMIT = 50;
const CAMPAIGN_LIMIT = 50;
export const MESSAGES_PAGE_SIZE = 20;

const DAY_MS = 86_400_000;

/** The month before a YYYY-MM month. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The first instant (UTC ISO) of a London month, and the first instant after it. */
export function monthBounds(month: string): { from: string; to: string } {
  return { from: monthEnd(previousMonth(month)).endInstant, to: monthEnd(month).endInstant };
}

/** Whole days from one instant to another (never negative). */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / DAY_MS));
}

/** The units whose register the user may see, and the one chosen by the filter (404 outside them). */
async function scope(ctx: ServiceContext, unitId: number | undefined): Promise<{ prefixes: string[]; units: OrgUnit[]; unit: OrgUnit | undefined }> {
  const principal = requirePermission(ctx.principal, 'people:view');
  const prefixes = registerScope(principal);
  const units = await unitsUnder(ctx.db, prefixes);
  let unit: OrgUnit | undefined;
  if (unitId !== undefined) {
    unit = isRecordId(unitId) ? await unitById(ctx.db, unitId) : undefined;
    if (!unit || !can(principal, 'people:view', unit)) throw new NotFoundError();
  }
  return { prefixes: unit ? [unit.path] : prefixes, units, unit };
}

export interface OpportunityWait extends q.OpenOpportunityRow {
  daysWaiting: number;
  /** Still without an accepted match after LONG_WAIT_DAYS. */
  longWait: boolean;
}

export interface Dashboard {
  units: OrgUnit[];
  unit: OrgUnit | undefined;
  canManage: boolean;
  opportunities: { rows: OpportunityWait[]; total: number };
  statuses: { status: (typeof PERSON_STATUSES)[number]; count: number }[];
  statusTotal: number;
  enquiries: {
    thisMonth: string;
    lastMonth: string;
    rows: { source: string | null; thisMonth: number; lastMonth: number }[];
    totals: { thisMonth: number; lastMonth: number };
  };
  campaigns: (q.CampaignRow & { members: number; stages: Record<string, number>; candidates: number; minutes: number })[];
  emails: { pending: number; dead: number };
}

/**
 * The involvement lead's dashboard, for the units whose register the user sees (or one of them):
 * open opportunities and how long each has waited, people by status, enquiries this month and
 * last by how people heard of involvement, and how current recruitment campaigns are going.
 */
export async function dashboard(ctx: ServiceContext, opts: { unitId?: number | undefined; at?: Date } = {}): Promise<Dashboard> {
  const { prefixes, units, unit } = await scope(ctx, opts.unitId);
  const at = opts.at ?? new Date();
  const now = at.toISOString();

  const opportunities = await q.openOpportunities(ctx.db, prefixes, OPPORTUNITY_LIMIT);
  const waits = opportunities.rows.map((o) => {
    const daysWaiting = daysBetween(o.created_at, o.first_accepted_at ?? now);
    return { ...o, daysWaiting, longWait: o.first_accepted_at === null && daysWaiting > LONG_WAIT_DAYS };
  });

  const byStatus = await q.peopleByStatus(ctx.db, prefixes);
  const statuses = PERSON_STATUSES.map((status) => ({ status, count: byStatus.get(status) ?? 0 }));

  const thisMonth = currentMonth(at);
  const lastMonth = previousMonth(thisMonth);
  const current = monthBounds(thisMonth);
  const previous = monthBounds(lastMonth);
  const enquiriesNow = await q.enquiriesBySource(ctx.db, prefixes, current.from, current.to);
  const enquiriesBefore = await q.enquiriesBySource(ctx.db, prefixes, previous.from, previous.to);
  const sources: (string | null)[] = [...HEARD_VIA, null];
  const rows = sources.map((source) => ({ source, thisMonth: enquiriesNow.get(source) ?? 0, lastMonth: enquiriesBefore.get(source) ?? 0 }));

  const campaignRows = await q.currentCampaigns(ctx.db, prefixes, londonDate(at), CAMPAIGN_LIMIT);
  const ids = campaignRows.map((c) => c.id);
  const stageCounts = await q.candidatesByStage(ctx.db, ids);
  const minutes = await q.workMinutes(ctx.db, ids);
  const campaigns = campaignRows.map((c) => {
    const stages = Object.fromEntries(CANDIDATE_STAGES.map((s) => [s, 0])) as Record<string, number>;
    for (const r of stageCounts) if (r.campaign_id === c.id) stages[r.stage] = (stages[r.stage] ?? 0) + r.n;
    return {
      ...c,
      stages,
      members: stages.member ?? 0,
      candidates: Object.values(stages).reduce((a, b) => a + b, 0),
      minutes: minutes.get(c.id) ?? 0,
    };
  });

  return {
    units,
    unit,
    canManage: can(ctx.principal, 'people:manage'),
    opportunities: { rows: waits, total: opportunities.total },
    statuses,
    statusTotal: statuses.reduce((a, s) => a + s.count, 0),
    enquiries: {
      thisMonth,
      lastMonth,
      rows,
      totals: { thisMonth: rows.reduce((a, r) => a + r.thisMonth, 0), lastMonth: rows.reduce((a, r) => a + r.lastMonth, 0) },
    },
    campaigns,
    emails: await q.emailCounts(ctx.db, prefixes),
  };
}

// ---- Messages to send by hand

/**
 * Texts, letters and calls waiting to be sent by hand to people in the lead's units (people:manage),
 * oldest first, a page at a time (keyset on the message id).
 */
export async function messagesToSend(ctx: ServiceContext, opts: { after?: number | undefined } = {}) {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const prefixes = registerScope(principal, 'people:manage');
  const after = opts.after !== undefined && isRecordId(opts.after) ? opts.after : undefined;
  const rows = await q.pendingHandMessages(ctx.db, prefixes, after, MESSAGES_PAGE_SIZE + 1);
  const messages = rows.slice(0, MESSAGES_PAGE_SIZE);
  return {
    messages,
    nextAfter: rows.length > MESSAGES_PAGE_SIZE ? (messages.at(-1)?.id ?? null) : null,
    total: await q.countPendingHandMessages(ctx.db, prefixes),
    emails: await q.emailCounts(ctx.db, prefixes),
  };
}

/** A text, letter or call to someone whose register entry the user manages; anything else is a 404. */
async function handMessage(ctx: ServiceContext, id: number) {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const message = isRecordId(id) ? await q.handMessageById(ctx.db, id) : undefined;
  if (!message || !can(principal, 'people:manage', { path: message.unit_path })) throw new NotFoundError();
  return message;
}

/** A letter laid out for printing. Showing the person's address is a view of their record: audited. */
export async function letter(ctx: ServiceContext, id: number) {
  const message = await handMessage(ctx, id);
  if (message.channel !== 'post') throw new NotFoundError();
  await audit(ctx.db, auditContext(ctx), {
    action: 'outbox_message.letter_viewed',
    entityType: 'outbox_message',
    entityId: id,
    details: { personId: message.person_id },
  });
  return { ...message, largePrint: message.format === 'large_print' };
}

/** Marks a text, letter or call as sent by hand. Marking one already sent changes nothing. */
export async function markSent(ctx: ServiceContext, id: number): Promise<{ changed: boolean }> {
  const message = await handMessage(ctx, id);
  if (message.status !== 'pending') return { changed: false };
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const done = await q.markSent(trx, id, nowIso());
    if (done) {
      await audit(trx, auditContext(ctx), {
        action: 'outbox_message.sent_by_hand',
        entityType: 'outbox_message',
        entityId: id,
        details: { personId: message.person_id, channel: message.channel },
      });
    }
    return done;
  });
  return { changed };
}
