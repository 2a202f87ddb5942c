import { z } from 'zod';
import { PAYMENT_METHODS } from '../../platform/db/types.ts';
import { day, noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What finance may type or choose: the payable-lines filters (read from the address, a bad one is
 * dropped), a payment, a reversal's reason and a payee reference. Messages are catalogue keys under
 * errors.finance (finance.json).
 */

export const REFERENCE_MAX = 100;
export const BATCH_MAX = 100;
export const REASON_MAX = 500;
export const PAYEE_MAX = 40;
/** Most lines one batch payment may cover (a page of the list is 50). */
export const BATCH_LINES_MAX = 200;

export const EXPORT_FILTERS = ['all', 'not_exported', 'exported'] as const;
export type ExportFilter = (typeof EXPORT_FILTERS)[number];

const dropped = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** Where a page of payable lines carries on from: the last line's activity date and id, "YYYY-MM-DD.id". */
const cursor = dropped(
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.\d{1,10}$/)
    .transform((s) => {
      const [date, id] = s.split('.') as [string, string];
      return { date, id: Number(id) };
    })
    .refine((c) => c.id > 0 && c.id <= 2_147_483_647),
);

export const linesQuery = z.object({
  unitId: dropped(recordId('errors.finance.filterInvalid')),
  exported: z.enum(EXPORT_FILTERS).catch('all').default('all'),
  after: cursor,
});
export type LinesQuery = z.infer<typeof linesQuery>;

export const pageQuery = z.object({ before: dropped(recordId('errors.finance.filterInvalid')) });

/** Line ids from a form or an address: one string for one ticked box, an array for several. */
const idList = (message: string) => z.preprocess((v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(recordId(message)));

/** The lines chosen on the list, in the address of the payment page (?line=1&line=2). */
export const chosenLinesQuery = z.object({ line: dropped(idList('errors.finance.linesRequired')) });

export const paymentSchema = z.object({
  line: idList('errors.finance.linesRequired').pipe(z.array(z.number()).min(1, 'errors.finance.linesRequired').max(BATCH_LINES_MAX, 'errors.finance.tooManyLines')),
  paidOn: day('errors.finance.paidOnInvalid'),
  method: z.enum(PAYMENT_METHODS, { error: 'errors.finance.methodRequired' }),
  reference: optionalText(REFERENCE_MAX, 'errors.finance.referenceTooLong'),
  batch: optionalText(BATCH_MAX, 'errors.finance.batchTooLong'),
});
export type PaymentInput = z.infer<typeof paymentSchema>;

export const reversalSchema = z.object({
  reason: requiredText(REASON_MAX, { required: 'errors.finance.reasonRequired', tooLong: 'errors.finance.reasonTooLong' }),
});

/**
 * Looks like bank details rather than a payee number: an 8-digit account number or a sort code
 * (12-34-56) standing on its own, the whole value being a sort code, account number or both
 * once spaces and dashes are taken out, or an IBAN. Alongside never stores bank details.
 */
export function looksLikeBankDetails(value: string): boolean {
  const compact = value.replace(/[\s-]/g, '');
  return (
    /(^|\D)\d{8}(\D|$)/.test(value) ||
    /(^|\D)\d{2}[-\s]\d{2}[-\s]\d{2}(\D|$)/.test(value) ||
    /^(\d{6}|\d{8}|\d{14})$/.test(compact) ||
    /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/i.test(compact)
  );
}

export const payeeSchema = z.object({
  payeeReference: z
    .string({ error: 'errors.finance.payeeInvalid' })
    .max(PAYEE_MAX, 'errors.finance.payeeTooLong')
    .refine(noNul, 'errors.fields.badCharacter')
    .refine((s) => !looksLikeBankDetails(s), 'errors.finance.payeeLooksLikeBank')
    .nullish(),
});
