import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson } from '../../src/features/groups/test-support.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

describe('an involvement lead runs a group, a recruitment campaign and outreach in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let groupUrl = '';
  let campaignUrl = '';
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    await insertPerson(app.t, app.org.northTeam.id, 'Ann Archer');
    await insertPerson(app.t, app.org.northTeam.id, 'Ben Brown');
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('signs in as the involvement lead', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
  });

  it('sets up a group, after a mistake is explained', async () => {
    await page.goto(`${app.baseUrl}/groups`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Set up a group' }).click();
    await page.waitForURL('**/groups/new');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Set up group' }).click();
    expect(await errorSummary(page)).toContain('Enter the group’s name');
    await expectAccessible(page);
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Name', { exact: true }).fill('North Working Together Group');
    await page.getByLabel('Terms of reference (optional)').fill('We meet monthly.\nDecisions are made together.');
    await page.getByLabel('How often it meets (optional)').fill('Monthly');
    await page.getByRole('button', { name: 'Set up group' }).click();
    await page.waitForURL(/\/groups\/\d+$/);
    groupUrl = page.url();
    expect(await h1(page)).toBe('North Working Together Group');
    expect(await banner(page)).toContain('Group set up');
    await expectAccessible(page);
  });

  it('adds a member from the register with the keyboard', async () => {
    await page.getByRole('link', { name: 'Add a member' }).click();
    await page.waitForURL('**/members/new');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add member' }).click();
    expect(await errorSummary(page)).toContain('Choose a person from the register');
    await expectAccessible(page);
    await selectByText(page, 'Person from the register', 'Ann Archer');
    await page.getByRole('radio', { name: 'Chair', exact: true }).check();
    await page.getByLabel('Date they joined').fill('2025-01-15');
    await page.getByLabel('Date they joined').press('Enter');
    await page.waitForURL(groupUrl);
    const members = page.getByRole('table', { name: /Current members/ });
    expect(await members.textContent()).toContain('Ann Archer');
    expect(await members.textContent()).toContain('Chair');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Change Ann Archer' }).click();
    await page.waitForURL(/\/members\/\d+$/);
    await expectAccessible(page);
    await page.goto(groupUrl);
  });

  it('runs a campaign for the group and recruits a new member', async () => {
    await page.goto(`${app.baseUrl}/recruitment`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start a campaign' }).click();
    await page.waitForURL('**/recruitment/new');
    await expectAccessible(page);
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Title', { exact: true }).fill('WTG recruitment 2025');
    await selectByText(page, 'Group it recruits for (optional)', 'North Working Together Group');
    await page.getByLabel('How many people you want to recruit').fill('8');
    await page.getByLabel('Start date').fill('2025-01-01');
    await page.getByRole('button', { name: 'Start campaign' }).click();
    await page.waitForURL(/\/recruitment\/\d+$/);
    campaignUrl = page.url();
    expect(await h1(page)).toBe('WTG recruitment 2025');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Add a candidate' }).click();
    await page.waitForURL('**/candidates/new');
    await expectAccessible(page);
    await selectByText(page, 'Person from the register', 'Ben Brown');
    await page.getByLabel('Date they joined the campaign').fill('2025-01-10');
    await page.getByRole('button', { name: 'Add candidate' }).click();
    await page.waitForURL(campaignUrl);
    await expectAccessible(page);

    await page.getByLabel('Stage for Ben Brown').selectOption('member');
    await page.getByLabel('Date Ben Brown moved').fill('2025-03-01');
    await page.getByRole('button', { name: 'Move Ben Brown' }).click();
    await page.waitForURL(/\/recruitment\/\d+#candidates$/);
    expect(await banner(page)).toContain('Candidate moved');
    const pipeline = page.getByRole('table', { name: 'Candidates at each stage' });
    expect((await pipeline.textContent())?.replace(/\s+/g, ' ')).toContain('Member 1');
    expect(await page.getByRole('table', { name: 'Days from the campaign start to each member' }).textContent()).toContain('59');
    await expectAccessible(page);

    await page.getByLabel('What was done').fill('Phoned people who enquired');
    await page.getByLabel('Hours').fill('2');
    await page.getByLabel('Minutes').fill('30');
    await page.getByRole('button', { name: 'Log work' }).click();
    await page.waitForURL(/#work$/);
    expect(await page.getByRole('table', { name: 'Work done on this campaign' }).textContent()).toContain('2 h 30 min');
    await expectAccessible(page);

    // The new member is now in the group.
    await page.goto(groupUrl);
    const members = page.getByRole('table', { name: /Current members/ });
    expect(await members.textContent()).toContain('Ben Brown');
    await expectAccessible(page);
  });

  it('logs a stall and the enquiry it brought in', async () => {
    await page.goto(`${app.baseUrl}/outreach`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Log outreach' }).click();
    await page.waitForURL('**/outreach/new');
    await expectAccessible(page);
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Date', { exact: true }).fill('2025-02-14');
    await page.getByRole('radio', { name: 'Stall' }).check();
    await page.getByLabel('Title', { exact: true }).fill('Stall at the Recovery College open day');
    await page.getByLabel('People spoken to').fill('35');
    await selectByText(page, 'Recruitment campaign (optional)', 'WTG recruitment 2025');
    await page.getByRole('button', { name: 'Save outreach' }).click();
    await page.waitForURL(/\/outreach\/\d+$/);
    await expectAccessible(page);

    await page.getByLabel('Full name').fill('Cara Cole');
    await page.getByRole('radio', { name: 'Email' }).check();
    await page.getByRole('button', { name: 'Add enquiry' }).click();
    expect(await errorSummary(page)).toContain('Enter an email address');
    await expectAccessible(page);
    await page.getByLabel('Email address (optional)').fill('cara@example.org');
    await page.getByRole('button', { name: 'Add enquiry' }).click();
    await page.waitForURL(/\/outreach\/\d+$/);
    expect(await page.getByRole('table', { name: /People who enquired/ }).textContent()).toContain('Cara Cole');
    await expectAccessible(page);

    await page.goto(`${app.baseUrl}/outreach`);
    const figures = ((await page.getByRole('table', { name: 'What each kind of outreach brought in' }).textContent()) ?? '').replace(/\s+/g, ' ');
    expect(figures).toContain('Stall');
    expect(figures).toContain('35');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });

  it('finds a person by name when the register is long', async () => {
    for (let i = 0; i < 31; i++) await insertPerson(app.t, app.org.northTeam.id, `Register person ${String(i).padStart(2, '0')}`);
    await page.goto(`${groupUrl}/members/new`);
    await expectAccessible(page);
    await page.getByLabel('Find a person by name').fill('cole');
    await page.getByLabel('Find a person by name').press('Enter');
    await page.waitForURL(/\/members\/new\?q=cole$/);
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Cara Cole' }).check();
    await page.getByRole('radio', { name: 'Member', exact: true }).check();
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.waitForURL(groupUrl);
    expect(await page.getByRole('table', { name: /Current members/ }).textContent()).toContain('Cara Cole');
  });
});
