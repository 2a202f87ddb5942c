import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import {
  ACTION_STATUSES, ATTENDANCE_ROLES, ATTENDANCE_STATUSES, type ActionStatus, type AttendanceRole, type AttendanceStatus, type Database, type Person,
  type RsvpResponse,
} from '../../platform/db/types.ts';
import type { Transaction } from 'kysely';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { optionalText } from '../../platform/http/fields.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requireSignedIn, type Principal } from '../../platform/rbac/index.ts';
import { renderDocument } from '../../platform/views/index.ts';
import { chosenPerson, dayText, nameFor, parse, personPicker } from '../groups/service.ts';
import { draftClaimsForMeeting } from '../claims/service.ts';
import { londonDayText, londonTimeText, meetingAccess, seriesAccess, seriesScope, type MeetingAccess, type SeriesAccess } from '../meetings/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { londonDate } from '../projects/service.ts';
import * as q from './queries.ts';
import { actionSchema, actionStatusSchema, actionUpdateSchema, approveSchema, logFilterFields, NOTES_MAX, publishSchema, walkInSchema } from './schemas.ts';

/**
 * Attendance, minutes and actions for a meeting (issue 6, items 6–7).
 *
 * - Attendance is taken on the day by those who run the series (staff with meetings:manage on its
 *   unit, or a chair or co-chair, who may be a partner) from the invite list: invitations for the
 *   meeting plus series members without one, and walk-ins. One row per person per meeting: saving
 *   again updates the rows, never adds a second. Expense claims start from these rows.
 * - Minutes are notes and decisions per agenda item. Saving makes them a draft; they are approved at
 *   a later meeting of the same series, then may be published to the series members or to everyone.
 * - Who reads minutes: those who run the series always (drafts too, marked "Draft"). Everyone else
 *   who sees the series (its members, and staff with meetings:view on its unit) reads them once
 *   they are approved and published to members or the public; a draft can still be wrong about
 *   people and decisions, so only the people writing it see it. Public minutes (/minutes/:id) need
 *   no sign-in and show only approved minutes published to everyone.
 * - Names in minutes are as each person asked (their anonymity preference); people who asked not to
 *   be named, and people whose details were removed, are counted by role but never named. Public
 *   minutes name no walk-ins (nobody asked them) and carry no contact details.
 * - Actions have an owner (a staff user, or a person in the register, among the meeting's people),
 *   a due date and a status. Staff who see the series' unit and its chairs see every action of the
 *   series; other members see the actions they own, and may change their status.
 */

export const PAGE_SIZE = 50;
const CHAIRS = new Set(['chair', 'co_chair']);
const OWNER_CHOICES_MAX = 500;
const LATER_MEETINGS_MAX = 24;

/** A meeting's day as people read it, in London. */
export const meetingDay = (iso: string): string => londonDayText(iso);
/** A meeting as it is named in lists: its title (or its series' name) and day. */
export const meetingLabel = (m: { title: string | null; starts_at: string }, seriesName: string): string => `${m.title ?? seriesName}, ${meetingDay(m.starts_at)}`;

/** The role a person comes in, from how they relate to services: the pre-filled answer, which the chair can change. */
export function roleFromRelationship(relationship: Person['relationship']): AttendanceRole {
  switch (relationship) {
    case 'service_user':
    case 'both':
      return 'service_user';
    case 'carer':
      return 'carer';
    // A member of staff who is also in the register comes as staff.
    case 'staff':
      return 'staff';
    default:
      return 'other';
  }
}

/** The RSVP's answer as the pre-filled attendance: apologies stay apologies; in person or online, present. */
export function statusFromRsvp(rsvp: RsvpResponse | null): AttendanceStatus {
  if (rsvp === 'apologies') return 'apologies';
  if (rsvp === 'in_person' || rsvp === 'online') return 'present';
  return 'absent';
}

/** Due and not finished before today (in London): the action log's "overdue". */
export function isOverdue(a: { status: ActionStatus; due_on: string | null }, today: string): boolean {
  return (a.status === 'open' || a.status === 'in_progress') && a.due_on != null && a.due_on < today;
}

// ---- Names

type PersonName = { full_name: string; preferred_name: string | null; anonymity: Person['anonymity']; erased_at: string | null; person_unit_path: string };

function personOf(who: q.Who): PersonName | null {
  if (who.p_id == null || who.full_name == null || who.anonymity == null) return null;
  return { full_name: who.full_name, preferred_name: who.preferred_name, anonymity: who.anonymity, erased_at: who.erased_at, person_unit_path: who.person_unit_path ?? '' };
}

/** The name on the attendance list and forms: the register name for staff who may see the register, else as the person asked. */
function workingName(principal: Principal | null, who: q.Who, walkInName: string | null): string {
  const person = personOf(who);
  if (person) return nameFor(principal, person);
  return who.user_name ?? walkInName ?? t('minutes.removedPerson');
}

/**
 * The name written in minutes, or null when the person is not to be named: they asked to be
 * anonymous, their details were removed, or (in public minutes) they walked in without a record.
 */
function minutesName(who: q.Who, walkInName: string | null, publicCopy: boolean): string | null {
  const person = personOf(who);
  if (person) return person.erased_at || person.anonymity === 'anonymous' ? null : nameFor(null, person);
  if (who.user_name) return who.user_name;
  return walkInName && !publicCopy ? walkInName : null;
}

/** An action owner's name: as the owner asked, unless the reader may see the register. */
function ownerName(principal: Principal | null, a: q.ActionRow): string {
  if (a.owner_user_id == null && a.owner_person_id == null) return t('minutes.actions.noOwner');
  return workingName(principal, a, null);
}

// ---- Who is on the list: invitations, members, walk-ins

export interface Entry {
  key: string;
  userId: number | null;
  personId: number | null;
  attendanceId: number | null;
  invitationId: number | null;
  who: q.Who;
  walkInName: string | null;
  rsvp: RsvpResponse | null;
  invited: boolean;
  member: boolean;
  recorded: { status: AttendanceStatus; role: AttendanceRole } | null;
  status: AttendanceStatus;
  role: AttendanceRole;
}

/** One key per human: their register entry when known (also for an account linked to one), else their account. */
const keyOf = (who: q.Who): string | null => (who.p_id != null ? `p${who.p_id}` : who.user_id != null ? `u${who.user_id}` : null);

function defaultRole(who: q.Who): AttendanceRole {
  if (who.relationship) return roleFromRelationship(who.relationship);
  return who.user_id != null ? 'staff' : 'other';
}

/**
 * The meeting's list: everyone with an attendance row, every invitation, and every series member
 * (someone erased is left out unless they were recorded, when they stay as a nameless row). Each
 * human once, whether they were invited as staff or through their register entry.
 */
async function entriesFor(db: ServiceContext['db'] | Transaction<Database>, meetingId: number, seriesId: number): Promise<Entry[]> {
  const [rows, invitations, members] = await Promise.all([q.attendanceOf(db, meetingId), q.invitationsOf(db, meetingId), q.membersOf(db, seriesId)]);
  const byKey = new Map<string, Entry>();
  const blank = (key: string, who: q.Who): Entry => ({
    key, userId: who.user_id, personId: null, attendanceId: null, invitationId: null, who, walkInName: null, rsvp: null,
    invited: false, member: false, recorded: null, status: 'absent', role: defaultRole(who),
  });
  for (const r of rows) {
    const key = keyOf(r) ?? `w${r.id}`;
    if (byKey.has(key)) continue; // A duplicate made before this rule existed: the first row stands.
    byKey.set(key, { ...blank(key, r), personId: r.person_id, attendanceId: r.id, invitationId: r.invitation_id, walkInName: r.walk_in_name, recorded: { status: r.status, role: r.role } });
  }
  for (const i of invitations) {
    const key = keyOf(i);
    if (!key || i.erased_at) continue;
    const e = byKey.get(key) ?? blank(key, i);
    e.userId ??= i.user_id;
    e.personId ??= i.person_id;
    e.invitationId ??= i.id;
    e.rsvp = i.response;
    e.invited = true;
    byKey.set(key, e);
  }
  for (const m of members) {
    const key = keyOf(m);
    if (!key || m.erased_at) continue;
    const e = byKey.get(key) ?? blank(key, m);
    e.userId ??= m.user_id;
    e.personId ??= m.person_id;
    e.member = true;
    byKey.set(key, e);
  }
  const entries = [...byKey.values()];
  for (const e of entries) {
    e.status = e.recorded?.status ?? statusFromRsvp(e.rsvp);
    e.role = e.recorded?.role ?? defaultRole(e.who);
  }
  return entries;
}

function countsByRole(rows: { role: AttendanceRole; status: AttendanceStatus }[]) {
  const counts = ATTENDANCE_ROLES.map((role) => ({
    role,
    roleName: t(`minutes.roles.${role}`),
    ...Object.fromEntries(ATTENDANCE_STATUSES.map((s) => [s, rows.filter((r) => r.role === role && r.status === s).length])),
  })) as ({ role: AttendanceRole; roleName: string } & Record<AttendanceStatus, number>)[];
  const totals = Object.fromEntries(ATTENDANCE_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length])) as Record<AttendanceStatus, number>;
  return { counts, totals };
}

// ---- Attendance

export async function attendanceSheet(ctx: ServiceContext, meetingId: number, values: Record<string, unknown> = {}, query?: unknown) {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const entries = await entriesFor(ctx.db, meetingId, access.series.id);
  const rows = entries
    .map((e) => ({
      key: e.key,
      name: workingName(ctx.principal, e.who, e.walkInName),
      isWalkIn: !e.invited && !e.member && e.recorded != null,
      invited: e.invited,
      member: e.member,
      rsvp: e.rsvp,
      status: e.status,
      role: e.role,
    }))
    .sort((a, b) => Number(a.isWalkIn) - Number(b.isWalkIn) || a.name.localeCompare(b.name, 'en-GB'));
  // Only staff who see the register may look people up in it; a partner chair adds walk-ins by name.
  const picker = can(ctx.principal, 'people:view') ? await personPicker(ctx, values, query) : null;
  const recorded = entries.filter((e) => e.recorded).map((e) => e.recorded as { role: AttendanceRole; status: AttendanceStatus });
  return { ...heading(access), access, rows, picker, summary: countsByRole(recorded), takenAt: access.meeting.attendance_taken_at };
}

function heading(access: MeetingAccess) {
  return { meeting: access.meeting, series: access.series, unit: access.unit, label: meetingLabel(access.meeting, access.series.name) };
}

/**
 * Saves the whole list: each person's status and role. A person already recorded is updated, anyone
 * else gets a row, so saving twice never adds a second row. Sets when attendance was taken. Audited.
 */
export async function saveAttendance(ctx: ServiceContext, meetingId: number, raw: Record<string, unknown>): Promise<{ present: number }> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const principal = requireSignedIn(ctx.principal);
  return ctx.db.transaction().execute(async (trx) => {
    const entries = await entriesFor(trx, meetingId, access.series.id);
    const errors: FieldError[] = [];
    const chosen = entries.map((e) => {
      const status = raw[`status-${e.key}`];
      const role = raw[`role-${e.key}`];
      const okStatus = (ATTENDANCE_STATUSES as readonly unknown[]).includes(status);
      const okRole = (ATTENDANCE_ROLES as readonly unknown[]).includes(role);
      const name = workingName(ctx.principal, e.who, e.walkInName);
      if (!okStatus) errors.push({ field: `status-${e.key}`, message: t('errors.minutes.statusFor', { name }) });
      if (!okRole) errors.push({ field: `role-${e.key}`, message: t('errors.minutes.roleFor', { name }) });
      return { e, status: status as AttendanceStatus, role: role as AttendanceRole };
    });
    if (errors.length > 0) throw new ValidationError(errors);
    const at = nowIso();
    let changed = 0;
    for (const { e, status, role } of chosen) {
      if (e.attendanceId != null) {
        if (e.recorded?.status === status && e.recorded.role === role) continue;
        await q.updateAttendance(trx, e.attendanceId, { status, role, invitationId: e.invitationId, recordedBy: principal.userId, at });
      } else {
        const personId = e.userId == null ? (e.personId ?? e.who.p_id) : e.personId;
        e.attendanceId = await q.insertAttendance(trx, { meetingId, invitationId: e.invitationId, userId: e.userId, personId, walkInName: null, role, status, recordedBy: principal.userId, at });
      }
      changed++;
      await auditAttendance(trx, ctx, e, meetingId, e.recorded ? 'attendance.updated' : 'attendance.recorded', [
        ...(e.recorded?.status !== status ? ['status'] : []),
        ...(e.recorded?.role !== role ? ['role'] : []),
      ]);
    }
    await q.markAttendanceTaken(trx, meetingId, at);
    // A draft expense claim for each person present who wants payment (claims feature).
    await draftClaimsForMeeting(trx, meetingId, principal.userId);
    const totals = countsByRole(chosen).totals;
    await audit(trx, auditContext(ctx), { action: 'attendance.taken', entityType: 'meeting', entityId: meetingId, details: { ...totals, changed } });
    return { present: totals.present };
  });
}

/** One audit row per person whose attendance changed, on the person (or the staff user, or the walk-in's row). */
async function auditAttendance(trx: Transaction<Database>, ctx: ServiceContext, e: Entry, meetingId: number, action: string, changed: string[]) {
  const personId = e.personId ?? e.who.p_id;
  const target = personId != null ? { entityType: 'person', entityId: personId } : e.userId != null ? { entityType: 'user', entityId: e.userId } : { entityType: 'attendance', entityId: e.attendanceId };
  await audit(trx, auditContext(ctx), { action, ...target, subjectUserId: e.userId, details: { meetingId, attendanceId: e.attendanceId, changed } });
}

/**
 * Someone who came without being on the list: by name, or found in the register (then the role
 * defaults from their relationship). Someone already on the list is marked present instead.
 */
export async function addWalkIn(ctx: ServiceContext, meetingId: number, raw: unknown): Promise<string> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const principal = requireSignedIn(ctx.principal);
  const input = parse(walkInSchema, raw);
  const at = nowIso();
  if (input.personId != null) {
    if (!can(principal, 'people:view')) throw ValidationError.one('personId', 'errors.minutes.personInvalid');
    const { person, unitPath } = await chosenPerson(ctx, input.personId, 'personId', 'errors.minutes.personInvalid');
    const role = input.walkInRole ?? roleFromRelationship(person.relationship);
    await ctx.db.transaction().execute(async (trx) => {
      const entries = await entriesFor(trx, meetingId, access.series.id);
      const e = entries.find((x) => x.key === `p${person.id}`);
      if (e?.attendanceId != null) {
        await q.updateAttendance(trx, e.attendanceId, { status: 'present', role: input.walkInRole ?? e.role, invitationId: e.invitationId, recordedBy: principal.userId, at });
        await auditAttendance(trx, ctx, e, meetingId, 'attendance.updated', ['status']);
        await draftClaimsForMeeting(trx, meetingId, principal.userId);
        return;
      }
      const userId = e?.userId ?? null;
      const id = await q.insertAttendance(trx, {
        meetingId, invitationId: e?.invitationId ?? null, userId, personId: userId == null ? person.id : (e?.personId ?? null), walkInName: null, role, status: 'present', recordedBy: principal.userId, at,
      });
      await audit(trx, auditContext(ctx), { action: 'attendance.walk_in_added', entityType: 'person', entityId: person.id, subjectUserId: person.user_id, details: { meetingId, attendanceId: id } });
      await draftClaimsForMeeting(trx, meetingId, principal.userId);
    });
    return nameFor(principal, { ...person, person_unit_path: unitPath });
  }
  const errors: FieldError[] = [];
  if (!input.walkInName) errors.push({ field: 'walkInName', message: 'errors.minutes.walkInNameRequired' });
  if (!input.walkInRole) errors.push({ field: 'walkInRole', message: 'errors.minutes.roleRequired' });
  if (errors.length > 0) throw new ValidationError(errors);
  const name = input.walkInName as string;
  await ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertAttendance(trx, {
      meetingId, invitationId: null, userId: null, personId: null, walkInName: name, role: input.walkInRole as AttendanceRole, status: 'present', recordedBy: principal.userId, at,
    });
    await audit(trx, auditContext(ctx), { action: 'attendance.walk_in_added', entityType: 'attendance', entityId: id, details: { meetingId } });
  });
  return name;
}

// ---- Minutes

/**
 * May this reader see these minutes (see the top of this file)? The reader already sees the series
 * (meetingAccess 'view'). For the meeting page, to show the minutes link only to those it opens for.
 */
export function mayReadMinutes(access: Pick<SeriesAccess, 'canManage'>, meeting: { minutes_status: string; minutes_published: string }): boolean {
  if (access.canManage) return true;
  return meeting.minutes_status === 'approved' && (meeting.minutes_published === 'members' || meeting.minutes_published === 'public');
}

const paragraphs = (text: string | null): string[] => (text ?? '').split(/\n\s*\n|\r\n\s*\r\n/).map((p) => p.trim()).filter(Boolean);

/** Everything the minutes show, for a page, the large-print copy, the public page or the document. */
async function minutesView(ctx: ServiceContext, meeting: MeetingAccess['meeting'], series: { id: number; name: string }, unitName: string, publicCopy: boolean) {
  const [items, rows, actions, venue, approvedIn] = await Promise.all([
    q.agendaItems(ctx.db, meeting.id),
    q.attendanceOf(ctx.db, meeting.id),
    q.actionsOfMeeting(ctx.db, meeting.id),
    q.venueName(ctx.db, meeting.venue_id),
    meeting.minutes_approved_in ? q.meetingBrief(ctx.db, meeting.minutes_approved_in) : undefined,
  ]);
  const named = (status: AttendanceStatus) => {
    const names = rows.filter((r) => r.status === status).map((r) => minutesName(r, r.walk_in_name, publicCopy));
    return { names: names.filter((n): n is string => n != null).sort((a, b) => a.localeCompare(b, 'en-GB')), unnamed: names.filter((n) => n == null).length };
  };
  const today = londonDate();
  const actionViews = actions.map((a) => ({
    description: a.description,
    // As in the attendance: as the owner asked, for every reader of the minutes.
    owner: a.owner_user_id == null && a.owner_person_id == null ? t('minutes.actions.noOwner') : (minutesName(a, null, publicCopy) ?? t('minutes.notNamed')),
    dueOn: dayText(a.due_on),
    status: a.status,
    statusName: t(`minutes.actionStatuses.${a.status}`),
    overdue: isOverdue(a, today),
    itemTitle: a.item_title,
    id: a.id,
  }));
  return {
    meeting: {
      id: meeting.id,
      title: meeting.title ?? series.name,
      seriesName: series.name,
      unitName,
      day: meetingDay(meeting.starts_at),
      time: t('minutes.read.time', { from: londonTimeText(meeting.starts_at), to: londonTimeText(meeting.ends_at) }),
      venue,
      cancelled: meeting.status === 'cancelled',
    },
    written: meeting.minutes_status !== 'none',
    isDraft: meeting.minutes_status !== 'approved',
    approvedIn: approvedIn ? meetingLabel(approvedIn, series.name) : null,
    approvedAt: meeting.minutes_approved_at,
    publication: meeting.minutes_published,
    attendance: { taken: rows.length > 0, ...countsByRole(rows), present: named('present'), apologies: named('apologies') },
    items: items.map((i) => ({ id: i.id, position: i.position, title: i.title, notes: paragraphs(i.notes), decisions: paragraphs(i.decisions) })),
    actions: actionViews,
  };
}

export type MinutesView = Awaited<ReturnType<typeof minutesView>>;

/** The minutes page (GET /meetings/:id/minutes) for those who may read them; 404 otherwise. */
export async function readMinutes(ctx: ServiceContext, meetingId: number) {
  const access = await meetingAccess(ctx, meetingId, 'view');
  if (!mayReadMinutes(access, access.meeting)) throw new NotFoundError();
  const view = await minutesView(ctx, access.meeting, access.series, access.unit.name, false);
  const later = access.canManage ? await q.laterMeetings(ctx.db, access.series.id, access.meeting.starts_at, LATER_MEETINGS_MAX) : [];
  return {
    ...heading(access),
    minutes: view,
    canManage: access.canManage,
    laterMeetings: later.map((m) => ({ id: m.id, label: meetingLabel(m, access.series.name), held: m.starts_at <= nowIso() })),
  };
}

/** Approved minutes published to everyone, for anyone (no sign-in): GET /minutes/:id. Otherwise 404. */
export async function publicMinutes(ctx: ServiceContext, meetingId: number) {
  if (!isRecordId(meetingId)) throw new NotFoundError();
  const meeting = await q.publicMinutesMeeting(ctx.db, meetingId);
  if (!meeting) throw new NotFoundError();
  const { series_name: seriesName, unit_name: unitName, ...row } = meeting;
  return minutesView(ctx, row, { id: row.series_id, name: seriesName }, unitName, true);
}

/**
 * The minutes as a whole standalone HTML document in large print (18pt, high contrast), to send
 * with a message or print: the same reading rule as the page. Marked "Draft" until approved.
 */
export async function minutesDocument(ctx: ServiceContext, meetingId: number): Promise<string> {
  const access = await meetingAccess(ctx, meetingId, 'view');
  if (!mayReadMinutes(access, access.meeting)) throw new NotFoundError();
  const minutes = await minutesView(ctx, access.meeting, access.series, access.unit.name, false);
  return renderDocument('minutes/views/document.njk', { minutes, pageTitle: t('minutes.document.title', { meeting: meetingLabel(access.meeting, access.series.name) }) });
}

/** For the large-print page: the same as reading the minutes. */
export async function largePrintMinutes(ctx: ServiceContext, meetingId: number) {
  const access = await meetingAccess(ctx, meetingId, 'view');
  if (!mayReadMinutes(access, access.meeting)) throw new NotFoundError();
  return { ...heading(access), minutes: await minutesView(ctx, access.meeting, access.series, access.unit.name, false) };
}

/** The minutes form: notes and decisions for each agenda item, and the meeting's actions. */
export async function minutesForEdit(ctx: ServiceContext, meetingId: number) {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const [items, actions] = await Promise.all([q.agendaItems(ctx.db, meetingId), q.actionsOfMeeting(ctx.db, meetingId)]);
  const today = londonDate();
  return {
    ...heading(access),
    items,
    actions: actions.map((a) => ({ ...a, ownerName: ownerName(ctx.principal, a), dueText: dayText(a.due_on), overdue: isOverdue(a, today) })),
    ownerChoices: await ownerChoices(ctx, access.series.id, meetingId),
    values: Object.fromEntries(items.flatMap((i) => [[`notes-${i.id}`, i.notes], [`decisions-${i.id}`, i.decisions]])),
  };
}

/**
 * Saves the notes and decisions of every agenda item, and makes the minutes a draft. Approved
 * minutes that are changed become a draft again, unpublished, to be approved again.
 */
export async function saveMinutes(ctx: ServiceContext, meetingId: number, raw: Record<string, unknown>): Promise<void> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const items = await q.agendaItems(ctx.db, meetingId);
  const text = optionalText(NOTES_MAX, 'errors.minutes.notesTooLong');
  const errors: FieldError[] = [];
  const values = items.map((i) => {
    const read = (field: string) => {
      const r = text.safeParse(raw[`${field}-${i.id}`]);
      if (!r.success) errors.push({ field: `${field}-${i.id}`, message: r.error.issues[0]?.message ?? 'errors.minutes.notesTooLong' });
      return r.success ? (r.data ?? null) : null;
    };
    return { id: i.id, notes: read('notes'), decisions: read('decisions') };
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const wasApproved = access.meeting.minutes_status === 'approved';
  const at = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    for (const v of values) await q.saveItemMinutes(trx, meetingId, v.id, { notes: v.notes, decisions: v.decisions });
    await q.setMinutesState(
      trx,
      meetingId,
      wasApproved ? { minutes_status: 'draft', minutes_approved_at: null, minutes_approved_in: null, minutes_published: 'none' } : { minutes_status: 'draft' },
      at,
    );
    await audit(trx, auditContext(ctx), { action: 'minutes.saved', entityType: 'meeting', entityId: meetingId, details: { items: values.length, wasApproved } });
  });
}

/** Records that the minutes were approved at a later meeting of the same series that has taken place. */
export async function approveMinutes(ctx: ServiceContext, meetingId: number, raw: unknown): Promise<void> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const input = parse(approveSchema, raw);
  const meeting = access.meeting;
  if (meeting.minutes_status === 'none') throw ValidationError.one('approvedIn', 'errors.minutes.notWritten');
  if (meeting.minutes_status === 'approved') throw ValidationError.one('approvedIn', 'errors.minutes.alreadyApproved');
  const later = await q.meetingBrief(ctx.db, input.approvedIn);
  if (!later || later.series_id !== meeting.series_id || later.starts_at <= meeting.starts_at || later.status !== 'scheduled') {
    throw ValidationError.one('approvedIn', 'errors.minutes.approvedInInvalid');
  }
  const at = nowIso();
  if (later.starts_at > at) throw ValidationError.one('approvedIn', 'errors.minutes.approvedInFuture');
  await ctx.db.transaction().execute(async (trx) => {
    await q.setMinutesState(trx, meetingId, { minutes_status: 'approved', minutes_approved_at: at, minutes_approved_in: later.id }, at);
    await audit(trx, auditContext(ctx), { action: 'minutes.approved', entityType: 'meeting', entityId: meetingId, details: { approvedIn: later.id } });
  });
}

/** Who may read the approved minutes: nobody else, the series members, or everyone. */
export async function publishMinutes(ctx: ServiceContext, meetingId: number, raw: unknown): Promise<'none' | 'members' | 'public'> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const { publication } = parse(publishSchema, raw);
  if (publication !== 'none' && access.meeting.minutes_status !== 'approved') throw ValidationError.one('publication', 'errors.minutes.approveFirst');
  if (publication === access.meeting.minutes_published) return publication;
  await ctx.db.transaction().execute(async (trx) => {
    await q.setPublication(trx, meetingId, publication, nowIso());
    await audit(trx, auditContext(ctx), { action: 'minutes.published', entityType: 'meeting', entityId: meetingId, details: { publication } });
  });
  return publication;
}

// ---- Actions

interface OwnerChoice {
  value: string;
  text: string;
  userId: number | null;
  personId: number | null;
}

/**
 * Who may own an action: the series members and the meeting's invitees and attendees who are staff
 * users or people in the register (not walk-ins without a record), and the user choosing.
 */
async function ownerChoices(ctx: ServiceContext, seriesId: number, meetingId: number | null): Promise<OwnerChoice[]> {
  const principal = requireSignedIn(ctx.principal);
  const entries = meetingId != null ? await entriesFor(ctx.db, meetingId, seriesId) : await memberEntries(ctx, seriesId);
  const choices: OwnerChoice[] = entries
    .filter((e) => (e.userId != null || e.personId != null || e.who.p_id != null) && !e.who.erased_at)
    .map((e) => {
      const personId = e.personId ?? e.who.p_id;
      // The register entry when there is one (erasure then clears the owner), else the account.
      return { value: personId != null ? `p${personId}` : `u${e.userId}`, text: workingName(principal, e.who, null), userId: personId != null ? null : e.userId, personId };
    });
  if (!entries.some((e) => e.userId === principal.userId)) {
    const own = await q.personIdOfUser(ctx.db, principal.userId);
    if (own == null) choices.push({ value: `u${principal.userId}`, text: principal.name, userId: principal.userId, personId: null });
    else if (!choices.some((c) => c.personId === own)) choices.push({ value: `p${own}`, text: principal.name, userId: null, personId: own });
  }
  return choices.sort((a, b) => a.text.localeCompare(b.text, 'en-GB')).slice(0, OWNER_CHOICES_MAX);
}

async function memberEntries(ctx: ServiceContext, seriesId: number): Promise<Entry[]> {
  const members = await q.membersOf(ctx.db, seriesId);
  return members.map((m) => ({
    key: keyOf(m) ?? `m${m.id}`, userId: m.user_id, personId: m.person_id, attendanceId: null, invitationId: null, who: m, walkInName: null, rsvp: null,
    invited: false, member: true, recorded: null, status: 'absent' as const, role: defaultRole(m),
  }));
}

function chosenOwner(choices: OwnerChoice[], value: string, current?: { owner_user_id: number | null; owner_person_id: number | null }): { userId: number | null; personId: number | null } {
  const choice = choices.find((c) => c.value === value);
  if (choice) return { userId: choice.userId, personId: choice.personId };
  // The owner it already has may stay, even if they have since left the series.
  if (current && value === (current.owner_person_id != null ? `p${current.owner_person_id}` : `u${current.owner_user_id}`)) {
    return { userId: current.owner_person_id != null ? null : current.owner_user_id, personId: current.owner_person_id };
  }
  throw ValidationError.one('owner', 'errors.minutes.ownerRequired');
}

export async function actionFormChoices(ctx: ServiceContext, meetingId: number) {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  return { ownerChoices: await ownerChoices(ctx, access.series.id, meetingId), items: await q.agendaItems(ctx.db, meetingId) };
}

/** Adds an action from the minutes. Audited. */
export async function createAction(ctx: ServiceContext, meetingId: number, raw: unknown): Promise<number> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const principal = requireSignedIn(ctx.principal);
  const input = parse(actionSchema, raw);
  const [choices, items] = await Promise.all([ownerChoices(ctx, access.series.id, meetingId), q.agendaItems(ctx.db, meetingId)]);
  const owner = chosenOwner(choices, input.owner);
  if (input.agendaItemId != null && !items.some((i) => i.id === input.agendaItemId)) throw ValidationError.one('agendaItemId', 'errors.minutes.agendaItemInvalid');
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertAction(trx, {
      seriesId: access.series.id, meetingId, agendaItemId: input.agendaItemId ?? null, description: input.description,
      ownerUserId: owner.userId, ownerPersonId: owner.personId, dueOn: input.dueOn, createdBy: principal.userId, at: nowIso(),
    });
    await audit(trx, auditContext(ctx), { action: 'meeting_action.created', entityType: 'meeting_action', entityId: id, subjectUserId: owner.userId, details: { seriesId: access.series.id, meetingId, ownerPersonId: owner.personId } });
    return id;
  });
}

async function actionAccess(ctx: ServiceContext, actionId: number) {
  const principal = requireSignedIn(ctx.principal);
  if (!isRecordId(actionId)) throw new NotFoundError();
  const action = await q.actionById(ctx.db, actionId);
  if (!action) throw new NotFoundError();
  const access = await seriesAccess(ctx, action.series_id, 'view');
  const personId = await q.personIdOfUser(ctx.db, principal.userId);
  const isOwner = action.owner_user_id === principal.userId || (personId != null && action.owner_person_id === personId);
  if (!access.canManage && !isOwner) throw new NotFoundError();
  return { action, access, isOwner };
}

/** An action's page: everything for those who run the series; its status for its owner. */
export async function actionForEdit(ctx: ServiceContext, actionId: number) {
  const { action, access, isOwner } = await actionAccess(ctx, actionId);
  const choices = access.canManage ? await ownerChoices(ctx, action.series_id, action.meeting_id) : [];
  const current = action.owner_person_id != null ? `p${action.owner_person_id}` : action.owner_user_id != null ? `u${action.owner_user_id}` : '';
  // The owner it has stays choosable even if they have since left the series.
  if (current && !choices.some((c) => c.value === current) && access.canManage) {
    choices.unshift({ value: current, text: ownerName(ctx.principal, action), userId: action.owner_person_id != null ? null : action.owner_user_id, personId: action.owner_person_id });
  }
  return {
    action: { ...action, ownerName: ownerName(ctx.principal, action), dueText: dayText(action.due_on), overdue: isOverdue(action, londonDate()) },
    series: access.series,
    canManage: access.canManage,
    isOwner,
    ownerChoices: choices,
    values: { description: action.description, owner: current, dueOn: action.due_on, status: action.status },
  };
}

/** Changes an action (its status only, for an owner who does not run the series). Done records when. Audited. */
export async function updateActionDetails(ctx: ServiceContext, actionId: number, raw: unknown): Promise<{ seriesId: number }> {
  const { action, access } = await actionAccess(ctx, actionId);
  const set: Parameters<typeof q.updateAction>[2] = {};
  let status: ActionStatus;
  if (access.canManage) {
    const input = parse(actionUpdateSchema, raw);
    const owner = chosenOwner(await ownerChoices(ctx, action.series_id, action.meeting_id), input.owner, action);
    if (input.description !== action.description) set.description = input.description;
    if (owner.userId !== action.owner_user_id || owner.personId !== action.owner_person_id) Object.assign(set, { owner_user_id: owner.userId, owner_person_id: owner.personId });
    if (input.dueOn !== action.due_on) set.due_on = input.dueOn;
    status = input.status;
  } else {
    status = parse(actionStatusSchema, raw).status;
  }
  if (status !== action.status) {
    set.status = status;
    set.completed_at = status === 'done' ? nowIso() : null;
  }
  const changed = Object.keys(set).filter((k) => k !== 'completed_at' && k !== 'owner_person_id').map((k) => (k === 'owner_user_id' ? 'owner' : k));
  if (changed.length > 0) {
    await ctx.db.transaction().execute(async (trx) => {
      await q.updateAction(trx, actionId, set, nowIso());
      await audit(trx, auditContext(ctx), { action: 'meeting_action.updated', entityType: 'meeting_action', entityId: actionId, details: { seriesId: action.series_id, changed } });
    });
  }
  return { seriesId: action.series_id };
}

// ---- The action log

export interface LogQuery {
  seriesId?: number;
  unitId?: number;
  status?: ActionStatus;
  show?: 'open' | 'overdue';
  after?: string;
}

/** Reads the log's filters from the query string; a value that makes no sense is left out. */
export function parseLogQuery(raw: Record<string, unknown>): LogQuery {
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(logFilterFields)) {
    const r = schema.safeParse(raw[k]);
    if (r.success) out[k] = r.data;
  }
  return out as LogQuery;
}

function cursorOf(after: string | undefined): { due: string; id: number } | undefined {
  if (!after) return undefined;
  const [due, id] = after.split('.') as [string, string];
  return { due: due === 'none' ? '9999-12-31' : due, id: Number(id) };
}

/** Who may open an action's page: those who run its series, and its owner. */
function opener(principal: Principal, scope: q.LogScope, chaired: readonly number[]) {
  return (a: q.ActionRow): boolean =>
    chaired.includes(a.series_id) ||
    can(principal, 'meetings:manage', { path: a.unit_path }) ||
    a.owner_user_id === scope.userId ||
    (scope.personId != null && a.owner_person_id === scope.personId);
}

async function logPage(ctx: ServiceContext, scope: q.LogScope, filter: LogQuery, canOpen: (a: q.ActionRow) => boolean, seriesId?: number) {
  const today = londonDate();
  let unitPath: string | undefined;
  if (filter.unitId != null) {
    const unit = await unitById(ctx.db, filter.unitId);
    // A unit that does not exist matches nothing rather than everything.
    unitPath = unit?.path ?? '\u0001';
  }
  const rows = await q.actionLog(ctx.db, scope, {
    seriesId: seriesId ?? filter.seriesId, unitPath, status: filter.status, show: filter.show, today, after: cursorOf(filter.after), limit: PAGE_SIZE + 1,
  });
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    today,
    actions: page.map((a) => ({
      ...a,
      ownerName: ownerName(ctx.principal, a),
      dueText: dayText(a.due_on),
      statusName: t(`minutes.actionStatuses.${a.status}`),
      overdue: isOverdue(a, today),
      daysOverdue: isOverdue(a, today) && a.due_on ? Math.round((Date.parse(today) - Date.parse(a.due_on)) / 86_400_000) : 0,
      meetingLabel: a.meeting_starts_at ? meetingLabel({ title: a.meeting_title, starts_at: a.meeting_starts_at }, a.series_name) : null,
      canOpen: canOpen(a),
    })),
    next: rows.length > PAGE_SIZE && last ? `${last.due_on ?? 'none'}.${last.id}` : null,
  };
}

/** The action log across every series the user sees (GET /meetings/actions). */
export async function actionLog(ctx: ServiceContext, filter: LogQuery) {
  const principal = requireSignedIn(ctx.principal);
  const [{ prefixes, memberOf }, memberships, personId] = await Promise.all([seriesScope(ctx), q.membershipsOf(ctx.db, principal.userId), q.personIdOfUser(ctx.db, principal.userId)]);
  const chaired = [...new Set(memberships.filter((m) => CHAIRS.has(m.role)).map((m) => m.series_id))];
  const scope: q.LogScope = { prefixes, allOf: chaired, ownOf: memberOf.filter((id) => !chaired.includes(id)), userId: principal.userId, personId };
  const [page, series, units] = await Promise.all([
    logPage(ctx, scope, filter, opener(principal, scope, chaired)),
    q.seriesChoices(ctx.db, prefixes, memberOf, 500),
    prefixes.length ? unitsUnder(ctx.db, prefixes) : Promise.resolve([]),
  ]);
  return { ...page, seriesList: series, units };
}

/** The action log of one series (GET /meetings/series/:id/actions). */
export async function seriesActionLog(ctx: ServiceContext, seriesId: number, filter: LogQuery) {
  const principal = requireSignedIn(ctx.principal);
  const access = await seriesAccess(ctx, seriesId, 'view');
  const personId = await q.personIdOfUser(ctx.db, principal.userId);
  const seesAll = access.staff || access.canManage;
  const scope: q.LogScope = { prefixes: [], allOf: seesAll ? [seriesId] : [], ownOf: seesAll ? [] : [seriesId], userId: principal.userId, personId };
  const opens = opener(principal, scope, access.canManage ? [seriesId] : []);
  const page = await logPage(ctx, scope, { ...filter, seriesId: undefined, unitId: undefined }, opens, seriesId);
  return { ...page, series: access.series, unit: access.unit, seesAll };
}

export { ACTION_STATUSES, ATTENDANCE_ROLES, ATTENDANCE_STATUSES };
