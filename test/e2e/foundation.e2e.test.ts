import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/app.ts';
import { expectAccessible, launchBrowser, startApp, type RunningApp } from './support.ts';

/** Chooses the option whose text contains the words (options are indented to show the tree). */
async function selectByText(page: Page, label: string, text: string): Promise<void> {
  const select = page.getByLabel(label);
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value ?? '');
}

describe('an administrator sets up their trust in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspErrors.push(msg.text());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows a friendly sign-in page and explains mistakes', async () => {
    await page.goto(`${app.baseUrl}/`);
    expect(page.url()).toContain('/sign-in');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Enter your email address');
    await expectAccessible(page);
  });

  it('signs in with email and password using only the keyboard', async () => {
    await page.getByLabel('Email address').fill('admin@example.org');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.waitForURL(`${app.baseUrl}/`);
    expect(await page.locator('h1').textContent()).toContain('Hello, Ada Admin');
    await expectAccessible(page);
  });

  it('skips straight to the main content from the keyboard', async () => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(focused).toBe('Skip to main content');
  });

  it('adds a team to the organisation', async () => {
    await page.getByRole('link', { name: 'Organisation' }).first().click();
    await page.waitForURL('**/org');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add a unit' }).click();
    await page.waitForURL('**/org/new');
    await expectAccessible(page);
    // A mistake first: the error summary appears and nothing typed is lost.
    await page.getByLabel('Name', { exact: true }).fill('Isle of Dogs CMHT');
    await page.getByRole('button', { name: 'Add unit' }).click();
    await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Isle of Dogs CMHT');
    await expectAccessible(page);
    await selectByText(page, 'Part of', 'North Borough');
    await page.getByLabel('Team', { exact: true }).check();
    await page.getByRole('button', { name: 'Add unit' }).click();
    await page.waitForURL(/\/org\/\d+$/);
    expect(await page.locator('h1').textContent()).toBe('Isle of Dogs CMHT');
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('has been added');
    await expectAccessible(page);
  });

  it('invites a nurse to the new team', async () => {
    await page.goto(`${app.baseUrl}/admin/users`);
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/admin/users/invite`);
    await expectAccessible(page);
    await page.getByLabel('Full name').fill('Nia Nurse');
    await page.getByLabel('Email address').fill('nia.nurse@example.org');
    await selectByText(page, 'Organisation unit', 'Isle of Dogs CMHT');
    await page.getByLabel('QI staff').check();
    await page.getByRole('button', { name: /invit/i }).click();
    await page.waitForURL(/\/admin\/users\/\d+$/);
    expect(await page.locator('main').textContent()).toContain('nia.nurse@example.org');
    await expectAccessible(page);
    const invite = await app.t.db.db.selectFrom('outbox').selectAll().where('recipient', '=', 'nia.nurse@example.org').executeTakeFirst();
    expect(invite?.subject).toBe('You are invited to Alongside');
  });

  it('shows the audit log and the account page', async () => {
    await page.goto(`${app.baseUrl}/admin/audit`);
    expect(await page.locator('table').textContent()).toContain('user.invited');
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/account`);
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/account/tokens`);
    await expectAccessible(page);
  });

  it('shows a plain-English page for an address that does not exist', async () => {
    const res = await page.goto(`${app.baseUrl}/no-such-page`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await expectAccessible(page);
  });

  it('signs out from the header', async () => {
    await page.goto(`${app.baseUrl}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('You have signed out');
    await page.goto(`${app.baseUrl}/org`);
    expect(page.url()).toContain('/sign-in');
  });

  it('broke no Content Security Policy rule on any page', () => {
    expect(cspErrors).toEqual([]);
  });
});

describe('pages anyone can reach', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const path of ['/sign-in/link', '/forgot-password', '/accessibility', '/privacy']) {
    it(`${path} is accessible`, async () => {
      const page = await browser.newPage();
      const res = await page.goto(`${app.baseUrl}${path}`);
      expect(res?.status()).toBe(200);
      await expectAccessible(page);
      await page.close();
    });
  }
});
