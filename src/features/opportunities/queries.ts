import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { AttributeKind, Database, Match, Opportunity, OrgUnit, Person } from '../../platform/db/types.ts';
import { contactableWhere } from '../people/service.ts';
import { WEIGHTS, type Candidate } from './matching.ts';

type Executor = Pick<Db, 'selectFrom' | 'insertInto' | 'updateTable' | 'deleteFrom'>;

export interface OpportunityRow extends Opportunity {
  unit_name: string;
  unit_path: string;
  project_title: string | null;
}

/** Paths are digits and slashes only, so LIKE needs no escaping. */
const underAny = (eb: ExpressionBuilder<Database, 'org_units'>, prefixes: string[]) => prefixes.map((p) => eb('org_units.path', 'like', `${p}%`));

/** The unit's own path and every ancestor's ("/1/4/9/" → "/1/", "/1/4/", "/1/4/9/"). */
export function ancestorPaths(path: string): string[] {
  const ids = path.split('/').filter(Boolean);
  return ids.map((_, i) => `/${ids.slice(0, i + 1).join('/')}/`);
}

export async function opportunityById(db: Executor, id: number): Promise<OpportunityRow | undefined> {
  return db
    .selectFrom('opportunities')
    .innerJoin('org_units', 'org_units.id', 'opportunities.unit_id')
    .leftJoin('projects', 'projects.id', 'opportunities.project_id')
    .selectAll('opportunities')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path', 'projects.title as project_title'])
    .where('opportunities.id', '=', id)
    .executeTakeFirst();
}

/** A project's opportunities, newest first. */
export async function opportunitiesOfProject(db: Db, projectId: number, limit: number): Promise<Opportunity[]> {
  return db.selectFrom('opportunities').selectAll().where('project_id', '=', projectId).orderBy('id', 'desc').limit(limit).execute();
}

export interface ListFilter {
  signedIn: boolean;
  /** Unit path prefixes where the user manages opportunities: every status is listed there. */
  prefixes: string[];
  userId: number | null;
  today: string;
  before?: number | undefined;
  limit: number;
}

/** Open opportunities not past their closing date (public ones only for visitors), plus the user's own and those in units they manage; newest first, in keyset pages. */
export async function listOpportunities(db: Db, f: ListFilter): Promise<OpportunityRow[]> {
  let q = db
    .selectFrom('opportunities')
    .innerJoin('org_units', 'org_units.id', 'opportunities.unit_id')
    .leftJoin('projects', 'projects.id', 'opportunities.project_id')
    .selectAll('opportunities')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path', 'projects.title as project_title'])
    .where((eb) => {
      const open = eb.and([
        eb('opportunities.status', '=', 'open'),
        eb.or([eb('opportunities.closes_on', 'is', null), eb('opportunities.closes_on', '>=', f.today)]),
        ...(f.signedIn ? [] : [eb('opportunities.is_public', '=', 1)]),
      ]);
      return eb.or([open, ...underAny(eb, f.prefixes), ...(f.userId ? [eb('opportunities.created_by', '=', f.userId)] : [])]);
    });
  if (f.before) q = q.where('opportunities.id', '<', f.before);
  return q.orderBy('opportunities.id', 'desc').limit(f.limit).execute();
}

export interface Wanted {
  interests: string[];
  availability: string[];
  relationships: string[];
  venueAccess: string[];
}

export async function attributesOf(db: Executor, opportunityId: number): Promise<Wanted> {
  const rows = await db.selectFrom('opportunity_attributes').select(['kind', 'value']).where('opportunity_id', '=', opportunityId).orderBy('id').execute();
  const of = (k: AttributeKind) => rows.filter((r) => r.kind === k).map((r) => r.value);
  return { interests: of('interest'), availability: of('availability'), relationships: of('relationship'), venueAccess: of('access_need') };
}

export async function replaceAttributes(db: Executor, opportunityId: number, w: Wanted): Promise<void> {
  await db.deleteFrom('opportunity_attributes').where('opportunity_id', '=', opportunityId).execute();
  const rows = [
    ...w.interests.map((value) => ({ kind: 'interest' as const, value })),
    ...w.availability.map((value) => ({ kind: 'availability' as const, value })),
    ...w.relationships.map((value) => ({ kind: 'relationship' as const, value })),
    ...w.venueAccess.map((value) => ({ kind: 'access_need' as const, value })),
  ].map((r) => ({ ...r, opportunity_id: opportunityId }));
  if (rows.length) await db.insertInto('opportunity_attributes').values(rows).execute();
}

export async function groupUnit(db: Db, groupId: number): Promise<(OrgUnit & { group_id: number }) | undefined> {
  return db
    .selectFrom('groups')
    .innerJoin('org_units', 'org_units.id', 'groups.unit_id')
    .selectAll('org_units')
    .select('groups.id as group_id')
    .where('groups.id', '=', groupId)
    .where('groups.archived_at', 'is', null)
    .executeTakeFirst();
}

// ---- People and consent

/** 1 when the person may be contacted (the people service's rule, `contactableWhere`), else 0. */
const contactConsent = (eb: ExpressionBuilder<Database, 'people'>) => eb.case().when(contactableWhere(eb)).then(1).else(0).end();

/** Current commitments: accepted or started matches plus group memberships not ended. */
const busyCount = (eb: ExpressionBuilder<Database, 'people'>) =>
  sql<number>`(${eb
    .selectFrom('matches as busy_m')
    .select(eb.fn.countAll().as('n'))
    .whereRef('busy_m.person_id', '=', 'people.id')
    .where('busy_m.status', 'in', ['accepted', 'started'])}) + (${eb
    .selectFrom('group_members')
    .select(eb.fn.countAll().as('n'))
    .whereRef('group_members.person_id', '=', 'people.id')
    .where('group_members.left_on', 'is', null)})`;

export const CANDIDATE_LIMIT = 500;

/** Distinct values of one kind the person has that the opportunity asks for. */
const overlapOf = (eb: ExpressionBuilder<Database, 'people'>, opportunityId: number, kind: 'interest' | 'availability') =>
  eb
    .selectFrom('person_attributes as pa')
    .innerJoin('opportunity_attributes as oa', (join) => join.onRef('oa.kind', '=', 'pa.kind').onRef('oa.value', '=', 'pa.value'))
    .select((sub) => sub.fn.count<number>('pa.value').distinct().as('n'))
    .whereRef('pa.person_id', '=', 'people.id')
    .where('oa.opportunity_id', '=', opportunityId)
    .where('pa.kind', '=', kind);

/** The lived experience asked for is theirs ("both" gives service user and carer), as in matching.ts. */
const relationshipFits = (eb: ExpressionBuilder<Database, 'people'>, opportunityId: number) =>
  eb.exists(
    eb
      .selectFrom('opportunity_attributes as ra')
      .select('ra.id')
      .where('ra.opportunity_id', '=', opportunityId)
      .where('ra.kind', '=', 'relationship')
      .where((w) => w.or([w('ra.value', '=', w.ref('people.relationship')), w.and([w('people.relationship', '=', 'both'), w('ra.value', 'in', ['service_user', 'carer'])])])),
  );

/**
 * How much of what the opportunity asks for the person has: overlapping interests, availability and
 * the lived experience wanted, weighted as the ranking weighs them. Orders the candidates before the
 * cap, so the ones taken are the best-overlapping, not the first registered.
 */
const overlapScore = (eb: ExpressionBuilder<Database, 'people'>, opportunityId: number) =>
  sql<number>`(${overlapOf(eb, opportunityId, 'interest')}) * ${sql.lit(WEIGHTS.interest)} + (${overlapOf(eb, opportunityId, 'availability')}) * ${sql.lit(
    WEIGHTS.availability,
  )} + (case when ${relationshipFits(eb, opportunityId)} then ${sql.lit(WEIGHTS.relationship)} else 0 end)`;

export interface CandidateRow extends Candidate {
  fullName: string;
  person: Pick<Person, 'full_name' | 'preferred_name' | 'anonymity' | 'erased_at'>;
}

/** What matching needs of a person: who they are, how busy, and whether they may be contacted (see BaseRow). */
const candidateColumns = (eb: ExpressionBuilder<Database, 'people'>) =>
  [
    'people.id',
    'people.status',
    'people.relationship',
    'people.full_name',
    'people.preferred_name',
    'people.anonymity',
    'people.erased_at',
    busyCount(eb).as('busy'),
    contactConsent(eb).as('consent'),
  ] as const;

/**
 * People who could be suggested for an opportunity in a unit with this path: registered in that
 * unit, one above it or one inside it, and in a register the lead keeps; active or in induction; never erased; whose latest consent
 * to be contacted is given; not already matched to it. At most CANDIDATE_LIMIT, the
 * best-overlapping first (then by id), then their attributes in one query.
 */
export async function loadCandidates(db: Db, opts: { unitPath: string; opportunityId: number; scope: string[]; withoutConsent?: boolean; limit?: number }): Promise<CandidateRow[]> {
  if (opts.scope.length === 0) return [];
  const rows = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(candidateColumns)
    .where((eb) => eb.or([eb('org_units.path', 'in', ancestorPaths(opts.unitPath)), eb('org_units.path', 'like', `${opts.unitPath}%`)]))
    // …and in the register of a unit the lead keeps.
    .where((eb) => eb.or(underAny(eb, opts.scope)))
    .where('people.erased_at', 'is', null)
    .where('people.status', 'in', ['active', 'induction'])
    .where((eb) => (opts.withoutConsent ? eb.not(contactableWhere(eb)) : contactableWhere(eb)))
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('matches').select('matches.id').whereRef('matches.person_id', '=', 'people.id').where('matches.opportunity_id', '=', opts.opportunityId))),
    )
    .orderBy((eb) => overlapScore(eb, opts.opportunityId), 'desc')
    .orderBy('people.id')
    .limit(opts.limit ?? CANDIDATE_LIMIT)
    .execute();
  return withAttributes(db, rows);
}

/** The same facts for given people (those already matched), whatever their status or consent. */
export async function candidatesByIds(db: Db, ids: number[]): Promise<CandidateRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('people')
    .select(candidateColumns)
    .where('people.id', 'in', ids)
    .execute();
  return withAttributes(db, rows);
}

type BaseRow = Pick<Person, 'id' | 'status' | 'relationship' | 'full_name' | 'preferred_name' | 'anonymity' | 'erased_at'> & { busy: unknown; consent: unknown };

async function withAttributes(db: Db, rows: BaseRow[]): Promise<CandidateRow[]> {
  const attrs = rows.length
    ? await db
        .selectFrom('person_attributes')
        .select(['person_id', 'kind', 'value'])
        .where('person_id', 'in', rows.map((r) => r.id))
        .where('kind', 'in', ['interest', 'availability', 'access_need'])
        .execute()
    : [];
  const byPerson = new Map<number, { interest: string[]; availability: string[]; access_need: string[] }>();
  for (const a of attrs) {
    const entry = byPerson.get(a.person_id) ?? { interest: [], availability: [], access_need: [] };
    if (a.kind === 'interest' || a.kind === 'availability' || a.kind === 'access_need') entry[a.kind].push(a.value);
    byPerson.set(a.person_id, entry);
  }
  return rows.map((r) => {
    const a = byPerson.get(r.id);
    return {
      id: r.id,
      status: r.status,
      relationship: r.relationship,
      interests: a?.interest ?? [],
      availability: a?.availability ?? [],
      accessNeeds: a?.access_need ?? [],
      busy: Number(r.busy),
      canContact: Number(r.consent) === 1,
      fullName: r.full_name,
      person: { full_name: r.full_name, preferred_name: r.preferred_name, anonymity: r.anonymity, erased_at: r.erased_at },
    };
  });
}

export async function personById(db: Executor, id: number): Promise<(Person & { unit_path: string }) | undefined> {
  return db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .selectAll('people')
    .select('org_units.path as unit_path')
    .where('people.id', '=', id)
    .where('people.erased_at', 'is', null)
    .executeTakeFirst();
}

export async function personForUser(db: Executor, userId: number): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('user_id', '=', userId).where('erased_at', 'is', null).executeTakeFirst();
}

/** Someone already in this unit's register with the email (or, without one, the phone number) given. */
export async function personByContact(db: Executor, unitId: number, contact: { email?: string | null | undefined; phone?: string | null | undefined }): Promise<Person | undefined> {
  if (!contact.email && !contact.phone) return undefined;
  let q = db.selectFrom('people').selectAll().where('unit_id', '=', unitId).where('erased_at', 'is', null);
  q = contact.email ? q.where(sql`lower(email)`, '=', contact.email.toLowerCase()) : q.where('phone', '=', contact.phone as string);
  return q.orderBy('id').executeTakeFirst();
}

// ---- Matches

export interface MatchRow extends Match {
  full_name: string;
  preferred_name: string | null;
  anonymity: Person['anonymity'];
  erased_at: string | null;
  person_status: Person['status'];
}

export async function matchesOf(db: Db, opportunityId: number, statuses?: Match['status'][]): Promise<MatchRow[]> {
  let q = db
    .selectFrom('matches')
    .innerJoin('people', 'people.id', 'matches.person_id')
    .selectAll('matches')
    .select(['people.full_name', 'people.preferred_name', 'people.anonymity', 'people.erased_at', 'people.status as person_status'])
    .where('matches.opportunity_id', '=', opportunityId);
  if (statuses) q = q.where('matches.status', 'in', statuses);
  return q.orderBy('matches.id').execute();
}

export async function matchById(db: Executor, opportunityId: number, matchId: number): Promise<Match | undefined> {
  return db.selectFrom('matches').selectAll().where('id', '=', matchId).where('opportunity_id', '=', opportunityId).executeTakeFirst();
}

export async function matchByTokenHash(db: Executor, hash: string): Promise<Match | undefined> {
  return db.selectFrom('matches').selectAll().where('response_token_hash', '=', hash).executeTakeFirst();
}

/** Accepted and started matches: the places taken. */
export async function placesTaken(db: Executor, opportunityId: number): Promise<number> {
  const row = await db
    .selectFrom('matches')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('opportunity_id', '=', opportunityId)
    .where('status', 'in', ['accepted', 'started'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
