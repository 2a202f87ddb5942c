import { z } from 'zod';
import { CLAIM_ACTIVITIES, CLAIM_STATUSES, EXPENSE_CATEGORIES, RATE_BASES } from '../../platform/db/types.ts';
import { day, noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What a claim and its lines may hold. Messages are catalogue keys under errors.claims
 * (claims.json). Amounts arrive as the words typed ("12.50", "£3") and are turned into pence by
 * the service with the shared parsePounds, never through floating point.
 */

export const DESCRIPTION_MAX = 500;
export const LINE_DESCRIPTION_MAX = 200;
export const SEARCH_MAX = 100;
/** The longest time line: a day and a night (hourly), or a month of days. */
export const MAX_MINUTES = 24 * 60;
export const MAX_DAYS = 31;
/** Miles on one mileage line (with one decimal place). */
export const MAX_MILES = 2000;

/** Receipts: photos (JPEG, PNG) or PDF, at most 5 MB, recognised by their first bytes. */
export const RECEIPT_MAX_BYTES = 5 * 1024 * 1024;
export const RECEIPT_TYPES = {
  pdf: { contentType: 'application/pdf', extension: 'pdf' },
  png: { contentType: 'image/png', extension: 'png' },
  jpg: { contentType: 'image/jpeg', extension: 'jpg' },
} as const;
export type ReceiptKind = keyof typeof RECEIPT_TYPES;

/** What kind of file the bytes are, by their signature; the name and the browser's type are ignored. */
export function receiptKindOf(b: Buffer): ReceiptKind | null {
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  return null;
}

export const newClaimSchema = z.object({
  activityKind: z.enum(CLAIM_ACTIVITIES, { error: 'errors.claims.activityRequired' }),
  activityDate: day('errors.claims.dateInvalid'),
  description: requiredText(DESCRIPTION_MAX, { required: 'errors.claims.descriptionRequired', tooLong: 'errors.claims.descriptionTooLong' }),
  meetingId: recordId('errors.claims.meetingInvalid').optional(),
  projectId: recordId('errors.claims.projectInvalid').optional(),
});
export type NewClaimInput = z.infer<typeof newClaimSchema>;

const wholeNumber = (message: string, max: number) => z.coerce.number({ error: message }).int(message).min(0, message).max(max, message);

/** Time: per hour (hours and minutes) or per half or full day (how many). Checked together in the service. */
export const timeLineSchema = z.object({
  basis: z.enum(RATE_BASES, { error: 'errors.claims.basisRequired' }),
  hours: wholeNumber('errors.claims.hoursInvalid', 24).optional(),
  minutes: wholeNumber('errors.claims.minutesInvalid', 59).optional(),
  days: wholeNumber('errors.claims.daysInvalid', MAX_DAYS).optional(),
  timeDescription: optionalText(LINE_DESCRIPTION_MAX, 'errors.claims.lineDescriptionTooLong'),
});
export type TimeLineInput = z.infer<typeof timeLineSchema>;

/** Miles with at most one decimal place, as tenths of a mile. */
const miles = z
  .string({ error: 'errors.claims.milesInvalid' })
  .regex(/^\d{1,4}(\.\d)?$/, 'errors.claims.milesInvalid')
  .transform((s) => {
    const [whole, tenth] = s.split('.') as [string, string | undefined];
    return Number(whole) * 10 + Number(tenth ?? '0');
  })
  .refine((tenths) => tenths > 0 && tenths <= MAX_MILES * 10, 'errors.claims.milesInvalid');

/** An expense: the amount from the receipt, or miles for mileage. Which is needed is checked in the service. */
export const expenseLineSchema = z.object({
  category: z.enum(EXPENSE_CATEGORIES, { error: 'errors.claims.categoryRequired' }),
  amount: z.string({ error: 'errors.claims.amountInvalid' }).max(20, 'errors.claims.amountInvalid').refine(noNul, 'errors.claims.amountInvalid').optional(),
  miles: miles.optional(),
  expenseDescription: optionalText(LINE_DESCRIPTION_MAX, 'errors.claims.lineDescriptionTooLong'),
});
export type ExpenseLineInput = z.infer<typeof expenseLineSchema>;

/** The person search on /claims/new. */
export const personSearchSchema = z.object({
  q: z.string().max(SEARCH_MAX, 'errors.claims.searchTooLong').refine(noNul, 'errors.fields.badCharacter').optional(),
  person: recordId('errors.claims.personInvalid').optional(),
});

/** A keyset cursor over claims: the activity date and the id of the last one shown. */
export const claimCursor = z.string().regex(/^\d{4}-\d{2}-\d{2}_\d{1,10}$/, 'errors.claims.pageInvalid');

/** The filters of /claims; one that makes no sense is dropped (lenient parsing in routes). */
export const listQuerySchema = z.object({
  status: z.enum(CLAIM_STATUSES, { error: 'errors.claims.statusInvalid' }).optional(),
  unitId: recordId('errors.claims.unitInvalid').optional(),
  q: z.string().max(SEARCH_MAX, 'errors.claims.searchTooLong').refine(noNul, 'errors.fields.badCharacter').optional(),
  after: claimCursor.optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const myListQuerySchema = z.object({ after: claimCursor.optional() });
