import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, GroupTable } from '../../platform/db/types.ts';
import type { Selectable } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;
export type Group = Selectable<GroupTable>;

export interface GroupRow extends Group {
  unit_name: string;
  unit_path: string;
  members: number;
}

export async function listGroups(db: Db, opts: { prefixes: string[]; archived: boolean; before?: number; limit: number }): Promise<GroupRow[]> {
  if (opts.prefixes.length === 0) return [];
  let q = db
    .selectFrom('groups')
    .innerJoin('org_units', 'org_units.id', 'groups.unit_id')
    .selectAll('groups')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .select((eb) =>
      eb
        .selectFrom('group_members')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('group_members.group_id', '=', 'groups.id')
        .where('group_members.left_on', 'is', null)
        .as('members'),
    )
    .where((eb) => eb.or(opts.prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))))
    .where('groups.archived_at', opts.archived ? 'is not' : 'is', null);
  if (opts.before) q = q.where('groups.id', '<', opts.before);
  const rows = await q.orderBy('groups.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({ ...r, members: Number(r.members ?? 0) }));
}

export async function groupWithUnit(db: Db, id: number): Promise<(Group & { unit_name: string; unit_path: string }) | undefined> {
  return db
    .selectFrom('groups')
    .innerJoin('org_units', 'org_units.id', 'groups.unit_id')
    .selectAll('groups')
    .select(['org_units.name as unit_name', 'org_units.path as unit_path'])
    .where('groups.id', '=', id)
    .executeTakeFirst();
}

export async function insertGroup(db: Db, v: { unitId: number; name: string; purpose: string | null; termsOfReference: string | null; cadence: string | null }, now: string): Promise<number> {
  const row = await db
    .insertInto('groups')
    .values({ unit_id: v.unitId, name: v.name, purpose: v.purpose, terms_of_reference: v.termsOfReference, cadence: v.cadence, created_at: now, archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateGroup(db: Db, id: number, v: { unitId: number; name: string; purpose: string | null; termsOfReference: string | null; cadence: string | null }): Promise<void> {
  await db
    .updateTable('groups')
    .set({ unit_id: v.unitId, name: v.name, purpose: v.purpose, terms_of_reference: v.termsOfReference, cadence: v.cadence })
    .where('id', '=', id)
    .execute();
}

export async function setArchived(db: Db, id: number, at: string | null): Promise<void> {
  await db.updateTable('groups').set({ archived_at: at }).where('id', '=', id).execute();
}

export interface MemberRow {
  id: number;
  group_id: number;
  person_id: number;
  role: 'chair' | 'co_chair' | 'member' | 'coordinator';
  joined_on: string;
  left_on: string | null;
  full_name: string;
  preferred_name: string | null;
  anonymity: 'full_name' | 'first_name' | 'initials' | 'anonymous';
  erased_at: string | null;
  person_unit_path: string;
}

const memberColumns = [
  'group_members.id', 'group_members.group_id', 'group_members.person_id', 'group_members.role', 'group_members.joined_on', 'group_members.left_on',
  'people.full_name', 'people.preferred_name', 'people.anonymity', 'people.erased_at', 'org_units.path as person_unit_path',
] as const;

/** Current members first (by role, then joining date), then people who have left, latest first. */
export async function membersOf(db: Db, groupId: number): Promise<MemberRow[]> {
  return db
    .selectFrom('group_members')
    .innerJoin('people', 'people.id', 'group_members.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(memberColumns)
    .where('group_members.group_id', '=', groupId)
    .orderBy(sql`case when group_members.left_on is null then 0 else 1 end`)
    .orderBy('group_members.left_on', 'desc')
    .orderBy('group_members.joined_on')
    .orderBy('group_members.id')
    .execute();
}

export async function memberById(db: Db, groupId: number, memberId: number): Promise<MemberRow | undefined> {
  return db
    .selectFrom('group_members')
    .innerJoin('people', 'people.id', 'group_members.person_id')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(memberColumns)
    .where('group_members.group_id', '=', groupId)
    .where('group_members.id', '=', memberId)
    .executeTakeFirst();
}

export async function currentMembership(db: Db, groupId: number, personId: number): Promise<{ id: number } | undefined> {
  return db
    .selectFrom('group_members')
    .select('id')
    .where('group_id', '=', groupId)
    .where('person_id', '=', personId)
    .where('left_on', 'is', null)
    .executeTakeFirst();
}

export async function insertMember(db: Db, v: { groupId: number; personId: number; role: MemberRow['role']; joinedOn: string }): Promise<number> {
  const row = await db
    .insertInto('group_members')
    .values({ group_id: v.groupId, person_id: v.personId, role: v.role, joined_on: v.joinedOn, left_on: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateMember(db: Db, id: number, set: { role?: MemberRow['role']; left_on?: string }): Promise<void> {
  await db.updateTable('group_members').set(set).where('id', '=', id).execute();
}

export interface PersonChoice {
  id: number;
  full_name: string;
  status: string;
  unit_name: string;
}

/** People in the register under the prefixes (not erased), optionally whose name contains the words. */
export async function findPeople(db: Db, opts: { prefixes: string[]; search?: string; limit: number }): Promise<PersonChoice[]> {
  if (opts.prefixes.length === 0) return [];
  let q = db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select(['people.id', 'people.full_name', 'people.status', 'org_units.name as unit_name'])
    .where('people.erased_at', 'is', null)
    .where((eb) => eb.or(opts.prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))));
  if (opts.search) {
    const like = `%${opts.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`lower(people.full_name) like ${like} escape '\\'`);
  }
  return q.orderBy('people.full_name').orderBy('people.id').limit(opts.limit).execute();
}

export async function countPeople(db: Db, prefixes: string[]): Promise<number> {
  if (prefixes.length === 0) return 0;
  const row = await db
    .selectFrom('people')
    .innerJoin('org_units', 'org_units.id', 'people.unit_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('people.erased_at', 'is', null)
    .where((eb) => eb.or(prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
