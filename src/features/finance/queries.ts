import { sql, type ExpressionBuilder, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Dialect } from '../../platform/db/index.ts';
import type { ClaimActivity, ClaimStatus, Database, LedgerKind, LineKind, LineStatus, PaymentMethod } from '../../platform/db/types.ts';
import type { ExportFilter } from './schemas.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Finance's SQL: payable lines (approved lines of approved claims with something still owed), a
 * line's ledger, exports and payee references. Finance reads only what paying needs: the person's
 * name and payee reference, amounts, the activity's kind and date, the unit (for the cost centre).
 */

type Lines = ExpressionBuilder<Database & { l: Database['claim_lines']; c: Database['claims']; u: Database['org_units'] }, 'l' | 'c' | 'u'>;

/** Unit path prefixes as an OR of LIKEs on the claim's unit (u). */
function inScope(eb: Lines, prefixes: readonly string[]) {
  return prefixes.length ? eb.or(prefixes.map((p) => eb('u.path', 'like', `${p}%`))) : eb.val(false);
}

/** What is still owed on line l: the sum of its ledger entries. */
const balanceOf = sql<number>`(select coalesce(sum(b.amount_pence), 0) from ledger_entries b where b.claim_line_id = l.id)`;
/** The export that took line l (a line goes to finance at most once), or null. */
const exportOf = sql<number | null>`(select min(fi.export_id) from finance_export_items fi inner join ledger_entries o on o.id = fi.entry_id where o.claim_line_id = l.id)`;
/**
 * Whether line l has gone to finance. Filters use (not) exists rather than "exportOf is null": the
 * PostgreSQL planner cannot estimate the latter, costs the plan high and JIT-compiles it (0.7 s at
 * 100,000 claims, bench/payments.ts).
 */
const exported = sql<SqlBool>`exists (select 1 from finance_export_items fi inner join ledger_entries o on o.id = fi.entry_id where o.claim_line_id = l.id)`;

export interface LineRow {
  line_id: number;
  kind: LineKind;
  category: string;
  description: string | null;
  amount_pence: number;
  line_status: LineStatus;
  claim_id: number;
  claim_status: ClaimStatus;
  activity_kind: ClaimActivity;
  activity_date: string;
  preference: string;
  paid_at: string | null;
  unit_id: number;
  unit_path: string;
  person_id: number;
  full_name: string;
  payee_reference: string | null;
  balance: number;
  export_id: number | null;
}

function linesBase(db: Db) {
  return db
    .selectFrom('claim_lines as l')
    .innerJoin('claims as c', 'c.id', 'l.claim_id')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .select([
      'l.id as line_id', 'l.kind', 'l.category', 'l.description', 'l.amount_pence', 'l.status as line_status',
      'c.id as claim_id', 'c.status as claim_status', 'c.activity_kind', 'c.activity_date', 'c.preference', 'c.paid_at',
      'c.unit_id', 'u.path as unit_path', 'p.id as person_id', 'p.full_name', 'p.payee_reference',
    ])
    .select([balanceOf.as('balance'), exportOf.as('export_id')]);
}

const numeric = (r: LineRow): LineRow => ({ ...r, balance: Number(r.balance), export_id: r.export_id == null ? null : Number(r.export_id) });

export interface PayableFilter {
  prefixes: readonly string[];
  unitPath?: string | undefined;
  exported: ExportFilter;
  after?: { date: string; id: number } | undefined;
  limit: number;
}

/**
 * Payable lines, oldest activity first. A claim with paid_at set has nothing owed on any approved
 * line (finance keeps it so), which lets the claims_paid index skip paid claims.
 */
export async function payableLines(db: Db, f: PayableFilter): Promise<LineRow[]> {
  let q = linesBase(db)
    .where('c.status', '=', 'approved')
    .where('c.paid_at', 'is', null)
    .where('l.status', '=', 'approved')
    .where((eb) => inScope(eb, f.prefixes))
    .where(sql<SqlBool>`${balanceOf} > 0`);
  if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
  if (f.exported === 'exported') q = q.where(exported);
  if (f.exported === 'not_exported') q = q.where(sql<SqlBool>`not ${exported}`);
  if (f.after) {
    const { date, id } = f.after;
    q = q.where((eb) => eb.or([eb('c.activity_date', '>', date), eb.and([eb('c.activity_date', '=', date), eb('l.id', '>', id)])]));
  }
  return (await q.orderBy('c.activity_date').orderBy('l.id').limit(f.limit).execute()).map(numeric);
}

export async function linesByIds(db: Db, ids: readonly number[]): Promise<LineRow[]> {
  if (ids.length === 0) return [];
  return (await linesBase(db).where('l.id', 'in', [...ids]).orderBy('c.activity_date').orderBy('l.id').execute()).map(numeric);
}

export async function lineById(db: Db, id: number): Promise<LineRow | undefined> {
  return (await linesByIds(db, [id]))[0];
}

/** Locks the claims (in id order, so two payments never wait on each other in a circle) on PostgreSQL. */
export async function lockClaims(db: Transaction<Database>, dialect: Dialect, claimIds: readonly number[]): Promise<void> {
  if (dialect !== 'postgres' || claimIds.length === 0) return;
  await db.selectFrom('claims').select('id').where('id', 'in', [...claimIds]).orderBy('id').forUpdate().execute();
}

export interface EntryRow {
  id: number;
  claim_line_id: number;
  kind: LedgerKind;
  amount_pence: number;
  reverses_id: number | null;
  paid_on: string | null;
  method: PaymentMethod | null;
  reference: string | null;
  batch: string | null;
  reason: string | null;
  created_at: string;
  created_by_name: string | null;
  reversed_by_id: number | null;
  export_id: number | null;
}

/** A line's ledger, oldest first, with who posted each entry, what reversed it and which export took it. */
export async function entriesOfLine(db: Db, lineId: number): Promise<EntryRow[]> {
  const rows = await db
    .selectFrom('ledger_entries as e')
    .leftJoin('users', 'users.id', 'e.created_by')
    .leftJoin('ledger_entries as r', 'r.reverses_id', 'e.id')
    .leftJoin('finance_export_items as fi', 'fi.entry_id', 'e.id')
    .select([
      'e.id', 'e.claim_line_id', 'e.kind', 'e.amount_pence', 'e.reverses_id', 'e.paid_on', 'e.method', 'e.reference', 'e.batch', 'e.reason', 'e.created_at',
      'users.name as created_by_name', 'r.id as reversed_by_id', 'fi.export_id',
    ])
    .where('e.claim_line_id', '=', lineId)
    .orderBy('e.id')
    .execute();
  return rows;
}

export async function entryById(db: Db, id: number) {
  return db.selectFrom('ledger_entries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Payments on the line not reversed. */
export async function unreversedPayments(db: Db, lineId: number): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries as e')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('e.claim_line_id', '=', lineId)
    .where('e.kind', '=', 'paid')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_id', '=', 'e.id'))))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Each approved line of a claim with its balance, and whether any payment on the claim stands. */
export async function claimBalances(db: Db, claimId: number): Promise<{ balances: number[]; paymentStands: boolean; paidAt: string | null }> {
  const lines = await db
    .selectFrom('claim_lines as l')
    .select(['l.id', balanceOf.as('balance')])
    .where('l.claim_id', '=', claimId)
    .where('l.status', '=', 'approved')
    .execute();
  const payment = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .select('e.id')
    .where('l.claim_id', '=', claimId)
    .where('e.kind', '=', 'paid')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_id', '=', 'e.id'))))
    .limit(1)
    .executeTakeFirst();
  const claim = await db.selectFrom('claims').select('paid_at').where('id', '=', claimId).executeTakeFirstOrThrow();
  return { balances: lines.map((l) => Number(l.balance)), paymentStands: payment !== undefined, paidAt: claim.paid_at };
}

export async function setPaidAt(db: Db, claimId: number, paidAt: string | null): Promise<void> {
  await db.updateTable('claims').set({ paid_at: paidAt }).where('id', '=', claimId).execute();
}

// ---- Exports

export async function insertExport(db: Db, userId: number, at: string): Promise<number> {
  const row = await db.insertInto('finance_exports').values({ created_by: userId, created_at: at }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Claims for this export every owed entry in scope that finance has not had: not reversed, on an
 * approved line of an approved claim that still has something owed, and whose line has never been
 * exported. The unique entry id with ON CONFLICT DO NOTHING means an entry another export took at
 * the same moment is skipped (PostgreSQL waits for the other transaction, then skips it). Answers
 * the entry ids this export got, and no others.
 */
export async function claimEntriesForExport(db: Transaction<Database>, exportId: number, prefixes: readonly string[]): Promise<number[]> {
  if (prefixes.length === 0) return [];
  const rows = await db
    .insertInto('finance_export_items')
    .columns(['entry_id', 'export_id'])
    .expression(
      db
        .selectFrom('ledger_entries as e')
        .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
        .innerJoin('claims as c', 'c.id', 'l.claim_id')
        .innerJoin('org_units as u', 'u.id', 'c.unit_id')
        .select(['e.id', sql<number>`cast(${exportId} as integer)`.as('export_id')])
        .where('e.kind', '=', 'owed')
        .where('c.status', '=', 'approved')
        // A paid claim has nothing owed (finance keeps paid_at so): without this the export reads every owed entry ever posted.
        .where('c.paid_at', 'is', null)
        .where('l.status', '=', 'approved')
        .where((eb) => inScope(eb as unknown as Lines, prefixes))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('ledger_entries as r').select('r.id').whereRef('r.reverses_id', '=', 'e.id'))))
        .where(sql<SqlBool>`${balanceOf} > 0`)
        .where(sql<SqlBool>`not ${exported}`)
        .orderBy('e.id'),
    )
    .onConflict((oc) => oc.column('entry_id').doNothing())
    .returning('entry_id')
    .execute();
  return rows.map((r) => Number(r.entry_id));
}

export async function exportTotals(db: Db, exportId: number): Promise<{ lines: number; totalPence: number }> {
  const row = await db
    .selectFrom('finance_export_items as fi')
    .innerJoin('ledger_entries as e', 'e.id', 'fi.entry_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.coalesce(eb.fn.sum<number>('e.amount_pence'), eb.val(0)).as('total')])
    .where('fi.export_id', '=', exportId)
    .executeTakeFirstOrThrow();
  return { lines: Number(row.n), totalPence: Number(row.total) };
}

export async function finishExport(db: Db, exportId: number, lines: number, totalPence: number): Promise<void> {
  await db.updateTable('finance_exports').set({ line_count: lines, total_pence: totalPence }).where('id', '=', exportId).execute();
}

export async function deleteExport(db: Db, exportId: number): Promise<void> {
  await db.deleteFrom('finance_exports').where('id', '=', exportId).execute();
}

type Items = ExpressionBuilder<Database & { fi: Database['finance_export_items']; fe: Database['finance_exports'] }, 'fi' | 'fe'>;

/** An export has a line in scope. */
function exportInScope(eb: Items, prefixes: readonly string[]) {
  return eb.exists(
    eb
      .selectFrom('finance_export_items as si')
      .innerJoin('ledger_entries as se', 'se.id', 'si.entry_id')
      .innerJoin('claim_lines as sl', 'sl.id', 'se.claim_line_id')
      .innerJoin('claims as sc', 'sc.id', 'sl.claim_id')
      .innerJoin('org_units as su', 'su.id', 'sc.unit_id')
      .select('si.entry_id')
      .whereRef('si.export_id', '=', 'fe.id')
      .where((e) => (prefixes.length ? e.or(prefixes.map((p) => e('su.path', 'like', `${p}%`))) : e.val(false))),
  );
}

export interface ExportRow {
  id: number;
  created_at: string;
  created_by_name: string | null;
  line_count: number;
  total_pence: number;
}

/** Exports with a line in scope, newest first. */
export async function listExports(db: Db, prefixes: readonly string[], opts: { before?: number | undefined; limit: number }): Promise<ExportRow[]> {
  if (prefixes.length === 0) return [];
  let q = db
    .selectFrom('finance_exports as fe')
    .leftJoin('users', 'users.id', 'fe.created_by')
    .select(['fe.id', 'fe.created_at', 'users.name as created_by_name', 'fe.line_count', 'fe.total_pence'])
    .where((eb) => exportInScope(eb as unknown as Items, prefixes));
  if (opts.before) q = q.where('fe.id', '<', opts.before);
  return q.orderBy('fe.id', 'desc').limit(opts.limit).execute();
}

export async function exportById(db: Db, id: number): Promise<ExportRow | undefined> {
  return db
    .selectFrom('finance_exports as fe')
    .leftJoin('users', 'users.id', 'fe.created_by')
    .select(['fe.id', 'fe.created_at', 'users.name as created_by_name', 'fe.line_count', 'fe.total_pence'])
    .where('fe.id', '=', id)
    .executeTakeFirst();
}

export interface ExportLine {
  entry_id: number;
  amount_pence: number;
  line_id: number;
  kind: LineKind;
  category: string;
  description: string | null;
  claim_id: number;
  activity_kind: ClaimActivity;
  activity_date: string;
  preference: string;
  unit_id: number;
  full_name: string;
  payee_reference: string | null;
}

/** The lines an export took that are in scope, by claim and line. */
export async function exportLines(db: Db, exportId: number, prefixes: readonly string[]): Promise<ExportLine[]> {
  if (prefixes.length === 0) return [];
  return db
    .selectFrom('finance_export_items as fi')
    .innerJoin('ledger_entries as e', 'e.id', 'fi.entry_id')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .innerJoin('claims as c', 'c.id', 'l.claim_id')
    .innerJoin('org_units as u', 'u.id', 'c.unit_id')
    .innerJoin('people as p', 'p.id', 'c.person_id')
    .select([
      'e.id as entry_id', 'e.amount_pence', 'l.id as line_id', 'l.kind', 'l.category', 'l.description', 'c.id as claim_id', 'c.activity_kind',
      'c.activity_date', 'c.preference', 'c.unit_id', 'p.full_name', 'p.payee_reference',
    ])
    .where('fi.export_id', '=', exportId)
    .where((eb) => inScope(eb as unknown as Lines, prefixes))
    .orderBy('c.id')
    .orderBy('l.id')
    .execute();
}

// ---- Payee references

export async function payee(db: Db, personId: number) {
  return db
    .selectFrom('people as p')
    .innerJoin('org_units as u', 'u.id', 'p.unit_id')
    .select(['p.id', 'p.full_name', 'p.payee_reference', 'p.erased_at', 'u.path as unit_path', 'u.name as unit_name'])
    .where('p.id', '=', personId)
    .executeTakeFirst();
}

export async function setPayeeReference(db: Db, personId: number, value: string | null, at: string): Promise<void> {
  await db.updateTable('people').set({ payee_reference: value, updated_at: at }).where('id', '=', personId).execute();
}
