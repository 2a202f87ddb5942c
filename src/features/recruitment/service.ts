import type { Transaction } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, isUniqueViolation, nowIso } from '../../platform/db/index.ts';
import { CANDIDATE_STAGES, type Database } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths } from '../../platform/rbac/index.ts';
import { chosenGroup, chosenPerson, chosenUnit, groupSummary, joinGroupTx, londonDate, nameFor, parse, personHref } from '../groups/service.ts';
import { chosenEvent, createEnquiryTx, enquirySchema } from '../outreach/service.ts';
import { advanceStatusTx } from '../people/service.ts';
import * as q from './queries.ts';
import { addCandidateSchema, campaignSchema, moveSchema, workSchema } from './schemas.ts';

/**
 * Recruitment campaigns for a group or programme: the target, the candidates moving through the
 * stages (enquiry → conversation → application → induction → member), the work it took, and the
 * lead time and effort, so the next campaign can be planned. Staff who see a unit's register
 * (people:view) see its campaigns; involvement leads (people:manage) run them.
 */

export const PAGE_SIZE = 50;
export type { CampaignRow, CandidateRow, WorkRow, Campaign, Stage } from './queries.ts';

const DAY_MS = 86_400_000;
/** Whole days from one date (YYYY-MM-DD) to another. */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

export interface Effort {
  recruited: number;
  target: number;
  /** Days from the campaign's start to each member joining, in the order they joined. */
  leadTimes: { candidateId: number; personId: number; days: number }[];
  medianDays: number | null;
  totalMinutes: number;
  totalHours: number;
  hoursPerMember: number | null;
  stageCounts: Record<q.Stage, number>;
}

/** Lead time and effort: worked out from the candidates and the work log (pure, so it can be tested alone). */
export function effortOf(campaign: Pick<q.Campaign, 'starts_on' | 'target_size'>, candidates: Pick<q.Candidate, 'id' | 'person_id' | 'stage' | 'member_on'>[], work: { minutes: number }[]): Effort {
  const stageCounts = Object.fromEntries(CANDIDATE_STAGES.map((s) => [s, 0])) as Record<q.Stage, number>;
  for (const c of candidates) stageCounts[c.stage] += 1;
  const leadTimes = candidates
    .filter((c) => c.stage === 'member' && c.member_on)
    .map((c) => ({ candidateId: c.id, personId: c.person_id, days: daysBetween(campaign.starts_on, c.member_on as string), on: c.member_on as string }))
    .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.candidateId - b.candidateId))
    .map(({ on: _on, ...rest }) => rest);
  const totalMinutes = work.reduce((s, w) => s + w.minutes, 0);
  const recruited = stageCounts.member;
  return {
    recruited,
    target: campaign.target_size,
    leadTimes,
    medianDays: median(leadTimes.map((l) => l.days)),
    totalMinutes,
    totalHours: oneDecimal(totalMinutes / 60),
    hoursPerMember: recruited > 0 ? oneDecimal(totalMinutes / 60 / recruited) : null,
    stageCounts,
  };
}

async function campaignInScope(ctx: ServiceContext, id: number, permission: 'people:view' | 'people:manage') {
  requireSignedIn(ctx.principal);
  if (!isRecordId(id)) throw new NotFoundError();
  const campaign = await q.campaignWithUnit(ctx.db, id);
  requireInScope(ctx.principal, permission, campaign ? { path: campaign.unit_path } : undefined);
  return campaign as NonNullable<typeof campaign>;
}

export async function listCampaigns(ctx: ServiceContext, opts: { before?: number }) {
  const principal = requirePermission(ctx.principal, 'people:view');
  const rows = await q.listCampaigns(ctx.db, { prefixes: scopePaths(principal, 'people:view'), before: opts.before, limit: PAGE_SIZE + 1 });
  const campaigns = rows.slice(0, PAGE_SIZE);
  return { campaigns, nextBefore: rows.length > PAGE_SIZE ? (campaigns[campaigns.length - 1]?.id ?? null) : null, canCreate: can(principal, 'people:manage') };
}

/** The campaign page: the campaign, its group, candidates by stage, the work log and the effort figures. */
export async function getCampaign(ctx: ServiceContext, id: number) {
  const campaign = await campaignInScope(ctx, id, 'people:view');
  const [candidates, work] = await Promise.all([q.candidatesOf(ctx.db, id), q.workOf(ctx.db, id)]);
  const group = campaign.group_id ? await groupSummary(ctx, campaign.group_id) : undefined;
  return {
    campaign,
    group,
    candidates: candidates.map((c) => ({ ...c, name: nameFor(ctx.principal, c), personHref: personHref(ctx.principal, c.person_id, c) })),
    work,
    effort: effortOf(campaign, candidates, work),
    canManage: can(ctx.principal, 'people:manage', { path: campaign.unit_path }),
  };
}

export async function campaignForEdit(ctx: ServiceContext, id: number) {
  return campaignInScope(ctx, id, 'people:manage');
}

async function campaignValues(ctx: ServiceContext, raw: unknown, current?: q.Campaign): Promise<q.CampaignValues> {
  const input = parse(campaignSchema, raw);
  if (input.unitId !== current?.unit_id) await chosenUnit(ctx, input.unitId, 'unitId', 'errors.recruitment.unitRequired');
  if (input.groupId && input.groupId !== current?.group_id) await chosenGroup(ctx, input.groupId, 'groupId', 'errors.recruitment.groupInvalid');
  return {
    unitId: input.unitId, groupId: input.groupId ?? null, programme: input.programme ?? null, title: input.title,
    targetSize: input.targetSize, startsOn: input.startsOn, endsOn: input.endsOn ?? null,
  };
}

export async function createCampaign(ctx: ServiceContext, raw: unknown): Promise<number> {
  requirePermission(ctx.principal, 'people:manage');
  const v = await campaignValues(ctx, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertCampaign(trx, v, nowIso());
    await audit(trx, auditContext(ctx), { action: 'campaign.created', entityType: 'recruitment_campaign', entityId: id, details: { unitId: v.unitId, groupId: v.groupId } });
    return id;
  });
}

export async function updateCampaign(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const campaign = await campaignInScope(ctx, id, 'people:manage');
  const v = await campaignValues(ctx, raw, campaign);
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateCampaign(trx, id, v);
    await audit(trx, auditContext(ctx), { action: 'campaign.updated', entityType: 'recruitment_campaign', entityId: id });
  });
}

// ---- Candidates

export async function addCandidate(ctx: ServiceContext, campaignId: number, raw: unknown): Promise<number> {
  const campaign = await campaignInScope(ctx, campaignId, 'people:manage');
  const input = parse(addCandidateSchema, raw);
  const { person } = await chosenPerson(ctx, input.personId, 'personId', 'errors.recruitment.personRequired');
  if (await q.candidateFor(ctx.db, campaignId, person.id)) throw ValidationError.one('personId', 'errors.recruitment.alreadyCandidate');
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const id = await q.insertCandidate(trx, { campaignId, personId: person.id, stage: input.stage, on: input.enteredOn });
      if (input.stage === 'member' && campaign.group_id) await joinGroupTx(trx, ctx, campaign.group_id, person.id, input.enteredOn);
      await registerStatusFor(trx, ctx, person.id, input.stage, campaignId);
      await audit(trx, auditContext(ctx), { action: 'campaign_candidate.added', entityType: 'person', entityId: person.id, details: { campaignId, candidateId: id, stage: input.stage } });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw ValidationError.one('personId', 'errors.recruitment.alreadyCandidate');
    throw err;
  }
}

/** A new enquiry, put in the register (in the campaign's unit) and added to the campaign at "enquiry". */
export async function addEnquiryCandidate(ctx: ServiceContext, campaignId: number, raw: unknown): Promise<number> {
  const campaign = await campaignInScope(ctx, campaignId, 'people:manage');
  const input = parse(enquirySchema, raw);
  const today = londonDate();
  return ctx.db.transaction().execute(async (trx) => {
    const personId = await createEnquiryTx(trx, ctx, input, { unitId: campaign.unit_id, heardVia: null, outreachEventId: null, campaignId });
    const id = await q.insertCandidate(trx, { campaignId, personId, stage: 'enquiry', on: today });
    await audit(trx, auditContext(ctx), { action: 'campaign_candidate.added', entityType: 'person', entityId: personId, details: { campaignId, candidateId: id, stage: 'enquiry' } });
    return id;
  });
}

/** Induction in a campaign means induction in the register, and a member is active (only ever forward). */
async function registerStatusFor(trx: Transaction<Database>, ctx: ServiceContext, personId: number, stage: q.Stage, campaignId: number): Promise<void> {
  if (stage === 'induction') await advanceStatusTx(trx, auditContext(ctx), personId, 'induction', { campaignId });
  if (stage === 'member') await advanceStatusTx(trx, auditContext(ctx), personId, 'active', { campaignId });
}

/**
 * Moves a candidate to a stage on a date. Reaching "member" records member_on and, for a campaign
 * recruiting for a group, makes them a member of the group; moving back clears member_on (group
 * membership is left as it is: the lead records leaving on the group). Reaching induction or member
 * moves the person's register status forward (to induction or active), never back.
 */
export async function moveCandidate(ctx: ServiceContext, campaignId: number, candidateId: number, raw: unknown) {
  const campaign = await campaignInScope(ctx, campaignId, 'people:manage');
  const candidate = isRecordId(candidateId) ? await q.candidateById(ctx.db, campaignId, candidateId) : undefined;
  if (!candidate) throw new NotFoundError();
  const input = parse(moveSchema, raw);
  if (input.on < candidate.entered_on) throw ValidationError.one('on', 'errors.recruitment.movedBeforeEntered');
  if (input.stage === candidate.stage) return candidate;
  const memberOn = input.stage === 'member' ? input.on : null;
  await ctx.db.transaction().execute(async (trx) => {
    await q.moveCandidate(trx, candidate.id, { stage: input.stage, stage_changed_on: input.on, member_on: memberOn });
    if (memberOn && campaign.group_id) await joinGroupTx(trx, ctx, campaign.group_id, candidate.person_id, memberOn);
    await registerStatusFor(trx, ctx, candidate.person_id, input.stage, campaignId);
    await audit(trx, auditContext(ctx), {
      action: 'campaign_candidate.moved',
      entityType: 'person',
      entityId: candidate.person_id,
      details: { campaignId, candidateId, from: candidate.stage, to: input.stage },
    });
  });
  return candidate;
}

// ---- The work log

export async function logWork(ctx: ServiceContext, campaignId: number, raw: unknown): Promise<number> {
  const principal = requireSignedIn(ctx.principal);
  await campaignInScope(ctx, campaignId, 'people:manage');
  const input = parse(workSchema, raw);
  if (input.outreachEventId) await chosenEvent(ctx, input.outreachEventId, 'outreachEventId', 'errors.recruitment.eventInvalid');
  const minutes = (input.hours ?? 0) * 60 + (input.minutes ?? 0);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertWork(trx, { campaignId, onDate: input.onDate, activity: input.activity, minutes, outreachEventId: input.outreachEventId ?? null, by: principal.userId }, nowIso());
    await audit(trx, auditContext(ctx), { action: 'campaign_work.logged', entityType: 'recruitment_campaign', entityId: campaignId, details: { workId: id, minutes } });
    return id;
  });
}
