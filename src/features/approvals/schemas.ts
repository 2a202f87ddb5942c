import { z } from 'zod';
import type { FieldError } from '../../platform/errors/index.ts';
import { MAX_ID } from '../../platform/db/index.ts';
import { optionalText } from '../../platform/http/fields.ts';

/**
 * What the approval forms may hold. Messages are catalogue keys under errors.approvals
 * (approvals.json). The first decision's fields are named per line: decision-<lineId> and
 * reason-<lineId>; the second decision has one decision and one reason for the whole claim.
 */

export const REASON_MAX = 500;
export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

const decision = z.enum(DECISIONS, { error: 'errors.approvals.decisionRequired' });
const reason = optionalText(REASON_MAX, 'errors.approvals.reasonTooLong');

export interface LineDecision {
  lineId: number;
  decision: Decision;
  reason: string | null;
}

/** Reads one decision (and, for a rejection, its reason) per line; every problem is named, in line order. */
export function parseLineDecisions(raw: Record<string, unknown>, lineIds: readonly number[]): { ok: true; decisions: LineDecision[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const decisions: LineDecision[] = [];
  for (const lineId of lineIds) {
    const d = decision.safeParse(raw[`decision-${lineId}`]);
    const r = reason.safeParse(raw[`reason-${lineId}`]);
    if (!d.success) errors.push({ field: `decision-${lineId}`, message: 'errors.approvals.decisionRequired' });
    if (!r.success) errors.push({ field: `reason-${lineId}`, message: r.error.issues[0]?.message ?? 'errors.approvals.reasonTooLong' });
    else if (d.success && d.data === 'reject' && !r.data) errors.push({ field: `reason-${lineId}`, message: 'errors.approvals.reasonRequired' });
    if (d.success && r.success) decisions.push({ lineId, decision: d.data, reason: d.data === 'reject' ? (r.data ?? null) : null });
  }
  return errors.length ? { ok: false, errors } : { ok: true, decisions };
}

/** The budget holder's decision on the whole claim: approve, or reject with a reason. */
export function parseSecondDecision(raw: Record<string, unknown>): { ok: true; decision: Decision; reason: string | null } | { ok: false; errors: FieldError[] } {
  const d = decision.safeParse(raw.decision);
  const r = reason.safeParse(raw.reason);
  const errors: FieldError[] = [];
  if (!d.success) errors.push({ field: 'decision', message: 'errors.approvals.secondDecisionRequired' });
  if (!r.success) errors.push({ field: 'reason', message: r.error.issues[0]?.message ?? 'errors.approvals.reasonTooLong' });
  else if (d.success && d.data === 'reject' && !r.data) errors.push({ field: 'reason', message: 'errors.approvals.secondReasonRequired' });
  if (errors.length || !d.success || !r.success) return { ok: false, errors };
  return { ok: true, decision: d.data, reason: d.data === 'reject' ? (r.data ?? null) : null };
}

/** The queues' keyset cursors: the last row's activity date and id ("2026-11-01.12"). */
export const cursorSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}\.[1-9][0-9]{0,9}$/)
  .refine((s) => Number(s.split('.')[1]) <= MAX_ID)
  .transform((s) => ({ date: s.slice(0, 10), id: Number(s.slice(11)) }));
