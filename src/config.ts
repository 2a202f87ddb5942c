import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

/** The one place that reads process.env. Everything else receives a typed Config. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
    .default('sqlite:data/alongside.db'),
  BASE_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Alongside <no-reply@alongside.invalid>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  DATA_DIR: z.string().default('data'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  RUN_WORKER: z.enum(['true', 'false']).default('true'),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  databaseUrl: string;
  baseUrl: string;
  sessionSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  trustProxy: boolean;
  dataDir: string;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  runWorker: boolean;
  /** Sign-in and public-form attempts allowed per IP per minute. */
  rateLimitPerMinute: number;
  /** Failed sign-ins before an account is locked, and for how long. */
  lockout: { attempts: number; minutes: number };
}

export class ConfigError extends Error {}

/** Reads a session secret kept in the data folder, creating it on first run (development only). */
function developmentSecret(dataDir: string): string {
  const file = resolve(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Configuration is not valid: ${problems}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    // Fail fast: production never gets a silent default for these.
    const missing = (['SESSION_SECRET', 'BASE_URL'] as const).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Missing required setting(s) in production: ${missing.join(', ')}`);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    sessionSecret: e.SESSION_SECRET ?? developmentSecret(e.DATA_DIR),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY === 'true',
    dataDir: e.DATA_DIR,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    runWorker: e.RUN_WORKER === 'true',
    rateLimitPerMinute: 10,
    lockout: { attempts: 5, minutes: 15 },
  };
}

/**
 * The password for `alongside create-admin`, read here so config stays the one place that reads
 * process.env. It is never part of Config (nothing else needs it) and never taken from argv.
 */
export function adminPasswordFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.ALONGSIDE_ADMIN_PASSWORD || undefined;
}
