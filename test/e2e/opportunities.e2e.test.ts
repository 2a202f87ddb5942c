import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson } from '../../src/features/opportunities/testing.ts';
import { nowIso } from '../../src/platform/db/index.ts';
import { createLead, createQiStaff, expectAccessible, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

const h1 = async (page: Page): Promise<string> => ((await page.locator('h1').first().textContent()) ?? '').trim();

describe('a QI team asks for a partner, the lead matches one, and the person says yes', () => {
  let app: RunningApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let project = 0;
  let bea = 0;
  let opportunityUrl = '';
  const cspErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return openPage(context, cspErrors);
  }

  beforeAll(async () => {
    app = await startApp();
    const staff = await createQiStaff(app);
    await createLead(app);
    const now = nowIso();
    project = (
      await app.t.db.db
        .insertInto('projects')
        .values({ unit_id: app.org.northTeam.id, title: 'Calmer waiting rooms', aim: 'Make waiting calmer', background: null, stage: 'planning', programme: null, involvement_level: 'consulted', created_by: staff, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    bea = await addPerson(app.t, { unitId: app.org.northTeam.id, name: 'Bea Best', relationship: 'carer', interests: ['housing'], availability: ['tue_pm'], consent: true });
    await addPerson(app.t, { unitId: app.org.northTeam.id, name: 'Una Loop', relationship: 'carer', accessNeeds: ['hearing_loop'], consent: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
  });

  it('lets QI staff post an opportunity for their project', async () => {
    const page = await newPage();
    await signIn(page, app.baseUrl, 'quinn@example.org');
    await page.goto(`${app.baseUrl}/opportunities/new?projectId=${project}`);
    expect(await h1(page)).toBe('Ask for people to get involved');
    await expectAccessible(page);
    // A mistake first: the summary names it.
    await page.getByRole('button', { name: 'Post this opportunity' }).click();
    await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Enter a title');
    await expectAccessible(page);

    await page.getByLabel('Title').fill('Help us make waiting calmer');
    await page.getByLabel('What is involved').fill('Come and talk with us about the waiting room. Tell us what would help.');
    await page.getByLabel('When and where (optional)').fill('Tuesday afternoons at the Community Hub');
    await page.getByLabel('How many people').fill('1');
    await page.getByLabel('carer', { exact: true }).check();
    await page.getByLabel('Interests wanted (optional)').fill('housing, mental health');
    await page.getByLabel('Tuesday afternoon', { exact: true }).check();
    await page.getByLabel('step-free access', { exact: true }).check();
    await page.getByLabel('Paid at the trust’s involvement rate').check();
    await page.getByLabel('Yes, anyone can see it').check();
    await page.getByRole('button', { name: 'Post this opportunity' }).click();
    await page.waitForURL(/\/opportunities\/\d+$/);
    opportunityUrl = page.url();
    expect(await h1(page)).toBe('Help us make waiting calmer');
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('is posted');
    await expectAccessible(page);
  });

  it('shows the lead suggestions ranked by fit with their reasons, and the lead offers the place', async () => {
    const page = await newPage();
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(opportunityUrl);
    await page.getByRole('button', { name: 'See people and matches' }).click();
    await page.waitForURL(/\/matches$/);
    await expectAccessible(page);
    const suggestions = page.locator('ol.nhsuk-list > li');
    await expect.poll(() => suggestions.count()).toBe(2);
    expect(await suggestions.nth(0).textContent()).toContain('Bea Best');
    expect(await suggestions.nth(0).textContent()).toContain('Interested in: housing');
    expect(await suggestions.nth(0).textContent()).toContain('Free at: Tuesday afternoon');
    expect(await suggestions.nth(1).textContent()).toContain('venue does not meet: hearing loop');

    await page.getByRole('button', { name: 'Add to matches – Bea Best' }).click();
    await page.waitForURL(/\/matches$/);
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('Bea Best is added');
    await page.getByRole('button', { name: 'Offer the place – Bea Best' }).click();
    await page.waitForURL(/\/matches$/);
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('offered to Bea Best by email');
    await expectAccessible(page);
  });

  it('lets the person answer from the link in their message, without signing in', async () => {
    const message = await app.t.db.db.selectFrom('outbox').select('body_text').where('person_id', '=', bea).executeTakeFirstOrThrow();
    const path = /\/respond\/[A-Za-z0-9_-]+/.exec(message.body_text)?.[0];
    expect(path).toBeTruthy();
    const page = await newPage();
    await page.goto(`${app.baseUrl}${path}`);
    expect(await h1(page)).toBe('Would you like to take part?');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Yes, I would like to take part' }).click();
    await expect.poll(() => h1(page)).toBe('Thank you for saying yes');
    await expectAccessible(page);
    // The link works once.
    await page.goto(`${app.baseUrl}${path}`);
    expect(await h1(page)).toBe('This link does not work');
    await expectAccessible(page);
  });

  it('lets the lead mark the start, and the project team then lists the partner', async () => {
    const page = await newPage();
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${opportunityUrl}/matches`);
    await page.getByRole('button', { name: 'Mark as started – Bea Best' }).click();
    await page.waitForURL(/\/matches$/);
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('Bea Best has started');
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/projects/${project}/team`);
    expect(await page.locator('table').textContent()).toContain('Bea Best');
    await expectAccessible(page);
    await page.goto(opportunityUrl);
    expect(await page.locator('main').textContent()).toContain('Who joined');
    await expectAccessible(page);
  });

  it('lets a visitor find public opportunities and say they are interested', async () => {
    // A second opportunity, still open (the first one is filled).
    const staffPage = await newPage();
    await signIn(staffPage, app.baseUrl, 'quinn@example.org');
    await staffPage.goto(`${app.baseUrl}/opportunities/new?projectId=${project}`);
    await staffPage.getByLabel('Title').fill('Read our new leaflet');
    await staffPage.getByLabel('What is involved').fill('Read a short leaflet. Tell us if it is easy to understand.');
    await staffPage.getByLabel('How many people').fill('5');
    await staffPage.getByLabel('Vouchers').check();
    await staffPage.getByLabel('Yes, anyone can see it').check();
    await staffPage.getByRole('button', { name: 'Post this opportunity' }).click();
    await staffPage.waitForURL(/\/opportunities\/\d+$/);

    const page = await newPage();
    await page.goto(`${app.baseUrl}/opportunities`);
    expect(await h1(page)).toBe('Ways to get involved');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Read our new leaflet' }).click();
    await page.waitForURL(/\/opportunities\/\d+$/);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'I am interested' }).click();
    await page.waitForURL(/\/interest-form$/);
    await expectAccessible(page);
    await page.getByLabel('Your name').fill('Freya Visitor');
    await page.getByLabel('Email', { exact: true }).check();
    await page.getByLabel('Email address').fill('freya@example.org');
    await page.getByLabel('I care for someone who uses our services').check();
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Tick the box');
    expect(await page.getByLabel('Email address').inputValue()).toBe('freya@example.org');
    await expectAccessible(page);
    await page.getByLabel('I agree that you can keep my details and contact me about getting involved').check();
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => h1(page)).toContain('Thank you');
    await expectAccessible(page);
    const person = await app.t.db.db.selectFrom('people').selectAll().where('email', '=', 'freya@example.org').executeTakeFirstOrThrow();
    expect(person.status).toBe('enquiry');
    expect(cspErrors).toEqual([]);
  });
});
