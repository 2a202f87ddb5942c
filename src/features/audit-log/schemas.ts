import { z } from 'zod';
import { MAX_ID } from '../../platform/db/index.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'errors.audit.dateFormat').refine((s) => !Number.isNaN(Date.parse(s)), 'errors.audit.dateFormat');

/** Filters arrive in the query string; every one is optional. */
export const auditFilterSchema = z
  .object({
    person: z.string().max(254, 'errors.audit.personTooLong').optional(),
    entityType: z.string().max(60, 'errors.audit.recordTooLong').optional(),
    entityId: z.string().max(60, 'errors.audit.recordTooLong').optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    before: z.coerce.number().int().positive().max(MAX_ID).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'errors.audit.dateOrder' });

export type AuditFilter = z.infer<typeof auditFilterSchema>;
