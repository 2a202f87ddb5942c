import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Claim, ClaimLine, ClaimStatus, Database, LedgerEntry, Person } from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The statuses in which a claim's lines may still change (submitted: only while nobody has decided). */
export const EDITABLE_STATUSES: readonly ClaimStatus[] = ['draft', 'submitted'];

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// ---- One claim

export type ClaimRow = Claim & {
  unit_path: string;
  unit_name: string;
  person_user_id: number | null;
  full_name: string;
  preferred_name: string | null;
  erased_at: string | null;
  payment_preference: Person['payment_preference'];
  meeting_title: string | null;
  meeting_starts_at: string | null;
  series_name: string | null;
  project_title: string | null;
};

export async function claimById(db: Db, id: number): Promise<ClaimRow | undefined> {
  return db
    .selectFrom('claims as c')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .leftJoin('meetings as m', 'm.id', 'c.meeting_id')
    .leftJoin('meeting_series as s', 's.id', 'm.series_id')
    .leftJoin('projects as pr', 'pr.id', 'c.project_id')
    .selectAll('c')
    .select([
      'u.path as unit_path', 'u.name as unit_name', 'p.user_id as person_user_id', 'p.full_name', 'p.preferred_name', 'p.erased_at', 'p.payment_preference',
      'm.title as meeting_title', 'm.starts_at as meeting_starts_at', 's.name as series_name', 'pr.title as project_title',
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

export async function linesOf(db: Db, claimId: number): Promise<ClaimLine[]> {
  return db.selectFrom('claim_lines').selectAll().where('claim_id', '=', claimId).orderBy('id').execute();
}

export async function lineOf(db: Db, claimId: number, lineId: number): Promise<ClaimLine | undefined> {
  return db.selectFrom('claim_lines').selectAll().where('claim_id', '=', claimId).where('id', '=', lineId).executeTakeFirst();
}

export interface ReceiptRow {
  id: number;
  claim_line_id: number;
  file_sha256: string;
  filename: string;
  content_type: string;
  size: number;
  created_at: string;
}

export async function receiptsOf(db: Db, claimId: number): Promise<ReceiptRow[]> {
  return db
    .selectFrom('claim_receipts as r')
    .innerJoin('claim_lines as l', 'l.id', 'r.claim_line_id')
    .select(['r.id', 'r.claim_line_id', 'r.file_sha256', 'r.filename', 'r.content_type', 'r.size', 'r.created_at'])
    .where('l.claim_id', '=', claimId)
    .orderBy('r.id')
    .execute();
}

export async function receiptOf(db: Db, claimId: number, receiptId: number): Promise<ReceiptRow | undefined> {
  return db
    .selectFrom('claim_receipts as r')
    .innerJoin('claim_lines as l', 'l.id', 'r.claim_line_id')
    .select(['r.id', 'r.claim_line_id', 'r.file_sha256', 'r.filename', 'r.content_type', 'r.size', 'r.created_at'])
    .where('l.claim_id', '=', claimId)
    .where('r.id', '=', receiptId)
    .executeTakeFirst();
}

/** Every ledger entry on the claim's lines, oldest first. */
export async function entriesOf(db: Db, claimId: number): Promise<LedgerEntry[]> {
  return db
    .selectFrom('ledger_entries as e')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .selectAll('e')
    .where('l.claim_id', '=', claimId)
    .orderBy('e.id')
    .execute();
}

// ---- Changing a claim

/**
 * Marks the claim changed if its lines may still change (draft, or submitted and not yet decided),
 * which on PostgreSQL also locks its row until the transaction ends, so two changes to the same
 * claim take turns and the total stays the sum of its lines. False when it may not change.
 */
export async function touchEditable(trx: Db, claimId: number, at: string): Promise<boolean> {
  const result = await trx
    .updateTable('claims')
    .set({ updated_at: at })
    .where('id', '=', claimId)
    .where('status', 'in', [...EDITABLE_STATUSES])
    .where('decided_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('claim_lines').select('id').whereRef('claim_lines.claim_id', '=', 'claims.id').where('claim_lines.status', '<>', 'pending'))))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets the claim's total to the sum of its lines that are not rejected, from the rows in this transaction. */
export async function refreshTotal(trx: Db, claimId: number): Promise<number> {
  const row = await trx
    .selectFrom('claim_lines')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_pence'), eb.val(0)).as('total'))
    .where('claim_id', '=', claimId)
    .where('status', '<>', 'rejected')
    .executeTakeFirstOrThrow();
  const total = Number(row.total);
  await trx.updateTable('claims').set({ total_pence: total }).where('id', '=', claimId).execute();
  return total;
}

export interface NewClaim {
  personId: number;
  unitId: number;
  activityKind: Claim['activity_kind'];
  activityDate: string;
  description: string;
  meetingId: number | null;
  attendanceId: number | null;
  projectId: number | null;
  preference: Claim['preference'];
  createdBy: number | null;
}

/** Inserts a draft; answers undefined when another claim already holds the attendance row (never a second draft). */
export async function insertClaim(trx: Db, c: NewClaim, at: string): Promise<number | undefined> {
  const row = await trx
    .insertInto('claims')
    .values({
      person_id: c.personId, unit_id: c.unitId, activity_kind: c.activityKind, activity_date: c.activityDate, description: c.description,
      meeting_id: c.meetingId, attendance_id: c.attendanceId, project_id: c.projectId, preference: c.preference, status: 'draft', total_pence: 0,
      created_by: c.createdBy, created_at: at, updated_at: at, submitted_at: null, decided_by: null, decided_at: null,
      second_decided_by: null, second_decided_at: null, paid_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export interface NewLine {
  claimId: number;
  kind: ClaimLine['kind'];
  category: ClaimLine['category'];
  description: string | null;
  quantity: number;
  amountPence: number;
  timeRateId: number | null;
  expenseRateId: number | null;
}

export async function insertLine(trx: Db, l: NewLine, at: string): Promise<number> {
  const row = await trx
    .insertInto('claim_lines')
    .values({
      claim_id: l.claimId, kind: l.kind, category: l.category, description: l.description, quantity: l.quantity, amount_pence: l.amountPence,
      time_rate_id: l.timeRateId, expense_rate_id: l.expenseRateId, status: 'pending', reason: null, decided_by: null, decided_at: null, created_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Removes a pending line of the claim (its receipts go with it); false when there was none. */
export async function deleteLine(trx: Db, claimId: number, lineId: number): Promise<boolean> {
  const result = await trx.deleteFrom('claim_lines').where('claim_id', '=', claimId).where('id', '=', lineId).where('status', '=', 'pending').executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function markSubmitted(trx: Db, claimId: number, at: string): Promise<boolean> {
  const result = await trx.updateTable('claims').set({ status: 'submitted', submitted_at: at, updated_at: at }).where('id', '=', claimId).where('status', '=', 'draft').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Withdraws a claim nobody has decided (draft or submitted); false if it was decided meanwhile. */
export async function markWithdrawn(trx: Db, claimId: number, at: string): Promise<boolean> {
  const result = await trx.updateTable('claims').set({ status: 'withdrawn', updated_at: at })
    .where('id', '=', claimId).where('status', 'in', ['draft', 'submitted']).where('decided_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertReceipt(trx: Db, r: { lineId: number; sha256: string; filename: string; contentType: string; size: number; uploadedBy: number }, at: string): Promise<number> {
  const row = await trx
    .insertInto('claim_receipts')
    .values({ claim_line_id: r.lineId, file_sha256: r.sha256, filename: r.filename, content_type: r.contentType, size: r.size, uploaded_by: r.uploadedBy, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteReceipt(trx: Db, receiptId: number): Promise<void> {
  await trx.deleteFrom('claim_receipts').where('id', '=', receiptId).execute();
}

// ---- Lists

export interface ListFilter {
  prefixes: string[];
  unitPath?: string;
  status?: ClaimStatus;
  search?: string;
  after?: { date: string; id: number };
}

export type ListRow = Pick<Claim, 'id' | 'person_id' | 'activity_kind' | 'activity_date' | 'description' | 'status' | 'total_pence' | 'preference' | 'submitted_at'> & {
  unit_name: string;
  full_name: string;
  erased_at: string | null;
};

function listBase(db: Db, f: ListFilter) {
  let q = db
    .selectFrom('claims as c')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .where((eb) => (f.prefixes.length ? eb.or(f.prefixes.map((p) => eb('u.path', 'like', `${p}%`))) : eb.val(false)));
  if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
  if (f.status) q = q.where('c.status', '=', f.status);
  if (f.search) {
    const pattern = likePattern(f.search);
    q = q.where((eb) =>
      eb.or([sql<SqlBool>`lower(p.full_name) like ${pattern} escape '\\'`, sql<SqlBool>`lower(coalesce(p.preferred_name, '')) like ${pattern} escape '\\'`]),
    );
  }
  return q;
}

/** Claims in the units, newest activity first, a page at a time (keyset on activity date and id). */
export async function listClaims(db: Db, f: ListFilter, limit: number): Promise<ListRow[]> {
  let q = listBase(db, f);
  if (f.after) {
    const { date, id } = f.after;
    q = q.where((eb) => eb.or([eb('c.activity_date', '<', date), eb.and([eb('c.activity_date', '=', date), eb('c.id', '<', id)])]));
  }
  return q
    .select(['c.id', 'c.person_id', 'c.activity_kind', 'c.activity_date', 'c.description', 'c.status', 'c.total_pence', 'c.preference', 'c.submitted_at', 'u.name as unit_name', 'p.full_name', 'p.erased_at'])
    .orderBy('c.activity_date', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}

export async function countClaims(db: Db, f: ListFilter): Promise<number> {
  const row = await listBase(db, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export type MyRow = Pick<Claim, 'id' | 'activity_kind' | 'activity_date' | 'description' | 'status' | 'total_pence' | 'preference' | 'paid_at'>;

/** A person's own claims, newest activity first. */
export async function claimsOfPerson(db: Db, personId: number, after: { date: string; id: number } | undefined, limit: number): Promise<MyRow[]> {
  let q = db.selectFrom('claims as c').where('c.person_id', '=', personId);
  if (after) q = q.where((eb) => eb.or([eb('c.activity_date', '<', after.date), eb.and([eb('c.activity_date', '=', after.date), eb('c.id', '<', after.id)])]));
  return q
    .select(['c.id', 'c.activity_kind', 'c.activity_date', 'c.description', 'c.status', 'c.total_pence', 'c.preference', 'c.paid_at'])
    .orderBy('c.activity_date', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * What has been paid on each of the claims: payments less reversed payments, in pence (positive).
 * One query for the page's claims.
 */
export async function paidByClaim(db: Db, claimIds: readonly number[]): Promise<Map<number, number>> {
  if (claimIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .leftJoin('ledger_entries as r', 'r.id', 'e.reverses_id')
    .select(['l.claim_id', (eb) => eb.fn.sum<number>('e.amount_pence').as('total')])
    .where('l.claim_id', 'in', [...claimIds])
    .where((eb) => eb.or([eb('e.kind', '=', 'paid'), eb.and([eb('e.kind', '=', 'reversal'), eb('r.kind', '=', 'paid')])]))
    .groupBy('l.claim_id')
    .execute();
  return new Map(rows.map((r) => [r.claim_id, -Number(r.total)]));
}

// ---- People and what a claim can be for

export type PersonChoice = Pick<Person, 'id' | 'full_name' | 'preferred_name' | 'payment_preference' | 'unit_id' | 'user_id'> & { unit_name: string; unit_path: string };

/** People in the register of the units (not erased) whose name matches, by name. */
export async function peopleInUnits(db: Db, prefixes: string[], search: string, limit: number): Promise<PersonChoice[]> {
  if (prefixes.length === 0) return [];
  const pattern = likePattern(search);
  return db
    .selectFrom('people as p')
    .innerJoin('org_units as u', 'u.id', 'p.unit_id')
    .select(['p.id', 'p.full_name', 'p.preferred_name', 'p.payment_preference', 'p.unit_id', 'p.user_id', 'u.name as unit_name', 'u.path as unit_path'])
    .where('p.erased_at', 'is', null)
    .where((eb) => eb.or(prefixes.map((p) => eb('u.path', 'like', `${p}%`))))
    .where((eb) => eb.or([sql<SqlBool>`lower(p.full_name) like ${pattern} escape '\\'`, sql<SqlBool>`lower(coalesce(p.preferred_name, '')) like ${pattern} escape '\\'`]))
    .orderBy('p.full_name')
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

export async function personById(db: Db, personId: number): Promise<PersonChoice | undefined> {
  return db
    .selectFrom('people as p')
    .innerJoin('org_units as u', 'u.id', 'p.unit_id')
    .select(['p.id', 'p.full_name', 'p.preferred_name', 'p.payment_preference', 'p.unit_id', 'p.user_id', 'u.name as unit_name', 'u.path as unit_path'])
    .where('p.id', '=', personId)
    .where('p.erased_at', 'is', null)
    .executeTakeFirst();
}

export async function personOfUser(db: Db, userId: number): Promise<PersonChoice | undefined> {
  return db
    .selectFrom('people as p')
    .innerJoin('org_units as u', 'u.id', 'p.unit_id')
    .select(['p.id', 'p.full_name', 'p.preferred_name', 'p.payment_preference', 'p.unit_id', 'p.user_id', 'u.name as unit_name', 'u.path as unit_path'])
    .where('p.user_id', '=', userId)
    .where('p.erased_at', 'is', null)
    .executeTakeFirst();
}

export interface AttendedMeeting {
  attendance_id: number;
  meeting_id: number;
  title: string | null;
  starts_at: string;
  series_name: string;
  unit_id: number;
}

/** Meetings the person was recorded as present at (through their register entry or their account), latest first. */
export async function attendedMeetings(db: Db, person: Pick<Person, 'id' | 'user_id'>, limit: number): Promise<AttendedMeeting[]> {
  return db
    .selectFrom('attendance as a')
    .innerJoin('meetings as m', 'm.id', 'a.meeting_id')
    .innerJoin('meeting_series as s', 's.id', 'm.series_id')
    .select(['a.id as attendance_id', 'm.id as meeting_id', 'm.title', 'm.starts_at', 's.name as series_name', 's.unit_id'])
    .where('a.status', '=', 'present')
    .where((eb) => eb.or([eb('a.person_id', '=', person.id), ...(person.user_id != null ? [eb('a.user_id', '=', person.user_id)] : [])]))
    .orderBy('m.starts_at', 'desc')
    .limit(limit)
    .execute();
}

export interface PersonProject {
  id: number;
  title: string;
  unit_id: number;
}

/** Projects whose team the person is on (through their register entry or their account). */
export async function projectsOf(db: Db, person: Pick<Person, 'id' | 'user_id'>, limit: number): Promise<PersonProject[]> {
  return db
    .selectFrom('project_members as pm')
    .innerJoin('projects as pr', 'pr.id', 'pm.project_id')
    .select(['pr.id', 'pr.title', 'pr.unit_id'])
    .distinct()
    .where((eb) => eb.or([eb('pm.person_id', '=', person.id), ...(person.user_id != null ? [eb('pm.user_id', '=', person.user_id)] : [])]))
    .orderBy('pr.title')
    .orderBy('pr.id')
    .limit(limit)
    .execute();
}

/** The person's claim for a meeting, if they have one. */
export async function claimForMeeting(db: Db, personId: number, meetingId: number): Promise<number | undefined> {
  // A withdrawn claim does not count: the person may claim for the meeting afresh.
  const row = await db.selectFrom('claims').select('id').where('person_id', '=', personId).where('meeting_id', '=', meetingId).where('status', '!=', 'withdrawn').executeTakeFirst();
  return row?.id;
}

/** Does any claim (a withdrawn one too) hold this attendance row? */
export async function attendanceClaimed(db: Db, attendanceId: number): Promise<boolean> {
  return (await db.selectFrom('claims').select('id').where('attendance_id', '=', attendanceId).executeTakeFirst()) !== undefined;
}

// ---- Drafts from attendance

export async function meetingForDrafts(db: Db, meetingId: number) {
  return db
    .selectFrom('meetings as m')
    .innerJoin('meeting_series as s', 's.id', 'm.series_id')
    .select(['m.id', 'm.starts_at', 'm.ends_at', 'm.title', 's.unit_id', 's.name as series_name'])
    .where('m.id', '=', meetingId)
    .executeTakeFirst();
}

/**
 * Who was present, with their register entry (the attendance row's, or the one linked to their
 * account) and payment preference; people erased or with no entry are left out, and so is anyone
 * who already has a claim for the row or for the meeting.
 */
export async function presentWithoutClaim(db: Db, meetingId: number) {
  return db
    .selectFrom('attendance as a')
    .innerJoin('people as p', (join) =>
      join.on((eb) => eb.or([eb('p.id', '=', eb.ref('a.person_id')), eb.and([eb('a.person_id', 'is', null), eb('p.user_id', '=', eb.ref('a.user_id'))])])),
    )
    .select(['a.id as attendance_id', 'p.id as person_id', 'p.user_id', 'p.payment_preference'])
    .where('a.meeting_id', '=', meetingId)
    .where('a.status', '=', 'present')
    .where('p.erased_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('claims as c').select('c.id').where((w) => w.or([w('c.attendance_id', '=', w.ref('a.id')), w.and([w('c.person_id', '=', w.ref('p.id')), w('c.meeting_id', '=', meetingId)])])),
        ),
      ),
    )
    .orderBy('a.id')
    .execute();
}
