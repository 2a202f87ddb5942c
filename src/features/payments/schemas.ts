import { z } from 'zod';
import { CLAIM_ACTIVITIES, EXPENSE_CATEGORIES, RATE_BASES } from '../../platform/db/types.ts';
import { parsePounds } from './money.ts';

/**
 * What rates, settings and cost centres may hold. Amounts are typed in pounds and become integer
 * pence here (parsePounds); messages are catalogue keys under errors.payments (payments.json).
 */

/** The most a time rate may be (per hour, half day or full day): £1,000. */
export const TIME_RATE_MAX = 100_000;
/** The highest limit per expense line: £10,000. */
export const EXPENSE_LIMIT_MAX = 1_000_000;
/** The most a mile may be paid at: £5. */
export const PER_MILE_MAX = 500;
export const SECOND_APPROVAL_MAX = 10_000_000;
export const TAX_THRESHOLD_MAX = 100_000_000;
export const TARGET_DAYS_MAX = 365;
export const CODE_MAX = 40;

interface MoneyMessages {
  required: string;
  invalid: string;
  tooSmall: string;
  tooBig: string;
}

/** An amount of money typed in pounds ("12", "12.50", "£1,234.56") → pence, between min and max. */
export function pounds(messages: MoneyMessages, max: number, min = 1) {
  return z
    .string({ error: messages.required })
    .max(40, messages.invalid)
    .transform((text, ctx) => {
      const pence = parsePounds(text);
      if (pence === null) {
        ctx.addIssue({ code: 'custom', message: messages.invalid });
        return z.NEVER;
      }
      return pence;
    })
    .pipe(z.number().min(min, messages.tooSmall).max(max, messages.tooBig));
}

/** A whole number typed as digits only (no signs, exponents or decimals), within a range. */
function wholeNumber(invalid: string, range: string, min: number, max: number) {
  return z
    .string({ error: invalid })
    .regex(/^\d{1,9}$/, invalid)
    .transform(Number)
    .pipe(z.number().min(min, range).max(max, range));
}

/** The day a rate takes effect: a real calendar date this century. */
const effectiveFrom = z
  .string({ error: 'errors.payments.effectiveFromRequired' })
  .pipe(z.iso.date({ error: 'errors.payments.effectiveFromInvalid' }))
  .refine((d) => d >= '2000-01-01' && d <= '2100-12-31', 'errors.payments.effectiveFromOutOfRange');

export const timeRateSchema = z.object({
  activityKind: z.enum(CLAIM_ACTIVITIES, { error: 'errors.payments.activityRequired' }),
  basis: z.enum(RATE_BASES, { error: 'errors.payments.basisRequired' }),
  amount: pounds(
    { required: 'errors.payments.amountRequired', invalid: 'errors.payments.amountInvalid', tooSmall: 'errors.payments.amountTooSmall', tooBig: 'errors.payments.amountTooBig' },
    TIME_RATE_MAX,
  ),
  effectiveFrom,
});
export type TimeRateInput = z.infer<typeof timeRateSchema>;

export const expenseRateSchema = z
  .object({
    category: z.enum(EXPENSE_CATEGORIES, { error: 'errors.payments.categoryRequired' }),
    limit: pounds(
      { required: 'errors.payments.limitInvalid', invalid: 'errors.payments.limitInvalid', tooSmall: 'errors.payments.limitTooSmall', tooBig: 'errors.payments.limitTooBig' },
      EXPENSE_LIMIT_MAX,
    ).optional(),
    perMile: pounds(
      { required: 'errors.payments.perMileRequired', invalid: 'errors.payments.perMileInvalid', tooSmall: 'errors.payments.perMileTooSmall', tooBig: 'errors.payments.perMileTooBig' },
      PER_MILE_MAX,
    ).optional(),
    needsApproval: z.enum(['yes'], { error: 'errors.payments.needsApprovalInvalid' }).optional().transform((v) => v === 'yes'),
    effectiveFrom,
  })
  .superRefine((r, ctx) => {
    // Mileage is priced per mile, so it needs one; any other expense is the amount on the receipt.
    if (r.category === 'mileage' && r.perMile === undefined) ctx.addIssue({ code: 'custom', path: ['perMile'], message: 'errors.payments.perMileRequired' });
    if (r.category !== 'mileage' && r.perMile !== undefined) ctx.addIssue({ code: 'custom', path: ['perMile'], message: 'errors.payments.perMileOnlyMileage' });
  });
export type ExpenseRateInput = z.infer<typeof expenseRateSchema>;

export const settingsSchema = z.object({
  targetDays: wholeNumber('errors.payments.targetDaysInvalid', 'errors.payments.targetDaysRange', 1, TARGET_DAYS_MAX),
  secondApproval: pounds(
    { required: 'errors.payments.secondApprovalInvalid', invalid: 'errors.payments.secondApprovalInvalid', tooSmall: 'errors.payments.secondApprovalInvalid', tooBig: 'errors.payments.secondApprovalTooBig' },
    SECOND_APPROVAL_MAX,
    0,
  ),
  taxThreshold: pounds(
    { required: 'errors.payments.taxThresholdInvalid', invalid: 'errors.payments.taxThresholdInvalid', tooSmall: 'errors.payments.taxThresholdTooSmall', tooBig: 'errors.payments.taxThresholdTooBig' },
    TAX_THRESHOLD_MAX,
  ),
  warnAt: wholeNumber('errors.payments.warnAtInvalid', 'errors.payments.warnAtRange', 1, 100),
});
export type SettingsInput = z.infer<typeof settingsSchema>;

/** A cost centre code as finance systems write them; none means "use the unit above's". */
export const costCentreSchema = z.object({
  code: z
    .string({ error: 'errors.payments.codeInvalid' })
    .max(CODE_MAX, 'errors.payments.codeTooLong')
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]*$/, 'errors.payments.codeInvalid')
    .optional(),
});
