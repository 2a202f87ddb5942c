import { z } from 'zod';
import { adminPasswordFromEnv, type Config } from '../config.ts';
import { email, newPassword } from '../features/auth/schemas.ts';
import { rootUnit } from '../features/org/service.ts';
import { createAdmin } from '../features/users/service.ts';
import { personName } from '../features/users/schemas.ts';
import { ValidationError } from '../platform/errors/index.ts';
import { withDatabase } from './database.ts';
import { CliError, describeMessage, describeValidation, say } from './io.ts';
import { readHidden } from './prompt.ts';

export const createAdminFlags = z.object({
  email,
  name: personName.default('Administrator'),
  trustName: z.string().trim().min(1, 'must not be empty').max(200, 'must be 200 characters or fewer').optional(),
});

export type CreateAdminFlags = z.input<typeof createAdminFlags>;

/** The password comes from ALONGSIDE_ADMIN_PASSWORD or is typed (twice, unseen) at the terminal; never from argv. */
async function obtainPassword(forEmail: string): Promise<string> {
  const fromEnv = adminPasswordFromEnv();
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new CliError(
      'no password given. Set ALONGSIDE_ADMIN_PASSWORD, or run this in a terminal to be asked for one ' +
        '(a password is never taken as a command-line argument).',
    );
  }
  const first = await readHidden(`Password for ${forEmail} (12 characters or more): `);
  checkPassword(first);
  const again = await readHidden('Type the password again: ');
  if (again !== first) throw new CliError('the two passwords were different; nothing was created');
  return first;
}

function checkPassword(password: string): void {
  const parsed = newPassword.safeParse(password);
  if (!parsed.success) throw new CliError(`password: ${describeMessage(parsed.error.issues[0]?.message ?? 'errors.password.tooShort')}`);
}

export async function createAdminCommand(config: Config, flags: CreateAdminFlags): Promise<void> {
  const parsed = createAdminFlags.safeParse(flags);
  if (!parsed.success) throw new CliError(describeValidation(ValidationError.fromZod(parsed.error)));
  const input = parsed.data;

  await withDatabase(config, async ({ db }) => {
    // Check before asking for a password, so nobody types one for nothing.
    const taken = await db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst();
    if (taken) throw new CliError(`an account with the email address ${input.email} already exists; nothing was created`);

    const password = await obtainPassword(input.email);
    checkPassword(password);

    const trust = await rootUnit(db);
    try {
      await createAdmin(db, { email: input.email, name: input.name, password, ...(input.trustName ? { trustName: input.trustName } : {}) });
    } catch (err) {
      if (err instanceof ValidationError && err.fields.some((f) => f.field === 'email')) {
        throw new CliError(`an account with the email address ${input.email} already exists; nothing was created`);
      }
      throw err;
    }
    const trustName = trust?.name ?? (await rootUnit(db))?.name ?? '';
    if (trust && input.trustName && input.trustName !== trust.name) {
      say(`Note: the trust already exists as "${trust.name}"; --trust-name was not used.`);
    }
    say(`Created admin ${input.email} (${input.name}) for ${trustName}.`);
    say(`Sign in at ${config.baseUrl}/sign-in`);
  });
}
