import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertClaimant } from '../../src/features/approvals/test-support.ts';
import { insertClaim } from '../../src/features/payments/test-support.ts';
import { createUser } from '../support/app.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

describe('a lead and a budget holder decide claims in a real browser, by keyboard', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let claimId = 0;
  let bigClaimId = 0;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    await createUser(app.t.db, 'bo@example.org', [{ unitId: app.org.north.id, role: 'budget_holder' }], 'Bo Budget');
    const carer = await insertClaimant(app.t, app.org.northTeam.id, 'Cara Carer');
    const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    claimId = (
      await insertClaim(app.t.db, carer, app.org.northTeam.id, { activity_date: day }, [
        { kind: 'time', category: 'hour', description: 'QI forum', quantity: 120, amount_pence: 4000 },
        { kind: 'expense', category: 'parking', description: 'Hospital car park', quantity: 1, amount_pence: 600 },
        { kind: 'expense', category: 'public_transport', description: 'Bus home', quantity: 1, amount_pence: 450 },
      ])
    ).claim.id;
    // Approved by another lead already, over the second-approval amount.
    const other = await createUser(app.t.db, 'lou@example.org', [{ unitId: app.org.north.id, role: 'lead' }], 'Lou Lead');
    bigClaimId = (
      await insertClaim(app.t.db, carer, app.org.northTeam.id, { activity_date: day, status: 'second_approval', decided_by: other, decided_at: new Date().toISOString(), total_pence: 15_000 }, [
        { kind: 'time', category: 'full_day', description: 'Recruitment day', quantity: 1, amount_pence: 15_000, status: 'approved', decided_by: other },
      ])
    ).claim.id;
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a lead rejects a line, is asked for the reason, gives it and approves the rest', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/approvals`);
    expect(await h1(page)).toBe('Claims to approve');
    expect(await page.getByRole('table', { name: 'Claims sent for approval' }).textContent()).toContain('Decide 3 lines');
    await expectAccessible(page);

    await page.getByRole('link', { name: /Cara Carer/ }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/approvals/${claimId}`);
    expect(await h1(page)).toBe('Claim from Cara Carer');
    expect(await page.getByRole('table', { name: 'What is claimed' }).textContent()).toContain('Parking: Hospital car park');
    await expectAccessible(page);

    const line = (n: number) => page.getByRole('group', { name: new RegExp(`^Line ${n}:`) });
    await line(1).getByRole('radio', { name: 'Approve' }).focus();
    await page.keyboard.press('Space');
    await line(2).getByRole('radio', { name: 'Reject' }).focus();
    await page.keyboard.press('Space');
    await line(3).getByRole('radio', { name: 'Approve' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Save decisions' }).focus();
    await page.keyboard.press('Enter');
    expect(await errorSummary(page)).toContain('Give a reason for rejecting line 2');
    expect(await h1(page)).toBe('Claim from Cara Carer');
    // What was chosen is kept.
    expect(await line(1).getByRole('radio', { name: 'Approve' }).isChecked()).toBe(true);
    expect(await line(2).getByRole('radio', { name: 'Reject' }).isChecked()).toBe(true);
    await expectAccessible(page);

    // The error summary's link takes the keyboard to the reason.
    await page.locator('.nhsuk-error-summary').getByRole('link', { name: 'Give a reason for rejecting line 2' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toMatch(/^reason-\d+$/);
    await page.keyboard.type('Parking was free for forum members that day');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/approvals`);
    expect(await h1(page)).toBe('Claims to approve');
    expect(await banner(page)).toContain('Claim partly approved: £44.50 is now owed');
    expect(await banner(page)).toContain('They will get an email about it.');
    await expectAccessible(page);

    const claim = await app.t.db.db.selectFrom('claims').select(['status', 'total_pence']).where('id', '=', claimId).executeTakeFirstOrThrow();
    expect(claim).toEqual({ status: 'approved', total_pence: 4450 });
    const lines = await app.t.db.db.selectFrom('claim_lines').select(['status', 'reason']).where('claim_id', '=', claimId).orderBy('id').execute();
    expect(lines).toEqual([
      { status: 'approved', reason: null },
      { status: 'rejected', reason: 'Parking was free for forum members that day' },
      { status: 'approved', reason: null },
    ]);
  });

  it('a budget holder gives the second approval', async () => {
    await signIn(page, app.baseUrl, 'bo@example.org');
    await page.goto(`${app.baseUrl}/approvals`);
    expect(await page.getByRole('table', { name: 'Claims waiting for a second approval' }).textContent()).toContain('Second approval of £150.00');
    await expectAccessible(page);
    await page.getByRole('link', { name: /Cara Carer/ }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/approvals/${bigClaimId}`);
    expect(await h1(page)).toBe('Second approval: claim from Cara Carer');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Save decision' }).focus();
    await page.keyboard.press('Enter');
    expect(await errorSummary(page)).toContain('Choose whether you approve this claim');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Yes, approve it for payment' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Save decision' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/approvals`);
    expect(await banner(page)).toContain('Claim approved: £150.00 is now owed');
    const claim = await app.t.db.db.selectFrom('claims').select(['status', 'second_decided_by']).where('id', '=', bigClaimId).executeTakeFirstOrThrow();
    expect(claim.status).toBe('approved');
    expect(cspErrors).toEqual([]);
  });
});
