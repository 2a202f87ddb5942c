import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../../src/platform/db/index.ts';
import { enqueueForPerson } from '../../src/platform/outbox/index.ts';
import { createLead, expectAccessible, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

describe('the involvement lead works from the hub in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    const now = nowIso();
    const db = app.t.db.db;
    const person = await db
      .insertInto('people')
      .values({
        unit_id: app.org.northTeam.id,
        full_name: 'Winifred Large',
        preferred_channel: 'post',
        format: 'large_print',
        address: '12 Park Street\nLuton',
        postcode: 'LU1 3JU',
        relationship: 'carer',
        anonymity: 'full_name',
        payment_preference: 'vouchers',
        heard_via: 'stall',
        status: 'enquiry',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db.insertInto('person_status_history').values({ person_id: person.id, status: 'enquiry', changed_at: now, changed_by: null }).execute();
    await enqueueForPerson(db, {
      idempotencyKey: 'e2e-letter',
      person,
      subject: 'Welcome to the involvement register',
      text: 'Dear Winifred,\n\nThank you for talking to us at the library stall.\n\nBest wishes,\nLena',
    });
    const opened = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await db
      .insertInto('opportunities')
      .values({ unit_id: app.org.northTeam.id, title: 'Carers for the discharge project', description: 'Join the team', places: 2, payment_offered: 'involvement_rate', is_public: 1, status: 'open', created_at: opened, updated_at: opened })
      .execute();
    await db
      .insertInto('recruitment_campaigns')
      .values({ unit_id: app.org.north.id, group_id: null, programme: null, title: 'Working Together Group', target_size: 10, starts_on: now.slice(0, 10), ends_on: null, created_at: now })
      .execute();
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('signs in and opens Involvement from the navigation', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Involvement' }).click();
    await page.waitForURL(`${app.baseUrl}/involvement`);
    expect(await page.locator('h1').textContent()).toContain('Involvement');
    await expectAccessible(page);
  });

  it('sees the dashboard tables', async () => {
    const opportunities = page.getByRole('table', { name: /Open opportunities/ });
    await expect.poll(() => opportunities.isVisible()).toBe(true);
    expect(await opportunities.textContent()).toContain('Carers for the discharge project');
    expect(await opportunities.textContent()).toContain('40 days');
    expect(await opportunities.textContent()).toContain('Waiting over 28 days');
    const statuses = page.getByRole('table', { name: 'People by status' });
    expect(await statuses.getByRole('row', { name: /Enquiry/ }).textContent()).toContain('1');
    const enquiries = page.getByRole('table', { name: /Enquiries by how people heard/ });
    expect(await enquiries.getByRole('row', { name: /Stall/ }).first().textContent()).toMatch(/Stall\s*1\s*0/);
    expect(await page.getByRole('table', { name: 'Recruitment campaigns' }).textContent()).toContain('Working Together Group');

    // The unit filter works without JavaScript: an ordinary GET form.
    await page.getByLabel('Team or service').selectOption({ label: '– North Community Team' });
    await page.getByRole('button', { name: 'Show figures' }).click();
    await page.waitForURL(/\/involvement\?unitId=\d+/);
    expect(await page.textContent('main')).toContain('Figures for North Community Team');
    expect(await page.getByRole('table', { name: 'Recruitment campaigns' }).count()).toBe(0);
    await expectAccessible(page);
  });

  it('opens Messages to send, prints a large-print letter and marks it sent', async () => {
    await page.getByRole('link', { name: /Messages to send/ }).first().click();
    await page.waitForURL(`${app.baseUrl}/involvement/messages`);
    expect(await page.locator('h1').textContent()).toContain('Messages to send');
    expect(await page.textContent('main')).toContain('Welcome to the involvement register');
    await expectAccessible(page);

    await page.getByRole('link', { name: /Print the letter/ }).click();
    await page.waitForURL(/\/involvement\/messages\/\d+\/letter$/);
    const letter = page.locator('article.app-letter');
    expect(await letter.getAttribute('class')).toContain('app-letter--large-print');
    expect(await letter.textContent()).toContain('12 Park Street');
    const size = await letter.locator('p').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(24);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.app-letter-tools').isVisible()).toBe(false);
    const printed = await letter.locator('p').first().evaluate((el) => getComputedStyle(el).fontSize);
    expect(parseFloat(printed)).toBeGreaterThanOrEqual(32); // 24pt is 32px
    await page.emulateMedia({ media: 'screen' });
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Mark as sent' }).click();
    await page.waitForURL(`${app.baseUrl}/involvement/messages`);
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('Message marked as sent');
    expect(await page.textContent('main')).toContain('There are no messages waiting to be sent');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
