import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { Dialect } from '../../platform/db/index.ts';
import type { Claim, ClaimLine, Database, Person } from '../../platform/db/types.ts';

/**
 * SQL for approvals: the queues of claims waiting for a first or second decision, one claim with
 * its lines and receipts for review, and the writes a decision makes. The claims and claim_lines
 * tables belong to the claims feature; approvals reads and decides them here.
 */

type Db = Kysely<Database> | Transaction<Database>;

/** Where a queue page starts: after the last row shown (its activity date and id). */
export interface QueueCursor {
  date: string;
  id: number;
}

export interface QueueRow {
  id: number;
  activity_kind: Claim['activity_kind'];
  activity_date: string;
  description: string;
  total_pence: number;
  /** When it started waiting: sent for approval (first) or given its first approval (second). */
  waiting_since: string;
  person_id: number;
  full_name: string;
  preferred_name: string | null;
  anonymity: Person['anonymity'];
  erased_at: string | null;
  person_unit_path: string;
  unit_name: string;
  pending_lines: number | string;
  lines: number | string;
  /** Expense lines (other than mileage) without a receipt. */
  without_receipt: number | string;
}

const inPrefixes = (prefixes: string[]) => (eb: ExpressionBuilder<Database & { u: Database['org_units'] }, 'u'>) =>
  eb.or(prefixes.map((p) => eb('u.path', 'like', `${p}%`)));

/**
 * One page of claims with the status, in units under the prefixes, oldest activity first, leaving
 * out claims for the reviewer's own register entry (and, for second approval, those they approved first).
 */
export async function queue(
  db: Db,
  opts: { status: 'submitted' | 'second_approval'; prefixes: string[]; userId: number; after?: QueueCursor | undefined; limit: number },
): Promise<QueueRow[]> {
  if (opts.prefixes.length === 0) return [];
  let q = db
    .selectFrom('claims as c')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .innerJoin('org_units as pu', 'pu.id', 'p.unit_id')
    .select((eb) => [
      'c.id', 'c.activity_kind', 'c.activity_date', 'c.description', 'c.total_pence',
      (opts.status === 'submitted' ? eb.fn.coalesce('c.submitted_at', 'c.created_at') : eb.fn.coalesce('c.decided_at', 'c.updated_at')).as('waiting_since'),
      'p.id as person_id', 'p.full_name', 'p.preferred_name', 'p.anonymity', 'p.erased_at', 'pu.path as person_unit_path', 'u.name as unit_name',
      eb.selectFrom('claim_lines as l').select((e) => e.fn.countAll<number>().as('n')).whereRef('l.claim_id', '=', 'c.id').where('l.status', '=', 'pending').as('pending_lines'),
      eb.selectFrom('claim_lines as l').select((e) => e.fn.countAll<number>().as('n')).whereRef('l.claim_id', '=', 'c.id').as('lines'),
      eb
        .selectFrom('claim_lines as l')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('l.claim_id', '=', 'c.id')
        .where('l.kind', '=', 'expense')
        .where('l.category', '!=', 'mileage')
        .where('l.status', '!=', 'rejected')
        .where((e) => e.not(e.exists(e.selectFrom('claim_receipts as r').select('r.id').whereRef('r.claim_line_id', '=', 'l.id'))))
        .as('without_receipt'),
    ])
    .where('c.status', '=', opts.status)
    .where(inPrefixes(opts.prefixes))
    .where((eb) => eb.or([eb('p.user_id', 'is', null), eb('p.user_id', '!=', opts.userId)]));
  if (opts.status === 'second_approval') q = q.where((eb) => eb.or([eb('c.decided_by', 'is', null), eb('c.decided_by', '!=', opts.userId)]));
  if (opts.after) {
    const { date, id } = opts.after;
    q = q.where((eb) => eb.or([eb('c.activity_date', '>', date), eb.and([eb('c.activity_date', '=', date), eb('c.id', '>', id)])]));
  }
  return q.orderBy('c.activity_date').orderBy('c.id').limit(opts.limit).execute() as Promise<QueueRow[]>;
}

export type ReviewClaim = Claim & {
  unit_path: string;
  unit_name: string;
  person_user_id: number | null;
  full_name: string;
  preferred_name: string | null;
  anonymity: Person['anonymity'];
  erased_at: string | null;
  person_unit_path: string;
  preferred_channel: Person['preferred_channel'];
  format: Person['format'];
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  decided_by_name: string | null;
  second_decided_by_name: string | null;
};

function claimQuery(db: Db) {
  return db
    .selectFrom('claims as c')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .innerJoin('org_units as pu', 'pu.id', 'p.unit_id')
    .leftJoin('users as d1', 'd1.id', 'c.decided_by')
    .leftJoin('users as d2', 'd2.id', 'c.second_decided_by')
    .selectAll('c')
    .select([
      'u.path as unit_path', 'u.name as unit_name', 'p.user_id as person_user_id', 'p.full_name', 'p.preferred_name', 'p.anonymity', 'p.erased_at',
      'pu.path as person_unit_path', 'p.preferred_channel', 'p.format', 'p.email', 'p.phone', 'p.address', 'p.postcode',
      'd1.name as decided_by_name', 'd2.name as second_decided_by_name',
    ]);
}

/** A claim with its unit, the person it is for (and how to reach them), and who decided it. */
export async function claimForReview(db: Db, id: number): Promise<ReviewClaim | undefined> {
  return claimQuery(db).where('c.id', '=', id).executeTakeFirst() as Promise<ReviewClaim | undefined>;
}

/**
 * Locks the claim row until the transaction ends (PostgreSQL: SELECT … FOR UPDATE), so two people
 * deciding at once are taken one after the other and the second sees the first's decision. SQLite
 * runs one write transaction at a time, so a plain read is enough there.
 */
export async function lockClaim(trx: Transaction<Database>, dialect: Dialect, id: number): Promise<Claim | undefined> {
  const q = trx.selectFrom('claims').selectAll().where('id', '=', id);
  return (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
}

export type LineRow = ClaimLine & { decided_by_name: string | null };

export async function linesOf(db: Db, claimId: number): Promise<LineRow[]> {
  return db
    .selectFrom('claim_lines as l')
    .leftJoin('users as d', 'd.id', 'l.decided_by')
    .selectAll('l')
    .select('d.name as decided_by_name')
    .where('l.claim_id', '=', claimId)
    .orderBy('l.id')
    .execute();
}

export interface ReceiptRow {
  id: number;
  claim_line_id: number;
  filename: string;
  content_type: string;
  size: number;
}

export async function receiptsOf(db: Db, lineIds: number[]): Promise<ReceiptRow[]> {
  if (lineIds.length === 0) return [];
  return db
    .selectFrom('claim_receipts')
    .select(['id', 'claim_line_id', 'filename', 'content_type', 'size'])
    .where('claim_line_id', 'in', lineIds)
    .orderBy('id')
    .execute();
}

export async function decideLine(trx: Transaction<Database>, lineId: number, d: { status: 'approved' | 'rejected'; reason: string | null; by: number; at: string }): Promise<void> {
  await trx.updateTable('claim_lines').set({ status: d.status, reason: d.reason, decided_by: d.by, decided_at: d.at }).where('id', '=', lineId).execute();
}

export async function updateClaim(
  trx: Transaction<Database>,
  id: number,
  set: Partial<Pick<Claim, 'status' | 'total_pence' | 'decided_by' | 'decided_at' | 'second_decided_by' | 'second_decided_at' | 'updated_at'>>,
): Promise<void> {
  await trx.updateTable('claims').set(set).where('id', '=', id).execute();
}
