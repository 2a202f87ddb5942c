import { z } from 'zod';

export const email = z
  .string({ error: 'errors.email.required' })
  .max(254, 'errors.email.invalid')
  .pipe(z.email({ error: 'errors.email.invalid' }))
  .transform((e) => e.toLowerCase());

export const newPassword = z
  .string({ error: 'errors.password.required' })
  .min(12, 'errors.password.tooShort')
  .max(200, 'errors.password.tooLong');

export const signInSchema = z.object({
  email,
  password: z.string({ error: 'errors.password.required' }).max(200, 'errors.password.tooLong'),
  next: z.string().optional(),
});

export const emailOnlySchema = z.object({ email });

export const setPasswordSchema = z
  .object({
    password: newPassword,
    confirm: z.string({ error: 'errors.password.confirmRequired' }),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'errors.password.mismatch' });

/** Only same-site paths are allowed after sign-in (no open redirects). */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}
