import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from '../../src/features/claims/test-support.ts';
import { addDays, insertRegisterPerson } from '../../src/features/minutes/test-support.ts';
import { insertExpenseRate, insertTimeRate } from '../../src/features/payments/test-support.ts';
import { londonDate } from '../../src/features/projects/service.ts';
import { createUser } from '../support/app.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

/** Presses Enter on a control and waits for the page it leads to (which may have the same address). */
async function enterAndWait(page: Page, target: Locator): Promise<void> {
  await target.focus();
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

describe('a partner claims a bus fare and mileage with a receipt, by keyboard, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    const partner = await createUser(app.t.db, 'pat@example.org', [{ unitId: app.org.northTeam.id, role: 'partner' }], 'Pat Partner');
    await insertRegisterPerson(app.t.db, app.org.northTeam.id, 'Pat Partner', { user_id: partner, payment_preference: 'vouchers' });
    await insertRegisterPerson(app.t.db, app.org.northTeam.id, 'Nia Nojs');
    await insertTimeRate(app.t.db, { activity_kind: 'meeting', basis: 'hour', amount_pence: 2000 });
    await insertExpenseRate(app.t.db, { category: 'public_transport' });
    await insertExpenseRate(app.t.db, { category: 'mileage', pence_per_mile: 45 });
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('makes the claim, adds a fare and mileage, uploads a receipt and sends it', async () => {
    await signIn(page, app.baseUrl, 'pat@example.org');
    const nav = page.getByRole('navigation', { name: 'Menu' });
    await enterAndWait(page, nav.getByRole('link', { name: 'My claims' }));
    expect(await h1(page)).toBe('My claims');
    expect(await page.locator('main').textContent()).toContain('You have not made any claims yet');
    await expectAccessible(page);

    await enterAndWait(page, page.getByRole('button', { name: 'Make a claim' }));
    expect(await h1(page)).toBe('Make a claim');
    expect(await page.locator('main').textContent()).toContain('Time is paid in vouchers');
    await expectAccessible(page);
    // Nothing filled in: the errors are explained and the page stays usable.
    await enterAndWait(page, page.getByRole('button', { name: 'Make the claim' }));
    expect(await errorSummary(page)).toContain('Choose what the claim is for');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'A meeting' }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel('When was it?').fill(addDays(londonDate(), -2));
    await page.getByLabel('Description').fill('Working Together Group');
    await enterAndWait(page, page.getByRole('button', { name: 'Make the claim' }));
    await page.waitForURL(/\/my-claims\/\d+$/);
    expect(await banner(page)).toContain('Claim started');
    const claimUrl = page.url();
    await expectAccessible(page);

    await page.getByLabel('What was the cost?').focus();
    await page.keyboard.press('b'); // Bus, train or tram fare
    await page.getByLabel('Amount on the receipt').fill('4.50');
    await page.getByLabel('Note (optional)').last().fill('Bus there and back');
    await enterAndWait(page, page.getByRole('button', { name: 'Add cost' }));
    await page.getByRole('heading', { name: 'Bus, train or tram fare (£4.50)' }).waitFor();
    expect(await banner(page)).toContain('Line added');
    await expectAccessible(page);

    await page.getByLabel('What was the cost?').focus();
    await page.keyboard.press('m'); // Mileage (own car)
    await page.getByLabel('Miles driven').fill('12.5');
    await enterAndWait(page, page.getByRole('button', { name: 'Add cost' }));
    await page.getByRole('heading', { name: 'Mileage (own car) (£5.63)' }).waitFor();
    expect(await page.getByRole('table').textContent()).toContain('12.5 miles');
    await expectAccessible(page);

    await page.getByLabel('Add a receipt for: Bus, train or tram fare').setInputFiles({ name: 'bus-ticket.png', mimeType: 'image/png', buffer: PNG });
    await enterAndWait(page, page.getByRole('button', { name: 'Upload receipt' }).first());
    expect(await banner(page)).toContain('Receipt uploaded');
    expect(await page.getByRole('link', { name: 'bus-ticket.png' }).getAttribute('href')).toMatch(/\/my-claims\/\d+\/receipts\/\d+$/);
    await expectAccessible(page);

    await enterAndWait(page, page.getByRole('button', { name: 'Send for approval' }));
    expect(page.url()).toBe(claimUrl);
    expect(await banner(page)).toContain('Claim sent for approval');
    expect(await page.locator('.nhsuk-summary-list').textContent()).toContain('Sent for approval');
    await expectAccessible(page);

    await enterAndWait(page, nav.getByRole('link', { name: 'My claims' }));
    const list = (await page.getByRole('table', { name: 'Your claims, newest first' }).textContent()) ?? '';
    expect(list).toContain('Working Together Group');
    expect(list).toContain('£10.13');
    expect(list).toContain('Sent for approval');
    await expectAccessible(page);
  });

  it('lets a lead find a person and start a claim for them', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/claims`);
    expect(await page.locator('main').textContent()).toContain('1 claim');
    await expectAccessible(page);
    await enterAndWait(page, page.getByRole('button', { name: 'New claim' }));
    await page.getByLabel('Their name').fill('pat');
    await enterAndWait(page, page.getByRole('button', { name: 'Find' }));
    await expectAccessible(page);
    await enterAndWait(page, page.getByRole('link', { name: 'Make a claim for Pat Partner' }));
    expect(await h1(page)).toBe('New claim for Pat Partner');
    await expectAccessible(page);
  });

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await openPage(context, cspErrors);
    await signIn(plain, app.baseUrl, 'lena@example.org');
    await plain.goto(`${app.baseUrl}/claims/new?q=nia`);
    await plain.getByRole('link', { name: 'Make a claim for Nia Nojs' }).click();
    await plain.getByRole('radio', { name: 'Project work' }).check();
    await plain.getByLabel('When was it?').fill(addDays(londonDate(), -1));
    await plain.getByLabel('Description').fill('Poster design');
    await plain.getByRole('button', { name: 'Make the claim' }).click();
    await plain.waitForURL(/\/claims\/\d+$/);
    await plain.getByLabel('What was the cost?').selectOption('public_transport');
    await plain.getByLabel('Amount on the receipt').fill('2');
    await plain.getByRole('button', { name: 'Add cost' }).click();
    await plain.getByRole('heading', { name: 'Bus, train or tram fare (£2.00)' }).waitFor();
    await context.close();
    expect(cspErrors).toEqual([]);
  });
});
