import { z } from 'zod';
import { MAX_ID } from '../../platform/db/index.ts';
import { UNIT_KINDS } from '../../platform/db/types.ts';

export const unitName = z
  .string({ error: 'errors.unit.nameRequired' })
  .min(2, 'errors.unit.nameTooShort')
  .max(120, 'errors.unit.nameTooLong');

export const createUnitSchema = z.object({
  name: unitName,
  kind: z.enum(UNIT_KINDS, { error: 'errors.unit.kindRequired' }),
  parentId: z.coerce.number({ error: 'errors.unit.parentRequired' }).int('errors.unit.parentRequired').positive('errors.unit.parentRequired').max(MAX_ID, 'errors.unit.parentRequired'),
});

export const renameUnitSchema = z.object({ name: unitName });
