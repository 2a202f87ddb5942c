import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';

/** The cards on the home page: where each goes and what it says. */
const cards = (html: string) => [...html.matchAll(/<a class="nhsuk-card__link" href="([^"]+)">\s*([^<]*?)\s*<\/a>/g)].map((m) => m[1]);

describe('the home page', () => {
  let t: TestApp;
  const as = {} as Record<'partner' | 'staff' | 'admin', Browser>;
  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner');
    await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff');
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin');
    for (const who of ['partner', 'staff', 'admin'] as const) {
      as[who] = new Browser(t.app);
      await as[who].signIn(`${who}@example.org`);
    }
  });
  afterAll(() => t.close());

  it('offers a partner their own involvement and the opportunities, in words from the catalogue', async () => {
    const res = await as.partner.get('/');
    expect(res.statusCode).toBe(200);
    const links = cards(res.body);
    expect(links).toEqual(expect.arrayContaining(['/my-involvement', '/my-claims', '/opportunities']));
    expect(links).not.toContain('/involvement');
    expect(links).not.toContain('/payments');
    expect(res.body).toContain('Claim your travel, expenses and time');
    expect(res.body).toContain('Your profile, what you have agreed to');
    expect(res.body).not.toContain('home.cards.');
  });

  it('offers staff who see the register the involvement hub', async () => {
    for (const who of ['staff', 'admin'] as const) {
      const res = await as[who].get('/');
      const links = cards(res.body);
      expect(links).toContain('/involvement');
      expect(links).not.toContain('/my-involvement');
      expect(res.body).toContain('The involvement register, groups, recruitment');
      expect(res.body).not.toContain('home.cards.');
    }
    // Payments only for those with a payment permission (the admin here), never QI staff.
    expect(cards((await as.admin.get('/')).body)).toContain('/payments');
    expect(cards((await as.staff.get('/')).body)).not.toContain('/payments');
  });
});
