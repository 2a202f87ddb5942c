import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DbHandle } from '../../src/platform/db/index.ts';
import { nowIso } from '../../src/platform/db/index.ts';
import type { Role, UnitKind } from '../../src/platform/db/types.ts';
import { hashPassword } from '../../src/platform/auth/crypto.ts';
import { insertUnit } from '../../src/features/org/service.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: FastifyInstance;
  db: DbHandle;
  config: Config;
  database: TestDatabase;
  close(): Promise<void>;
}

export function testConfig(database: TestDatabase, env: Record<string, string> = {}): Config {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-123',
    BASE_URL: 'http://localhost:3000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return { ...config, rateLimitPerMinute: 1000 };
}

/** Builds the real app on a fresh database of this run's dialect. */
export async function createTestApp(options: { env?: Record<string, string>; database?: TestDatabase; config?: Partial<Config> } = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = { ...testConfig(database, options.env), ...options.config };
  const db = database.open();
  const app = await buildApp(config, db, { logger: false });
  await app.ready();
  return {
    app,
    db,
    config,
    database,
    async close() {
      await app.close();
      await db.close();
      if (!options.database) await database.drop();
    },
  };
}

/** A small organisation: trust → two boroughs → a team in each. */
export async function seedOrg(db: DbHandle) {
  const now = nowIso();
  const unit = (name: string, kind: UnitKind, parentId: number | null) => insertUnit(db.db, { name, kind, parentId }, now);
  const trust = await unit('Test NHS Trust', 'trust', null);
  const north = await unit('North Borough', 'borough', trust.id);
  const south = await unit('South Borough', 'borough', trust.id);
  const northTeam = await unit('North Community Team', 'team', north.id);
  const southTeam = await unit('South Community Team', 'team', south.id);
  return { trust, north, south, northTeam, southTeam };
}

export async function createUser(db: DbHandle, email: string, grants: { unitId: number; role: Role }[] = [], name = email.split('@')[0] ?? 'User'): Promise<number> {
  const { id } = await db.db
    .insertInto('users')
    .values({ email, name, password_hash: await hashPassword(PASSWORD), failed_sign_ins: 0, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const g of grants) {
    await db.db.insertInto('role_grants').values({ user_id: id, unit_id: g.unitId, role: g.role, created_at: nowIso() }).execute();
  }
  return id;
}

/** A cookie-keeping client over app.inject that fills in the CSRF token like a browser form would. */
export class Browser {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    // Forms carry the token in a hidden field; the header's sign-out form carries it in its action.
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /[?&]_csrf=([^"&]+)/.exec(res.body);
    if (m?.[1]) this.csrf = decodeURIComponent(m[1]);
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } });
    this.remember(res);
    return res;
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    if (!this.csrf && options.csrf !== false) await this.get('/sign-in');
    const body = new URLSearchParams({ ...(options.csrf === false ? {} : { _csrf: this.csrf }), ...form }).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.remember(res);
    return res;
  }

  async signIn(email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    return this.post('/sign-in', { email, password });
  }
}
