import { z } from 'zod';
import { isRecordId } from '../../platform/db/index.ts';
import { recordId } from '../../platform/http/fields.ts';

/**
 * The dashboard's filters, read from the address. Each is checked on its own and a bad one is
 * dropped (the page shows its default), never an error: people follow and edit these links.
 */

/** How many months the dashboard may cover, ending this month. */
export const PERIODS = [12, 24, 36] as const;
export type Period = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: Period = 24;

const dropped = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const unitId = dropped(recordId('errors.insights.filterInvalid'));
const months = dropped(
  z.coerce
    .number()
    .int()
    .refine((n): n is Period => (PERIODS as readonly number[]).includes(n)),
);
/** A month, YYYY-MM (whether it is in the future is the service's question). */
export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = dropped(z.string().regex(monthPattern));

export const dashboardQuery = z.object({ unitId, months });
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export const projectsQuery = z.object({ unitId, month, after: dropped(recordId('errors.insights.filterInvalid')) });
export type ProjectsQuery = z.infer<typeof projectsQuery>;

/** The last activity of the page before: its date and id, "YYYY-MM-DD.id". */
const cursor = dropped(
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}\.\d{1,10}$/)
    .transform((s) => {
      const [date, id] = s.split('.') as [string, string];
      return { date, id: Number(id) };
    })
    .refine((c) => isRecordId(c.id)),
);
export const hoursQuery = z.object({ unitId, month, before: cursor });
export type HoursQuery = z.infer<typeof hoursQuery>;
