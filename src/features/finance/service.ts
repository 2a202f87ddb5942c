import { stringify } from 'csv-stringify/sync';
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { Database, OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requireInScope, requirePermission, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { unitsUnder } from '../org/service.ts';
import { costCentresFor, lineBalance, paymentSettings, penceAsPounds, postPaid, postReversal } from '../payments/service.ts';
import { londonDate } from '../projects/service.ts';
import * as q from './queries.ts';
import { BATCH_LINES_MAX, payeeSchema, paymentSchema, reversalSchema, type LinesQuery, type PaymentInput } from './schemas.ts';

/**
 * Finance (issue 8): the lines approved for payment with something still owed, recording payments
 * one by one or in a batch, the finance export (each line at most once, even when two exports run
 * at the same moment), reversals, and payee references. All under finance:pay in the claim's unit
 * (the person's unit for a payee reference). Finance sees only what paying needs: a name, the
 * payee reference, amounts, the activity's kind and date, the cost centre and the claim's number,
 * never health details (relationship, access needs, notes, consents).
 */

export type { LineRow, EntryRow, ExportRow } from './queries.ts';

export const PAGE_SIZE = 50;
const EXPORTS_PAGE = 25;
const DAY = 86_400_000;

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const financePrefixes = (principal: Principal): string[] => scopePaths(principal, 'finance:pay');

/** Whole days from the activity to today in London (0 on the day itself). */
export function daysSince(activityDate: string, today: string = londonDate()): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${activityDate}T00:00:00Z`)) / DAY);
}

/** How a line is paid: vouchers when the person chose vouchers for the claim, otherwise money. */
export const howPaid = (preference: string): 'vouchers' | 'money' => (preference === 'vouchers' ? 'vouchers' : 'money');

/** A cursor for the next page: the last line's activity date and id. */
export const cursorOf = (l: { activity_date: string; line_id: number }): string => `${l.activity_date}.${l.line_id}`;

/** "line 12 (Ann Archer, claim 5)": how an error names a line. */
const lineName = (l: q.LineRow): string => t('finance.lineName', { line: l.line_id, name: l.full_name, claim: l.claim_id });

/** Units where the user pays (finance:pay): the unit filter's choices. */
export async function financeUnits(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  return unitsUnder(ctx.db, financePrefixes(principal));
}

export interface PayableLine extends q.LineRow {
  daysSince: number;
  overdue: boolean;
  how: 'vouchers' | 'money';
  costCentre: string | null;
}

async function withDetails(ctx: ServiceContext, rows: q.LineRow[]): Promise<PayableLine[]> {
  const [settings, centres] = await Promise.all([paymentSettings(ctx.db), costCentresFor(ctx.db, rows.map((r) => r.unit_id))]);
  const today = londonDate();
  return rows.map((r) => {
    const days = daysSince(r.activity_date, today);
    return { ...r, daysSince: days, overdue: days > settings.target_days, how: howPaid(r.preference), costCentre: centres.get(r.unit_id) ?? null };
  });
}

/** The payable lines in the user's units (or one of them), oldest activity first, a page at a time. */
export async function payableList(ctx: ServiceContext, filter: LinesQuery) {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const prefixes = financePrefixes(principal);
  const units = await unitsUnder(ctx.db, prefixes);
  const unit = filter.unitId ? units.find((u) => u.id === filter.unitId) : undefined;
  const rows = await q.payableLines(ctx.db, { prefixes, unitPath: unit?.path, exported: filter.exported, after: filter.after, limit: PAGE_SIZE + 1 });
  const lines = await withDetails(ctx, rows.slice(0, PAGE_SIZE));
  const settings = await paymentSettings(ctx.db);
  return {
    lines,
    nextAfter: rows.length > PAGE_SIZE && lines.length ? cursorOf(lines[lines.length - 1] as PayableLine) : null,
    units,
    unit,
    exported: filter.exported,
    targetDays: settings.target_days,
  };
}

/** A line the user may pay or look at: in their units, or a 404. */
async function lineInScope(ctx: ServiceContext, lineId: number): Promise<q.LineRow> {
  requirePermission(ctx.principal, 'finance:pay');
  const line = isRecordId(lineId) ? await q.lineById(ctx.db, lineId) : undefined;
  requireInScope(ctx.principal, 'finance:pay', line ? { path: line.unit_path } : undefined);
  return line as q.LineRow;
}

const isPayable = (l: q.LineRow): boolean => l.claim_status === 'approved' && l.line_status === 'approved' && l.balance > 0;

/**
 * The payment form for the chosen lines in the user's units (others chosen are left out, and
 * counted), each saying whether it still has something owed; the total is of those that do.
 */
export async function paymentForm(ctx: ServiceContext, lineIds: readonly number[]) {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const ids = [...new Set(lineIds.filter(isRecordId))].slice(0, BATCH_LINES_MAX);
  const found = (await q.linesByIds(ctx.db, ids)).filter((l) => can(principal, 'finance:pay', { path: l.unit_path }));
  const lines = (await withDetails(ctx, found)).map((l) => ({ ...l, payable: isPayable(l) }));
  return { lines, leftOut: ids.length - lines.length, totalPence: lines.filter((l) => l.payable).reduce((s, l) => s + l.balance, 0), today: londonDate() };
}

/** The form for paying one line (404 outside the user's units); payable false when nothing is owed. */
export async function linePaymentForm(ctx: ServiceContext, lineId: number) {
  const line = await lineInScope(ctx, lineId);
  const [detailed] = await withDetails(ctx, [line]);
  return { line: detailed as PayableLine, payable: isPayable(line), today: londonDate() };
}

/**
 * Sets claims.paid_at the first time every approved line of the claim has nothing owed and a
 * payment stands; clears it when that stops being true (a payment reversed). Runs inside the
 * transaction that changed the ledger, with the claim locked.
 */
export async function refreshPaidAt(trx: Transaction<Database>, claimId: number, at: string): Promise<void> {
  const { balances, paymentStands, paidAt } = await q.claimBalances(trx, claimId);
  const paid = paymentStands && balances.length > 0 && balances.every((b) => b === 0);
  if (paid && !paidAt) await q.setPaidAt(trx, claimId, at);
  if (!paid && paidAt) await q.setPaidAt(trx, claimId, null);
}

/**
 * Records payment of the chosen lines, each for all it still owes, in one transaction with their
 * claims locked. If any line has nothing owed (paid already, perhaps by someone else a moment
 * ago) or cannot be paid, the whole batch is refused with an error naming each such line.
 */
export async function payLines(ctx: ServiceContext, raw: unknown): Promise<{ count: number; totalPence: number }> {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const input: PaymentInput = parse(paymentSchema, raw);
  if (input.paidOn > londonDate()) throw ValidationError.one('paidOn', 'errors.finance.paidOnFuture');
  const ids = [...new Set(input.line)];
  return ctx.db.transaction().execute(async (trx) => {
    const first = await q.linesByIds(trx, ids);
    for (const id of ids) {
      const line = first.find((l) => l.line_id === id);
      if (!line || !can(principal, 'finance:pay', { path: line.unit_path })) throw new NotFoundError();
    }
    const claimIds = [...new Set(first.map((l) => l.claim_id))].sort((a, b) => a - b);
    await q.lockClaims(trx, ctx.dialect, claimIds);
    // Read again under the lock: a payment made a moment ago by someone else now shows.
    const lines = await q.linesByIds(trx, ids);
    const refused: FieldError[] = lines
      .filter((l) => !isPayable(l))
      .map((l) => ({ field: 'line', message: t(l.balance > 0 ? 'errors.finance.notApproved' : 'errors.finance.nothingOwed', { line: lineName(l) }) }));
    if (refused.length > 0) throw new ValidationError(refused);
    const at = nowIso();
    let totalPence = 0;
    for (const l of lines) {
      const entry = await postPaid(trx, { id: l.line_id, personId: l.person_id }, { paidOn: input.paidOn, method: input.method, reference: input.reference ?? null, batch: input.batch ?? null }, principal.userId);
      totalPence -= entry.amount_pence;
      await audit(trx, auditContext(ctx), {
        action: 'finance.paid',
        entityType: 'claim_line',
        entityId: l.line_id,
        details: { claimId: l.claim_id, entryId: entry.id, lines: lines.length },
      });
    }
    for (const claimId of claimIds) await refreshPaidAt(trx, claimId, at);
    return { count: lines.length, totalPence };
  });
}

// ---- A line's ledger and reversals

/** What the line's page shows: the line, its ledger (each entry, signed amount, who, when, reason). Audited as a view of a payment record. */
export async function lineHistory(ctx: ServiceContext, lineId: number) {
  const line = await lineInScope(ctx, lineId);
  const [detailed] = await withDetails(ctx, [line]);
  const entries = await q.entriesOfLine(ctx.db, lineId);
  await audit(ctx.db, auditContext(ctx), { action: 'finance.line_viewed', entityType: 'claim_line', entityId: lineId, details: { claimId: line.claim_id } });
  return {
    line: detailed as PayableLine,
    payable: isPayable(line),
    entries: entries.map((e) => ({ ...e, export_id: e.export_id == null ? null : Number(e.export_id), reversible: e.kind !== 'reversal' && e.reversed_by_id == null })),
  };
}

/** An entry the user may reverse, with its line; a 404 outside the user's units. */
export async function entryForReversal(ctx: ServiceContext, entryId: number) {
  requirePermission(ctx.principal, 'finance:pay');
  const entry = isRecordId(entryId) ? await q.entryById(ctx.db, entryId) : undefined;
  const line = entry ? await q.lineById(ctx.db, entry.claim_line_id) : undefined;
  requireInScope(ctx.principal, 'finance:pay', line ? { path: line.unit_path } : undefined);
  const e = entry as NonNullable<typeof entry>;
  const history = await q.entriesOfLine(ctx.db, e.claim_line_id);
  const reversed = history.some((h) => h.reverses_id === e.id);
  const blockedBy = e.kind === 'reversal' ? 'errors.finance.cannotReverse' : reversed ? 'errors.finance.alreadyReversed' : e.kind === 'owed' && (await q.unreversedPayments(ctx.db, e.claim_line_id)) > 0 ? 'errors.finance.reversePaymentFirst' : null;
  return { entry: e, line: line as q.LineRow, blockedBy };
}

/**
 * Reverses one ledger entry with a reason, never editing it: a reversed payment makes the line
 * payable again (and clears the claim's paid date); a reversed owed entry means nothing is owed
 * (only once any payment on the line has itself been reversed). Answers the line's id.
 */
export async function reverseEntry(ctx: ServiceContext, entryId: number, raw: unknown): Promise<number> {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const { entry, line } = await entryForReversal(ctx, entryId);
  const { reason } = parse(reversalSchema, raw);
  return ctx.db.transaction().execute(async (trx) => {
    await q.lockClaims(trx, ctx.dialect, [line.claim_id]);
    const current = await q.entryById(trx, entry.id);
    if (!current || current.kind === 'reversal') throw ValidationError.one('reason', 'errors.finance.cannotReverse');
    const history = await q.entriesOfLine(trx, current.claim_line_id);
    if (history.some((h) => h.reverses_id === current.id)) throw ValidationError.one('reason', 'errors.finance.alreadyReversed');
    if (current.kind === 'owed' && (await q.unreversedPayments(trx, current.claim_line_id)) > 0) throw ValidationError.one('reason', 'errors.finance.reversePaymentFirst');
    const reversal = await postReversal(trx, current.id, reason, principal.userId);
    await refreshPaidAt(trx, line.claim_id, nowIso());
    await audit(trx, auditContext(ctx), {
      action: 'finance.reversed',
      entityType: 'claim_line',
      entityId: line.line_id,
      details: { claimId: line.claim_id, entryId: current.id, reversalId: reversal.id, kind: current.kind },
    });
    return line.line_id;
  });
}

/** The balance a line has now (for tests and the line page). */
export async function balanceOfLine(ctx: ServiceContext, lineId: number): Promise<number> {
  await lineInScope(ctx, lineId);
  return lineBalance(ctx.db, lineId);
}

// ---- Finance exports

/**
 * Exports every owed entry in the user's units that finance has not had yet (see
 * queries.claimEntriesForExport), in one transaction: the export row, its items, its count and
 * total. Nothing new means no export is kept (null). Audited with ids and counts only.
 */
export async function createExport(ctx: ServiceContext): Promise<{ id: number; lines: number; totalPence: number } | null> {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const prefixes = financePrefixes(principal);
  return ctx.db.transaction().execute(async (trx) => {
    const exportId = await q.insertExport(trx, principal.userId, nowIso());
    const entries = await q.claimEntriesForExport(trx, exportId, prefixes);
    if (entries.length === 0) {
      await q.deleteExport(trx, exportId);
      return null;
    }
    const { lines, totalPence } = await q.exportTotals(trx, exportId);
    await q.finishExport(trx, exportId, lines, totalPence);
    await audit(trx, auditContext(ctx), { action: 'finance.exported', entityType: 'finance_export', entityId: exportId, details: { lines } });
    return { id: exportId, lines, totalPence };
  });
}

/** Exports with a line in the user's units, newest first. */
export async function exportsPage(ctx: ServiceContext, before?: number) {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const rows = await q.listExports(ctx.db, financePrefixes(principal), { before, limit: EXPORTS_PAGE + 1 });
  const exports = rows.slice(0, EXPORTS_PAGE).map((e) => ({ ...e, line_count: Number(e.line_count), total_pence: Number(e.total_pence) }));
  return { exports, nextBefore: rows.length > EXPORTS_PAGE ? (exports[exports.length - 1]?.id ?? null) : null };
}

/** A spreadsheet program runs a cell that starts with = + - @ (or a tab or return) as a formula: make it text. */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export const CSV_COLUMNS = [
  'exportId', 'claimId', 'lineId', 'payeeReference', 'payeeName', 'activityDate', 'activityKind', 'lineKind', 'category', 'description',
  'amount', 'amountPence', 'method', 'costCentre',
] as const;

/**
 * The export as CSV: one row per line it took (those in the user's units), with the payee
 * reference and name, the activity, the amount in pounds and pence, how it is paid and the cost
 * centre. No bank details, no health details; every text cell guarded against formulas.
 */
export async function exportCsv(ctx: ServiceContext, exportId: number): Promise<{ filename: string; body: Buffer }> {
  const principal = requirePermission(ctx.principal, 'finance:pay');
  const prefixes = financePrefixes(principal);
  const found = isRecordId(exportId) ? await q.exportById(ctx.db, exportId) : undefined;
  const lines = found ? await q.exportLines(ctx.db, exportId, prefixes) : [];
  if (!found || lines.length === 0) throw new NotFoundError();
  const centres = await costCentresFor(ctx.db, lines.map((l) => l.unit_id));
  const rows = lines.map((l) =>
    [
      exportId, l.claim_id, l.line_id, l.payee_reference ?? '', l.full_name, l.activity_date, t(`finance.activities.${l.activity_kind}`),
      t(`finance.kinds.${l.kind}`), t(`finance.categories.${l.category}`), l.description ?? '', penceAsPounds(l.amount_pence), l.amount_pence,
      t(`finance.how.${howPaid(l.preference)}`), centres.get(l.unit_id) ?? '',
    ].map((v) => (typeof v === 'string' ? guardCell(v) : v)),
  );
  const header = CSV_COLUMNS.map((c) => t(`finance.csv.${c}`));
  await audit(ctx.db, auditContext(ctx), { action: 'finance.export_downloaded', entityType: 'finance_export', entityId: exportId, details: { lines: rows.length } });
  // A byte-order mark so Excel reads the file as UTF-8.
  const body = Buffer.from(`\uFEFF${stringify([header, ...rows], { record_delimiter: 'windows' })}`, 'utf8');
  return { filename: `finance-export-${exportId}.csv`, body };
}

// ---- Payee references

/** A person's name and payee reference, for finance:pay in the person's unit; a 404 otherwise. */
export async function payeeForEdit(ctx: ServiceContext, personId: number) {
  requirePermission(ctx.principal, 'finance:pay');
  const person = isRecordId(personId) ? await q.payee(ctx.db, personId) : undefined;
  requireInScope(ctx.principal, 'finance:pay', person && !person.erased_at ? { path: person.unit_path } : undefined);
  const p = person as NonNullable<typeof person>;
  return { id: p.id, name: p.full_name, payeeReference: p.payee_reference };
}

/** Sets (or, left empty, clears) a person's payee reference. Audited with the field name only. */
export async function savePayee(ctx: ServiceContext, personId: number, raw: unknown): Promise<{ name: string }> {
  const person = await payeeForEdit(ctx, personId);
  const { payeeReference } = parse(payeeSchema, raw);
  const value = payeeReference?.trim() || null;
  await ctx.db.transaction().execute(async (trx) => {
    await q.setPayeeReference(trx, personId, value, nowIso());
    await audit(trx, auditContext(ctx), { action: 'finance.payee_reference_changed', entityType: 'person', entityId: personId, details: { fields: ['payee_reference'], cleared: value === null } });
  });
  return { name: person.name };
}
