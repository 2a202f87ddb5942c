import { z } from 'zod';
import { newPassword } from '../auth/schemas.ts';

const chosen = z.string({ error: 'errors.account.newRequired' }).pipe(newPassword);
const confirm = z.string({ error: 'errors.password.confirmRequired' });
const same = { path: ['confirm'], message: 'errors.password.mismatch' };

/** Someone who has a password must give it before choosing a new one. */
export const changePasswordSchema = z
  .object({ current: z.string({ error: 'errors.account.currentRequired' }).max(200, 'errors.password.tooLong'), password: chosen, confirm })
  .refine((v) => v.password === v.confirm, same);

/** Someone who has only ever signed in with an emailed link just chooses one. */
export const firstPasswordSchema = z.object({ password: chosen, confirm }).refine((v) => v.password === v.confirm, same);
