import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { AgendaItem, Database, Meeting, MeetingSeries, SeriesMemberRole, Venue } from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Which series a user sees: units by path prefix, and the series they belong to. */
export interface Scope {
  prefixes: string[];
  memberOf: number[];
}

const hasScope = (s: Scope): boolean => s.prefixes.length > 0 || s.memberOf.length > 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- used inside queries that join more tables than these two
function seriesInScope(eb: ExpressionBuilder<Database, any>, s: Scope) {
  const ors = s.prefixes.map((p) => eb('org_units.path', 'like', `${p}%`));
  if (s.memberOf.length) ors.push(eb('meeting_series.id', 'in', s.memberOf));
  return eb.or(ors);
}

/** The unit at this path, those inside it, and those above it: where a series may find its venues and staff. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- used inside queries that join more tables than this one
function sameBranch(eb: ExpressionBuilder<Database, any>, unitPaths: string[]) {
  if (unitPaths.length === 0) return sql<boolean>`1 = 0`;
  return eb.or(unitPaths.flatMap((p) => [eb('org_units.path', 'like', `${p}%`), sql<boolean>`${p} like (org_units.path || '%')`]));
}

// ---- Series

export interface SeriesRow extends MeetingSeries {
  unit_name: string;
  unit_path: string;
  next_meeting_at: string | null;
}

export async function listSeries(db: Db, opts: { scope: Scope; unitPath?: string; archived: boolean; before?: number; limit: number; now: string }): Promise<SeriesRow[]> {
  if (!hasScope(opts.scope)) return [];
  let q = db
    .selectFrom('meeting_series')
    .innerJoin('org_units', 'org_units.id', 'meeting_series.unit_id')
    .selectAll('meeting_series')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .select((eb) =>
      eb
        .selectFrom('meetings')
        .select((e) => e.fn.min('meetings.starts_at').as('n'))
        .whereRef('meetings.series_id', '=', 'meeting_series.id')
        .where('meetings.status', '=', 'scheduled')
        .where('meetings.ends_at', '>=', opts.now)
        .as('next_meeting_at'),
    )
    .where((eb) => seriesInScope(eb, opts.scope))
    .where('meeting_series.archived_at', opts.archived ? 'is not' : 'is', null);
  if (opts.unitPath) q = q.where('org_units.path', 'like', `${opts.unitPath}%`);
  if (opts.before) q = q.where('meeting_series.id', '<', opts.before);
  return (await q.orderBy('meeting_series.id', 'desc').limit(opts.limit).execute()) as SeriesRow[];
}

export async function insertSeries(
  db: Db,
  v: { unit_id: number; name: string; kind: MeetingSeries['kind']; purpose: string | null; cadence: string | null; usual_venue_id: number | null; project_id: number | null; created_by: number },
  now: string,
): Promise<number> {
  const { id } = await db.insertInto('meeting_series').values({ ...v, created_at: now, archived_at: null }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateSeries(
  db: Db,
  id: number,
  v: { unit_id: number; name: string; kind: MeetingSeries['kind']; purpose: string | null; cadence: string | null; usual_venue_id: number | null; project_id: number | null },
): Promise<void> {
  await db.updateTable('meeting_series').set(v).where('id', '=', id).execute();
}

export async function setSeriesArchived(db: Db, id: number, at: string | null): Promise<void> {
  await db.updateTable('meeting_series').set({ archived_at: at }).where('id', '=', id).execute();
}

export async function projectTitle(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('projects').select('title').where('id', '=', id).executeTakeFirst())?.title;
}

// ---- Members

export interface MemberRow {
  id: number;
  series_id: number;
  user_id: number | null;
  person_id: number | null;
  role: SeriesMemberRole;
  created_at: string;
  user_name: string | null;
  full_name: string | null;
  preferred_name: string | null;
  anonymity: 'full_name' | 'first_name' | 'initials' | 'anonymous' | null;
  erased_at: string | null;
  person_unit_path: string | null;
}

function membersQuery(db: Db, seriesId: number) {
  return db
    .selectFrom('series_members')
    .leftJoin('users', 'users.id', 'series_members.user_id')
    .leftJoin('people', 'people.id', 'series_members.person_id')
    .leftJoin('org_units as person_units', 'person_units.id', 'people.unit_id')
    .select([
      'series_members.id', 'series_members.series_id', 'series_members.user_id', 'series_members.person_id', 'series_members.role', 'series_members.created_at',
      'users.name as user_name', 'people.full_name', 'people.preferred_name', 'people.anonymity', 'people.erased_at', 'person_units.path as person_unit_path',
    ])
    .where('series_members.series_id', '=', seriesId);
}

/** Chairs first, then co-chairs, then members, each in the order they joined. */
export async function membersOf(db: Db, seriesId: number): Promise<MemberRow[]> {
  return membersQuery(db, seriesId)
    .orderBy(sql`case series_members.role when 'chair' then 0 when 'co_chair' then 1 else 2 end`)
    .orderBy('series_members.id')
    .execute();
}

export async function memberById(db: Db, seriesId: number, memberId: number): Promise<MemberRow | undefined> {
  return membersQuery(db, seriesId).where('series_members.id', '=', memberId).executeTakeFirst();
}

export async function existingMember(db: Db, seriesId: number, who: { userId?: number; personId?: number }): Promise<boolean> {
  let q = db.selectFrom('series_members').select('id').where('series_id', '=', seriesId);
  q = who.userId ? q.where('user_id', '=', who.userId) : q.where('person_id', '=', who.personId ?? 0);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertMember(db: Db, v: { seriesId: number; userId: number | null; personId: number | null; role: SeriesMemberRole }, now: string): Promise<number> {
  const { id } = await db
    .insertInto('series_members')
    .values({ series_id: v.seriesId, user_id: v.userId, person_id: v.personId, role: v.role, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateMemberRole(db: Db, id: number, role: SeriesMemberRole): Promise<void> {
  await db.updateTable('series_members').set({ role }).where('id', '=', id).execute();
}

export async function deleteMember(db: Db, id: number): Promise<void> {
  await db.deleteFrom('series_members').where('id', '=', id).execute();
}

export interface StaffChoice {
  id: number;
  name: string;
  email: string;
}

/** Staff (any role but partner, account not disabled) who work in the series' unit, inside it or above it. */
export async function staffChoices(db: Db, unitPath: string, limit: number): Promise<StaffChoice[]> {
  return db
    .selectFrom('users')
    .innerJoin('role_grants', 'role_grants.user_id', 'users.id')
    .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
    .select(['users.id', 'users.name', 'users.email'])
    .distinct()
    .where('role_grants.role', '!=', 'partner')
    .where('users.disabled_at', 'is', null)
    .where((eb) => sameBranch(eb, [unitPath]))
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(limit)
    .execute();
}

export async function isStaffChoice(db: Db, unitPath: string, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .innerJoin('role_grants', 'role_grants.user_id', 'users.id')
    .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
    .select('users.id')
    .where('users.id', '=', userId)
    .where('role_grants.role', '!=', 'partner')
    .where('users.disabled_at', 'is', null)
    .where((eb) => sameBranch(eb, [unitPath]))
    .executeTakeFirst();
  return row !== undefined;
}

// ---- Venues

export interface VenueRow extends Venue {
  unit_name: string;
  unit_path: string;
}

export async function listVenues(db: Db, opts: { prefixes: string[]; archived: boolean; before?: number; limit: number }): Promise<VenueRow[]> {
  if (opts.prefixes.length === 0) return [];
  let q = db
    .selectFrom('venues')
    .innerJoin('org_units', 'org_units.id', 'venues.unit_id')
    .selectAll('venues')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where((eb) => eb.or(opts.prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))))
    .where('venues.archived_at', opts.archived ? 'is not' : 'is', null);
  if (opts.before) q = q.where('venues.id', '<', opts.before);
  return q.orderBy('venues.id', 'desc').limit(opts.limit).execute();
}

export async function venueWithUnit(db: Db, id: number): Promise<VenueRow | undefined> {
  return db
    .selectFrom('venues')
    .innerJoin('org_units', 'org_units.id', 'venues.unit_id')
    .selectAll('venues')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('venues.id', '=', id)
    .executeTakeFirst();
}

/** Venues a series in these units may meet at: active ones of the units, the units inside them and those above them. */
export async function venueChoices(db: Db, unitPaths: string[], limit: number): Promise<VenueRow[]> {
  return db
    .selectFrom('venues')
    .innerJoin('org_units', 'org_units.id', 'venues.unit_id')
    .selectAll('venues')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('venues.archived_at', 'is', null)
    .where((eb) => sameBranch(eb, unitPaths))
    .orderBy('venues.name')
    .orderBy('venues.id')
    .limit(limit)
    .execute();
}

export type VenueValues = Pick<Venue, 'unit_id' | 'name' | 'address' | 'step_free' | 'hearing_loop' | 'parking' | 'public_transport' | 'quiet_room' | 'notes'>;

export async function insertVenue(db: Db, v: VenueValues, now: string): Promise<number> {
  const { id } = await db.insertInto('venues').values({ ...v, created_at: now, archived_at: null }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function updateVenue(db: Db, id: number, v: VenueValues): Promise<void> {
  await db.updateTable('venues').set(v).where('id', '=', id).execute();
}

export async function setVenueArchived(db: Db, id: number, at: string | null): Promise<void> {
  await db.updateTable('venues').set({ archived_at: at }).where('id', '=', id).execute();
}

// ---- Meetings

export interface MeetingRow extends Meeting {
  series_name: string;
  unit_name: string;
  venue_name: string | null;
}

export interface Cursor {
  startsAt: string;
  id: number;
}

function meetingsQuery(db: Db) {
  return db
    .selectFrom('meetings')
    .innerJoin('meeting_series', 'meeting_series.id', 'meetings.series_id')
    .innerJoin('org_units', 'org_units.id', 'meeting_series.unit_id')
    .leftJoin('venues', 'venues.id', 'meetings.venue_id')
    .selectAll('meetings')
    .select(['meeting_series.name as series_name', 'org_units.name as unit_name', 'venues.name as venue_name']);
}

/**
 * Meetings of the series in scope in time order, a page at a time: those not yet over (from
 * `notEndedBy`), or those starting within a range (a month, past ones included).
 */
export async function listMeetings(
  db: Db,
  opts: { scope: Scope; unitPath?: string; notEndedBy?: string; range?: { start: string; end: string }; after?: Cursor; limit: number },
): Promise<MeetingRow[]> {
  if (!hasScope(opts.scope)) return [];
  let q = meetingsQuery(db).where((eb) => seriesInScope(eb, opts.scope));
  if (opts.unitPath) q = q.where('org_units.path', 'like', `${opts.unitPath}%`);
  if (opts.range) q = q.where('meetings.starts_at', '>=', opts.range.start).where('meetings.starts_at', '<', opts.range.end);
  else q = q.where('meeting_series.archived_at', 'is', null);
  if (opts.notEndedBy) q = q.where('meetings.ends_at', '>=', opts.notEndedBy);
  const after = opts.after;
  if (after) q = q.where((eb) => eb.or([eb('meetings.starts_at', '>', after.startsAt), eb.and([eb('meetings.starts_at', '=', after.startsAt), eb('meetings.id', '>', after.id)])]));
  return q.orderBy('meetings.starts_at').orderBy('meetings.id').limit(opts.limit).execute();
}

/** A series' meetings: those not yet over (soonest first) or those over (latest first, from a cursor). */
export async function meetingsOfSeries(db: Db, seriesId: number, opts: { upcoming: boolean; now: string; before?: Cursor; limit: number }): Promise<MeetingRow[]> {
  let q = meetingsQuery(db).where('meetings.series_id', '=', seriesId);
  if (opts.upcoming) return q.where('meetings.ends_at', '>=', opts.now).orderBy('meetings.starts_at').orderBy('meetings.id').limit(opts.limit).execute();
  q = q.where('meetings.ends_at', '<', opts.now);
  const before = opts.before;
  if (before) q = q.where((eb) => eb.or([eb('meetings.starts_at', '<', before.startsAt), eb.and([eb('meetings.starts_at', '=', before.startsAt), eb('meetings.id', '<', before.id)])]));
  return q.orderBy('meetings.starts_at', 'desc').orderBy('meetings.id', 'desc').limit(opts.limit).execute();
}

export type MeetingValues = Pick<Meeting, 'title' | 'starts_at' | 'ends_at' | 'venue_id' | 'online_url' | 'capacity'>;

export async function insertMeeting(db: Db, seriesId: number, v: MeetingValues, now: string): Promise<number> {
  const { id } = await db
    .insertInto('meetings')
    .values({ series_id: seriesId, ...v, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateMeeting(db: Db, id: number, v: MeetingValues, now: string): Promise<void> {
  await db.updateTable('meetings').set({ ...v, updated_at: now }).where('id', '=', id).execute();
}

export async function setMeetingStatus(db: Db, id: number, status: 'scheduled' | 'cancelled', now: string): Promise<void> {
  await db.updateTable('meetings').set({ status, updated_at: now }).where('id', '=', id).execute();
}

export async function venueById(db: Db, id: number): Promise<Venue | undefined> {
  return db.selectFrom('venues').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- Agenda

export interface AgendaRow extends AgendaItem {
  project_title: string | null;
}

export async function agendaOf(db: Db, meetingId: number): Promise<AgendaRow[]> {
  return db
    .selectFrom('agenda_items')
    .leftJoin('projects', 'projects.id', 'agenda_items.project_id')
    .selectAll('agenda_items')
    .select('projects.title as project_title')
    .where('agenda_items.meeting_id', '=', meetingId)
    .orderBy('agenda_items.position')
    .orderBy('agenda_items.id')
    .execute();
}

export async function agendaItem(db: Db, meetingId: number, itemId: number): Promise<AgendaRow | undefined> {
  return db
    .selectFrom('agenda_items')
    .leftJoin('projects', 'projects.id', 'agenda_items.project_id')
    .selectAll('agenda_items')
    .select('projects.title as project_title')
    .where('agenda_items.meeting_id', '=', meetingId)
    .where('agenda_items.id', '=', itemId)
    .executeTakeFirst();
}

export type AgendaValues = Pick<AgendaItem, 'title' | 'kind' | 'presenter' | 'duration_minutes' | 'description' | 'project_id' | 'slot_focus'>;

/** Adds an item at the end of the agenda. */
export async function insertAgendaItem(db: Db, meetingId: number, v: AgendaValues, now: string): Promise<number> {
  const last = await db.selectFrom('agenda_items').select((eb) => eb.fn.max('position').as('p')).where('meeting_id', '=', meetingId).executeTakeFirst();
  const { id } = await db
    .insertInto('agenda_items')
    .values({ meeting_id: meetingId, position: Number(last?.p ?? 0) + 1, ...v, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function updateAgendaItem(db: Db, id: number, v: AgendaValues): Promise<void> {
  await db.updateTable('agenda_items').set(v).where('id', '=', id).execute();
}

export async function deleteAgendaItem(db: Db, id: number): Promise<void> {
  await db.deleteFrom('meeting_papers').where('agenda_item_id', '=', id).execute();
  await db.deleteFrom('agenda_items').where('id', '=', id).execute();
}

export async function setPosition(db: Db, id: number, position: number): Promise<void> {
  await db.updateTable('agenda_items').set({ position }).where('id', '=', id).execute();
}

// ---- Papers

export interface PaperRow {
  id: number;
  agenda_item_id: number;
  filename: string;
  content_type: string;
  size: number;
  file_sha256: string;
  created_at: string;
}

const paperColumns = [
  'meeting_papers.id', 'meeting_papers.agenda_item_id', 'meeting_papers.filename', 'meeting_papers.content_type', 'meeting_papers.size',
  'meeting_papers.file_sha256', 'meeting_papers.created_at',
] as const;

export async function papersOf(db: Db, meetingId: number): Promise<PaperRow[]> {
  return db
    .selectFrom('meeting_papers')
    .innerJoin('agenda_items', 'agenda_items.id', 'meeting_papers.agenda_item_id')
    .select(paperColumns)
    .where('agenda_items.meeting_id', '=', meetingId)
    .orderBy('agenda_items.position')
    .orderBy('meeting_papers.id')
    .execute();
}

export async function paperById(db: Db, meetingId: number, paperId: number): Promise<PaperRow | undefined> {
  return db
    .selectFrom('meeting_papers')
    .innerJoin('agenda_items', 'agenda_items.id', 'meeting_papers.agenda_item_id')
    .select(paperColumns)
    .where('agenda_items.meeting_id', '=', meetingId)
    .where('meeting_papers.id', '=', paperId)
    .executeTakeFirst();
}

export async function insertPaper(db: Db, v: { agendaItemId: number; filename: string; contentType: string; size: number; sha256: string; uploadedBy: number }, now: string): Promise<number> {
  const { id } = await db
    .insertInto('meeting_papers')
    .values({ agenda_item_id: v.agendaItemId, filename: v.filename, content_type: v.contentType, size: v.size, file_sha256: v.sha256, uploaded_by: v.uploadedBy, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function deletePaper(db: Db, id: number): Promise<void> {
  await db.deleteFrom('meeting_papers').where('id', '=', id).execute();
}

// ---- A project's forum visits

export interface VisitRow {
  agenda_item_id: number;
  slot_focus: AgendaItem['slot_focus'];
  meeting_id: number;
  starts_at: string;
  status: Meeting['status'];
  series_id: number;
  series_name: string;
  unit_path: string;
}

export async function visitsOfProject(db: Db, projectId: number, limit: number): Promise<VisitRow[]> {
  return db
    .selectFrom('agenda_items')
    .innerJoin('meetings', 'meetings.id', 'agenda_items.meeting_id')
    .innerJoin('meeting_series', 'meeting_series.id', 'meetings.series_id')
    .innerJoin('org_units', 'org_units.id', 'meeting_series.unit_id')
    .select([
      'agenda_items.id as agenda_item_id', 'agenda_items.slot_focus', 'meetings.id as meeting_id', 'meetings.starts_at', 'meetings.status',
      'meeting_series.id as series_id', 'meeting_series.name as series_name', 'org_units.path as unit_path',
    ])
    .where('agenda_items.project_id', '=', projectId)
    .where('agenda_items.kind', '=', 'project_slot')
    .orderBy('meetings.starts_at', 'desc')
    .orderBy('agenda_items.id', 'desc')
    .limit(limit)
    .execute();
}
