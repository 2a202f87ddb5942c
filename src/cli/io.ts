import { ConfigError } from '../config.ts';
import { ValidationError } from '../platform/errors/index.ts';
import { hasKey, t } from '../platform/i18n/index.ts';

/** A failure the operator can fix: printed as a plain message (no stack trace) with this exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The CLI talks to its operator on the terminal; logs are for the web process. */
export function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function complain(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** Validation messages are catalogue keys; show the words when the catalogue has them. */
export function describeMessage(message: string): string {
  return hasKey(message) ? t(message) : message;
}

const FIELD_FLAGS: Record<string, string> = { email: '--email', name: '--name', trustName: '--trust-name', password: 'password' };

export function describeValidation(error: ValidationError): string {
  return error.fields.map((f) => `${FIELD_FLAGS[f.field] ?? f.field}: ${describeMessage(f.message)}`).join('\n');
}

/** Prints an error the way an operator wants to read it and returns the exit code to use. */
export function reportError(err: unknown): number {
  if (err instanceof CliError) {
    complain(`alongside: ${err.message}`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    complain(`alongside: ${err.message}`);
    return 1;
  }
  if (err instanceof ValidationError) {
    complain(`alongside: ${describeValidation(err)}`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  complain(`alongside: unexpected error: ${message}`);
  if (err instanceof Error && err.stack) complain(err.stack);
  return 1;
}

/** A database URL fit to print: the password, if any, is hidden. */
export function describeDatabase(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString();
  } catch {
    return 'PostgreSQL';
  }
}
