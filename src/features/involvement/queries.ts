import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { Database, OutboxMessage, Person } from '../../platform/db/types.ts';

/** Rows joined to org_units whose path starts with any of the prefixes. An empty list matches nothing. */
function inUnits(prefixes: string[]) {
  return (eb: ExpressionBuilder<Database, 'org_units'>): Expression<SqlBool> =>
    prefixes.length === 0 ? sql<SqlBool>`1 = 0` : eb.or(prefixes.map((p) => eb('org_units.path', 'like', `${p}%`)));
}

const toNumber = (v: string | number | bigint | null | undefined): number => Number(v ?? 0);

// ---- The dashboard

export interface OpenOpportunityRow {
  id: number;
  title: string;
  unit_name: string;
  places: number;
  created_at: string;
  /** Matches accepted or started: the places filled now. */
  taken: number;
  /** When the first match was accepted, if one has been. */
  first_accepted_at: string | null;
}

/**
 * Open opportunities in the units, those still waiting for their first match first, oldest first.
 * A match counts as accepted once it reached accepted (it may since have started or ended).
 */
export async function openOpportunities(db: Db, prefixes: string[], limit: number): Promise<{ rows: OpenOpportunityRow[]; total: number }> {
  const accepted = ['accepted', 'started', 'ended'] as const;
  const base = db
    .selectFrom('opportunities')
    .innerJoin('org_units', 'org_units.id', 'opportunities.unit_id')
    .where('opportunities.status', '=', 'open')
    .where(inUnits(prefixes));
  const rows = await base
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('matches')
          .select((m) => [
            'matches.opportunity_id',
            m.fn.sum<string | number>(m.case().when('matches.status', 'in', ['accepted', 'started']).then(1).else(0).end()).as('taken'),
            m.fn.min(m.fn.coalesce('matches.responded_at', 'matches.updated_at')).as('first_accepted_at'),
          ])
          .where('matches.status', 'in', accepted)
          .groupBy('matches.opportunity_id')
          .as('m'),
      (join) => join.onRef('m.opportunity_id', '=', 'opportunities.id'),
    )
    .select([
      'opportunities.id',
      'opportunities.title',
      'org_units.name as unit_name',
      'opportunities.places',
      'opportunities.created_at',
      'm.taken',
      'm.first_accepted_at',
    ])
    .orderBy((eb) => eb.case().when('m.first_accepted_at', 'is', null).then(0).else(1).end())
    .orderBy('opportunities.created_at')
    .orderBy('opportunities.id')
    .limit(limit)
    .execute();
  const count = await base.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return {
    rows: rows.map((r) => ({ ...r, taken: toNumber(r.taken), first_accepted_at: r.first_accepted_at ?? null })),
    total: toNumber(count.n),
  };
}

/** People in the register of the units by status; erased people are not counted. */
export async function peopleByStatus(db: Db, prefixes: string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('people.erased_at', 'is', null)
    .where(inUnits(prefixes))
    .groupBy('people.status')
    .execute();
  return new Map(rows.map((r) => [r.status, toNumber(r.n)]));
}

/**
 * People who became an enquiry in [from, to) (UTC instants), by how they heard about involvement
 * (null: not recorded). Erased people still count: erasure keeps aggregate figures right.
 */
export async function enquiriesBySource(db: Db, prefixes: string[], from: string, to: string): Promise<Map<string | null, number>> {
  const rows = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.heard_via', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where(inUnits(prefixes))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('person_status_history')
          .select('person_status_history.id')
          .whereRef('person_status_history.person_id', '=', 'people.id')
          .where('person_status_history.status', '=', 'enquiry')
          .where('person_status_history.changed_at', '>=', from)
          .where('person_status_history.changed_at', '<', to),
      ),
    )
    .groupBy('people.heard_via')
    .execute();
  return new Map(rows.map((r) => [r.heard_via ?? null, toNumber(r.n)]));
}

export interface CampaignRow {
  id: number;
  title: string;
  unit_name: string;
  target_size: number;
  starts_on: string;
  ends_on: string | null;
}

/** Campaigns in the units that have not ended before today (YYYY-MM-DD), earliest start first. */
export async function currentCampaigns(db: Db, prefixes: string[], today: string, limit: number): Promise<CampaignRow[]> {
  return db
    .selectFrom('recruitment_campaigns')
    .innerJoin('org_units', 'org_units.id', 'recruitment_campaigns.unit_id')
    .select([
      'recruitment_campaigns.id',
      'recruitment_campaigns.title',
      'org_units.name as unit_name',
      'recruitment_campaigns.target_size',
      'recruitment_campaigns.starts_on',
      'recruitment_campaigns.ends_on',
    ])
    .where(inUnits(prefixes))
    .where((eb) => eb.or([eb('recruitment_campaigns.ends_on', 'is', null), eb('recruitment_campaigns.ends_on', '>=', today)]))
    .orderBy('recruitment_campaigns.starts_on')
    .orderBy('recruitment_campaigns.id')
    .limit(limit)
    .execute();
}

/** Candidates per campaign and stage. */
export async function candidatesByStage(db: Db, campaignIds: number[]): Promise<{ campaign_id: number; stage: string; n: number }[]> {
  if (campaignIds.length === 0) return [];
  const rows = await db
    .selectFrom('campaign_candidates')
    .select(['campaign_id', 'stage', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy(['campaign_id', 'stage'])
    .execute();
  return rows.map((r) => ({ campaign_id: r.campaign_id, stage: r.stage, n: toNumber(r.n) }));
}

/** Minutes of recruitment work logged per campaign. */
export async function workMinutes(db: Db, campaignIds: number[]): Promise<Map<number, number>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('recruitment_work')
    .select(['campaign_id', (eb) => eb.fn.sum<string | number>('minutes').as('minutes')])
    .where('campaign_id', 'in', campaignIds)
    .groupBy('campaign_id')
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, toNumber(r.minutes)]));
}

/** Emails to people in the units that the worker has still to send, or gave up on. */
export async function emailCounts(db: Db, prefixes: string[]): Promise<{ pending: number; dead: number }> {
  const rows = await db
    .selectFrom('outbox')
    .innerJoin('people', 'people.id', 'outbox.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['outbox.status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('outbox.channel', '=', 'email')
    .where('outbox.status', 'in', ['pending', 'dead'])
    .where(inUnits(prefixes))
    .groupBy('outbox.status')
    .execute();
  const by = new Map(rows.map((r) => [r.status, toNumber(r.n)]));
  return { pending: by.get('pending') ?? 0, dead: by.get('dead') ?? 0 };
}

// ---- Messages to send by hand

export const BY_HAND = ['sms', 'post', 'phone'] as const;

export type HandMessageRow = Pick<OutboxMessage, 'id' | 'channel' | 'recipient' | 'subject' | 'body_text' | 'format' | 'status' | 'created_at' | 'sent_at'> &
  Pick<Person, 'full_name' | 'preferred_name'> & { person_id: number; unit_path: string; unit_name: string };

function handMessages(db: Db) {
  return db
    .selectFrom('outbox')
    .innerJoin('people', 'people.id', 'outbox.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select([
      'outbox.id',
      'outbox.channel',
      'outbox.recipient',
      'outbox.subject',
      'outbox.body_text',
      'outbox.format',
      'outbox.status',
      'outbox.created_at',
      'outbox.sent_at',
      'people.id as person_id',
      'people.full_name',
      'people.preferred_name',
      'org_units.path as unit_path',
      'org_units.name as unit_name',
    ])
    .where('outbox.channel', 'in', BY_HAND)
    .where('people.erased_at', 'is', null);
}

/** Pending texts, letters and calls for people in the units, oldest first, after the given id. */
export async function pendingHandMessages(db: Db, prefixes: string[], after: number | undefined, limit: number): Promise<HandMessageRow[]> {
  let q = handMessages(db).where('outbox.status', '=', 'pending').where(inUnits(prefixes));
  if (after !== undefined) q = q.where('outbox.id', '>', after);
  return (await q.orderBy('outbox.id').limit(limit).execute()) as HandMessageRow[];
}

export async function countPendingHandMessages(db: Db, prefixes: string[]): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .innerJoin('people', 'people.id', 'outbox.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('outbox.channel', 'in', BY_HAND)
    .where('outbox.status', '=', 'pending')
    .where('people.erased_at', 'is', null)
    .where(inUnits(prefixes))
    .executeTakeFirstOrThrow();
  return toNumber(row.n);
}

/** One text, letter or call to a person in the register (any status), with the person's unit. */
export async function handMessageById(db: Db, id: number): Promise<(HandMessageRow & { address: string | null; postcode: string | null }) | undefined> {
  return (await handMessages(db)
    .select(['people.address', 'people.postcode'])
    .where('outbox.id', '=', id)
    .executeTakeFirst()) as (HandMessageRow & { address: string | null; postcode: string | null }) | undefined;
}

/** Marks a pending message sent; false when it was no longer pending. */
export async function markSent(db: Db, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: at, locked_until: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('channel', 'in', BY_HAND)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
