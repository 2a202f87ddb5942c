import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBefore } from '../../src/features/payment-reports/service.ts';
import { postPaid, postReversal, taxYearOf } from '../../src/features/payments/service.ts';
import { approveClaim, insertClaim } from '../../src/features/payments/test-support.ts';
import { insertPerson } from '../../src/features/involvement/test-support.ts';
import { londonDate } from '../../src/features/projects/service.ts';
import { createLead, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

describe('a lead follows up late payments and prints a person\'s annual statement, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];
  const today = londonDate();
  const year = taxYearOf(today);

  beforeAll(async () => {
    app = await startApp();
    const lead = await createLead(app);
    const unit = app.org.northTeam.id;
    const ann = await insertPerson(app.t.db, unit, { full_name: 'Ann Archer', payee_reference: 'SUP-0007' });
    const bob = await insertPerson(app.t.db, unit, { full_name: 'Bob Baker' });
    // Bob's claim from three weeks ago waits for approval; Ann's from today too (not late yet).
    await insertClaim(app.t.db, bob.id, unit, { activity_date: daysBefore(today, 21), description: 'Spring forum' });
    await insertClaim(app.t.db, ann.id, unit, { activity_date: today, description: 'Today\'s forum' });
    // Ann was paid for time and travel this tax year; one payment was taken back.
    const { claim, lines } = await insertClaim(app.t.db, ann.id, unit, { activity_date: year.start, description: 'Carers workshop', activity_kind: 'workshop' }, [
      { amount_pence: 5_000, kind: 'time', category: 'half_day' },
      { amount_pence: 640 },
    ]);
    await approveClaim(app.t.db, claim.id, lead);
    const paid = [];
    for (const line of lines) paid.push(await postPaid(app.t.db.db, { id: line.id, personId: ann.id }, { paidOn: year.start, method: 'bank_transfer', reference: 'BACS-1' }, lead));
    await postReversal(app.t.db.db, paid[1]!.id, 'Paid twice', lead);
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens the overdue list, then the person\'s payments, then their statement, each accessible, and the statement prints', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/payments/overdue`);
    expect(await h1(page)).toBe('Claims waiting too long');
    // Ann's workshop claim is owed again since its travel payment was taken back; Bob's waits for approval.
    expect(await page.locator('.nhsuk-lede-text').textContent()).toContain('2 claims have waited more than 14 days');
    const rows = page.locator('#overdue-data tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('Finance, to pay it');
    expect(await rows.nth(1).textContent()).toContain('Waiting for approval');
    expect(await page.locator('#overdue-data').textContent()).not.toContain('Today');
    await expectAccessible(page);

    // The filter keeps to the lead's units and shows the same claim for the North team.
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByRole('button', { name: 'Show claims' }).click();
    await page.waitForURL(/unitId=/);
    expect(await page.locator('#overdue-data tbody tr').count()).toBe(2);

    await page.goto(`${app.baseUrl}/payments/paid`);
    expect(await h1(page)).toContain('Claims paid in');
    await expectAccessible(page);

    await page.goto(`${app.baseUrl}/payments/overdue`);
    await page.getByRole('link', { name: 'Bob Baker' }).click();
    expect(await h1(page)).toBe('Bob Baker');
    await page.goBack();

    // Ann's payments: this tax year's total and her claims, with a link to the statement.
    await page.getByRole('link', { name: 'Ann Archer' }).click();
    expect(await h1(page)).toBe('Ann Archer');
    expect(await page.locator('[data-tax-level]').textContent()).toContain('Involvement payments this tax year: £50.00.');
    expect(await page.locator('#claims-data tbody tr').count()).toBe(2);
    await expectAccessible(page);

    await page.getByRole('link', { name: `Statement for ${year.startYear} to ${year.startYear + 1}` }).click();
    expect(await h1(page)).toBe('Statement of involvement payments');
    expect(await page.locator('[data-statement="name"]').textContent()).toBe('Ann Archer');
    // Time and travel paid, the travel taken back: the totals say so.
    expect(await page.locator('#statement-data tbody tr').count()).toBe(2);
    expect(await page.locator('[data-total="time"]').textContent()).toBe('£50.00');
    expect(await page.locator('[data-total="expenses"]').textContent()).toBe('£0.00');
    expect(await page.locator('[data-total="total"]').textContent()).toBe('£50.00');
    await expectAccessible(page);

    // On paper: the header, navigation and back link go; the statement stays, in large type.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.nhsuk-header').isVisible()).toBe(false);
    expect(await page.locator('.nhsuk-back-link').isVisible()).toBe(false);
    expect(await page.locator('.app-statement').isVisible()).toBe(true);
    const size = await page.locator('.app-statement p').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(18); // 14pt is about 18.7px
    await expectAccessible(page);
    await page.emulateMedia({ media: 'screen' });
    expect(cspErrors).toEqual([]);
  });
});
