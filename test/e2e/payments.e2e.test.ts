import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownDay } from '../../src/features/payments/service.ts';
import { londonDate } from '../../src/features/projects/service.ts';
import { banner, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

/** A table's rows as text, by its caption. */
async function rows(page: Page, caption: string): Promise<string[]> {
  const table = page.getByRole('table', { name: caption });
  return (await table.locator('tbody tr').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
}

/**
 * Fills a date field and leaves the focus in it. (Headless Chromium orders a date field's parts
 * by its own locale, so the date is filled the way the other browser tests do.)
 */
async function typeDate(page: Page, label: string, day: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(day);
  await page.getByLabel(label, { exact: true }).focus();
}

describe('an admin sets the payment rates and settings with the keyboard, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspErrors: string[] = [];
  const today = londonDate();

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
    page = await openPage(context, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finds the payments hub with its links and the trust’s target', async () => {
    await signIn(page, app.baseUrl, 'admin@example.org');
    await page.getByRole('link', { name: 'Payments', exact: true }).first().press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments`);
    expect(await h1(page)).toBe('Payments');
    expect(await page.locator('main').textContent()).toContain('The trust aims to pay people within 14 days of the activity.');
    for (const name of ['Claims', 'Claims to approve', 'Overdue claims', 'Finance: lines to pay and exports', 'Rates', 'Settings', 'Cost centres']) {
      expect(await page.getByRole('link', { name, exact: true }).count(), name).toBe(1);
    }
    await expectAccessible(page);
  });

  it('sets a mileage rate, after a mistake is explained, and sees it in force', async () => {
    await page.getByRole('link', { name: 'Rates', exact: true }).press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments/rates`);
    expect(await rows(page, 'Expense rates and limits in force today')).toContain('Mileage Not set Add a rate for Mileage');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add an expense rate' }).press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments/rates/expenses/new`);
    expect(await h1(page)).toBe('Add an expense rate');
    await expectAccessible(page);
    await page.getByLabel('Expense', { exact: true }).focus();
    await page.keyboard.press('m'); // the first choice beginning with M: Mileage
    expect(await page.getByLabel('Expense', { exact: true }).inputValue()).toBe('mileage');
    await page.keyboard.press('Tab'); // the limit, left empty
    await page.keyboard.press('Tab');
    await page.keyboard.type('0.455');
    await typeDate(page, 'Takes effect from', today);
    await page.keyboard.press('Enter');
    expect(await errorSummary(page)).toContain('Enter the rate per mile in pounds, for example 0.45');
    expect(await page.getByLabel('Rate per mile (mileage only)').inputValue()).toBe('0.455');
    await expectAccessible(page);

    await page.getByLabel('Rate per mile (mileage only)').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments/rates`);
    expect(await banner(page)).toContain(`Rate added: Mileage from ${shownDay(today)}`);
    expect(await rows(page, 'Expense rates and limits in force today')).toContain(`Mileage No limit £0.45 No ${shownDay(today)} Add a rate for Mileage`);
    expect(await rows(page, 'Every expense rate, past and future')).toEqual([`Mileage No limit £0.45 No ${shownDay(today)} In force`]);
    await expectAccessible(page);
  });

  it('sets an hourly rate for meetings and a rise from next month, and sees both', async () => {
    for (const [amount, day] of [['20', today], ['22.50', londonDate(new Date(Date.now() + 35 * 86_400_000))]] as const) {
      await page.getByRole('button', { name: 'Add an involvement payment rate' }).press('Enter');
      await page.waitForURL(`${app.baseUrl}/payments/rates/time/new`);
      expect(await h1(page)).toBe('Add an involvement payment rate');
      await page.getByRole('radio', { name: 'Meeting' }).focus();
      await page.keyboard.press('Space');
      await page.keyboard.press('Tab'); // to the chosen "how it is paid" radio group
      await page.keyboard.press('Space'); // Per hour, the first
      await page.keyboard.press('Tab');
      await page.keyboard.type(amount);
      await typeDate(page, 'Takes effect from', day);
      await expectAccessible(page);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${app.baseUrl}/payments/rates`);
      expect(await banner(page)).toContain('Rate added: Meeting, per hour');
    }
    const next = londonDate(new Date(Date.now() + 35 * 86_400_000));
    const inForce = await rows(page, 'Involvement payment rates in force today');
    expect(inForce[0]).toBe(`Meeting Per hour £20.00 ${shownDay(today)} £22.50 from ${shownDay(next)} Add a rate for Meeting, per hour`);
    expect(await rows(page, 'Every involvement payment rate, past and future')).toEqual([
      `Meeting Per hour £22.50 ${shownDay(next)} Not yet in force Delete the rate from ${shownDay(next)}: Meeting, per hour, £22.50`,
      `Meeting Per hour £20.00 ${shownDay(today)} In force`,
    ]);
    await expectAccessible(page);
  });

  it('changes the settings and the hub says so', async () => {
    await page.goto(`${app.baseUrl}/payments`);
    await page.getByRole('link', { name: 'Settings', exact: true }).press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments/settings`);
    expect(await h1(page)).toBe('Payment settings');
    await expectAccessible(page);
    await page.getByLabel('Target: days from the activity to payment').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('10');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('250');
    await page.keyboard.press('Enter');
    await page.locator('.nhsuk-notification-banner').waitFor();
    expect(await banner(page)).toContain('Payment settings saved');
    expect(await page.getByLabel('Target: days from the activity to payment').inputValue()).toBe('10');
    expect(await page.getByLabel('Second approval for claims over').inputValue()).toBe('250.00');
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/payments`);
    expect(await page.locator('main').textContent()).toContain('within 10 days of the activity');
  });

  it('gives a borough a cost centre that its team inherits', async () => {
    await page.goto(`${app.baseUrl}/payments/cost-centres`);
    expect(await h1(page)).toBe('Cost centres');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change the cost centre of North Borough' }).press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments/cost-centres/${app.org.north.id}`);
    await expectAccessible(page);
    await page.getByLabel('Cost centre code').focus();
    await page.keyboard.type('NB-200');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${app.baseUrl}/payments/cost-centres`);
    expect(await banner(page)).toContain('Cost centre of North Borough saved');
    expect(await rows(page, 'Cost centre of each unit')).toContain('– – North Community Team NB-200 From North Borough Change the cost centre of North Community Team');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
