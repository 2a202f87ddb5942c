import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, OutreachEventTable } from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type OutreachEvent = Selectable<OutreachEventTable>;
export type Kind = OutreachEvent['kind'];

/** The joined org unit is one of these units or below them. */
const inPrefixes = (prefixes: string[], _column: 'org_units.path') =>
  sql<boolean>`(${sql.join(prefixes.map((p) => sql`org_units.path like ${`${p}%`}`), sql` or `)})`;

export interface EventFilter {
  prefixes: string[];
  from?: string;
  to?: string;
  kind?: Kind;
}

export interface EventRow extends OutreachEvent {
  unit_name: string;
  enquiries: number;
}

export async function listEvents(db: Db, f: EventFilter & { before?: number; limit: number }): Promise<EventRow[]> {
  if (f.prefixes.length === 0) return [];
  let q = db
    .selectFrom('outreach_events')
    .innerJoin('org_units', 'org_units.id', 'outreach_events.unit_id')
    .selectAll('outreach_events')
    .select('org_units.name as unit_name')
    .select((eb) => eb.selectFrom('people').select(eb.fn.countAll<number>().as('n')).whereRef('people.outreach_event_id', '=', 'outreach_events.id').as('enquiries'))
    .where(inPrefixes(f.prefixes, 'org_units.path'));
  if (f.from) q = q.where('outreach_events.on_date', '>=', f.from);
  if (f.to) q = q.where('outreach_events.on_date', '<=', f.to);
  if (f.kind) q = q.where('outreach_events.kind', '=', f.kind);
  if (f.before) q = q.where('outreach_events.id', '<', f.before);
  const rows = await q.orderBy('outreach_events.id', 'desc').limit(f.limit).execute();
  return rows.map((r) => ({ ...r, enquiries: Number(r.enquiries ?? 0) }));
}

export interface KindFigures {
  kind: Kind;
  events: number;
  spokenTo: number;
  enquiries: number;
  becameActive: number;
}

/** Per kind of outreach: events, people spoken to, enquiries gained and how many of those became active. */
export async function effectiveness(db: Db, f: EventFilter): Promise<KindFigures[]> {
  if (f.prefixes.length === 0) return [];
  let events = db
    .selectFrom('outreach_events')
    .innerJoin('org_units', 'org_units.id', 'outreach_events.unit_id')
    .where(inPrefixes(f.prefixes, 'org_units.path'));
  if (f.from) events = events.where('outreach_events.on_date', '>=', f.from);
  if (f.to) events = events.where('outreach_events.on_date', '<=', f.to);
  if (f.kind) events = events.where('outreach_events.kind', '=', f.kind);
  const totals = await events
    .select(['outreach_events.kind', (eb) => eb.fn.countAll<number>().as('events'), (eb) => eb.fn.sum<number>('outreach_events.people_spoken_to').as('spoken')])
    .groupBy('outreach_events.kind')
    .execute();
  const gained = await events
    .innerJoin('people', 'people.outreach_event_id', 'outreach_events.id')
    .select([
      'outreach_events.kind',
      (eb) => eb.fn.countAll<number>().as('enquiries'),
      (eb) =>
        eb.fn
          .sum<number>(
            sql`case when exists (select 1 from person_status_history h where h.person_id = people.id and h.status = 'active') or people.status = 'active' then 1 else 0 end`,
          )
          .as('active'),
    ])
    .groupBy('outreach_events.kind')
    .execute();
  return totals.map((t) => {
    const g = gained.find((x) => x.kind === t.kind);
    return { kind: t.kind, events: Number(t.events), spokenTo: Number(t.spoken ?? 0), enquiries: Number(g?.enquiries ?? 0), becameActive: Number(g?.active ?? 0) };
  });
}

/** "How people heard about us": people in the register under the prefixes, by heard_via (null: not recorded). */
export async function heardVia(db: Db, prefixes: string[]): Promise<{ heard_via: string | null; n: number }[]> {
  if (prefixes.length === 0) return [];
  const rows = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.heard_via', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inPrefixes(prefixes, 'org_units.path'))
    .groupBy('people.heard_via')
    .execute();
  return rows.map((r) => ({ heard_via: r.heard_via, n: Number(r.n) }));
}

export async function eventWithUnit(db: Db, id: number): Promise<(OutreachEvent & { unit_name: string; unit_path: string }) | undefined> {
  return db
    .selectFrom('outreach_events')
    .innerJoin('org_units', 'org_units.id', 'outreach_events.unit_id')
    .selectAll('outreach_events')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('outreach_events.id', '=', id)
    .executeTakeFirst();
}

export interface EventValues {
  unitId: number;
  onDate: string;
  kind: Kind;
  title: string;
  place: string | null;
  whoWent: string | null;
  peopleSpokenTo: number;
  notes: string | null;
  campaignId: number | null;
}

const row = (v: EventValues) => ({
  unit_id: v.unitId, on_date: v.onDate, kind: v.kind, title: v.title, place: v.place, who_went: v.whoWent,
  people_spoken_to: v.peopleSpokenTo, notes: v.notes, campaign_id: v.campaignId,
});

export async function insertEvent(db: Db, v: EventValues, by: number, now: string): Promise<number> {
  const r = await db.insertInto('outreach_events').values({ ...row(v), created_by: by, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateEvent(db: Db, id: number, v: EventValues): Promise<void> {
  await db.updateTable('outreach_events').set(row(v)).where('id', '=', id).execute();
}

export interface EnquiryRow {
  id: number;
  full_name: string;
  preferred_name: string | null;
  anonymity: 'full_name' | 'first_name' | 'initials' | 'anonymous';
  erased_at: string | null;
  status: string;
  created_at: string;
  person_unit_path: string;
}

export async function enquiriesFrom(db: Db, eventId: number): Promise<EnquiryRow[]> {
  return db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.id', 'people.full_name', 'people.preferred_name', 'people.anonymity', 'people.erased_at', 'people.status', 'people.created_at', 'org_units.path as person_unit_path'])
    .where('people.outreach_event_id', '=', eventId)
    .orderBy('people.id')
    .execute();
}

/** A recruitment campaign (with its unit's path), for linking an event to it. */
export async function campaignWithUnit(db: Db, id: number): Promise<{ id: number; title: string; unit_path: string } | undefined> {
  return db
    .selectFrom('recruitment_campaigns')
    .innerJoin('org_units', 'org_units.id', 'recruitment_campaigns.unit_id')
    .select(['recruitment_campaigns.id', 'recruitment_campaigns.title', 'org_units.path as unit_path'])
    .where('recruitment_campaigns.id', '=', id)
    .executeTakeFirst();
}

export async function campaignsUnder(db: Db, prefixes: string[]): Promise<{ id: number; title: string }[]> {
  if (prefixes.length === 0) return [];
  return db
    .selectFrom('recruitment_campaigns')
    .innerJoin('org_units', 'org_units.id', 'recruitment_campaigns.unit_id')
    .select(['recruitment_campaigns.id', 'recruitment_campaigns.title'])
    .where(inPrefixes(prefixes, 'org_units.path'))
    .orderBy('recruitment_campaigns.id', 'desc')
    .limit(200)
    .execute();
}

export async function eventsUnder(db: Db, prefixes: string[], limit: number): Promise<{ id: number; title: string; on_date: string }[]> {
  if (prefixes.length === 0) return [];
  return db
    .selectFrom('outreach_events')
    .innerJoin('org_units', 'org_units.id', 'outreach_events.unit_id')
    .select(['outreach_events.id', 'outreach_events.title', 'outreach_events.on_date'])
    .where(inPrefixes(prefixes, 'org_units.path'))
    .orderBy('outreach_events.on_date', 'desc')
    .orderBy('outreach_events.id', 'desc')
    .limit(limit)
    .execute();
}

export interface NewPerson {
  unitId: number;
  fullName: string;
  email: string | null;
  phone: string | null;
  preferredChannel: 'email' | 'sms' | 'phone';
  heardVia: 'stall' | 'event' | null;
  outreachEventId: number | null;
  createdBy: number;
}

/** An enquiry in the register with the defaults a quick enquiry takes; its first status in the history. */
export async function insertEnquiryPerson(db: Db, v: NewPerson, now: string): Promise<number> {
  const { id } = await db
    .insertInto('people')
    .values({
      unit_id: v.unitId, user_id: null, full_name: v.fullName, preferred_name: null, email: v.email, phone: v.phone, address: null, postcode: null,
      preferred_channel: v.preferredChannel, format: 'standard', format_language: null, access_needs_other: null, relationship: 'service_user',
      services_known: null, availability_notes: null, anonymity: 'full_name', payment_preference: 'expenses_only', heard_via: v.heardVia,
      outreach_event_id: v.outreachEventId, status: 'enquiry', notes: null, created_by: v.createdBy, created_at: now, updated_at: now, erased_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('person_status_history').values({ person_id: id, status: 'enquiry', changed_at: now, changed_by: v.createdBy }).execute();
  return id;
}
