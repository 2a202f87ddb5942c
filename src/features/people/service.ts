import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { audit, type AuditContext } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso, type Db } from '../../platform/db/index.ts';
import { CONSENT_KINDS, type ConsentKind, type Database, type OrgUnit, type Person, type PersonStatus } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { londonDate } from '../projects/service.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requirePermission, requireSignedIn } from '../../platform/rbac/index.ts';
import { personAccess, registerScope, type PersonAccess } from './access.ts';
import * as q from './queries.ts';
import {
  activitySchema, consentSchema, EQUALITY_FIELDS, EQUALITY_QUESTIONS, equalitySchema, eraseSchema, REGISTER_FILTER_KEYS, registerEntrySchema, registerQuerySchema,
  savedFilterSchema, selfConsentSchema, selfProfileSchema, type EqualityQuestion, type RegisterQuery,
} from './schemas.ts';
import { unitById, unitsUnder } from '../org/service.ts';

export const PAGE_SIZE = 25;
const EXPORT_BATCH = 500;
/** The most rows one export holds. */
export const EXPORT_MAX = 100_000;
/** Counts below this are not shown in the equality report, so nobody can be picked out. */
export const SUPPRESS_BELOW = 5;

export { personAccess, registerScope, type PersonAccess };
export { contactableWhere } from './queries.ts';
export type { RegisterRow, ConsentRow, Attributes } from './queries.ts';

// ---- Who may be contacted (used by matching, mailings and the register's "can be contacted" filter)

/**
 * Whether a person may be contacted now: their latest "contact" consent was given (and they are
 * not erased). A withdrawal takes effect at once. Takes a service context or a database/transaction.
 * In SQL, use `contactableWhere(eb)` on a query over `people`.
 */
export async function isContactable(ctxOrDb: ServiceContext | Db | Transaction<Database>, personId: number): Promise<boolean> {
  const db = 'db' in ctxOrDb && 'principal' in ctxOrDb ? ctxOrDb.db : (ctxOrDb as Db);
  if (!isRecordId(personId)) return false;
  return q.isContactable(db, personId);
}

/** The same as isContactable, by another name. */
export const canContact = isContactable;

// ---- Moving someone along the way in (used by recruitment)

/** The statuses on the way into involvement, in order; paused and left are off this path. */
const ONWARD = ['enquiry', 'contacted', 'induction', 'active'] as const satisfies readonly PersonStatus[];

/**
 * Moves a person's register status forward to `to`, inside the caller's transaction, with a status
 * history row and an audit row. Never moves anyone back, nor out of paused or left, nor an erased
 * entry. Returns whether the status changed.
 */
export async function advanceStatusTx(
  trx: Transaction<Database>,
  actor: AuditContext,
  personId: number,
  to: 'induction' | 'active',
  details: Record<string, unknown> = {},
): Promise<boolean> {
  const earlier = ONWARD.slice(0, ONWARD.indexOf(to));
  const person = await trx.selectFrom('people').select(['status', 'user_id']).where('id', '=', personId).where('erased_at', 'is', null).executeTakeFirst();
  if (!person || !(earlier as readonly PersonStatus[]).includes(person.status)) return false;
  const now = nowIso();
  const updated = await trx.updateTable('people').set({ status: to, updated_at: now }).where('id', '=', personId).where('status', 'in', earlier).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await q.insertStatus(trx, personId, to, now, actor.actorUserId);
  await audit(trx, actor, {
    action: 'person.updated',
    entityType: 'person',
    entityId: personId,
    subjectUserId: person.user_id,
    details: { ...details, fields: ['status'], from: person.status, to },
  });
  return true;
}

/** Validates after the permission check, so someone who may not act learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

// ---- Units

/** Units whose register the user may list (people:view). */
export async function unitsForRegister(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requireSignedIn(ctx.principal);
  return unitsUnder(ctx.db, registerScope(principal));
}

/** Units where the user may add people (people:manage). */
export async function unitsForNewPeople(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  return unitsUnder(ctx.db, registerScope(principal, 'people:manage'));
}

/** Recent outreach events in the units the user manages, for "which event brought them in". */
export async function outreachChoices(ctx: ServiceContext): Promise<{ id: number; title: string; on_date: string }[]> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const prefixes = registerScope(principal, 'people:manage');
  if (prefixes.length === 0) return [];
  return ctx.db
    .selectFrom('outreach_events')
    .innerJoin('org_units', 'org_units.id', 'outreach_events.unit_id')
    .select(['outreach_events.id', 'outreach_events.title', 'outreach_events.on_date'])
    .where((eb) => eb.or(prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))))
    .orderBy('outreach_events.on_date', 'desc')
    .limit(100)
    .execute();
}

// ---- The register

/** Filters typed into an address are applied when they make sense and dropped when they do not. */
export function parseRegisterQuery(raw: Record<string, unknown>): RegisterQuery {
  const first = registerQuerySchema.safeParse(raw);
  if (first.success) return first.data;
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])));
  const second = registerQuerySchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
  return second.success ? second.data : {};
}

/** The filters in use, as a query string (no page): what a saved filter keeps. */
export function filterQueryString(filter: RegisterQuery): string {
  const params = new URLSearchParams();
  for (const key of REGISTER_FILTER_KEYS) {
    const value = filter[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params.toString();
}

export function activeFilterNames(filter: RegisterQuery): string[] {
  return REGISTER_FILTER_KEYS.filter((k) => filter[k] !== undefined);
}

async function sqlFilter(ctx: ServiceContext, filter: RegisterQuery): Promise<q.RegisterFilter> {
  const principal = requirePermission(ctx.principal, 'people:view');
  let unitPath: string | undefined;
  if (filter.unitId) {
    const unit = await unitById(ctx.db, filter.unitId);
    if (!unit || !can(principal, 'people:view', unit)) throw new NotFoundError();
    unitPath = unit.path;
  }
  return {
    prefixes: registerScope(principal),
    unitPath,
    status: filter.status,
    interest: filter.interest,
    availability: filter.availability,
    accessNeed: filter.accessNeed,
    channel: filter.channel,
    format: filter.format,
    relationship: filter.relationship,
    search: filter.q,
    contactable: filter.contactable === 'yes',
    before: filter.before,
  };
}

/** A page of the register: people in the user's units matching the filters, newest first. */
export async function listRegister(ctx: ServiceContext, filter: RegisterQuery): Promise<{ people: q.RegisterRow[]; nextBefore: number | null }> {
  const f = await sqlFilter(ctx, filter);
  const rows = await q.listRegister(ctx.db, f, PAGE_SIZE + 1);
  const people = rows.slice(0, PAGE_SIZE);
  return { people, nextBefore: rows.length > PAGE_SIZE ? (people[people.length - 1]?.id ?? null) : null };
}

/**
 * A page of the register for the JSON API, which hands contact details to another program: audited
 * like an export, with the count and the names of the filters used, never the people in it.
 */
export async function listRegisterAudited(ctx: ServiceContext, filter: RegisterQuery): Promise<{ people: q.RegisterRow[]; nextBefore: number | null }> {
  const page = await listRegister(ctx, filter);
  await audit(ctx.db, auditContext(ctx), {
    action: 'people.listed',
    entityType: 'register',
    details: { via: 'api', count: page.people.length, filters: activeFilterNames(filter), page: filter.before ? 'next' : 'first' },
  });
  return page;
}

// ---- Export of the filtered register

/** A spreadsheet program runs a cell that starts with = + - @ (or a tab or return) as a formula: make it text. */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const EXPORT_COLUMNS = [
  'id', 'fullName', 'preferredName', 'email', 'phone', 'address', 'postcode', 'unit', 'status', 'relationship', 'preferredChannel',
  'format', 'formatLanguage', 'accessNeeds', 'accessNeedsOther', 'interests', 'skills', 'availability', 'availabilityNotes',
  'anonymity', 'paymentPreference', 'heardVia', 'canBeContacted',
] as const;

function exportValues(p: q.ExportRow, a: q.Attributes, contactable: boolean): (string | number)[] {
  const list = (values: string[], catalogue?: string) => values.map((v) => (catalogue ? t(`${catalogue}.${v}`) : v)).join('; ');
  return [
    p.id, p.full_name, p.preferred_name ?? '', p.email ?? '', p.phone ?? '', p.address ?? '', p.postcode ?? '', p.unit_name,
    t(`people.statuses.${p.status}`), t(`people.relationships.${p.relationship}`), t(`people.channels.${p.preferred_channel}`),
    t(`people.formats.${p.format}`), p.format_language ?? '', list(a.access_need, 'people.accessNeeds'), p.access_needs_other ?? '',
    list(a.interest), list(a.skill), list(a.availability, 'people.availability'), p.availability_notes ?? '',
    t(`people.anonymity.${p.anonymity}`), t(`people.payment.${p.payment_preference}`), p.heard_via ? t(`people.heardVia.${p.heard_via}`) : '',
    contactable ? t('common.yes') : t('common.no'),
  ];
}

/** Every row the filters select (all pages), as header + rows. */
async function exportTable(ctx: ServiceContext, filter: RegisterQuery): Promise<{ header: string[]; rows: (string | number)[][] }> {
  const f = await sqlFilter(ctx, { ...filter, before: undefined });
  const rows: (string | number)[][] = [];
  let before: number | undefined;
  while (rows.length < EXPORT_MAX) {
    const batch = await q.exportBatch(ctx.db, { ...f, before }, Math.min(EXPORT_BATCH, EXPORT_MAX - rows.length));
    if (batch.length === 0) break;
    const ids = batch.map((p) => p.id);
    const [attributes, contactable] = await Promise.all([q.attributesOf(ctx.db, ids), q.contactableAmong(ctx.db, ids)]);
    for (const p of batch) rows.push(exportValues(p, attributes.get(p.id) ?? q.emptyAttributes(), contactable.has(p.id)));
    if (batch.length < EXPORT_BATCH) break;
    before = batch[batch.length - 1]?.id;
  }
  return { header: EXPORT_COLUMNS.map((c) => t(`people.export.columns.${c}`)), rows };
}

/**
 * The filtered register as a CSV or XLSX file. Audited with the count and the names of the filters
 * used, never the people in it.
 */
export async function exportRegister(ctx: ServiceContext, filter: RegisterQuery, format: 'csv' | 'xlsx'): Promise<Buffer> {
  const { header, rows } = await exportTable(ctx, filter);
  let body: Buffer;
  if (format === 'csv') {
    const guarded = rows.map((r) => r.map((v) => (typeof v === 'string' ? guardCell(v) : v)));
    // A byte-order mark so Excel reads the file as UTF-8.
    body = Buffer.from(`\uFEFF${stringify([header, ...guarded], { record_delimiter: 'windows' })}`, 'utf8');
  } else {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(t('people.export.sheetName'));
    sheet.addRow(header).font = { bold: true };
    // Cells are written as text, never as formulas.
    for (const r of rows) sheet.addRow(r);
    body = Buffer.from(await workbook.xlsx.writeBuffer());
  }
  await audit(ctx.db, auditContext(ctx), {
    action: 'people.exported',
    entityType: 'register',
    details: { format, count: rows.length, filters: activeFilterNames(filter) },
  });
  return body;
}

// ---- Saved filters

export async function savedFilters(ctx: ServiceContext) {
  const principal = requirePermission(ctx.principal, 'people:view');
  return q.savedFiltersOf(ctx.db, principal.userId);
}

/** Keeps the register's current filters under a name, for this user only. */
export async function saveFilter(ctx: ServiceContext, raw: unknown): Promise<number> {
  const principal = requirePermission(ctx.principal, 'people:view');
  const input = parse(savedFilterSchema, raw);
  // Only the register's own filters are kept, whatever else the address held.
  const query = filterQueryString(parseRegisterQuery(Object.fromEntries(new URLSearchParams(input.query ?? ''))));
  const { id } = await ctx.db
    .insertInto('saved_filters')
    .values({ user_id: principal.userId, name: input.name, query, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Only its owner may delete a saved filter; for anyone else it does not exist. */
export async function deleteFilter(ctx: ServiceContext, id: number): Promise<void> {
  const principal = requirePermission(ctx.principal, 'people:view');
  if (!isRecordId(id)) throw new NotFoundError();
  const result = await ctx.db.deleteFrom('saved_filters').where('id', '=', id).where('user_id', '=', principal.userId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new NotFoundError();
}

// ---- One person

export interface CurrentConsent {
  kind: ConsentKind;
  /** null: never recorded. */
  given: boolean | null;
  method: string | null;
  note: string | null;
  recordedAt: string | null;
  recordedBy: string | null;
}

/** What holds now for each kind of consent: the latest decision, or "not recorded". */
export function currentConsents(log: q.ConsentRow[]): CurrentConsent[] {
  return CONSENT_KINDS.map((kind) => {
    const latest = log.find((c) => c.kind === kind);
    return {
      kind,
      given: latest ? latest.given === 1 : null,
      method: latest?.method ?? null,
      note: latest?.note ?? null,
      recordedAt: latest?.recorded_at ?? null,
      recordedBy: latest?.recorded_by_name ?? null,
    };
  });
}

async function personDetails(ctx: ServiceContext, person: Person) {
  const [unit, attributes, consents, statuses, history, equality, accountEmail, contactable] = await Promise.all([
    unitById(ctx.db, person.unit_id),
    q.attributesOf(ctx.db, [person.id]),
    q.consentLog(ctx.db, person.id),
    q.statusHistory(ctx.db, person.id),
    q.involvementHistory(ctx.db, person, yearStart()),
    q.equalityOf(ctx.db, person.id),
    q.userEmail(ctx.db, person.user_id),
    q.isContactable(ctx.db, person.id),
  ]);
  return {
    person,
    unit: unit as OrgUnit,
    attributes: attributes.get(person.id) ?? q.emptyAttributes(),
    consentLog: consents,
    consents: currentConsents(consents),
    statuses,
    history,
    /** Whether equality questions were answered: the answers themselves are never shown per person. */
    equalityAnswered: equality !== undefined && EQUALITY_FIELDS.some((f) => equality[f] != null),
    accountEmail,
    contactable,
  };
}

/** The person page (people:view for their unit, or their own record). Every view is audited. */
export async function getPerson(ctx: ServiceContext, id: number) {
  const access = await personAccess(ctx, id, 'view');
  const details = await personDetails(ctx, access.person);
  await audit(ctx.db, auditContext(ctx), { action: 'person.viewed', entityType: 'person', entityId: id, subjectUserId: access.person.user_id });
  return { ...access, ...details, staffView: can(ctx.principal, 'people:view', { path: access.unitPath }) };
}

/** Form values (the register form's names) from a stored person. */
export function formValues(person: Person, attributes: q.Attributes, accountEmail: string | null): Record<string, unknown> {
  return {
    unitId: String(person.unit_id),
    fullName: person.full_name,
    preferredName: person.preferred_name,
    email: person.email,
    phone: person.phone,
    address: person.address,
    postcode: person.postcode,
    preferredChannel: person.preferred_channel,
    format: person.format,
    formatLanguage: person.format_language,
    accessNeeds: attributes.access_need,
    accessNeedsOther: person.access_needs_other,
    relationship: person.relationship,
    servicesKnown: person.services_known,
    interests: attributes.interest.join(', '),
    skills: attributes.skill.join(', '),
    availability: attributes.availability,
    availabilityNotes: person.availability_notes,
    anonymity: person.anonymity,
    paymentPreference: person.payment_preference,
    heardVia: person.heard_via,
    outreachEventId: person.outreach_event_id == null ? undefined : String(person.outreach_event_id),
    status: person.status,
    notes: person.notes,
    accountEmail,
  };
}

/** The person for the edit form (people:manage on their unit). The form shows the whole record, so it is audited as a view. */
export async function personForEdit(ctx: ServiceContext, id: number, opts: { audit?: boolean } = {}) {
  const access = await personAccess(ctx, id, 'manage');
  const [attributes, accountEmail] = await Promise.all([q.attributesOf(ctx.db, [id]), q.userEmail(ctx.db, access.person.user_id)]);
  if (opts.audit) {
    await audit(ctx.db, auditContext(ctx), { action: 'person.viewed', entityType: 'person', entityId: id, subjectUserId: access.person.user_id, details: { part: 'edit' } });
  }
  return { ...access, values: formValues(access.person, attributes.get(id) ?? q.emptyAttributes(), accountEmail) };
}

/** Stored columns from validated register fields (only those present). */
type ColumnValues = Partial<Omit<Person, 'id' | 'created_by' | 'created_at' | 'updated_at' | 'erased_at' | 'user_id'>>;
function columnsFrom(input: Partial<z.infer<typeof registerEntrySchema>>): ColumnValues {
  const c: ColumnValues = {};
  const set = <K extends keyof ColumnValues>(key: K, value: ColumnValues[K] | undefined) => {
    if (value !== undefined) c[key] = value;
  };
  set('unit_id', input.unitId);
  set('full_name', input.fullName);
  c.preferred_name = input.preferredName ?? null;
  c.email = input.email ?? null;
  c.phone = input.phone ?? null;
  c.address = input.address ?? null;
  c.postcode = input.postcode ?? null;
  set('preferred_channel', input.preferredChannel);
  set('format', input.format);
  c.format_language = input.format === 'other_language' ? (input.formatLanguage ?? null) : null;
  c.access_needs_other = input.accessNeedsOther ?? null;
  set('relationship', input.relationship);
  c.services_known = input.servicesKnown ?? null;
  c.availability_notes = input.availabilityNotes ?? null;
  set('anonymity', input.anonymity);
  set('payment_preference', input.paymentPreference);
  if ('heardVia' in input || 'status' in input) {
    c.heard_via = input.heardVia ?? null;
    c.outreach_event_id = input.outreachEventId ?? null;
    c.notes = input.notes ?? null;
    set('status', input.status);
  }
  return c;
}

/** Names (form names) of the fields whose values differ. */
const COLUMN_FIELD: Record<string, string> = {
  unit_id: 'unitId', full_name: 'fullName', preferred_name: 'preferredName', email: 'email', phone: 'phone', address: 'address',
  postcode: 'postcode', preferred_channel: 'preferredChannel', format: 'format', format_language: 'formatLanguage',
  access_needs_other: 'accessNeedsOther', relationship: 'relationship', services_known: 'servicesKnown',
  availability_notes: 'availabilityNotes', anonymity: 'anonymity', payment_preference: 'paymentPreference', heard_via: 'heardVia',
  outreach_event_id: 'outreachEventId', status: 'status', notes: 'notes',
};
const ATTRIBUTE_FIELD: Record<q.PersonAttributeKind, string> = { access_need: 'accessNeeds', interest: 'interests', skill: 'skills', availability: 'availability' };

function changedFields(before: Person, beforeAttributes: q.Attributes, columns: ColumnValues, attributes: q.Attributes): string[] {
  const changed = Object.entries(columns)
    .filter(([k, v]) => (before as unknown as Record<string, unknown>)[k] !== v)
    .map(([k]) => COLUMN_FIELD[k] ?? k);
  for (const kind of q.PERSON_ATTRIBUTE_KINDS) {
    const a = [...beforeAttributes[kind]].sort().join('\u0001');
    const b = [...attributes[kind]].sort().join('\u0001');
    if (a !== b) changed.push(ATTRIBUTE_FIELD[kind]);
  }
  return changed;
}

const attributesFrom = (input: { accessNeeds: string[]; interests: string[]; skills: string[]; availability: string[] }): q.Attributes => ({
  access_need: input.accessNeeds,
  interest: input.interests,
  skill: input.skills,
  availability: input.availability,
});

/** A unit where the user may keep people (people:manage), or a validation error on unitId. */
async function managedUnit(ctx: ServiceContext, unitId: number): Promise<OrgUnit> {
  const unit = await unitById(ctx.db, unitId);
  if (!unit || unit.archived_at || !can(ctx.principal, 'people:manage', unit)) throw ValidationError.one('unitId', 'errors.people.unitNotAllowed');
  return unit;
}

async function checkOutreach(ctx: ServiceContext, id: number | null | undefined): Promise<void> {
  if (id == null) return;
  const row = await ctx.db.selectFrom('outreach_events').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw ValidationError.one('outreachEventId', 'errors.people.outreachInvalid');
}

/** The account to link, found by email; it may not already belong to another person. */
async function accountFor(ctx: ServiceContext, email: string | null | undefined, personId?: number): Promise<number | null> {
  if (!email) return null;
  const user = await q.userByEmail(ctx.db, email);
  if (!user) throw ValidationError.one('accountEmail', 'errors.people.accountNotFound');
  if (await q.personIdForUser(ctx.db, user.id, personId)) throw ValidationError.one('accountEmail', 'errors.people.accountTaken');
  return user.id;
}

/** Adds a person to the register of a unit the user manages. */
export async function createPerson(ctx: ServiceContext, raw: unknown): Promise<number> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const input = parse(registerEntrySchema, raw);
  const unit = await managedUnit(ctx, input.unitId);
  await checkOutreach(ctx, input.outreachEventId);
  const userId = await accountFor(ctx, input.accountEmail);
  const columns = columnsFrom(input);
  const now = nowIso();
  return ctx.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('people')
      .values({
        ...(columns as Required<ColumnValues>),
        unit_id: unit.id,
        user_id: userId,
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
        erased_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await q.replaceAttributes(trx, id, attributesFrom(input));
    await q.insertStatus(trx, id, input.status, now, principal.userId);
    await audit(trx, auditContext(ctx), { action: 'person.created', entityType: 'person', entityId: id, subjectUserId: userId, details: { unitId: unit.id } });
    return id;
  });
}

/** Changes a person's register entry (people:manage). Attributes are replaced; a new status is logged. */
export async function updatePerson(ctx: ServiceContext, id: number, raw: unknown): Promise<string[]> {
  const principal = requireSignedIn(ctx.principal);
  const access = await personAccess(ctx, id, 'manage');
  const input = parse(registerEntrySchema, raw);
  if (input.unitId !== access.person.unit_id) await managedUnit(ctx, input.unitId);
  await checkOutreach(ctx, input.outreachEventId);
  const userId = await accountFor(ctx, input.accountEmail, id);
  return saveChanges(ctx, access.person, principal.userId, columnsFrom(input), attributesFrom(input), userId, {});
}

async function saveChanges(
  ctx: ServiceContext,
  before: Person,
  actorId: number,
  columns: ColumnValues,
  attributes: q.Attributes,
  userId: number | null | undefined,
  details: Record<string, unknown>,
): Promise<string[]> {
  const beforeAttributes = (await q.attributesOf(ctx.db, [before.id])).get(before.id) ?? q.emptyAttributes();
  const changed = changedFields(before, beforeAttributes, columns, attributes);
  const linkChanged = userId !== undefined && userId !== before.user_id;
  if (linkChanged) changed.push('accountEmail');
  if (changed.length === 0) return [];
  const now = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('people')
      .set({ ...columns, ...(linkChanged ? { user_id: userId } : {}), updated_at: now })
      .where('id', '=', before.id)
      .execute();
    await q.replaceAttributes(trx, before.id, attributes);
    if (columns.status && columns.status !== before.status) await q.insertStatus(trx, before.id, columns.status, now, actorId);
    await audit(trx, auditContext(ctx), {
      action: 'person.updated',
      entityType: 'person',
      entityId: before.id,
      subjectUserId: linkChanged ? userId : before.user_id,
      details: { ...details, fields: changed },
    });
  });
  return changed;
}

// ---- Involvement activities and hours, recorded by hand

/** The first day of this year in London (YYYY-MM-DD): where "hours this year" start. */
export const yearStart = (at: Date = new Date()): string => `${londonDate(at).slice(0, 4)}-01-01`;

/** Today in London (YYYY-MM-DD): the latest date an activity may have. */
export const todayInLondon = (): string => londonDate();

/**
 * The "record involvement" form (people:manage for the person's unit): the person and what an
 * activity may be for. A user without people:manage anywhere gets a 403; a person outside the
 * lead's units is a 404. The first showing is audited as a view.
 */
export async function activityForm(ctx: ServiceContext, personId: number, opts: { audit?: boolean } = {}) {
  requirePermission(ctx.principal, 'people:manage');
  const access = await personAccess(ctx, personId, 'manage');
  const choices = await q.activityChoices(ctx.db, access.person);
  if (opts.audit) {
    await audit(ctx.db, auditContext(ctx), { action: 'person.viewed', entityType: 'person', entityId: personId, subjectUserId: access.person.user_id, details: { part: 'activity_form' } });
  }
  return { ...access, choices, today: londonDate() };
}

/**
 * Records an activity and the time it took for a person (people:manage). The project, group or
 * opportunity, when given, must be one the person is linked to. Audited with the kind and minutes,
 * never the description.
 */
export async function recordActivity(ctx: ServiceContext, personId: number, raw: unknown): Promise<number> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const access = await personAccess(ctx, personId, 'manage');
  const input = parse(activitySchema(londonDate()), raw);
  const choices = await q.activityChoices(ctx.db, access.person);
  const errors: FieldError[] = [];
  const linked = (list: { id: number }[], id: number | undefined) => id === undefined || list.some((c) => c.id === id);
  if (!linked(choices.projects, input.projectId)) errors.push({ field: 'projectId', message: 'errors.people.activityProjectInvalid' });
  if (!linked(choices.groups, input.groupId)) errors.push({ field: 'groupId', message: 'errors.people.activityGroupInvalid' });
  if (!linked(choices.opportunities, input.opportunityId)) errors.push({ field: 'opportunityId', message: 'errors.people.activityOpportunityInvalid' });
  if (errors.length) throw new ValidationError(errors);
  return ctx.db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('involvement_activities')
      .values({
        person_id: personId,
        on_date: input.onDate,
        kind: input.kind,
        description: input.description,
        minutes: input.totalMinutes,
        project_id: input.projectId ?? null,
        group_id: input.groupId ?? null,
        opportunity_id: input.opportunityId ?? null,
        recorded_by: principal.userId,
        created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, auditContext(ctx), {
      action: 'involvement_activity.recorded',
      entityType: 'person',
      entityId: personId,
      subjectUserId: access.person.user_id,
      details: { activityId: id, kind: input.kind, minutes: input.totalMinutes },
    });
    return id;
  });
}

/** Removes a wrongly entered activity (people:manage). Another person's activity is a 404. Audited. */
export async function removeActivity(ctx: ServiceContext, personId: number, activityId: number): Promise<void> {
  requirePermission(ctx.principal, 'people:manage');
  const access = await personAccess(ctx, personId, 'manage');
  if (!isRecordId(activityId)) throw new NotFoundError();
  const activity = await q.activityOf(ctx.db, personId, activityId);
  if (!activity) throw new NotFoundError();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('involvement_activities').where('id', '=', activityId).where('person_id', '=', personId).execute();
    await audit(trx, auditContext(ctx), {
      action: 'involvement_activity.removed',
      entityType: 'person',
      entityId: personId,
      subjectUserId: access.person.user_id,
      details: { activityId, kind: activity.kind, minutes: activity.minutes },
    });
  });
}

// ---- Consents

/** The consent page: what holds now and every decision (people:manage). Audited as a view. */
export async function consentsOf(ctx: ServiceContext, id: number) {
  const access = await personAccess(ctx, id, 'manage');
  const log = await q.consentLog(ctx.db, id);
  await audit(ctx.db, auditContext(ctx), { action: 'person.viewed', entityType: 'person', entityId: id, subjectUserId: access.person.user_id, details: { part: 'consents' } });
  return { ...access, consentLog: log, consents: currentConsents(log), contactable: await q.isContactable(ctx.db, id) };
}

async function insertConsent(ctx: ServiceContext, person: Person, input: { kind: ConsentKind; given: boolean; method: string; note?: string | null }, details: Record<string, unknown>) {
  const principal = requireSignedIn(ctx.principal);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('consents')
      .values({
        person_id: person.id,
        kind: input.kind,
        given: input.given ? 1 : 0,
        method: input.method as 'online',
        note: input.note ?? null,
        recorded_at: nowIso(),
        recorded_by: principal.userId,
      })
      .execute();
    await audit(trx, auditContext(ctx), {
      action: input.given ? 'person.consent_given' : 'person.consent_withdrawn',
      entityType: 'person',
      entityId: person.id,
      subjectUserId: person.user_id,
      details: { ...details, kind: input.kind, method: input.method },
    });
  });
}

/** Records a consent given or withdrawn, with how and who; it holds from now on. */
export async function recordConsent(ctx: ServiceContext, id: number, raw: unknown): Promise<{ kind: ConsentKind; given: boolean }> {
  const access = await personAccess(ctx, id, 'manage');
  const input = parse(consentSchema, raw);
  await insertConsent(ctx, access.person, input, {});
  return input;
}

// ---- Equality monitoring

/**
 * The equality form: which questions are answered, never the answers themselves, so nobody reads a
 * person's answers one by one (they are reported only in aggregate).
 */
export async function equalityForEdit(ctx: ServiceContext, id: number) {
  const access = await personAccess(ctx, id, 'manage');
  const row = await q.equalityOf(ctx.db, id);
  const answered = Object.fromEntries(EQUALITY_FIELDS.map((f) => [f, row?.[f] != null])) as Record<EqualityQuestion, boolean>;
  return { ...access, answered };
}

/**
 * Saves equality answers. A question left blank keeps the answer already held; `clear` removes
 * them all. The audit names the questions answered, never the answers.
 */
export async function saveEquality(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const access = await personAccess(ctx, id, 'manage');
  const input = parse(equalitySchema, raw);
  const held = await q.equalityOf(ctx.db, id);
  const row = Object.fromEntries(EQUALITY_FIELDS.map((f) => [f, input.clear ? null : (input[f] ?? held?.[f] ?? null)])) as Record<EqualityQuestion, string | null>;
  const now = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('person_equality').where('person_id', '=', id).execute();
    if (EQUALITY_FIELDS.some((f) => row[f] != null)) await trx.insertInto('person_equality').values({ person_id: id, ...row, updated_at: now }).execute();
    await audit(trx, auditContext(ctx), {
      action: 'person.equality_updated',
      entityType: 'person',
      entityId: id,
      subjectUserId: access.person.user_id,
      details: input.clear ? { cleared: true } : { answered: EQUALITY_FIELDS.filter((f) => input[f] != null) },
    });
  });
}

export interface EqualityCell {
  answer: string | null;
  /** null: suppressed (fewer than SUPPRESS_BELOW, or would let a suppressed count be worked out). */
  count: number | null;
}

/**
 * Suppresses small counts: any count from 1 to SUPPRESS_BELOW − 1 is hidden, and when only one
 * count in a question is hidden the next smallest is hidden too, so it cannot be worked out from
 * the total.
 */
export function suppress(cells: { answer: string | null; n: number }[]): EqualityCell[] {
  const hidden = new Set(cells.filter((c) => c.n > 0 && c.n < SUPPRESS_BELOW).map((c) => c.answer));
  if (hidden.size === 1) {
    const next = cells.filter((c) => !hidden.has(c.answer) && c.n > 0).sort((a, b) => a.n - b.n)[0];
    if (next) hidden.add(next.answer);
  }
  return cells.map((c) => ({ answer: c.answer, count: hidden.has(c.answer) ? null : c.n }));
}

/** Counts of each answer among the people in the user's units (people:manage), small counts suppressed. */
export async function equalityReport(ctx: ServiceContext) {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const prefixes = registerScope(principal, 'people:manage');
  const questions = await Promise.all(
    EQUALITY_FIELDS.map(async (question) => {
      const counts = new Map((await q.equalityCounts(ctx.db, prefixes, question)).map((r) => [r.answer, r.n]));
      const answers = [...EQUALITY_QUESTIONS[question], 'prefer_not_to_say', null] as (string | null)[];
      return { question, cells: suppress(answers.map((answer) => ({ answer, n: counts.get(answer) ?? 0 }))) };
    }),
  );
  const total = (await q.equalityCounts(ctx.db, prefixes, 'age_band')).reduce((s, r) => s + r.n, 0);
  await audit(ctx.db, auditContext(ctx), { action: 'people.equality_report_viewed', entityType: 'register', details: { people: total } });
  return { questions, total };
}

// ---- Erasure and subject access

/**
 * Blanks a person's personal fields and deletes their attributes, consents and equality answers;
 * the row stays (with its status history and hours) so counts stay right. Pending messages to them go.
 */
async function eraseRow(trx: Transaction<Database>, personId: number): Promise<void> {
  await trx
    .updateTable('people')
    .set({
      user_id: null, full_name: '', preferred_name: null, email: null, phone: null, address: null, postcode: null, format_language: null,
      access_needs_other: null, services_known: null, availability_notes: null, notes: null, payee_reference: null, erased_at: nowIso(), updated_at: nowIso(),
    })
    .where('id', '=', personId)
    .execute();
  await trx.deleteFrom('person_attributes').where('person_id', '=', personId).execute();
  await trx.deleteFrom('consents').where('person_id', '=', personId).execute();
  await trx.deleteFrom('person_equality').where('person_id', '=', personId).execute();
  await trx.updateTable('involvement_activities').set({ description: '' }).where('person_id', '=', personId).execute();
  await trx.updateTable('project_members').set({ display_name: null }).where('person_id', '=', personId).where('user_id', 'is', null).execute();
  await trx.deleteFrom('outbox').where('person_id', '=', personId).where('status', '=', 'pending').execute();
  // Meetings: attendance stays (counted by role) without them; their invitations, memberships and action ownership go.
  await trx.updateTable('attendance').set({ person_id: null, invitation_id: null }).where('person_id', '=', personId).execute();
  await trx.deleteFrom('invitations').where('person_id', '=', personId).execute();
  await trx.deleteFrom('series_members').where('person_id', '=', personId).execute();
  await trx.updateTable('meeting_actions').set({ owner_person_id: null }).where('owner_person_id', '=', personId).execute();
  // Claims and the ledger are money records: they stay, on the anonymised row, without the words
  // that could say who the person was (descriptions, notes) or the receipts, which may show a name.
  const claimIds = trx.selectFrom('claims').select('id').where('person_id', '=', personId);
  const lineIds = trx.selectFrom('claim_lines').select('id').where('claim_id', 'in', claimIds);
  await trx.deleteFrom('claim_receipts').where('claim_line_id', 'in', lineIds).execute();
  await trx.updateTable('claim_lines').set({ description: null }).where('claim_id', 'in', claimIds).execute();
  await trx.updateTable('claims').set({ description: '' }).where('person_id', '=', personId).execute();
}

/** Erases a person from the register (people:manage), after the lead confirms. */
export async function erasePerson(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const access = await personAccess(ctx, id, 'manage');
  parse(eraseSchema, raw);
  await ctx.db.transaction().execute(async (trx) => {
    await eraseRow(trx, id);
    await audit(trx, auditContext(ctx), { action: 'person.erased', entityType: 'person', entityId: id, subjectUserId: access.person.user_id });
  });
}

/** Everything held about a person, as one JSON document (without the audit of it). */
async function personDocument(db: Db, person: Person) {
  const [unit, attributes, consents, statuses, history, equality, auditRows, outreach, meetings, claims] = await Promise.all([
    unitById(db, person.unit_id),
    q.attributesOf(db, [person.id]),
    q.consentLog(db, person.id),
    q.statusHistory(db, person.id),
    q.involvementHistory(db, person, yearStart()),
    q.equalityOf(db, person.id),
    db.selectFrom('audit_log').select(['at', 'action', 'details']).where('entity_type', '=', 'person').where('entity_id', '=', String(person.id)).orderBy('id').execute(),
    person.outreach_event_id ? db.selectFrom('outreach_events').select(['title', 'on_date']).where('id', '=', person.outreach_event_id).executeTakeFirst() : undefined,
    q.meetingRecordsOf(db, person),
    q.claimRecordsOf(db, person.id),
  ]);
  return {
    person: { ...person, unit: unit?.name ?? null },
    attributes: attributes.get(person.id) ?? q.emptyAttributes(),
    consents,
    status_history: statuses,
    equality_monitoring: equality ?? null,
    outreach_event: outreach ?? null,
    involvement: history,
    meetings,
    claims,
    audit_about_this_record: auditRows,
  };
}

/** Subject access for one person (people:manage): a JSON document of everything held. Audited. */
export async function exportPerson(ctx: ServiceContext, id: number) {
  const access = await personAccess(ctx, id, 'manage');
  const doc = await personDocument(ctx.db, access.person);
  await audit(ctx.db, auditContext(ctx), { action: 'person.exported', entityType: 'person', entityId: id, subjectUserId: access.person.user_id });
  return { exported_at: nowIso(), ...doc };
}

/** For a user's subject-access export: their register entry, if they have one (null if not). */
export async function personExportForUser(db: Db, userId: number) {
  const person = await q.personOfUser(db, userId);
  return person ? personDocument(db, person) : null;
}

/** For a user's erasure: erases their register entry too, in the same transaction. */
export async function eraseLinkedPerson(trx: Transaction<Database>, actor: AuditContext, userId: number): Promise<void> {
  const person = await q.personOfUser(trx, userId);
  if (!person) return;
  await eraseRow(trx, person.id);
  await audit(trx, actor, { action: 'person.erased', entityType: 'person', entityId: person.id, subjectUserId: userId, details: { withUser: true } });
}

// ---- Self-service: a partner's own record

/** The signed-in user's own register entry with their history, or null. Audited as a view. */
export async function myRecord(ctx: ServiceContext) {
  const principal = requireSignedIn(ctx.principal);
  const person = await q.personOfUser(ctx.db, principal.userId);
  if (!person) return null;
  const details = await personDetails(ctx, person);
  await audit(ctx.db, auditContext(ctx), { action: 'person.viewed', entityType: 'person', entityId: person.id, subjectUserId: principal.userId, details: { self: true } });
  return details;
}

async function ownPerson(ctx: ServiceContext): Promise<Person> {
  const principal = requireSignedIn(ctx.principal);
  const person = await q.personOfUser(ctx.db, principal.userId);
  if (!person) throw new NotFoundError();
  return person;
}

/** The own-profile form's values. */
export async function myProfileForEdit(ctx: ServiceContext): Promise<{ person: Person; values: Record<string, unknown> }> {
  const person = await ownPerson(ctx);
  const attributes = (await q.attributesOf(ctx.db, [person.id])).get(person.id) ?? q.emptyAttributes();
  return { person, values: formValues(person, attributes, null) };
}

/** A partner changes their own profile (not their unit, status or the lead's notes). Audited. */
export async function updateMyProfile(ctx: ServiceContext, raw: unknown): Promise<string[]> {
  const principal = requireSignedIn(ctx.principal);
  const person = await ownPerson(ctx);
  const input = parse(selfProfileSchema, raw);
  return saveChanges(ctx, person, principal.userId, columnsFrom(input), attributesFrom(input), undefined, { self: true });
}

/** A partner gives or withdraws one of their own consents (method: online). */
export async function recordMyConsent(ctx: ServiceContext, raw: unknown): Promise<{ kind: ConsentKind; given: boolean }> {
  const person = await ownPerson(ctx);
  const input = parse(selfConsentSchema, raw);
  await insertConsent(ctx, person, { ...input, method: 'online' }, { self: true });
  return input;
}
