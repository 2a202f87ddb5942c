import { z } from 'zod';
import { MAX_ID } from '../../platform/db/index.ts';
import { ROLES } from '../../platform/db/types.ts';
import { email } from '../auth/schemas.ts';

export const personName = z.string({ error: 'errors.name.required' }).min(1, 'errors.name.required').max(120, 'errors.name.tooLong');

export const roleGrantSchema = z.object({
  unitId: z.coerce.number({ error: 'errors.unit.required' }).int('errors.unit.required').positive('errors.unit.required').max(MAX_ID, 'errors.unit.required'),
  role: z.enum(ROLES, { error: 'errors.role.required' }),
});

/** The address the invitation goes to (the shared email rules, with wording about someone else). */
const inviteEmail = z.string({ error: 'errors.users.emailRequired' }).pipe(email);

export const inviteSchema = z.object({ name: personName, email: inviteEmail }).and(roleGrantSchema);
