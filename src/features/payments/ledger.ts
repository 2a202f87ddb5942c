import type { Kysely, Transaction } from 'kysely';
import type { Database, LedgerEntry, PaymentMethod } from '../../platform/db/types.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import * as q from './queries.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The append-only ledger of what a person is owed and paid, line by line. The balance of a line
 * is the sum of its entries: approving it posts +amount (owed), paying it posts −amount (paid),
 * and a mistake is put right by a reversal, the exact opposite of one entry, never by an edit.
 * Callers run these inside their own transaction, after locking the claim.
 */

/** What is still owed on a line: owed − paid, with reversals undoing what they reverse. */
export function balanceOf(entries: readonly Pick<LedgerEntry, 'amount_pence'>[]): number {
  return entries.reduce((sum, e) => sum + e.amount_pence, 0);
}

export async function lineBalance(db: Db, claimLineId: number): Promise<number> {
  return balanceOf(await q.entriesOfLine(db, claimLineId));
}

/** Posts what an approved line is owed. Once per approval: a second owed entry needs the first reversed. */
export async function postOwed(db: Db, line: { id: number; amountPence: number; personId: number }, by: number | null): Promise<LedgerEntry> {
  const entries = await q.entriesOfLine(db, line.id);
  const reversed = new Set(entries.map((e) => e.reverses_id).filter((id) => id != null));
  if (entries.some((e) => e.kind === 'owed' && !reversed.has(e.id))) throw ValidationError.one('line', t('errors.payments.alreadyOwed'));
  const entry = await q.insertEntry(db, { claimLineId: line.id, personId: line.personId, kind: 'owed', amountPence: line.amountPence, createdBy: by });
  // A line owed again (after its owed amount was reversed) reopens a claim finance had paid in
  // full; otherwise the export, which skips paid claims, would never send it.
  if (entries.some((e) => e.kind === 'owed')) await q.markClaimOfLineUnpaid(db, line.id);
  return entry;
}

export interface Payment {
  paidOn: string;
  method: PaymentMethod;
  reference: string | null;
  batch?: string | null;
}

/** Pays what is owed on a line, all of it; refuses when nothing is owed (so nothing is paid twice). */
export async function postPaid(db: Db, line: { id: number; personId: number }, payment: Payment, by: number | null): Promise<LedgerEntry> {
  const owed = await lineBalance(db, line.id);
  if (owed <= 0) throw ValidationError.one('line', t('errors.payments.nothingOwed'));
  return q.insertEntry(db, {
    claimLineId: line.id, personId: line.personId, kind: 'paid', amountPence: -owed,
    paidOn: payment.paidOn, method: payment.method, reference: payment.reference, batch: payment.batch ?? null, createdBy: by,
  });
}

/** Reverses one entry exactly (the database allows one reversal per entry; reversals are not reversed). */
export async function postReversal(db: Db, entryId: number, reason: string, by: number | null): Promise<LedgerEntry> {
  const entry = await q.entryById(db, entryId);
  if (!entry || entry.kind === 'reversal') throw ValidationError.one('entry', t('errors.payments.cannotReverse'));
  if (await q.isReversed(db, entryId)) throw ValidationError.one('entry', t('errors.payments.alreadyReversed'));
  return q.insertEntry(db, {
    claimLineId: entry.claim_line_id, personId: entry.person_id, kind: 'reversal', amountPence: -entry.amount_pence,
    // A reversed payment keeps its payment date, so it cancels in the same tax year.
    reversesId: entry.id, paidOn: entry.paid_on, reason, createdBy: by,
  });
}
