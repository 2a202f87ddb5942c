import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { CampaignCandidateTable, Database, RecruitmentCampaignTable } from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type Campaign = Selectable<RecruitmentCampaignTable>;
export type Candidate = Selectable<CampaignCandidateTable>;
export type Stage = Candidate['stage'];

const inPrefixes = (prefixes: string[]) => sql<boolean>`(${sql.join(prefixes.map((p) => sql`org_units.path like ${`${p}%`}`), sql` or `)})`;

export interface CampaignRow extends Campaign {
  unit_name: string;
  group_name: string | null;
  recruited: number;
  candidates: number;
}

export async function listCampaigns(db: Db, opts: { prefixes: string[]; before?: number; limit: number }): Promise<CampaignRow[]> {
  if (opts.prefixes.length === 0) return [];
  let q = db
    .selectFrom('recruitment_campaigns')
    .innerJoin('org_units', 'org_units.id', 'recruitment_campaigns.unit_id')
    .leftJoin('groups', 'groups.id', 'recruitment_campaigns.group_id')
    .selectAll('recruitment_campaigns')
    .select(['org_units.name as unit_name', 'groups.name as group_name'])
    .select((eb) => eb.selectFrom('campaign_candidates').select(eb.fn.countAll<number>().as('n')).whereRef('campaign_candidates.campaign_id', '=', 'recruitment_campaigns.id').as('candidates'))
    .select((eb) =>
      eb
        .selectFrom('campaign_candidates')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('campaign_candidates.campaign_id', '=', 'recruitment_campaigns.id')
        .where('campaign_candidates.stage', '=', 'member')
        .as('recruited'),
    )
    .where(inPrefixes(opts.prefixes));
  if (opts.before) q = q.where('recruitment_campaigns.id', '<', opts.before);
  const rows = await q.orderBy('recruitment_campaigns.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, candidates: Number(r.candidates ?? 0), recruited: Number(r.recruited ?? 0) }));
}

export async function campaignWithUnit(db: Db, id: number): Promise<(Campaign & { unit_name: string; unit_path: string }) | undefined> {
  return db
    .selectFrom('recruitment_campaigns')
    .innerJoin('org_units', 'org_units.id', 'recruitment_campaigns.unit_id')
    .selectAll('recruitment_campaigns')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('recruitment_campaigns.id', '=', id)
    .executeTakeFirst();
}

export interface CampaignValues {
  unitId: number;
  groupId: number | null;
  programme: string | null;
  title: string;
  targetSize: number;
  startsOn: string;
  endsOn: string | null;
}

const row = (v: CampaignValues) => ({
  unit_id: v.unitId, group_id: v.groupId, programme: v.programme, title: v.title, target_size: v.targetSize, starts_on: v.startsOn, ends_on: v.endsOn,
});

export async function insertCampaign(db: Db, v: CampaignValues, now: string): Promise<number> {
  const r = await db.insertInto('recruitment_campaigns').values({ ...row(v), created_at: now }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateCampaign(db: Db, id: number, v: CampaignValues): Promise<void> {
  await db.updateTable('recruitment_campaigns').set(row(v)).where('id', '=', id).execute();
}

export interface CandidateRow extends Candidate {
  full_name: string;
  preferred_name: string | null;
  anonymity: 'full_name' | 'first_name' | 'initials' | 'anonymous';
  erased_at: string | null;
  person_unit_path: string;
}

export async function candidatesOf(db: Db, campaignId: number): Promise<CandidateRow[]> {
  return db
    .selectFrom('campaign_candidates')
    .innerJoin('people', 'people.id', 'campaign_candidates.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .selectAll('campaign_candidates')
    .select(['people.full_name', 'people.preferred_name', 'people.anonymity', 'people.erased_at', 'org_units.path as person_unit_path'])
    .where('campaign_candidates.campaign_id', '=', campaignId)
    .orderBy('campaign_candidates.entered_on')
    .orderBy('campaign_candidates.id')
    .execute();
}

export async function candidateById(db: Db, campaignId: number, id: number): Promise<Candidate | undefined> {
  return db.selectFrom('campaign_candidates').selectAll().where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
}

export async function candidateFor(db: Db, campaignId: number, personId: number): Promise<{ id: number } | undefined> {
  return db.selectFrom('campaign_candidates').select('id').where('campaign_id', '=', campaignId).where('person_id', '=', personId).executeTakeFirst();
}

export async function insertCandidate(db: Db, v: { campaignId: number; personId: number; stage: Stage; on: string }): Promise<number> {
  const r = await db
    .insertInto('campaign_candidates')
    .values({ campaign_id: v.campaignId, person_id: v.personId, stage: v.stage, entered_on: v.on, stage_changed_on: v.on, member_on: v.stage === 'member' ? v.on : null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function moveCandidate(db: Db, id: number, set: { stage: Stage; stage_changed_on: string; member_on: string | null }): Promise<void> {
  await db.updateTable('campaign_candidates').set(set).where('id', '=', id).execute();
}

export interface WorkRow {
  id: number;
  on_date: string;
  activity: string;
  minutes: number;
  outreach_event_id: number | null;
  event_title: string | null;
}

export async function workOf(db: Db, campaignId: number): Promise<WorkRow[]> {
  return db
    .selectFrom('recruitment_work')
    .leftJoin('outreach_events', 'outreach_events.id', 'recruitment_work.outreach_event_id')
    .select(['recruitment_work.id', 'recruitment_work.on_date', 'recruitment_work.activity', 'recruitment_work.minutes', 'recruitment_work.outreach_event_id', 'outreach_events.title as event_title'])
    .where('recruitment_work.campaign_id', '=', campaignId)
    .orderBy('recruitment_work.on_date', 'desc')
    .orderBy('recruitment_work.id', 'desc')
    .execute();
}

export async function insertWork(db: Db, v: { campaignId: number; onDate: string; activity: string; minutes: number; outreachEventId: number | null; by: number }, now: string): Promise<number> {
  const r = await db
    .insertInto('recruitment_work')
    .values({ campaign_id: v.campaignId, on_date: v.onDate, activity: v.activity, minutes: v.minutes, outreach_event_id: v.outreachEventId, recorded_by: v.by, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}
