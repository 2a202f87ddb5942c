import { sql, type Expression, type ExpressionBuilder, type SqlBool, type Transaction } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { AttributeKind, ConsentKind, Database, Person, PersonStatus } from '../../platform/db/types.ts';
import type { EqualityQuestion } from './schemas.ts';

type Executor = Db | Transaction<Database>;

/** A person's many-valued answers that the register form sets (relationship is a column). */
export const PERSON_ATTRIBUTE_KINDS = ['access_need', 'interest', 'skill', 'availability'] as const satisfies readonly AttributeKind[];
export type PersonAttributeKind = (typeof PERSON_ATTRIBUTE_KINDS)[number];
export type Attributes = Record<PersonAttributeKind, string[]>;

export const emptyAttributes = (): Attributes => ({ access_need: [], interest: [], skill: [], availability: [] });

// ---- Who may be contacted

/**
 * True for people whose latest "contact" consent was given, and who are not erased: withdrawing
 * consent to be contacted takes them out of every mailing, suggestion and export filtered on it.
 * Use inside any query over `people`.
 */
export function contactableWhere(eb: ExpressionBuilder<Database, 'people'>): Expression<SqlBool> {
  return eb.and([
    eb('people.erased_at', 'is', null),
    eb.exists(
      eb
        .selectFrom('consents as c')
        .select('c.id')
        .whereRef('c.person_id', '=', 'people.id')
        .where('c.kind', '=', 'contact')
        .where('c.given', '=', 1)
        .where((e) =>
          e.not(
            e.exists(
              e
                .selectFrom('consents as later')
                .select('later.id')
                .whereRef('later.person_id', '=', 'c.person_id')
                .where('later.kind', '=', 'contact')
                .whereRef('later.id', '>', 'c.id'),
            ),
          ),
        ),
    ),
  ]);
}

export async function isContactable(db: Executor, personId: number): Promise<boolean> {
  const row = await db.selectFrom('people').select('people.id').where('people.id', '=', personId).where((eb) => contactableWhere(eb)).executeTakeFirst();
  return row !== undefined;
}

// ---- The register

export interface RegisterFilter {
  /** Unit path prefixes the user may list (people:view). */
  prefixes: string[];
  unitPath?: string;
  status?: PersonStatus;
  interest?: string;
  availability?: string;
  accessNeed?: string;
  channel?: string;
  format?: string;
  relationship?: string;
  search?: string;
  contactable?: boolean;
  before?: number;
}

export interface RegisterRow {
  id: number;
  full_name: string;
  preferred_name: string | null;
  email: string | null;
  phone: string | null;
  status: PersonStatus;
  preferred_channel: Person['preferred_channel'];
  format: Person['format'];
  relationship: Person['relationship'];
  unit_name: string;
}

const hasAttribute = (eb: ExpressionBuilder<Database, 'people'>, kind: AttributeKind, value: string) =>
  eb.exists(
    eb
      .selectFrom('person_attributes as pa')
      .select('pa.id')
      .whereRef('pa.person_id', '=', 'people.id')
      .where('pa.kind', '=', kind)
      .where('pa.value', '=', value),
  );

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function registerQuery(db: Executor, f: RegisterFilter) {
  let q = db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .where('people.erased_at', 'is', null)
    // Paths are digits and slashes only, so LIKE needs no escaping.
    .where((eb) => (f.prefixes.length ? eb.or(f.prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))) : eb.val(false)));
  if (f.unitPath) q = q.where('org_units.path', 'like', `${f.unitPath}%`);
  if (f.status) q = q.where('people.status', '=', f.status);
  if (f.channel) q = q.where('people.preferred_channel', '=', f.channel as Person['preferred_channel']);
  if (f.format) q = q.where('people.format', '=', f.format as Person['format']);
  if (f.relationship) q = q.where('people.relationship', '=', f.relationship as Person['relationship']);
  if (f.interest) {
    const interest = f.interest;
    q = q.where((eb) => hasAttribute(eb, 'interest', interest));
  }
  if (f.availability) {
    const availability = f.availability;
    q = q.where((eb) => hasAttribute(eb, 'availability', availability));
  }
  if (f.accessNeed) {
    const need = f.accessNeed;
    q = q.where((eb) => hasAttribute(eb, 'access_need', need));
  }
  if (f.search) {
    const pattern = likePattern(f.search);
    q = q.where((eb) =>
      eb.or([
        sql<SqlBool>`lower(people.full_name) like ${pattern} escape '\\'`,
        sql<SqlBool>`lower(coalesce(people.preferred_name, '')) like ${pattern} escape '\\'`,
        sql<SqlBool>`lower(coalesce(people.email, '')) like ${pattern} escape '\\'`,
      ]),
    );
  }
  if (f.contactable) q = q.where((eb) => contactableWhere(eb));
  if (f.before) q = q.where('people.id', '<', f.before);
  return q;
}

/** A page of the register, newest entries first (keyset on id). */
export async function listRegister(db: Executor, f: RegisterFilter, limit: number): Promise<RegisterRow[]> {
  return registerQuery(db, f)
    .select([
      'people.id', 'people.full_name', 'people.preferred_name', 'people.email', 'people.phone', 'people.status',
      'people.preferred_channel', 'people.format', 'people.relationship', 'org_units.name as unit_name',
    ])
    .orderBy('people.id', 'desc')
    .limit(limit)
    .execute();
}

export type ExportRow = Person & { unit_name: string };

/** Whole rows for the export, a batch at a time (newest first). */
export async function exportBatch(db: Executor, f: RegisterFilter, limit: number): Promise<ExportRow[]> {
  return registerQuery(db, f).selectAll('people').select('org_units.name as unit_name').orderBy('people.id', 'desc').limit(limit).execute();
}

/** Ids of contactable people among these, for the export's column. */
export async function contactableAmong(db: Executor, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('people').select('people.id').where('people.id', 'in', ids).where((eb) => contactableWhere(eb)).execute();
  return new Set(rows.map((r) => r.id));
}

export async function attributesOf(db: Executor, ids: number[]): Promise<Map<number, Attributes>> {
  const out = new Map<number, Attributes>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('person_attributes').select(['person_id', 'kind', 'value']).where('person_id', 'in', ids).orderBy('id').execute();
  for (const r of rows) {
    if (!(PERSON_ATTRIBUTE_KINDS as readonly string[]).includes(r.kind)) continue;
    const a = out.get(r.person_id) ?? emptyAttributes();
    a[r.kind as PersonAttributeKind].push(r.value);
    out.set(r.person_id, a);
  }
  return out;
}

export async function replaceAttributes(db: Executor, personId: number, attributes: Attributes): Promise<void> {
  await db.deleteFrom('person_attributes').where('person_id', '=', personId).where('kind', 'in', [...PERSON_ATTRIBUTE_KINDS]).execute();
  const values = PERSON_ATTRIBUTE_KINDS.flatMap((kind) => attributes[kind].map((value) => ({ person_id: personId, kind, value })));
  if (values.length) await db.insertInto('person_attributes').values(values).execute();
}

// ---- Units

// ---- One person

export async function userByEmail(db: Executor, email: string) {
  return db.selectFrom('users').select(['id', 'email', 'name']).where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function userEmail(db: Executor, id: number | null): Promise<string | null> {
  if (id == null) return null;
  const row = await db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirst();
  return row?.email ?? null;
}

export async function personOfUser(db: Executor, userId: number): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('user_id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
}

export async function personIdForUser(db: Executor, userId: number, exceptPersonId?: number): Promise<number | undefined> {
  let q = db.selectFrom('people').select('id').where('user_id', '=', userId);
  if (exceptPersonId) q = q.where('id', '!=', exceptPersonId);
  return (await q.executeTakeFirst())?.id;
}

export interface ConsentRow {
  id: number;
  kind: ConsentKind;
  given: number;
  method: string;
  note: string | null;
  recorded_at: string;
  recorded_by_name: string | null;
}

/** Every consent decision, newest first. The first row of each kind is what holds now. */
export async function consentLog(db: Executor, personId: number): Promise<ConsentRow[]> {
  return db
    .selectFrom('consents')
    .leftJoin('users', 'users.id', 'consents.recorded_by')
    .select(['consents.id', 'consents.kind', 'consents.given', 'consents.method', 'consents.note', 'consents.recorded_at', 'users.name as recorded_by_name'])
    .where('consents.person_id', '=', personId)
    .orderBy('consents.id', 'desc')
    .execute();
}

export async function statusHistory(db: Executor, personId: number) {
  return db
    .selectFrom('person_status_history')
    .leftJoin('users', 'users.id', 'person_status_history.changed_by')
    .select(['person_status_history.id', 'person_status_history.status', 'person_status_history.changed_at', 'users.name as changed_by_name'])
    .where('person_status_history.person_id', '=', personId)
    .orderBy('person_status_history.id', 'desc')
    .execute();
}

export async function insertStatus(db: Executor, personId: number, status: PersonStatus, at: string, by: number | null): Promise<void> {
  await db.insertInto('person_status_history').values({ person_id: personId, status, changed_at: at, changed_by: by }).execute();
}

const HISTORY_LIMIT = 200;

/** The projects a person is in: by their register entry, or by their account. */
const projectsOf = (db: Executor, person: Pick<Person, 'id' | 'user_id'>) =>
  db
    .selectFrom('project_members')
    .innerJoin('projects', 'projects.id', 'project_members.project_id')
    .where((eb) => eb.or([eb('project_members.person_id', '=', person.id), ...(person.user_id != null ? [eb('project_members.user_id', '=', person.user_id)] : [])]));

/** Matches that mean the person took part (not only suggested, offered, declined or withdrawn). */
export const TAKEN_UP = ['accepted', 'started', 'ended'] as const;

/**
 * Opportunities, projects, groups and recorded activities: a person's involvement history, with
 * the minutes in all and since `yearStart` (YYYY-MM-DD, the first day of this year in London).
 */
export async function involvementHistory(db: Executor, person: Pick<Person, 'id' | 'user_id'>, yearStart: string) {
  const minutesSince = (from?: string) => {
    let q = db
      .selectFrom('involvement_activities')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('minutes'), eb.val(0)).as('minutes'))
      .where('person_id', '=', person.id);
    if (from) q = q.where('on_date', '>=', from);
    return q.executeTakeFirst();
  };
  const [matches, projects, groups, activities, total, thisYear] = await Promise.all([
    db
      .selectFrom('matches')
      .innerJoin('opportunities', 'opportunities.id', 'matches.opportunity_id')
      .select(['matches.id', 'opportunities.title', 'matches.status', 'matches.started_on', 'matches.ended_on', 'matches.created_at'])
      .where('matches.person_id', '=', person.id)
      .orderBy('matches.id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    projectsOf(db, person)
      .select(['project_members.id', 'projects.id as project_id', 'projects.title', 'project_members.role', 'project_members.joined_on', 'project_members.left_on'])
      .orderBy('project_members.id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.id', 'groups.name', 'group_members.role', 'group_members.joined_on', 'group_members.left_on'])
      .where('group_members.person_id', '=', person.id)
      .orderBy('group_members.id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom('involvement_activities as a')
      .leftJoin('projects', 'projects.id', 'a.project_id')
      .leftJoin('groups', 'groups.id', 'a.group_id')
      .leftJoin('opportunities', 'opportunities.id', 'a.opportunity_id')
      .select([
        'a.id', 'a.on_date', 'a.kind', 'a.description', 'a.minutes', 'a.project_id', 'a.group_id', 'a.opportunity_id', 'a.created_at',
        'projects.title as project_title', 'groups.name as group_name', 'opportunities.title as opportunity_title',
      ])
      .where('a.person_id', '=', person.id)
      .orderBy('a.on_date', 'desc')
      .orderBy('a.id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    minutesSince(),
    minutesSince(yearStart),
  ]);
  // PostgreSQL answers sum() as a string (bigint).
  return { matches, projects, groups, activities, totalMinutes: Number(total?.minutes ?? 0), minutesThisYear: Number(thisYear?.minutes ?? 0) };
}

/**
 * For subject access: the meetings the person was invited to (and their reply), their attendance and
 * the actions they own, whether recorded against their register entry or their linked account.
 */
export async function meetingRecordsOf(db: Executor, person: Pick<Person, 'id' | 'user_id'>) {
  // Their linked account's rows too; -1 matches no account when there is none.
  const userId = person.user_id ?? -1;
  const [invitations, attendance, actions] = await Promise.all([
    db
      .selectFrom('invitations as i')
      .innerJoin('meetings as m', 'm.id', 'i.meeting_id')
      .innerJoin('meeting_series as s', 's.id', 'm.series_id')
      .select(['i.id', 's.name as series', 'm.title as meeting', 'm.starts_at', 'i.channel', 'i.sent_at', 'i.response', 'i.access_needs', 'i.responded_at'])
      .where((eb) => eb.or([eb('i.person_id', '=', person.id), eb('i.user_id', '=', userId)]))
      .orderBy('m.starts_at', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom('attendance as a')
      .innerJoin('meetings as m', 'm.id', 'a.meeting_id')
      .innerJoin('meeting_series as s', 's.id', 'm.series_id')
      .select(['a.id', 's.name as series', 'm.title as meeting', 'm.starts_at', 'a.status', 'a.role', 'a.recorded_at'])
      .where((eb) => eb.or([eb('a.person_id', '=', person.id), eb('a.user_id', '=', userId)]))
      .orderBy('m.starts_at', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom('meeting_actions as ma')
      .innerJoin('meeting_series as s', 's.id', 'ma.series_id')
      .select(['ma.id', 's.name as series', 'ma.description', 'ma.due_on', 'ma.status', 'ma.created_at', 'ma.completed_at'])
      .where((eb) => eb.or([eb('ma.owner_person_id', '=', person.id), eb('ma.owner_user_id', '=', userId)]))
      .orderBy('ma.id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
  ]);
  return { invitations, attendance, actions_owned: actions };
}

/**
 * For subject access: the person's expense and payment claims, their lines and receipts (names and
 * sizes, not the files) and every ledger entry about them (issue 8). A person's own claims are few,
 * so they are not cut short.
 */
export async function claimRecordsOf(db: Executor, personId: number) {
  const [claims, lines, receipts, ledger] = await Promise.all([
    db
      .selectFrom('claims as c')
      .innerJoin('org_units as u', 'u.id', 'c.unit_id')
      .select(['c.id', 'u.name as unit', 'c.activity_kind', 'c.activity_date', 'c.description', 'c.meeting_id', 'c.project_id', 'c.preference', 'c.status', 'c.total_pence', 'c.created_at', 'c.submitted_at', 'c.decided_at', 'c.second_decided_at', 'c.paid_at'])
      .where('c.person_id', '=', personId)
      .orderBy('c.activity_date', 'desc')
      .orderBy('c.id', 'desc')
      .execute(),
    db
      .selectFrom('claim_lines as l')
      .innerJoin('claims as c', 'c.id', 'l.claim_id')
      .select(['l.id', 'l.claim_id', 'l.kind', 'l.category', 'l.description', 'l.quantity', 'l.amount_pence', 'l.status', 'l.reason', 'l.decided_at', 'l.created_at'])
      .where('c.person_id', '=', personId)
      .orderBy('l.id')
      .execute(),
    db
      .selectFrom('claim_receipts as r')
      .innerJoin('claim_lines as l', 'l.id', 'r.claim_line_id')
      .innerJoin('claims as c', 'c.id', 'l.claim_id')
      .select(['r.id', 'r.claim_line_id', 'r.filename', 'r.content_type', 'r.size', 'r.created_at'])
      .where('c.person_id', '=', personId)
      .orderBy('r.id')
      .execute(),
    db
      .selectFrom('ledger_entries')
      .select(['id', 'claim_line_id', 'kind', 'amount_pence', 'reverses_id', 'paid_on', 'method', 'reference', 'created_at'])
      .where('person_id', '=', personId)
      .orderBy('id')
      .execute(),
  ]);
  return { claims, lines, receipts, ledger };
}

/** What an activity may be for: the person's own projects, groups and opportunities they took up. */
export async function activityChoices(db: Executor, person: Pick<Person, 'id' | 'user_id'>) {
  const [projects, groups, opportunities] = await Promise.all([
    projectsOf(db, person).select(['projects.id', 'projects.title']).distinct().orderBy('projects.title').orderBy('projects.id').limit(HISTORY_LIMIT).execute(),
    db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['groups.id', 'groups.name as title'])
      .distinct()
      .where('group_members.person_id', '=', person.id)
      .orderBy('title')
      .orderBy('groups.id')
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom('matches')
      .innerJoin('opportunities', 'opportunities.id', 'matches.opportunity_id')
      .select(['opportunities.id', 'opportunities.title'])
      .distinct()
      .where('matches.person_id', '=', person.id)
      .where('matches.status', 'in', [...TAKEN_UP])
      .orderBy('opportunities.title')
      .orderBy('opportunities.id')
      .limit(HISTORY_LIMIT)
      .execute(),
  ]);
  return { projects, groups, opportunities };
}

/** One of a person's activities, or undefined when it is not theirs. */
export async function activityOf(db: Executor, personId: number, activityId: number) {
  return db.selectFrom('involvement_activities').selectAll().where('id', '=', activityId).where('person_id', '=', personId).executeTakeFirst();
}

export async function equalityOf(db: Executor, personId: number) {
  return db.selectFrom('person_equality').selectAll().where('person_id', '=', personId).executeTakeFirst();
}

/** Counts of each answer to one question among people in these units (not erased). */
export async function equalityCounts(db: Executor, prefixes: string[], question: EqualityQuestion): Promise<{ answer: string | null; n: number }[]> {
  if (prefixes.length === 0) return [];
  const rows = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .leftJoin('person_equality', 'person_equality.person_id', 'people.id')
    .select([`person_equality.${question} as answer`, (eb) => eb.fn.countAll<number>().as('n')])
    .where('people.erased_at', 'is', null)
    .where((eb) => eb.or(prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))))
    .groupBy(`person_equality.${question}`)
    .execute();
  return rows.map((r) => ({ answer: r.answer as string | null, n: Number(r.n) }));
}

// ---- Saved filters

export async function savedFiltersOf(db: Executor, userId: number) {
  return db.selectFrom('saved_filters').selectAll().where('user_id', '=', userId).orderBy('name').orderBy('id').limit(100).execute();
}
