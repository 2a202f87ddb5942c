import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../platform/auth/crypto.ts';
import { Browser, createTestApp } from '../../test/support/app.ts';
import { emptyDatabase, runCli, type CliDatabase } from './testing.ts';

const PASSWORD = 'a long enough password';

describe('alongside create-admin', { timeout: 60_000 }, () => {
  let database: CliDatabase;
  beforeEach(async () => {
    database = await emptyDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  const createAdmin = (args: string[], password?: string) =>
    runCli(['create-admin', ...args], { database, env: password === undefined ? {} : { ALONGSIDE_ADMIN_PASSWORD: password } });

  async function users() {
    const h = database.open();
    try {
      return await h.db
        .selectFrom('users')
        .innerJoin('role_grants', 'role_grants.user_id', 'users.id')
        .innerJoin('org_units', 'org_units.id', 'role_grants.unit_id')
        .select(['users.email', 'users.name', 'users.password_hash', 'role_grants.role', 'org_units.name as unit', 'org_units.kind'])
        .execute();
    } finally {
      await h.close();
    }
  }

  it('creates a trust admin who can then sign in with the password from the environment', async () => {
    const { code, stdout, stderr } = await createAdmin(['--email', 'Lead.Admin@Example.org', '--name', 'Ada Admin', '--trust-name', 'Riverside NHS Trust'], PASSWORD);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('lead.admin@example.org');
    expect(stdout).not.toContain(PASSWORD);

    const [user, ...others] = await users();
    expect(others).toEqual([]);
    expect(user).toMatchObject({ email: 'lead.admin@example.org', name: 'Ada Admin', role: 'admin', unit: 'Riverside NHS Trust', kind: 'trust' });
    expect(await verifyPassword(PASSWORD, user?.password_hash ?? null)).toBe(true);

    const t = await createTestApp({ database });
    try {
      const browser = new Browser(t.app);
      const signIn = await browser.signIn('lead.admin@example.org', PASSWORD);
      expect(signIn.statusCode).toBe(303);
      expect(signIn.headers.location).toBe('/');
      const home = await browser.get('/');
      expect(home.statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('refuses a password shorter than 12 characters', async () => {
    const { code, stderr } = await createAdmin(['--email', 'admin@example.org'], 'too-short');
    expect(code).toBe(1);
    expect(stderr).toContain('Password must be 12 characters or more');
    expect(await users()).toEqual([]);
  });

  it('refuses an email address that already has an account, whatever its case', async () => {
    expect((await createAdmin(['--email', 'admin@example.org'], PASSWORD)).code).toBe(0);
    const { code, stdout, stderr } = await createAdmin(['--email', 'ADMIN@example.org', '--name', 'Someone Else'], 'another long password');
    expect(code).toBe(1);
    expect(stderr).toContain('an account with the email address admin@example.org already exists');
    expect(stdout).toBe('');
    const all = await users();
    expect(all).toHaveLength(1);
    expect(await verifyPassword(PASSWORD, all[0]?.password_hash ?? null)).toBe(true);
  });

  it('refuses an email address that is not one', async () => {
    const { code, stderr } = await createAdmin(['--email', 'not-an-email'], PASSWORD);
    expect(code).toBe(1);
    expect(stderr).toContain('--email: Enter an email address in the correct format');
  });

  it('never takes the password from the command line: without the variable or a terminal it explains what to do', async () => {
    const { code, stderr } = await createAdmin(['--email', 'admin@example.org', '--password', PASSWORD]);
    expect(code).toBe(1);
    expect(stderr).toContain("unknown option '--password'");
    const noTerminal = await createAdmin(['--email', 'admin@example.org']);
    expect(noTerminal.code).toBe(1);
    expect(noTerminal.stderr).toContain('ALONGSIDE_ADMIN_PASSWORD');
    expect(await users()).toEqual([]);
  });
});
