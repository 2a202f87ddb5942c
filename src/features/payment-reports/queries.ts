import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { ClaimActivity, ClaimStatus, Database, LineKind, PaymentMethod } from '../../platform/db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The payment reports' reads: claims waiting past the target (claims_paid index: paid_at null,
 * then activity_date), claims paid in a month (claims_paid: paid_at range), a person's claims
 * (claims_person) and payments (ledger_entries_person_paid), and the promptness counts the
 * dashboard charts. Scoped by unit path prefixes; lists are keyset pages.
 */

/** Units under any of these paths. Paths are digits and slashes only, so LIKE needs no escaping. */
function under(eb: ExpressionBuilder<Database, 'org_units'>, prefixes: readonly string[]): Expression<SqlBool> {
  return prefixes.length ? eb.or(prefixes.map((p) => eb('org_units.path', 'like', `${p}%`))) : eb.val(false);
}

/** Claims still in the process of being paid: submitted, waiting for second approval, or approved. */
export const WAITING_STATUSES = ['submitted', 'second_approval', 'approved'] as const satisfies readonly ClaimStatus[];

export interface ClaimListRow {
  id: number;
  person_id: number;
  full_name: string;
  unit_name: string;
  activity_kind: ClaimActivity;
  activity_date: string;
  description: string;
  status: ClaimStatus;
  total_pence: number;
  submitted_at: string | null;
  paid_at: string | null;
}

function claimList(db: Db, prefixes: readonly string[]) {
  return db
    .selectFrom('claims')
    .innerJoin('org_units', 'org_units.id', 'claims.unit_id')
    .innerJoin('people', 'people.id', 'claims.person_id')
    .select([
      'claims.id',
      'claims.person_id',
      'people.full_name',
      'org_units.name as unit_name',
      'claims.activity_kind',
      'claims.activity_date',
      'claims.description',
      'claims.status',
      'claims.total_pence',
      'claims.submitted_at',
      'claims.paid_at',
    ])
    .where((eb) => under(eb, prefixes));
}

/**
 * Claims not paid whose activity was before `before` (a London date), oldest first, a page at a
 * time: `after` is the last row of the page before.
 */
export async function overdueClaims(db: Db, f: { prefixes: readonly string[]; before: string; after?: { date: string; id: number }; limit: number }): Promise<ClaimListRow[]> {
  let q = claimList(db, f.prefixes)
    .where('claims.paid_at', 'is', null)
    .where('claims.activity_date', '<', f.before)
    .where('claims.status', 'in', [...WAITING_STATUSES]);
  const after = f.after;
  if (after) q = q.where((eb) => eb.or([eb('claims.activity_date', '>', after.date), eb.and([eb('claims.activity_date', '=', after.date), eb('claims.id', '>', after.id)])]));
  return q.orderBy('claims.activity_date').orderBy('claims.id').limit(f.limit).execute();
}

/** How many claims are not paid with their activity before `before`. */
export async function overdueCount(db: Db, f: { prefixes: readonly string[]; before: string }): Promise<number> {
  const row = await db
    .selectFrom('claims')
    .innerJoin('org_units', 'org_units.id', 'claims.unit_id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where((eb) => under(eb, f.prefixes))
    .where('claims.paid_at', 'is', null)
    .where('claims.activity_date', '<', f.before)
    .where('claims.status', 'in', [...WAITING_STATUSES])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Claims paid from one instant to before another, in the order they were paid, a page at a time. */
export async function paidClaims(db: Db, f: { prefixes: readonly string[]; from: string; to: string; after?: { at: string; id: number }; limit: number }): Promise<ClaimListRow[]> {
  let q = claimList(db, f.prefixes).where('claims.paid_at', '>=', f.from).where('claims.paid_at', '<', f.to);
  const after = f.after;
  if (after) q = q.where((eb) => eb.or([eb('claims.paid_at', '>', after.at), eb.and([eb('claims.paid_at', '=', after.at), eb('claims.id', '>', after.id)])]));
  return q.orderBy('claims.paid_at').orderBy('claims.id').limit(f.limit).execute();
}

/**
 * Claims paid from one instant to before another, counted by activity date and the hour they were
 * paid (UTC, "YYYY-MM-DDTHH"). London is a whole number of hours from UTC, so the hour gives the
 * London day paid exactly; and claims are paid in batches, so there are few groups however many
 * claims there are.
 */
export async function paidCounts(db: Db, f: { prefixes: readonly string[]; from: string; to: string }): Promise<{ activity_date: string; paid_hour: string; n: number }[]> {
  const hour = sql<string>`substr(claims.paid_at, 1, 13)`;
  const rows = await db
    .selectFrom('claims')
    .innerJoin('org_units', 'org_units.id', 'claims.unit_id')
    .select((eb) => ['claims.activity_date', hour.as('paid_hour'), eb.fn.countAll<number | string>().as('n')])
    .where((eb) => under(eb, f.prefixes))
    .where('claims.paid_at', '>=', f.from)
    .where('claims.paid_at', '<', f.to)
    .groupBy(['claims.activity_date', hour])
    .execute();
  return rows.map((r) => ({ activity_date: r.activity_date, paid_hour: r.paid_hour, n: Number(r.n) }));
}

export interface PersonRow {
  id: number;
  full_name: string;
  preferred_name: string | null;
  payee_reference: string | null;
  payment_preference: string;
  user_id: number | null;
  unit_id: number;
  unit_name: string;
  unit_path: string;
}

const personColumns = [
  'people.id',
  'people.full_name',
  'people.preferred_name',
  'people.payee_reference',
  'people.payment_preference',
  'people.user_id',
  'people.unit_id',
  'org_units.name as unit_name',
  'org_units.path as unit_path',
] as const;

/** A person in the register (not erased) with their unit: only what payments need, no health details. */
export async function personById(db: Db, id: number): Promise<PersonRow | undefined> {
  return db.selectFrom('people').innerJoin('org_units', 'org_units.id', 'people.unit_id').select(personColumns).where('people.id', '=', id).where('people.erased_at', 'is', null).executeTakeFirst();
}

/** The register entry of a partner account (people.user_id), not erased. */
export async function personOfUser(db: Db, userId: number): Promise<PersonRow | undefined> {
  return db.selectFrom('people').innerJoin('org_units', 'org_units.id', 'people.unit_id').select(personColumns).where('people.user_id', '=', userId).where('people.erased_at', 'is', null).executeTakeFirst();
}

/** A person's claims with their activity from one day to another (inclusive), newest first. */
export async function claimsOfPerson(db: Db, personId: number, from: string, to: string): Promise<Omit<ClaimListRow, 'full_name'>[]> {
  return db
    .selectFrom('claims')
    .innerJoin('org_units', 'org_units.id', 'claims.unit_id')
    .select(['claims.id', 'claims.person_id', 'org_units.name as unit_name', 'claims.activity_kind', 'claims.activity_date', 'claims.description', 'claims.status', 'claims.total_pence', 'claims.submitted_at', 'claims.paid_at'])
    .where('claims.person_id', '=', personId)
    .where('claims.activity_date', '>=', from)
    .where('claims.activity_date', '<=', to)
    .orderBy('claims.activity_date', 'desc')
    .orderBy('claims.id', 'desc')
    .execute();
}

/** The earliest day a person has a claim for, or a payment on: where their statements begin. */
export async function firstDayOfPerson(db: Db, personId: number): Promise<string | null> {
  const [claim, paid] = await Promise.all([
    db.selectFrom('claims').select('activity_date').where('person_id', '=', personId).orderBy('activity_date').limit(1).executeTakeFirst(),
    db.selectFrom('ledger_entries').select('paid_on').where('person_id', '=', personId).where('paid_on', 'is not', null).orderBy('paid_on').limit(1).executeTakeFirst(),
  ]);
  const days = [claim?.activity_date, paid?.paid_on].filter((d): d is string => typeof d === 'string');
  return days.length ? days.sort()[0]! : null;
}

export interface PaymentEntryRow {
  id: number;
  kind: 'paid' | 'reversal';
  amount_pence: number;
  paid_on: string;
  method: PaymentMethod | null;
  reason: string | null;
  created_at: string;
  line_kind: LineKind;
  claim_id: number;
  activity_kind: ClaimActivity;
  activity_date: string;
  description: string;
  reversed_method: PaymentMethod | null;
}

/**
 * A person's payments with a payment date from one day to another (inclusive), and the reversals of
 * those payments (which keep the date of the payment they reverse), in date order.
 */
export async function paymentsOfPerson(db: Db, personId: number, from: string, to: string): Promise<PaymentEntryRow[]> {
  const rows = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('claim_lines as l', 'l.id', 'e.claim_line_id')
    .innerJoin('claims as c', 'c.id', 'l.claim_id')
    .leftJoin('ledger_entries as r', 'r.id', 'e.reverses_id')
    .select([
      'e.id',
      'e.kind',
      'e.amount_pence',
      'e.paid_on',
      'e.method',
      'e.reason',
      'e.created_at',
      'l.kind as line_kind',
      'c.id as claim_id',
      'c.activity_kind',
      'c.activity_date',
      'c.description',
      'r.method as reversed_method',
    ])
    .where('e.person_id', '=', personId)
    .where('e.paid_on', '>=', from)
    .where('e.paid_on', '<=', to)
    .where((eb) => eb.or([eb('e.kind', '=', 'paid'), eb.and([eb('e.kind', '=', 'reversal'), eb('r.kind', '=', 'paid')])]))
    .orderBy('e.paid_on')
    .orderBy('e.id')
    .execute();
  return rows.map((r) => ({ ...r, kind: r.kind as 'paid' | 'reversal', paid_on: r.paid_on as string, amount_pence: Number(r.amount_pence) }));
}
