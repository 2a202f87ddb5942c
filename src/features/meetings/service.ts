import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, isUniqueViolation, nowIso } from '../../platform/db/index.ts';
import { VENUE_FEATURES, type AgendaKind, type OrgUnit, type Venue, type VenueFeature } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { readFile, storeFile } from '../../platform/files/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths } from '../../platform/rbac/index.ts';
import { renderDocument } from '../../platform/views/index.ts';
import { chosenPerson, nameFor, personHref, personPicker } from '../groups/service.ts';
import { latestChart } from '../measures/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { listProjects, projectAccess } from '../projects/service.ts';
import { meetingAccess, seriesAccess, seriesScope, type MeetingAccess, type SeriesAccess } from './access.ts';
import { addMinutes, isMonth, isRealDate, londonDayText, londonMonthRange, londonParts, londonShortDay, londonTimeText, londonToUtc, parseTime } from './london-time.ts';
import * as q from './queries.ts';
import {
  addMemberSchema,
  agendaItemSchema,
  changeRoleSchema,
  FILENAME_MAX,
  meetingSchema,
  moveSchema,
  PAPER_TYPES,
  searchSchema,
  seriesSchema,
  venueSchema,
  type ListQuery,
} from './schemas.ts';

/**
 * Meetings core: meeting series (a QI forum, a user group, a project team meeting) and their
 * members, venues with their accessibility, meetings, agendas with project slots, and papers.
 * Who may see and run a series is decided in access.ts, re-exported here: other features
 * (invitations, minutes, insights) import from this file only.
 */

export { meetingAccess, seriesAccess, seriesScope } from './access.ts';
export type { MeetingAccess, SeriesAccess } from './access.ts';
/** London wall-clock time ↔ UTC instants, for every feature that shows or takes a meeting's time. */
export { addMinutes, isMonth, londonDayText, londonMonth, londonMonthRange, londonParts, londonShortDay, londonTimeText, londonToUtc, monthText, parseTime } from './london-time.ts';
export { PAPER_MAX_BYTES, PAPER_TYPES } from './schemas.ts';
export type { MeetingRow, PaperRow, SeriesRow, VenueRow } from './queries.ts';

export const PAGE_SIZE = 25;
const SERIES_PAGE = 25;
const VENUE_PAGE = 50;
const SERIES_UPCOMING = 20;
const SERIES_PAST_PAGE = 20;
/** Most choices a select offers (staff, venues). */
const CHOICES_LIMIT = 300;
/** Up to this many projects in view, a form offers a plain select; above it, a search box. */
export const PROJECT_SELECT_LIMIT = 30;
const PROJECT_SEARCH_RESULTS = 50;
const VISITS_LIMIT = 100;

/** Validates after the permission check, so someone who may not act learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const fieldErrors = (result: z.ZodSafeParseResult<unknown>): FieldError[] => (result.success ? [] : ValidationError.fromZod(result.error).fields);

/** "2025-06-10T13:00:00.000Z_12": where a page of meetings in time order carries on from. */
export const cursorOf = (m: { starts_at: string; id: number }): string => `${m.starts_at}_${m.id}`;
function parseCursor(cursor: string | undefined): q.Cursor | undefined {
  if (!cursor) return undefined;
  const [startsAt, id] = cursor.split('_') as [string, string];
  return Number.isNaN(Date.parse(startsAt)) || !isRecordId(Number(id)) ? undefined : { startsAt, id: Number(id) };
}

// ---- Units

/** Units where the user may set up series and venues (meetings:manage): the unit choices on forms. */
export async function manageableUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'meetings:manage');
  return unitsUnder(ctx.db, scopePaths(principal, 'meetings:manage'));
}

/** A unit chosen on a form: it must exist, not be archived and be one the user runs meetings in. */
async function chosenUnit(ctx: ServiceContext, unitId: number): Promise<OrgUnit> {
  const unit = await unitById(ctx.db, unitId);
  if (!unit || unit.archived_at || !can(ctx.principal, 'meetings:manage', unit)) throw ValidationError.one('unitId', 'errors.meetings.unitRequired');
  return unit;
}

/** Units as select options, indented by depth so the tree shows. */
export function unitItems(units: OrgUnit[], selected: unknown, emptyText: string) {
  const minDepth = Math.min(...units.map((u) => u.path.split('/').length));
  return [
    { value: '', text: emptyText },
    ...units.map((u) => ({ value: String(u.id), text: `${'– '.repeat(u.path.split('/').length - minDepth)}${u.name}`, selected: String(selected ?? '') === String(u.id) })),
  ];
}

// ---- The meetings page

/**
 * The meetings page: meetings of the series the user sees (not over yet, or those starting in one
 * London month, past included), and the series themselves, each a page at a time. A filter the
 * user may not use (a unit outside their units, a month that is not one) is dropped.
 */
export async function meetingsHome(ctx: ServiceContext, filter: ListQuery) {
  const principal = requireSignedIn(ctx.principal);
  const scope = await seriesScope(ctx);
  const units = await unitsUnder(ctx.db, scope.prefixes);
  const unit = filter.unitId ? units.find((u) => u.id === filter.unitId) : undefined;
  const month = filter.month && isMonth(filter.month) ? filter.month : undefined;
  const archived = filter.archived === 'yes';
  const now = nowIso();
  const rows = await q.listMeetings(ctx.db, {
    scope,
    unitPath: unit?.path,
    ...(month ? { range: londonMonthRange(month) } : { notEndedBy: now }),
    after: parseCursor(filter.after),
    limit: PAGE_SIZE + 1,
  });
  const meetings = rows.slice(0, PAGE_SIZE);
  const seriesRows = await q.listSeries(ctx.db, { scope, unitPath: unit?.path, archived, before: filter.seriesBefore, limit: SERIES_PAGE + 1, now });
  const series = seriesRows.slice(0, SERIES_PAGE);
  return {
    meetings,
    nextAfter: rows.length > PAGE_SIZE && meetings.length ? cursorOf(meetings[meetings.length - 1] as q.MeetingRow) : null,
    series,
    nextSeriesBefore: seriesRows.length > SERIES_PAGE ? (series[series.length - 1]?.id ?? null) : null,
    units,
    unit,
    month,
    archived,
    canCreate: can(principal, 'meetings:manage'),
    seesVenues: can(principal, 'meetings:view'),
  };
}

// ---- Projects: the picker on the series and agenda forms

/** A project the user has chosen: one they may see, or a validation error on the field. */
async function chosenProject(ctx: ServiceContext, projectId: number, field: string) {
  try {
    return (await projectAccess(ctx, projectId, 'view')).project;
  } catch (err) {
    if (err instanceof NotFoundError) throw ValidationError.one(field, 'errors.meetings.projectInvalid');
    throw err;
  }
}

/**
 * The "choose a project" part of a form: a select of the projects the user sees when they are few,
 * otherwise the results of a search (a separate GET form with `projectQ`) as radios. The project
 * already chosen is always offered.
 */
export async function projectPicker(ctx: ServiceContext, values: Record<string, unknown>, query?: unknown, keep?: number | null) {
  requireSignedIn(ctx.principal);
  const parsed = searchSchema.safeParse({ q: values.projectQ ?? query });
  const search = parsed.success ? parsed.data.q : undefined;
  const first = await listProjects(ctx, { limit: PROJECT_SELECT_LIMIT });
  const mode: 'select' | 'search' = first.nextBefore === null ? 'select' : 'search';
  let projects: { id: number; title: string; unit_name: string }[] = mode === 'select' ? first.projects : [];
  if (mode === 'search' && search) projects = (await listProjects(ctx, { q: search, limit: PROJECT_SEARCH_RESULTS })).projects;
  const selected = String(values.projectId ?? '');
  if (selected && isRecordId(Number(selected)) && !projects.some((p) => String(p.id) === selected)) {
    // Offered by name only when it is the one already chosen, or one the user may see.
    const shown = Number(selected) === keep ? await q.projectTitle(ctx.db, Number(selected)) : (await projectSummary(ctx, Number(selected)))?.href && (await q.projectTitle(ctx.db, Number(selected)));
    if (shown) projects = [{ id: Number(selected), title: shown, unit_name: '' }, ...projects];
  }
  return {
    projectMode: mode,
    projectSearch: search,
    projectSearched: search !== undefined,
    projectSelectItems: [
      { value: '', text: t('meetings.projectPicker.none') },
      ...projects.map((p) => ({ value: String(p.id), text: p.unit_name ? `${p.title} (${p.unit_name})` : p.title, selected: selected === String(p.id) })),
    ],
    projectRadioItems: projects.map((p) => ({ value: String(p.id), text: p.title, hint: p.unit_name ? { text: p.unit_name } : undefined, checked: selected === String(p.id) })),
  };
}

// ---- Venues

export const venueFeatures = (v: Pick<Venue, VenueFeature>): VenueFeature[] => VENUE_FEATURES.filter((f) => v[f] === 1);

async function venueInScope(ctx: ServiceContext, id: number, permission: 'meetings:view' | 'meetings:manage'): Promise<q.VenueRow> {
  requireSignedIn(ctx.principal);
  const venue = isRecordId(id) ? await q.venueWithUnit(ctx.db, id) : undefined;
  requireInScope(ctx.principal, permission, venue ? { path: venue.unit_path } : undefined);
  return venue as q.VenueRow;
}

/** Venues of the units where the user sees meetings, newest first, a page at a time. */
export async function listVenues(ctx: ServiceContext, opts: { archived?: boolean; before?: number }) {
  const principal = requirePermission(ctx.principal, 'meetings:view');
  const rows = await q.listVenues(ctx.db, { prefixes: scopePaths(principal, 'meetings:view'), archived: opts.archived ?? false, before: opts.before, limit: VENUE_PAGE + 1 });
  const venues = rows.slice(0, VENUE_PAGE).map((v) => ({ ...v, features: venueFeatures(v), canManage: can(principal, 'meetings:manage', { path: v.unit_path }) }));
  return { venues, nextBefore: rows.length > VENUE_PAGE ? (venues[venues.length - 1]?.id ?? null) : null, canCreate: can(principal, 'meetings:manage') };
}

export async function venueForEdit(ctx: ServiceContext, id: number): Promise<q.VenueRow & { features: VenueFeature[] }> {
  const venue = await venueInScope(ctx, id, 'meetings:manage');
  return { ...venue, features: venueFeatures(venue) };
}

function venueValues(input: z.infer<typeof venueSchema>): q.VenueValues {
  const flag = (f: VenueFeature) => (input.features.includes(f) ? 1 : 0);
  return {
    unit_id: input.unitId,
    name: input.name,
    address: input.address ?? null,
    step_free: flag('step_free'),
    hearing_loop: flag('hearing_loop'),
    parking: flag('parking'),
    public_transport: flag('public_transport'),
    quiet_room: flag('quiet_room'),
    notes: input.notes ?? null,
  };
}

export async function createVenue(ctx: ServiceContext, raw: unknown): Promise<number> {
  requirePermission(ctx.principal, 'meetings:manage');
  const input = parse(venueSchema, raw);
  await chosenUnit(ctx, input.unitId);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertVenue(trx, venueValues(input), nowIso());
    await audit(trx, auditContext(ctx), { action: 'venue.created', entityType: 'venue', entityId: id, details: { unitId: input.unitId } });
    return id;
  });
}

export async function updateVenue(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const venue = await venueInScope(ctx, id, 'meetings:manage');
  const input = parse(venueSchema, raw);
  if (input.unitId !== venue.unit_id) await chosenUnit(ctx, input.unitId);
  const v = venueValues(input);
  const changed = (Object.keys(v) as (keyof q.VenueValues)[]).filter((k) => v[k] !== venue[k]);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateVenue(trx, id, v);
    await audit(trx, auditContext(ctx), { action: 'venue.updated', entityType: 'venue', entityId: id, details: { changed } });
  });
}

/** Archives a venue (or brings it back): it is no longer offered for new meetings; past meetings keep it. */
export async function setVenueArchived(ctx: ServiceContext, id: number, archived: boolean): Promise<void> {
  const venue = await venueInScope(ctx, id, 'meetings:manage');
  if ((venue.archived_at != null) === archived) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.setVenueArchived(trx, id, archived ? nowIso() : null);
    await audit(trx, auditContext(ctx), { action: archived ? 'venue.archived' : 'venue.restored', entityType: 'venue', entityId: id });
  });
}

/** The venues a series in these units may use, for a select; the one already chosen is always offered. */
async function venueItems(ctx: ServiceContext, unitPaths: string[], selected: unknown, keep?: number | null) {
  const venues = await q.venueChoices(ctx.db, unitPaths, CHOICES_LIMIT);
  if (keep && !venues.some((v) => v.id === keep)) {
    const kept = await q.venueWithUnit(ctx.db, keep);
    if (kept) venues.unshift(kept);
  }
  return [
    { value: '', text: t('meetings.venues.noVenue') },
    ...venues.map((v) => ({ value: String(v.id), text: `${v.name} (${v.unit_name})`, selected: String(selected ?? '') === String(v.id) })),
  ];
}

/** A venue chosen for a series or meeting in this unit: active, in the unit's branch (or the one it already had). */
async function chosenVenue(ctx: ServiceContext, venueId: number, unitPath: string, field: string, keep?: number | null): Promise<number> {
  if (venueId === keep) return venueId;
  const venues = await q.venueChoices(ctx.db, [unitPath], CHOICES_LIMIT);
  if (!venues.some((v) => v.id === venueId)) throw ValidationError.one(field, 'errors.meetings.venueInvalid');
  return venueId;
}

// ---- Series

/** What the series form offers: units (the user's, plus the series' own), venues and projects. */
export async function seriesForm(ctx: ServiceContext, values: Record<string, unknown>, opts: { seriesId?: number; projectQuery?: unknown } = {}) {
  const principal = requireSignedIn(ctx.principal);
  let units: OrgUnit[];
  let keepVenue: number | null = null;
  let keepProject: number | null = null;
  if (opts.seriesId !== undefined) {
    const access = await seriesAccess(ctx, opts.seriesId, 'manage');
    const mine = await unitsUnder(ctx.db, scopePaths(principal, 'meetings:manage'));
    units = mine.some((u) => u.id === access.unit.id) ? mine : [access.unit, ...mine];
    keepVenue = access.series.usual_venue_id;
    keepProject = access.series.project_id;
  } else {
    units = await manageableUnits(ctx);
  }
  return {
    unitItems: unitItems(units, values.unitId, t('meetings.seriesForm.chooseUnit')),
    venueItems: await venueItems(ctx, units.map((u) => u.path), values.usualVenueId, keepVenue),
    ...(await projectPicker(ctx, values, opts.projectQuery, keepProject)),
  };
}

/**
 * Runs the checks zod cannot make (each throwing a ValidationError on its field) alongside the
 * schema's, so every problem is named at once, in the order of the form's fields.
 */
async function parseAll<S extends z.ZodType>(schema: S, raw: unknown, order: string[], checks: (data: Partial<Record<string, unknown>>) => ((() => Promise<unknown>) | undefined)[]): Promise<z.infer<S>> {
  const result = schema.safeParse(raw);
  const errors = fieldErrors(result);
  const given = (result.success ? result.data : (raw ?? {})) as Partial<Record<string, unknown>>;
  for (const check of checks(given)) {
    try {
      // One at a time: a check is started only when the one before has settled.
      if (check) await check();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const e of err.fields) if (!errors.some((x) => x.field === e.field)) errors.push(e);
    }
  }
  if (errors.length || !result.success) throw new ValidationError(errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)));
  return result.data;
}

const SERIES_FIELDS = ['unitId', 'name', 'kind', 'purpose', 'cadence', 'usualVenueId', 'projectId'];
const asId = (v: unknown): number | undefined => (isRecordId(Number(v)) ? Number(v) : undefined);

export async function createSeries(ctx: ServiceContext, raw: unknown): Promise<number> {
  const principal = requirePermission(ctx.principal, 'meetings:manage');
  const input = await parseAll(seriesSchema, raw, SERIES_FIELDS, (v) => {
    const unitId = asId(v.unitId);
    const venueId = asId(v.usualVenueId);
    const projectId = asId(v.projectId);
    return [
      unitId ? async () => (venueId ? chosenVenue(ctx, venueId, (await chosenUnit(ctx, unitId)).path, 'usualVenueId') : chosenUnit(ctx, unitId)) : undefined,
      projectId ? () => chosenProject(ctx, projectId, 'projectId') : undefined,
    ];
  });
  const unit = await chosenUnit(ctx, input.unitId);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertSeries(
      trx,
      { unit_id: unit.id, name: input.name, kind: input.kind, purpose: input.purpose ?? null, cadence: input.cadence ?? null, usual_venue_id: input.usualVenueId ?? null, project_id: input.projectId ?? null, created_by: principal.userId },
      nowIso(),
    );
    await audit(trx, auditContext(ctx), { action: 'meeting_series.created', entityType: 'meeting_series', entityId: id, details: { unitId: unit.id } });
    return id;
  });
}

/**
 * Changes a series. A chair who is not staff may change everything but move it to a unit they do
 * not run meetings in; a project or venue it already had stays allowed.
 */
export async function updateSeries(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const { series, unit } = await seriesAccess(ctx, id, 'manage');
  const targetOf = async (unitId: number) => (unitId === series.unit_id ? unit : chosenUnit(ctx, unitId));
  const input = await parseAll(seriesSchema, raw, SERIES_FIELDS, (v) => {
    const unitId = asId(v.unitId);
    const venueId = asId(v.usualVenueId);
    const projectId = asId(v.projectId);
    return [
      unitId ? async () => (venueId ? chosenVenue(ctx, venueId, (await targetOf(unitId)).path, 'usualVenueId', series.usual_venue_id) : targetOf(unitId)) : undefined,
      projectId && projectId !== series.project_id ? () => chosenProject(ctx, projectId, 'projectId') : undefined,
    ];
  });
  const target = await targetOf(input.unitId);
  const v = { unit_id: target.id, name: input.name, kind: input.kind, purpose: input.purpose ?? null, cadence: input.cadence ?? null, usual_venue_id: input.usualVenueId ?? null, project_id: input.projectId ?? null };
  const changed = (Object.keys(v) as (keyof typeof v)[]).filter((k) => v[k] !== series[k]);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateSeries(trx, id, v);
    await audit(trx, auditContext(ctx), { action: 'meeting_series.updated', entityType: 'meeting_series', entityId: id, details: { changed } });
  });
}

/** Archives a series (or brings it back): it leaves the lists; its meetings and history stay. */
export async function setSeriesArchived(ctx: ServiceContext, id: number, archived: boolean): Promise<void> {
  const { series } = await seriesAccess(ctx, id, 'manage');
  if ((series.archived_at != null) === archived) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.setSeriesArchived(trx, id, archived ? nowIso() : null);
    await audit(trx, auditContext(ctx), { action: archived ? 'meeting_series.archived' : 'meeting_series.restored', entityType: 'meeting_series', entityId: id });
  });
}

export interface SeriesMember extends q.MemberRow {
  name: string;
  href: string | undefined;
  isStaff: boolean;
}

function memberView(ctx: ServiceContext, m: q.MemberRow): SeriesMember {
  if (m.person_id !== null && m.full_name !== null) {
    const person = { full_name: m.full_name, preferred_name: m.preferred_name, anonymity: m.anonymity ?? 'full_name', erased_at: m.erased_at, person_unit_path: m.person_unit_path ?? '' };
    return { ...m, name: nameFor(ctx.principal, person), href: personHref(ctx.principal, m.person_id, person), isStaff: false };
  }
  return { ...m, name: m.user_name ?? t('meetings.members.unknown'), href: undefined, isStaff: true };
}

/** A project the series or an agenda item names: its title, and a link for those who may open it. */
async function projectSummary(ctx: ServiceContext, projectId: number | null): Promise<{ id: number; title: string; href: string | undefined } | null> {
  if (!projectId) return null;
  const title = await q.projectTitle(ctx.db, projectId);
  if (!title) return null;
  let href: string | undefined;
  try {
    await projectAccess(ctx, projectId, 'view');
    href = `/projects/${projectId}`;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  return { id: projectId, title, href };
}

/** The series page: details, members, meetings to come and past ones (a page at a time). */
export async function getSeries(ctx: ServiceContext, id: number, opts: { pastBefore?: string } = {}) {
  const access = await seriesAccess(ctx, id, 'view');
  const now = nowIso();
  const [members, upcoming, pastRows, venue, project] = await Promise.all([
    q.membersOf(ctx.db, id),
    q.meetingsOfSeries(ctx.db, id, { upcoming: true, now, limit: SERIES_UPCOMING }),
    q.meetingsOfSeries(ctx.db, id, { upcoming: false, now, before: parseCursor(opts.pastBefore), limit: SERIES_PAST_PAGE + 1 }),
    access.series.usual_venue_id ? q.venueById(ctx.db, access.series.usual_venue_id) : Promise.resolve(undefined),
    projectSummary(ctx, access.series.project_id),
  ]);
  const past = pastRows.slice(0, SERIES_PAST_PAGE);
  return {
    ...access,
    members: members.map((m) => memberView(ctx, m)),
    upcoming,
    past,
    nextPastBefore: pastRows.length > SERIES_PAST_PAGE && past.length ? cursorOf(past[past.length - 1] as q.MeetingRow) : null,
    venue: venue ? { ...venue, features: venueFeatures(venue) } : null,
    project,
  };
}

export async function seriesForEdit(ctx: ServiceContext, id: number): Promise<SeriesAccess> {
  return seriesAccess(ctx, id, 'manage');
}

// ---- Members

/** The add-member form: staff of the series' branch, and the register picker for those who see the register. */
export async function memberForm(ctx: ServiceContext, seriesId: number, values: Record<string, unknown>, query?: unknown) {
  const access = await seriesAccess(ctx, seriesId, 'manage');
  const staff = await q.staffChoices(ctx.db, access.unit.path, CHOICES_LIMIT);
  const seesRegister = can(ctx.principal, 'people:view');
  return {
    ...access,
    staffItems: [
      { value: '', text: t('meetings.members.chooseStaff') },
      ...staff.map((s) => ({ value: String(s.id), text: `${s.name} (${s.email})`, selected: String(values.userId ?? '') === String(s.id) })),
    ],
    seesRegister,
    ...(seesRegister ? await personPicker(ctx, values, query) : {}),
  };
}

export async function addMember(ctx: ServiceContext, seriesId: number, raw: unknown): Promise<number> {
  const { unit } = await seriesAccess(ctx, seriesId, 'manage');
  const input = parse(addMemberSchema, raw);
  let who: { userId: number; personId: null } | { userId: null; personId: number };
  if (input.userId) {
    if (!(await q.isStaffChoice(ctx.db, unit.path, input.userId))) throw ValidationError.one('userId', 'errors.meetings.userRequired');
    who = { userId: input.userId, personId: null };
  } else {
    const { person } = await chosenPerson(ctx, input.personId as number, 'personId', 'errors.meetings.personRequired');
    who = { userId: null, personId: person.id };
  }
  if (await q.existingMember(ctx.db, seriesId, { userId: who.userId ?? undefined, personId: who.personId ?? undefined })) {
    throw ValidationError.one(who.userId ? 'userId' : 'personId', 'errors.meetings.alreadyMember');
  }
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const id = await q.insertMember(trx, { seriesId, ...who, role: input.role }, nowIso());
      await audit(trx, auditContext(ctx), {
        action: 'series_member.added',
        ...memberEntity(who),
        details: { seriesId, memberId: id, role: input.role },
      });
      return id;
    });
  } catch (err) {
    // Added by someone else at the same moment (one membership per person per series, migration 012).
    if (isUniqueViolation(err)) throw ValidationError.one(who.userId ? 'userId' : 'personId', 'errors.meetings.alreadyMember');
    throw err;
  }
}

/** Audit rows about a member point at the person (register) or the user (staff). */
function memberEntity(m: { userId?: number | null; personId?: number | null; user_id?: number | null; person_id?: number | null }) {
  const personId = m.personId ?? m.person_id ?? null;
  const userId = m.userId ?? m.user_id ?? null;
  return personId ? { entityType: 'person', entityId: personId } : { entityType: 'user', entityId: userId, subjectUserId: userId };
}

async function memberInSeries(ctx: ServiceContext, seriesId: number, memberId: number) {
  const access = await seriesAccess(ctx, seriesId, 'manage');
  const member = isRecordId(memberId) ? await q.memberById(ctx.db, seriesId, memberId) : undefined;
  if (!member) throw new NotFoundError();
  return { ...access, member: memberView(ctx, member) };
}

export async function memberForEdit(ctx: ServiceContext, seriesId: number, memberId: number) {
  return memberInSeries(ctx, seriesId, memberId);
}

export async function changeMemberRole(ctx: ServiceContext, seriesId: number, memberId: number, raw: unknown): Promise<SeriesMember> {
  const { member } = await memberInSeries(ctx, seriesId, memberId);
  const input = parse(changeRoleSchema, raw);
  if (input.role !== member.role) {
    await ctx.db.transaction().execute(async (trx) => {
      await q.updateMemberRole(trx, member.id, input.role);
      await audit(trx, auditContext(ctx), { action: 'series_member.updated', ...memberEntity(member), details: { seriesId, memberId, changed: ['role'], role: input.role } });
    });
  }
  return member;
}

export async function removeMember(ctx: ServiceContext, seriesId: number, memberId: number): Promise<SeriesMember> {
  const { member } = await memberInSeries(ctx, seriesId, memberId);
  await ctx.db.transaction().execute(async (trx) => {
    await q.deleteMember(trx, member.id);
    await audit(trx, auditContext(ctx), { action: 'series_member.removed', ...memberEntity(member), details: { seriesId, memberId } });
  });
  return member;
}

// ---- Meetings

export interface MeetingDetails {
  id: number;
  /** The meeting's own title, or the series' name when it has none. */
  title: string;
  ownTitle: string | null;
  seriesId: number;
  seriesName: string;
  seriesKind: string;
  unitId: number;
  unitName: string;
  status: 'scheduled' | 'cancelled';
  /** UTC instants, ISO. */
  startsAt: string;
  endsAt: string;
  /** The same in London: date YYYY-MM-DD, times HH:MM, and in words ("Tuesday 10 June 2025", "14:00 to 16:00"). */
  london: { date: string; startTime: string; endTime: string; dayText: string; timeText: string };
  venue: { id: number; name: string; address: string | null; notes: string | null; features: VenueFeature[]; featureNames: string[] } | null;
  onlineUrl: string | null;
  capacity: number | null;
  canManage: boolean;
}

async function detailsOf(ctx: ServiceContext, access: MeetingAccess): Promise<MeetingDetails> {
  const { meeting, series, unit } = access;
  const venue = meeting.venue_id ? await q.venueById(ctx.db, meeting.venue_id) : undefined;
  const start = londonParts(meeting.starts_at);
  const end = londonParts(meeting.ends_at);
  const features = venue ? venueFeatures(venue) : [];
  return {
    id: meeting.id,
    title: meeting.title ?? series.name,
    ownTitle: meeting.title,
    seriesId: series.id,
    seriesName: series.name,
    seriesKind: series.kind,
    unitId: unit.id,
    unitName: unit.name,
    status: meeting.status,
    startsAt: meeting.starts_at,
    endsAt: meeting.ends_at,
    london: {
      date: start.date,
      startTime: start.time,
      endTime: end.time,
      dayText: londonDayText(meeting.starts_at),
      timeText: start.date === end.date ? t('meetings.time.range', { start: start.time, end: end.time }) : t('meetings.time.rangeDays', { start: start.time, end: `${londonDayText(meeting.ends_at)} ${end.time}` }),
    },
    venue: venue
      ? { id: venue.id, name: venue.name, address: venue.address, notes: venue.notes, features, featureNames: features.map((f) => t(`meetings.features.${f}.name`)) }
      : null,
    onlineUrl: meeting.online_url,
    capacity: meeting.capacity,
    canManage: access.canManage,
  };
}

/**
 * A meeting's details for another feature (invitations: the message, the calendar entry): its
 * series, its London date and times, its venue with the venue's accessibility. Needs view access.
 */
export async function meetingDetails(ctx: ServiceContext, meetingId: number): Promise<MeetingDetails> {
  return detailsOf(ctx, await meetingAccess(ctx, meetingId, 'view'));
}

/** A date typed in three boxes (day, month, year) as YYYY-MM-DD; undefined when all are empty, 'invalid' when not a date. */
export function dateFromParts(day: unknown, month: unknown, year: unknown): string | undefined {
  const parts = [day, month, year].map((v) => (typeof v === 'string' ? v.trim() : ''));
  if (parts.every((p) => p === '')) return undefined;
  const [d, m, y] = parts as [string, string, string];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** The form's values for a meeting: London date in three boxes and times as HH:MM. */
export function meetingFormValues(m: { title: string | null; starts_at: string; ends_at: string; venue_id: number | null; online_url: string | null; capacity: number | null }): Record<string, unknown> {
  const start = londonParts(m.starts_at);
  const [y, mo, d] = start.date.split('-');
  return {
    title: m.title,
    dateDay: String(Number(d)),
    dateMonth: String(Number(mo)),
    dateYear: y,
    startTime: start.time,
    endTime: londonParts(m.ends_at).time,
    venueId: m.venue_id ? String(m.venue_id) : undefined,
    onlineUrl: m.online_url,
    capacity: m.capacity ? String(m.capacity) : undefined,
  };
}

/** Checks every field of a meeting form at once; the errors come in the order of the fields. */
async function meetingValues(ctx: ServiceContext, raw: Record<string, unknown>, unitPath: string, keepVenue?: number | null): Promise<q.MeetingValues> {
  const base = meetingSchema.safeParse(raw);
  const errors = fieldErrors(base);
  const byField = new Map(errors.map((e) => [e.field, e]));
  const date = dateFromParts(raw.dateDay, raw.dateMonth, raw.dateYear);
  const timeErrors: FieldError[] = [];
  if (date === undefined) timeErrors.push({ field: 'date', message: 'errors.meetings.dateRequired' });
  else if (date === 'invalid' || !isRealDate(date) || date < '2000-01-01' || date > '2100-12-31') timeErrors.push({ field: 'date', message: 'errors.meetings.dateInvalid' });
  const start = typeof raw.startTime === 'string' ? parseTime(raw.startTime) : null;
  const end = typeof raw.endTime === 'string' ? parseTime(raw.endTime) : null;
  if (raw.startTime === undefined) timeErrors.push({ field: 'startTime', message: 'errors.meetings.startRequired' });
  else if (!start) timeErrors.push({ field: 'startTime', message: 'errors.meetings.timeInvalid' });
  if (raw.endTime === undefined) timeErrors.push({ field: 'endTime', message: 'errors.meetings.endRequired' });
  else if (!end) timeErrors.push({ field: 'endTime', message: 'errors.meetings.timeInvalid' });
  let startsAt: string | null = null;
  let endsAt: string | null = null;
  if (timeErrors.length === 0 && date && start && end) {
    startsAt = londonToUtc(date, start);
    endsAt = londonToUtc(date, end);
    if (!startsAt) timeErrors.push({ field: 'startTime', message: 'errors.meetings.timeSkipped' });
    if (!endsAt) timeErrors.push({ field: 'endTime', message: 'errors.meetings.timeSkipped' });
    if (startsAt && endsAt && endsAt <= startsAt) timeErrors.push({ field: 'endTime', message: 'errors.meetings.endBeforeStart' });
  }
  const venueId = base.success ? base.data.venueId : undefined;
  if (venueId) {
    try {
      await chosenVenue(ctx, venueId, unitPath, 'venueId', keepVenue);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      byField.set('venueId', err.fields[0] as FieldError);
    }
  }
  const order = ['title', 'date', 'startTime', 'endTime', 'venueId', 'onlineUrl', 'capacity'];
  const all = [...byField.values(), ...timeErrors].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
  if (all.length || !base.success || !startsAt || !endsAt) throw new ValidationError(all);
  return { title: base.data.title ?? null, starts_at: startsAt, ends_at: endsAt, venue_id: venueId ?? null, online_url: base.data.onlineUrl ?? null, capacity: base.data.capacity ?? null };
}

/** What the meeting form offers: the venues of the series' branch (the meeting's own venue is kept). */
export async function meetingForm(ctx: ServiceContext, ref: { seriesId: number } | { meetingId: number }, values: Record<string, unknown>) {
  const access = 'meetingId' in ref ? await meetingAccess(ctx, ref.meetingId, 'manage') : await seriesAccess(ctx, ref.seriesId, 'manage');
  const keep = 'meeting' in access ? (access as MeetingAccess).meeting.venue_id : access.series.usual_venue_id;
  return { ...access, venueItems: await venueItems(ctx, [access.unit.path], values.venueId, keep) };
}

export async function createMeeting(ctx: ServiceContext, seriesId: number, raw: Record<string, unknown>): Promise<number> {
  const { series, unit } = await seriesAccess(ctx, seriesId, 'manage');
  if (series.archived_at) throw new NotFoundError();
  const v = await meetingValues(ctx, raw, unit.path, series.usual_venue_id);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertMeeting(trx, series.id, v, nowIso());
    await audit(trx, auditContext(ctx), { action: 'meeting.created', entityType: 'meeting', entityId: id, details: { seriesId: series.id } });
    return id;
  });
}

export async function meetingForEdit(ctx: ServiceContext, meetingId: number): Promise<MeetingAccess> {
  return meetingAccess(ctx, meetingId, 'manage');
}

export async function updateMeeting(ctx: ServiceContext, meetingId: number, raw: Record<string, unknown>): Promise<void> {
  const { meeting, unit } = await meetingAccess(ctx, meetingId, 'manage');
  const v = await meetingValues(ctx, raw, unit.path, meeting.venue_id);
  const changed = (Object.keys(v) as (keyof q.MeetingValues)[]).filter((k) => v[k] !== meeting[k]);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateMeeting(trx, meeting.id, v, nowIso());
    await audit(trx, auditContext(ctx), { action: 'meeting.updated', entityType: 'meeting', entityId: meeting.id, details: { changed } });
  });
}

/** Cancels a meeting (or puts it back on): it stays in the lists, marked cancelled. */
export async function setMeetingCancelled(ctx: ServiceContext, meetingId: number, cancelled: boolean): Promise<void> {
  const { meeting } = await meetingAccess(ctx, meetingId, 'manage');
  if ((meeting.status === 'cancelled') === cancelled) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.setMeetingStatus(trx, meeting.id, cancelled ? 'cancelled' : 'scheduled', nowIso());
    await audit(trx, auditContext(ctx), { action: cancelled ? 'meeting.cancelled' : 'meeting.reinstated', entityType: 'meeting', entityId: meeting.id });
  });
}

// ---- Agenda

export interface AgendaEntry {
  id: number;
  number: number;
  title: string;
  kind: AgendaKind;
  kindName: string;
  presenter: string | null;
  durationMinutes: number | null;
  /** "10 minutes". */
  durationText: string | null;
  description: string | null;
  /** When the item starts (London, HH:MM), from the meeting's start and the durations before it; null once a duration is missing. */
  startTime: string | null;
  project: {
    id: number;
    title: string;
    href: string | undefined;
    focus: string | null;
    focusName: string | null;
    chart: Awaited<ReturnType<typeof latestChart>> | undefined;
  } | null;
  papers: q.PaperRow[];
  first: boolean;
  last: boolean;
}

/** The agenda: items in order with their start times, papers and (for a project slot) the project and its latest chart. */
async function agendaOf(ctx: ServiceContext, access: MeetingAccess, opts: { charts: boolean }): Promise<AgendaEntry[]> {
  const [items, papers] = await Promise.all([q.agendaOf(ctx.db, access.meeting.id), q.papersOf(ctx.db, access.meeting.id)]);
  const projects = new Map<number, { href: string | undefined; chart: Awaited<ReturnType<typeof latestChart>> | undefined }>();
  for (const projectId of new Set(items.flatMap((i) => (i.kind === 'project_slot' && i.project_id ? [i.project_id] : [])))) {
    try {
      // The chart is the project's: shown to those who may see the project, as on its own page.
      const chart = opts.charts ? await latestChart(ctx, projectId, `agenda-${access.meeting.id}-project-${projectId}-chart`) : undefined;
      if (!opts.charts) await projectAccess(ctx, projectId, 'view');
      projects.set(projectId, { href: `/projects/${projectId}`, chart });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      projects.set(projectId, { href: undefined, chart: undefined });
    }
  }
  let at: string | null = access.meeting.starts_at;
  return items.map((item, i) => {
    const startTime = at ? londonTimeText(at) : null;
    at = at && item.duration_minutes ? addMinutes(at, item.duration_minutes) : null;
    const seen = item.project_id ? projects.get(item.project_id) : undefined;
    return {
      id: item.id,
      number: i + 1,
      title: item.title,
      kind: item.kind,
      kindName: t(`meetings.agendaKinds.${item.kind}.name`),
      presenter: item.presenter,
      durationMinutes: item.duration_minutes,
      durationText: item.duration_minutes ? t('meetings.agenda.minutes', { count: item.duration_minutes }) : null,
      description: item.description,
      startTime,
      project:
        item.kind === 'project_slot' && item.project_id && item.project_title
          ? {
              id: item.project_id,
              title: item.project_title,
              href: seen?.href,
              focus: item.slot_focus,
              focusName: item.slot_focus ? t(`meetings.focuses.${item.slot_focus}.name`) : null,
              chart: seen?.chart,
            }
          : null,
      papers: papers.filter((p) => p.agenda_item_id === item.id),
      first: i === 0,
      last: i === items.length - 1,
    };
  });
}

/** The meeting page: details, agenda with papers, and what the user may do. */
export async function getMeeting(ctx: ServiceContext, meetingId: number) {
  const access = await meetingAccess(ctx, meetingId, 'view');
  return { ...access, details: await detailsOf(ctx, access), agenda: await agendaOf(ctx, access, { charts: true }) };
}

/** The printable agenda (normal or large print), as a page: no charts. */
export async function printableAgenda(ctx: ServiceContext, meetingId: number) {
  const access = await meetingAccess(ctx, meetingId, 'view');
  return { details: await detailsOf(ctx, access), agenda: await agendaOf(ctx, access, { charts: false }) };
}

/**
 * The agenda as a standalone HTML document (its own styles, nothing fetched from elsewhere), for
 * sending with an invitation; large print is 18pt and more, black on white, widely spaced.
 */
export async function agendaDocument(ctx: ServiceContext, meetingId: number, opts: { largePrint: boolean }): Promise<string> {
  const data = await printableAgenda(ctx, meetingId);
  return renderDocument('meetings/views/agenda-document.njk', { ...data, largePrint: opts.largePrint });
}

/** A meeting's papers (in agenda order), for another feature to attach them to messages. Needs view access. */
export async function meetingPapers(ctx: ServiceContext, meetingId: number): Promise<{ id: number; filename: string; content_type: string; size: number; file_sha256: string; agenda_item_id: number }[]> {
  const { meeting } = await meetingAccess(ctx, meetingId, 'view');
  return (await q.papersOf(ctx.db, meeting.id)).map(({ id, filename, content_type, size, file_sha256, agenda_item_id }) => ({ id, filename, content_type, size, file_sha256, agenda_item_id }));
}

async function itemInMeeting(ctx: ServiceContext, meetingId: number, itemId: number) {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const item = isRecordId(itemId) ? await q.agendaItem(ctx.db, access.meeting.id, itemId) : undefined;
  if (!item) throw new NotFoundError();
  return { ...access, item };
}

/** The agenda item form (new when itemId is absent): the meeting, the item, the project picker and the item's papers. */
export async function agendaItemForm(ctx: ServiceContext, meetingId: number, itemId: number | undefined, values: Record<string, unknown>, projectQuery?: unknown) {
  const access = itemId === undefined ? await meetingAccess(ctx, meetingId, 'manage') : await itemInMeeting(ctx, meetingId, itemId);
  const item = 'item' in access ? (access as { item: q.AgendaRow }).item : undefined;
  return {
    ...access,
    details: await detailsOf(ctx, access),
    item,
    papers: item ? (await q.papersOf(ctx.db, access.meeting.id)).filter((p) => p.agenda_item_id === item.id) : [],
    ...(await projectPicker(ctx, values, projectQuery, item?.project_id)),
  };
}

export function agendaFormValues(item: q.AgendaRow): Record<string, unknown> {
  return {
    title: item.title,
    kind: item.kind,
    presenter: item.presenter,
    durationMinutes: item.duration_minutes ? String(item.duration_minutes) : undefined,
    description: item.description,
    projectId: item.project_id ? String(item.project_id) : undefined,
    slotFocus: item.slot_focus ?? undefined,
  };
}

/** Checks an agenda item: a project slot needs a project the user may see (or the one it had) and a focus. */
async function agendaValues(ctx: ServiceContext, raw: unknown, keepProject?: number | null): Promise<q.AgendaValues> {
  const given = (raw ?? {}) as Record<string, unknown>;
  const slot = given.kind === 'project_slot';
  // The project and focus belong to a project slot only; for other items they are ignored.
  const result = agendaItemSchema.safeParse(slot ? given : { ...given, projectId: undefined, slotFocus: undefined });
  const errors = fieldErrors(result);
  const input = result.success ? result.data : undefined;
  if (slot && !errors.some((e) => e.field === 'projectId')) {
    const projectId = input?.projectId;
    if (!projectId) errors.push({ field: 'projectId', message: 'errors.meetings.projectRequired' });
    else if (projectId !== keepProject) {
      try {
        await chosenProject(ctx, projectId, 'projectId');
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors.push(...err.fields);
      }
    }
  }
  if (slot && !errors.some((e) => e.field === 'slotFocus') && !input?.slotFocus) errors.push({ field: 'slotFocus', message: 'errors.meetings.focusRequired' });
  const order = ['title', 'kind', 'projectId', 'slotFocus', 'presenter', 'durationMinutes', 'description'];
  if (errors.length || !input) throw new ValidationError(errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)));
  return {
    title: input.title,
    kind: input.kind,
    presenter: input.presenter ?? null,
    duration_minutes: input.durationMinutes ?? null,
    description: input.description ?? null,
    project_id: input.kind === 'project_slot' ? (input.projectId ?? null) : null,
    slot_focus: input.kind === 'project_slot' ? (input.slotFocus ?? null) : null,
  };
}

export async function addAgendaItem(ctx: ServiceContext, meetingId: number, raw: unknown): Promise<number> {
  const { meeting } = await meetingAccess(ctx, meetingId, 'manage');
  const v = await agendaValues(ctx, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertAgendaItem(trx, meeting.id, v, nowIso());
    await audit(trx, auditContext(ctx), { action: 'agenda_item.created', entityType: 'agenda_item', entityId: id, details: { meetingId: meeting.id, kind: v.kind, projectId: v.project_id } });
    return id;
  });
}

export async function updateAgendaItem(ctx: ServiceContext, meetingId: number, itemId: number, raw: unknown): Promise<void> {
  const { item } = await itemInMeeting(ctx, meetingId, itemId);
  const v = await agendaValues(ctx, raw, item.project_id);
  const changed = (Object.keys(v) as (keyof q.AgendaValues)[]).filter((k) => v[k] !== item[k]);
  if (changed.length === 0) return;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateAgendaItem(trx, item.id, v);
    await audit(trx, auditContext(ctx), { action: 'agenda_item.updated', entityType: 'agenda_item', entityId: item.id, details: { meetingId, changed } });
  });
}

/** Removes an item and its papers (the stored files go when nothing else points at them). */
export async function deleteAgendaItem(ctx: ServiceContext, meetingId: number, itemId: number): Promise<q.AgendaRow> {
  const { item } = await itemInMeeting(ctx, meetingId, itemId);
  await ctx.db.transaction().execute(async (trx) => {
    await q.deleteAgendaItem(trx, item.id);
    await audit(trx, auditContext(ctx), { action: 'agenda_item.deleted', entityType: 'agenda_item', entityId: item.id, details: { meetingId } });
  });
  return item;
}

/** Moves an item one place up or down the agenda (swapping with its neighbour); at either end nothing moves. */
export async function moveAgendaItem(ctx: ServiceContext, meetingId: number, itemId: number, raw: unknown): Promise<q.AgendaRow> {
  const { item, meeting } = await itemInMeeting(ctx, meetingId, itemId);
  const { direction } = parse(moveSchema, raw);
  const items = await q.agendaOf(ctx.db, meeting.id);
  const index = items.findIndex((i) => i.id === item.id);
  const other = items[direction === 'up' ? index - 1 : index + 1];
  if (!other) return item;
  await ctx.db.transaction().execute(async (trx) => {
    // Renumber the whole agenda so positions stay distinct whatever they were before.
    const order = items.map((i) => i.id);
    order[index] = other.id;
    order[items.indexOf(other)] = item.id;
    for (const [n, id] of order.entries()) await q.setPosition(trx, id, n + 1);
    await audit(trx, auditContext(ctx), { action: 'agenda_item.moved', entityType: 'agenda_item', entityId: item.id, details: { meetingId, direction } });
  });
  return item;
}

// ---- Papers

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  pdf: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  zip: (b) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04,
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpg: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  text: (b) => !b.includes(0),
};

/** The name a paper is kept and sent under: no folders, no control characters or quotes, not too long. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  if (cleaned.length <= FILENAME_MAX) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, FILENAME_MAX - ext.length) + ext;
}

export const extensionOf = (filename: string): string => {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
};

/** Checks the agenda item is the user's to change, before the upload is read. */
export async function paperTarget(ctx: ServiceContext, meetingId: number, itemId: number) {
  return itemInMeeting(ctx, meetingId, itemId);
}

/**
 * Attaches an uploaded file to an agenda item. Only the kinds in PAPER_TYPES, recognised by their
 * name and their first bytes; the type we serve it as is ours, never the browser's.
 */
export async function uploadPaper(ctx: ServiceContext, meetingId: number, itemId: number, file: { filename: string; content: Buffer }): Promise<number> {
  const { item } = await itemInMeeting(ctx, meetingId, itemId);
  const principal = requireSignedIn(ctx.principal);
  const filename = cleanFilename(file.filename);
  const type = PAPER_TYPES[extensionOf(filename)];
  if (!filename || !type) throw ValidationError.one('file', 'errors.meetings.paper.typeNotAllowed');
  if (file.content.length === 0) throw ValidationError.one('file', 'errors.meetings.paper.empty');
  if (!(MAGIC[type.magic] as (b: Buffer) => boolean)(file.content)) throw ValidationError.one('file', 'errors.meetings.paper.contentMismatch');
  return ctx.db.transaction().execute(async (trx) => {
    const sha256 = await storeFile(trx, file.content);
    const id = await q.insertPaper(trx, { agendaItemId: item.id, filename, contentType: type.contentType, size: file.content.length, sha256, uploadedBy: principal.userId }, nowIso());
    await audit(trx, auditContext(ctx), { action: 'meeting_paper.uploaded', entityType: 'meeting_paper', entityId: id, details: { meetingId, agendaItemId: item.id, size: file.content.length } });
    return id;
  });
}

/** A paper's bytes for download, to anyone who may see the meeting. */
export async function paperDownload(ctx: ServiceContext, meetingId: number, paperId: number): Promise<{ filename: string; contentType: string; content: Buffer }> {
  const { meeting } = await meetingAccess(ctx, meetingId, 'view');
  const paper = isRecordId(paperId) ? await q.paperById(ctx.db, meeting.id, paperId) : undefined;
  const content = paper ? await readFile(ctx.db, paper.file_sha256) : undefined;
  if (!paper || !content) throw new NotFoundError();
  return { filename: paper.filename, contentType: paper.content_type, content };
}

export async function deletePaper(ctx: ServiceContext, meetingId: number, paperId: number): Promise<q.PaperRow> {
  const { meeting } = await meetingAccess(ctx, meetingId, 'manage');
  const paper = isRecordId(paperId) ? await q.paperById(ctx.db, meeting.id, paperId) : undefined;
  if (!paper) throw new NotFoundError();
  await ctx.db.transaction().execute(async (trx) => {
    await q.deletePaper(trx, paper.id);
    await audit(trx, auditContext(ctx), { action: 'meeting_paper.deleted', entityType: 'meeting_paper', entityId: paper.id, details: { meetingId, agendaItemId: paper.agenda_item_id } });
  });
  return paper;
}

// ---- A project's forum visits (shown on the project page)

export interface ForumVisit {
  meetingId: number;
  startsAt: string;
  dateText: string;
  seriesName: string;
  focus: string | null;
  focusName: string | null;
  cancelled: boolean;
  /** The meeting page, for a viewer who may see the meeting. */
  href: string | undefined;
}

/** Where the project has been brought to a forum (project slots on agendas), latest first. Needs view access to the project. */
export async function forumVisits(ctx: ServiceContext, projectId: number): Promise<ForumVisit[]> {
  const { project } = await projectAccess(ctx, projectId, 'view');
  const rows = await q.visitsOfProject(ctx.db, project.id, VISITS_LIMIT);
  if (rows.length === 0) return [];
  const scope = await seriesScope(ctx);
  return rows.map((r) => ({
    meetingId: r.meeting_id,
    startsAt: r.starts_at,
    dateText: londonShortDay(r.starts_at),
    seriesName: r.series_name,
    focus: r.slot_focus,
    focusName: r.slot_focus ? t(`meetings.focuses.${r.slot_focus}.name`) : null,
    cancelled: r.status === 'cancelled',
    href: scope.prefixes.some((p) => r.unit_path.startsWith(p)) || scope.memberOf.includes(r.series_id) ? `/meetings/${r.meeting_id}` : undefined,
  }));
}
