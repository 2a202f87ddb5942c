import type { Generated, Selectable } from 'kysely';
import type { PAYMENT_PREFERENCES } from './involvement-types.ts';

/** Expenses and involvement payments (migration 013). Money is integer pence; dates YYYY-MM-DD. */
type Timestamp = string;
type DateOnly = string;
type Flag = number;

/** What a claim is for. */
export const CLAIM_ACTIVITIES = ['meeting', 'project_work', 'workshop', 'outreach', 'other'] as const;
/** How time is paid: per hour (quantity in minutes), per half day or full day (quantity in days). */
export const RATE_BASES = ['hour', 'half_day', 'full_day'] as const;
export const EXPENSE_CATEGORIES = ['public_transport', 'mileage', 'parking', 'taxi', 'carer_costs', 'childcare', 'support_worker', 'subsistence', 'other'] as const;
/**
 * draft → submitted → approved | rejected; a claim whose approved total is over the trust's
 * threshold goes to second_approval (a budget holder) before it is approved. A claim nobody has
 * decided yet can be withdrawn; it is kept (not deleted) so attendance does not draft it again.
 */
export const CLAIM_STATUSES = ['draft', 'submitted', 'second_approval', 'approved', 'rejected', 'withdrawn'] as const;
export const LINE_KINDS = ['time', 'expense'] as const;
export const LINE_STATUSES = ['pending', 'approved', 'rejected'] as const;
/** owed (+) when a line is approved, paid (−) when finance pays it, reversal (−the entry it reverses). */
export const LEDGER_KINDS = ['owed', 'paid', 'reversal'] as const;
export const PAYMENT_METHODS = ['bank_transfer', 'vouchers', 'cheque', 'cash'] as const;

export type ClaimActivity = (typeof CLAIM_ACTIVITIES)[number];
export type RateBasis = (typeof RATE_BASES)[number];
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export type LineKind = (typeof LINE_KINDS)[number];
export type LineStatus = (typeof LINE_STATUSES)[number];
export type LedgerKind = (typeof LEDGER_KINDS)[number];
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentSettingsTable {
  id: number;
  target_days: number;
  second_approval_over_pence: number;
  tax_year_threshold_pence: number;
  warn_at_percent: number;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface TimeRateTable {
  id: Generated<number>;
  activity_kind: ClaimActivity;
  basis: RateBasis;
  amount_pence: number;
  effective_from: DateOnly;
  created_by: number | null;
  created_at: Timestamp;
}

export interface ExpenseRateTable {
  id: Generated<number>;
  category: ExpenseCategory;
  limit_pence: number | null;
  pence_per_mile: number | null;
  needs_approval: Generated<Flag>;
  effective_from: DateOnly;
  created_by: number | null;
  created_at: Timestamp;
}

export interface CostCentreTable {
  unit_id: number;
  code: string;
  updated_at: Timestamp;
}

export interface ClaimTable {
  id: Generated<number>;
  person_id: number;
  unit_id: number;
  activity_kind: ClaimActivity;
  activity_date: DateOnly;
  description: string;
  meeting_id: number | null;
  attendance_id: number | null;
  project_id: number | null;
  preference: (typeof PAYMENT_PREFERENCES)[number];
  status: ClaimStatus;
  /** Sum of the claim's lines that are not rejected, kept by the service that changes lines. */
  total_pence: Generated<number>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: Timestamp | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  second_decided_by: number | null;
  second_decided_at: Timestamp | null;
  paid_at: Timestamp | null;
}

export interface ClaimLineTable {
  id: Generated<number>;
  claim_id: number;
  kind: LineKind;
  /** A RateBasis for time lines, an ExpenseCategory for expense lines. */
  category: RateBasis | ExpenseCategory;
  description: string | null;
  /** Minutes for hourly time, days for half/full days, tenths of a mile for mileage, else 1. */
  quantity: number;
  amount_pence: number;
  time_rate_id: number | null;
  expense_rate_id: number | null;
  status: LineStatus;
  reason: string | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ClaimReceiptTable {
  id: Generated<number>;
  claim_line_id: number;
  file_sha256: string;
  filename: string;
  content_type: string;
  size: number;
  uploaded_by: number | null;
  created_at: Timestamp;
}

export interface LedgerEntryTable {
  id: Generated<number>;
  claim_line_id: number;
  person_id: number;
  kind: LedgerKind;
  amount_pence: number;
  reverses_id: number | null;
  paid_on: DateOnly | null;
  method: PaymentMethod | null;
  reference: string | null;
  batch: string | null;
  reason: string | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface FinanceExportTable {
  id: Generated<number>;
  created_by: number | null;
  created_at: Timestamp;
  line_count: Generated<number>;
  total_pence: Generated<number>;
}

export interface FinanceExportItemTable {
  entry_id: number;
  export_id: number;
}

export interface PaymentDatabase {
  payment_settings: PaymentSettingsTable;
  time_rates: TimeRateTable;
  expense_rates: ExpenseRateTable;
  cost_centres: CostCentreTable;
  claims: ClaimTable;
  claim_lines: ClaimLineTable;
  claim_receipts: ClaimReceiptTable;
  ledger_entries: LedgerEntryTable;
  finance_exports: FinanceExportTable;
  finance_export_items: FinanceExportItemTable;
}

export type PaymentSettings = Selectable<PaymentSettingsTable>;
export type TimeRate = Selectable<TimeRateTable>;
export type ExpenseRate = Selectable<ExpenseRateTable>;
export type Claim = Selectable<ClaimTable>;
export type ClaimLine = Selectable<ClaimLineTable>;
export type LedgerEntry = Selectable<LedgerEntryTable>;
