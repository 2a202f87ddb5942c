import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp } from '../../test/support/app.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TRUST_NAME } from './seed.ts';
import { emptyDatabase, runCli, type CliDatabase } from './testing.ts';

describe('alongside seed --demo', { timeout: 60_000 }, () => {
  let database: CliDatabase;
  beforeEach(async () => {
    database = await emptyDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  async function snapshot() {
    const h = database.open();
    try {
      const units = await h.db.selectFrom('org_units').select(['id', 'name', 'kind', 'path', 'parent_id']).orderBy('path').execute();
      const accounts = await h.db
        .selectFrom('users')
        .leftJoin('role_grants', 'role_grants.user_id', 'users.id')
        .leftJoin('org_units', 'org_units.id', 'role_grants.unit_id')
        .select(['users.email', 'role_grants.role', 'org_units.name as unit'])
        .orderBy('users.email')
        .execute();
      return { units, accounts };
    } finally {
      await h.close();
    }
  }

  it('fills an empty database with a trust, two boroughs with their teams, and staff and partner accounts', async () => {
    const { code, stdout } = await runCli(['seed', '--demo'], { database });
    expect(code).toBe(0);
    expect(stdout).toContain(`Every demo account has the password: ${DEMO_PASSWORD}`);

    const { units, accounts } = await snapshot();
    const byName = new Map(units.map((u) => [u.name, u]));
    const trust = byName.get(DEMO_TRUST_NAME);
    expect(trust).toMatchObject({ kind: 'trust', parent_id: null });
    expect(units.filter((u) => u.parent_id === null)).toHaveLength(1);
    for (const borough of ['Tower Hamlets', 'Luton']) {
      const b = byName.get(borough);
      expect(b).toMatchObject({ kind: 'borough', parent_id: trust?.id });
      const below = units.filter((u) => u.parent_id === b?.id);
      expect(below.length).toBeGreaterThanOrEqual(2);
      for (const team of below) {
        expect(['team', 'service']).toContain(team.kind);
        expect(team.path.startsWith(b?.path ?? '?')).toBe(true);
      }
    }

    expect(accounts.map((a) => a.role).sort()).toEqual(['admin', 'lead', 'partner', 'partner', 'qi_staff', 'viewer']);
    for (const a of DEMO_ACCOUNTS) {
      expect(accounts).toContainEqual({ email: a.email, role: a.role, unit: a.unit.startsWith('(') ? DEMO_TRUST_NAME : a.unit });
    }
  });

  it('gives accounts that sign in with the published demo password', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const t = await createTestApp({ database });
    try {
      for (const email of ['admin@demo.example.org', 'service-user@demo.example.org']) {
        const browser = new Browser(t.app);
        const res = await browser.signIn(email, DEMO_PASSWORD);
        expect(res.statusCode, email).toBe(303);
        expect((await browser.get('/')).statusCode, email).toBe(200);
      }
      const qi = new Browser(t.app);
      await qi.signIn('qi@demo.example.org', DEMO_PASSWORD);
      const org = await qi.get('/org');
      expect(org.statusCode).toBe(200);
      expect(org.body).toContain('Tower Hamlets Community Mental Health Team');
      expect(org.body).not.toContain('Luton Memory Service');
    } finally {
      await t.close();
    }
  });

  it('adds nothing the second time', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const before = await snapshot();
    const again = await runCli(['seed', '--demo'], { database });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already there');
    expect(await snapshot()).toEqual(before);
  });

  it('puts the demo under the trust that is already there', async () => {
    const admin = await runCli(['create-admin', '--email', 'admin@example.org', '--trust-name', 'Riverside NHS Trust'], {
      database,
      env: { ALONGSIDE_ADMIN_PASSWORD: 'a long enough password' },
    });
    expect(admin.code).toBe(0);
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const { units } = await snapshot();
    const roots = units.filter((u) => u.parent_id === null);
    expect(roots.map((u) => u.name)).toEqual(['Riverside NHS Trust']);
    expect(units.find((u) => u.name === 'Luton')?.parent_id).toBe(roots[0]?.id);
  });

  it('asks what to seed when --demo is missing, and refuses in production', async () => {
    expect((await runCli(['migrate'], { database })).code).toBe(0);
    const bare = await runCli(['seed'], { database });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('--demo');
    const production = await runCli(['seed', '--demo'], {
      database,
      env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://alongside.example.org' },
    });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain('refusing to add demo accounts in production');
    expect((await snapshot()).accounts).toEqual([]);
  });
});
