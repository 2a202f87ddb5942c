import { sql, type Kysely, type Transaction } from 'kysely';
import type {
  ActionStatus, AgendaKind, AttendanceRole, AttendanceStatus, Database, MeetingAction, Person, RsvpResponse, SeriesMemberRole,
} from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Anonymity = Person['anonymity'];
type Relationship = Person['relationship'];

/**
 * Who a row is about: a staff user, a person in the register, or neither (a walk-in, or someone
 * erased). A user whose account is linked to a register entry carries that entry too, so their
 * anonymity preference and relationship apply to them as well.
 */
export interface Who {
  user_id: number | null;
  user_name: string | null;
  p_id: number | null;
  full_name: string | null;
  preferred_name: string | null;
  anonymity: Anonymity | null;
  erased_at: string | null;
  relationship: Relationship | null;
  person_unit_path: string | null;
}

const whoColumns = [
  'u.name as user_name', 'p.id as p_id', 'p.full_name', 'p.preferred_name', 'p.anonymity', 'p.erased_at', 'p.relationship', 'pu.path as person_unit_path',
] as const;

// ---- The meeting's page furniture

export async function venueName(db: Db, venueId: number | null): Promise<string | null> {
  if (venueId == null) return null;
  const row = await db.selectFrom('venues').select('name').where('id', '=', venueId).executeTakeFirst();
  return row?.name ?? null;
}

export interface ItemRow {
  id: number;
  position: number;
  title: string;
  kind: AgendaKind;
  presenter: string | null;
  notes: string | null;
  decisions: string | null;
}

export async function agendaItems(db: Db, meetingId: number): Promise<ItemRow[]> {
  return db
    .selectFrom('agenda_items')
    .select(['id', 'position', 'title', 'kind', 'presenter', 'notes', 'decisions'])
    .where('meeting_id', '=', meetingId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

export async function saveItemMinutes(db: Db, meetingId: number, itemId: number, v: { notes: string | null; decisions: string | null }): Promise<void> {
  await db.updateTable('agenda_items').set(v).where('id', '=', itemId).where('meeting_id', '=', meetingId).execute();
}

// ---- Who was invited, who belongs, who came

export interface AttendanceRow extends Who {
  id: number;
  invitation_id: number | null;
  person_id: number | null;
  walk_in_name: string | null;
  role: AttendanceRole;
  status: AttendanceStatus;
}

export async function attendanceOf(db: Db, meetingId: number): Promise<AttendanceRow[]> {
  return db
    .selectFrom('attendance as x')
    .leftJoin('users as u', 'u.id', 'x.user_id')
    .leftJoin('people as p', (j) =>
      j.on((eb) => eb.or([eb('p.id', '=', eb.ref('x.person_id')), eb.and([eb('x.person_id', 'is', null), eb('p.user_id', '=', eb.ref('x.user_id'))])])),
    )
    .leftJoin('org_units as pu', 'pu.id', 'p.unit_id')
    .select(['x.id', 'x.invitation_id', 'x.user_id', 'x.person_id', 'x.walk_in_name', 'x.role', 'x.status', ...whoColumns])
    .where('x.meeting_id', '=', meetingId)
    .orderBy('x.id')
    .execute();
}

export interface InvitationRow extends Who {
  id: number;
  person_id: number | null;
  response: RsvpResponse;
}

export async function invitationsOf(db: Db, meetingId: number): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitations as x')
    .leftJoin('users as u', 'u.id', 'x.user_id')
    .leftJoin('people as p', (j) =>
      j.on((eb) => eb.or([eb('p.id', '=', eb.ref('x.person_id')), eb.and([eb('x.person_id', 'is', null), eb('p.user_id', '=', eb.ref('x.user_id'))])])),
    )
    .leftJoin('org_units as pu', 'pu.id', 'p.unit_id')
    .select(['x.id', 'x.user_id', 'x.person_id', 'x.response', ...whoColumns])
    .where('x.meeting_id', '=', meetingId)
    .orderBy('x.id')
    .execute();
}

export interface MemberRow extends Who {
  id: number;
  person_id: number | null;
  role: SeriesMemberRole;
}

export async function membersOf(db: Db, seriesId: number): Promise<MemberRow[]> {
  return db
    .selectFrom('series_members as x')
    .leftJoin('users as u', 'u.id', 'x.user_id')
    .leftJoin('people as p', (j) =>
      j.on((eb) => eb.or([eb('p.id', '=', eb.ref('x.person_id')), eb.and([eb('x.person_id', 'is', null), eb('p.user_id', '=', eb.ref('x.user_id'))])])),
    )
    .leftJoin('org_units as pu', 'pu.id', 'p.unit_id')
    .select(['x.id', 'x.user_id', 'x.person_id', 'x.role', ...whoColumns])
    .where('x.series_id', '=', seriesId)
    .orderBy('x.id')
    .execute();
}

export async function insertAttendance(
  db: Db,
  v: { meetingId: number; invitationId: number | null; userId: number | null; personId: number | null; walkInName: string | null; role: AttendanceRole; status: AttendanceStatus; recordedBy: number; at: string },
): Promise<number> {
  const row = await db
    .insertInto('attendance')
    .values({
      meeting_id: v.meetingId, invitation_id: v.invitationId, user_id: v.userId, person_id: v.personId, walk_in_name: v.walkInName,
      role: v.role, status: v.status, recorded_by: v.recordedBy, recorded_at: v.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAttendance(db: Db, id: number, v: { role: AttendanceRole; status: AttendanceStatus; invitationId: number | null; recordedBy: number; at: string }): Promise<void> {
  await db
    .updateTable('attendance')
    .set({ role: v.role, status: v.status, invitation_id: v.invitationId, recorded_by: v.recordedBy, recorded_at: v.at })
    .where('id', '=', id)
    .execute();
}

export async function markAttendanceTaken(db: Db, meetingId: number, at: string): Promise<void> {
  await db.updateTable('meetings').set({ attendance_taken_at: at, updated_at: at }).where('id', '=', meetingId).execute();
}

// ---- Minutes

export async function setMinutesState(
  db: Db,
  meetingId: number,
  v: { minutes_status: 'none' | 'draft' | 'approved'; minutes_approved_at?: string | null; minutes_approved_in?: number | null; minutes_published?: 'none' | 'members' | 'public' },
  at: string,
): Promise<void> {
  await db.updateTable('meetings').set({ ...v, updated_at: at }).where('id', '=', meetingId).execute();
}

export async function setPublication(db: Db, meetingId: number, publication: 'none' | 'members' | 'public', at: string): Promise<void> {
  await db.updateTable('meetings').set({ minutes_published: publication, updated_at: at }).where('id', '=', meetingId).execute();
}

export interface MeetingChoice {
  id: number;
  title: string | null;
  starts_at: string;
}

/** Meetings of the series after this one (where its minutes may be approved), soonest first. */
export async function laterMeetings(db: Db, seriesId: number, after: string, limit: number): Promise<MeetingChoice[]> {
  return db
    .selectFrom('meetings')
    .select(['id', 'title', 'starts_at'])
    .where('series_id', '=', seriesId)
    .where('starts_at', '>', after)
    .where('status', '=', 'scheduled')
    .orderBy('starts_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function meetingBrief(db: Db, id: number): Promise<{ id: number; series_id: number; title: string | null; starts_at: string; status: string } | undefined> {
  return db.selectFrom('meetings').select(['id', 'series_id', 'title', 'starts_at', 'status']).where('id', '=', id).executeTakeFirst();
}

/** A meeting whose minutes are approved and published to everyone, with its series. */
export async function publicMinutesMeeting(db: Db, id: number) {
  return db
    .selectFrom('meetings')
    .innerJoin('meeting_series', 'meeting_series.id', 'meetings.series_id')
    .innerJoin('org_units', 'org_units.id', 'meeting_series.unit_id')
    .selectAll('meetings')
    .select(['meeting_series.name as series_name', 'org_units.name as unit_name'])
    .where('meetings.id', '=', id)
    .where('meetings.minutes_status', '=', 'approved')
    .where('meetings.minutes_published', '=', 'public')
    .executeTakeFirst();
}

// ---- Actions

export interface ActionRow extends Who {
  id: number;
  series_id: number;
  series_name: string;
  unit_name: string;
  unit_path: string;
  meeting_id: number | null;
  meeting_title: string | null;
  meeting_starts_at: string | null;
  agenda_item_id: number | null;
  item_title: string | null;
  description: string;
  owner_user_id: number | null;
  owner_person_id: number | null;
  due_on: string | null;
  status: ActionStatus;
  completed_at: string | null;
}

/** Sorting key for due dates: actions without one come last. */
const dueKey = sql<string>`coalesce(ma.due_on, '9999-12-31')`;

function actionsQuery(db: Db) {
  return db
    .selectFrom('meeting_actions as ma')
    .innerJoin('meeting_series as s', 's.id', 'ma.series_id')
    .innerJoin('org_units as o', 'o.id', 's.unit_id')
    .leftJoin('meetings as m', 'm.id', 'ma.meeting_id')
    .leftJoin('agenda_items as ai', 'ai.id', 'ma.agenda_item_id')
    .leftJoin('users as u', 'u.id', 'ma.owner_user_id')
    .leftJoin('people as p', (j) =>
      j.on((eb) =>
        eb.or([eb('p.id', '=', eb.ref('ma.owner_person_id')), eb.and([eb('ma.owner_person_id', 'is', null), eb('p.user_id', '=', eb.ref('ma.owner_user_id'))])]),
      ),
    )
    .leftJoin('org_units as pu', 'pu.id', 'p.unit_id')
    .select([
      'ma.id', 'ma.series_id', 's.name as series_name', 'o.name as unit_name', 'o.path as unit_path', 'ma.meeting_id', 'm.title as meeting_title', 'm.starts_at as meeting_starts_at',
      'ma.agenda_item_id', 'ai.title as item_title', 'ma.description', 'ma.owner_user_id', 'ma.owner_person_id', 'ma.due_on', 'ma.status', 'ma.completed_at',
      'ma.owner_user_id as user_id', ...whoColumns,
    ]);
}

export async function actionsOfMeeting(db: Db, meetingId: number): Promise<ActionRow[]> {
  return actionsQuery(db).where('ma.meeting_id', '=', meetingId).orderBy(dueKey).orderBy('ma.id').execute();
}

export async function actionById(db: Db, id: number): Promise<ActionRow | undefined> {
  return actionsQuery(db).where('ma.id', '=', id).executeTakeFirst();
}

export interface LogScope {
  /** Unit path prefixes where the user sees every series' actions (meetings:view). */
  prefixes: string[];
  /** Series whose every action the user sees (those they chair). */
  allOf: number[];
  /** Series where the user sees only the actions they own (their other memberships). */
  ownOf: number[];
  userId: number;
  personId: number | null;
}

export interface LogFilter {
  seriesId?: number;
  unitPath?: string;
  status?: ActionStatus;
  show?: 'open' | 'overdue';
  today: string;
  after?: { due: string; id: number };
  limit: number;
}

/** The action log: actions in the series the user sees, filtered and paged (by due date, then id) in SQL. */
export async function actionLog(db: Db, scope: LogScope, f: LogFilter): Promise<ActionRow[]> {
  if (scope.prefixes.length === 0 && scope.allOf.length === 0 && scope.ownOf.length === 0) return [];
  let q = actionsQuery(db).where((eb) => {
    const own = eb.or([
      eb('ma.owner_user_id', '=', scope.userId),
      ...(scope.personId ? [eb('ma.owner_person_id', '=', scope.personId)] : []),
    ]);
    return eb.or([
      ...scope.prefixes.map((p) => eb('o.path', 'like', `${p}%`)),
      ...(scope.allOf.length ? [eb('ma.series_id', 'in', scope.allOf)] : []),
      ...(scope.ownOf.length ? [eb.and([eb('ma.series_id', 'in', scope.ownOf), own])] : []),
    ]);
  });
  if (f.seriesId) q = q.where('ma.series_id', '=', f.seriesId);
  if (f.unitPath) q = q.where('o.path', 'like', `${f.unitPath}%`);
  if (f.status) q = q.where('ma.status', '=', f.status);
  if (f.show) q = q.where('ma.status', 'in', ['open', 'in_progress']);
  if (f.show === 'overdue') q = q.where('ma.due_on', '<', f.today);
  if (f.after) {
    const { due, id } = f.after;
    q = q.where((eb) => eb.or([eb(dueKey, '>', due), eb.and([eb(dueKey, '=', due), eb('ma.id', '>', id)])]));
  }
  return q.orderBy(dueKey).orderBy('ma.id').limit(f.limit).execute();
}

export async function insertAction(
  db: Db,
  v: { seriesId: number; meetingId: number | null; agendaItemId: number | null; description: string; ownerUserId: number | null; ownerPersonId: number | null; dueOn: string; createdBy: number; at: string },
): Promise<number> {
  const row = await db
    .insertInto('meeting_actions')
    .values({
      series_id: v.seriesId, meeting_id: v.meetingId, agenda_item_id: v.agendaItemId, description: v.description, owner_user_id: v.ownerUserId,
      owner_person_id: v.ownerPersonId, due_on: v.dueOn, status: 'open', created_by: v.createdBy, created_at: v.at, updated_at: v.at, completed_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAction(db: Db, id: number, set: Partial<Pick<MeetingAction, 'description' | 'owner_user_id' | 'owner_person_id' | 'due_on' | 'status' | 'completed_at'>>, at: string): Promise<void> {
  await db.updateTable('meeting_actions').set({ ...set, updated_at: at }).where('id', '=', id).execute();
}

// ---- Whose actions: the user's register entry, the series they chair or belong to

export async function personIdOfUser(db: Db, userId: number): Promise<number | null> {
  const row = await db.selectFrom('people').select('id').where('user_id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
  return row?.id ?? null;
}

/** The series the user belongs to (as staff or through their register entry), with their strongest role. */
export async function membershipsOf(db: Db, userId: number): Promise<{ series_id: number; role: SeriesMemberRole }[]> {
  return db
    .selectFrom('series_members')
    .leftJoin('people', 'people.id', 'series_members.person_id')
    .select(['series_members.series_id', 'series_members.role'])
    .where((eb) => eb.or([eb('series_members.user_id', '=', userId), eb('people.user_id', '=', userId)]))
    .execute();
}

export interface SeriesChoice {
  id: number;
  name: string;
  unit_name: string;
}

/** Series for the log's filter: those in the units the user sees, or that they belong to. */
export async function seriesChoices(db: Db, prefixes: string[], memberOf: number[], limit: number): Promise<SeriesChoice[]> {
  if (prefixes.length === 0 && memberOf.length === 0) return [];
  return db
    .selectFrom('meeting_series as s')
    .innerJoin('org_units as o', 'o.id', 's.unit_id')
    .select(['s.id', 's.name', 'o.name as unit_name'])
    .where((eb) => eb.or([...prefixes.map((p) => eb('o.path', 'like', `${p}%`)), ...(memberOf.length ? [eb('s.id', 'in', memberOf)] : [])]))
    .where('s.archived_at', 'is', null)
    .orderBy('s.name')
    .orderBy('s.id')
    .limit(limit)
    .execute();
}
