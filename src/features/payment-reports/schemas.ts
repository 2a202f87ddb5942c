import { z } from 'zod';
import { isRecordId } from '../../platform/db/index.ts';
import { recordId } from '../../platform/http/fields.ts';

/**
 * The payment reports' filters, read from the address. Each is checked on its own and a bad one is
 * dropped (the page shows its default), never an error: people follow and edit these links.
 */

const dropped = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const unitId = dropped(recordId('errors.paymentReports.filterInvalid'));
/** A month, YYYY-MM (whether it is in the future is the service's question). */
const month = dropped(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/));

/** The last claim of the page before: its activity date and id, "YYYY-MM-DD.id". */
const dayCursor = dropped(
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.\d{1,10}$/)
    .transform((s) => {
      const [date, id] = s.split('.') as [string, string];
      return { date, id: Number(id) };
    })
    .refine((c) => isRecordId(c.id)),
);

/** The last claim of the page before: when it was paid and its id, "<ISO instant>_id". */
const paidCursor = dropped(
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_\d{1,10}$/)
    .transform((s) => {
      const [at, id] = s.split('_') as [string, string];
      return { at, id: Number(id) };
    })
    .refine((c) => isRecordId(c.id)),
);

export const overdueQuery = z.object({ unitId, after: dayCursor });
export type OverdueQuery = z.infer<typeof overdueQuery>;

export const paidQuery = z.object({ unitId, month, after: paidCursor });
export type PaidQuery = z.infer<typeof paidQuery>;

/** A tax year in the address: the year it starts in, e.g. 2026 for 6 April 2026 to 5 April 2027. */
export const statementYear = z.string().regex(/^\d{4}$/).transform(Number);
