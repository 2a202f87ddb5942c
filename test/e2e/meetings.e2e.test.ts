import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson } from '../../src/features/groups/test-support.ts';
import { insertMeasure, insertPoints, insertProject } from '../../src/features/measures/test-support.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

/** A tiny PDF, as a paper. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('an involvement lead runs a QI forum in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let projectId = 0;
  let seriesUrl = '';
  let meetingUrl = '';
  const cspErrors: string[] = [];
  // The 15th of next year's June: a summer (BST) meeting, always in the future.
  const year = String(new Date().getUTCFullYear() + 1);

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    await insertPerson(app.t, app.org.northTeam.id, 'Ann Archer');
    projectId = await insertProject(app.t, app.org.northTeam.id, 'Fewer falls on Ward 3');
    await insertPoints(app.t, await insertMeasure(app.t, projectId, { name: 'Falls per week' }), [6, 5, 7, 4, 3, 4, 2]);
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

  it('adds a venue with its accessibility, after a mistake is explained', async () => {
    await page.goto(`${app.baseUrl}/meetings`);
    expect(await h1(page)).toBe('Meetings');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Venues and their accessibility' }).click();
    await page.waitForURL('**/meetings/venues');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add a venue' }).click();
    await page.waitForURL('**/meetings/venues/new');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add venue' }).click();
    expect(await errorSummary(page)).toContain('Enter the venue’s name');
    await expectAccessible(page);
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Name', { exact: true }).fill('Luton Community Hub, Room 2');
    await page.getByLabel('Address (optional)').fill('1 High Street, Luton');
    // Ticked with the keyboard.
    await page.getByRole('checkbox', { name: 'Step-free access' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('checkbox', { name: 'Hearing loop' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Add venue' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/meetings/venues');
    expect(await banner(page)).toContain('Venue added');
    const venues = (await page.getByRole('table', { name: 'Venues' }).textContent()) ?? '';
    expect(venues).toContain('Step-free access');
    expect(venues).toContain('Hearing loop');
    await expectAccessible(page);
  });

  it('sets up a QI forum series at that venue', async () => {
    await page.goto(`${app.baseUrl}/meetings`);
    await page.getByRole('button', { name: 'Set up a meeting series' }).click();
    await page.waitForURL('**/meetings/series/new');
    await expectAccessible(page);
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Name', { exact: true }).fill('Luton QI Forum');
    await page.getByRole('radio', { name: 'QI forum' }).check();
    await page.getByLabel('How often it meets (optional)').fill('Monthly, second Tuesday');
    await selectByText(page, 'Usual venue (optional)', 'Luton Community Hub');
    await page.getByRole('button', { name: 'Set up series' }).click();
    await page.waitForURL(/\/meetings\/series\/\d+$/);
    seriesUrl = page.url();
    expect(await h1(page)).toBe('Luton QI Forum');
    expect(await banner(page)).toContain('Meeting series set up');
    await expectAccessible(page);
  });

  it('makes a service user co-chair of the series with the keyboard', async () => {
    await page.getByRole('link', { name: 'Add a member' }).click();
    await page.waitForURL('**/members/new');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add member' }).click();
    expect(await errorSummary(page)).toContain('Choose a member of staff, or a person from the register');
    await expectAccessible(page);
    await selectByText(page, 'Person from the register', 'Ann Archer');
    await page.getByRole('radio', { name: 'Co-chair' }).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Add member' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/meetings\/series\/\d+#members$/);
    const members = (await page.getByRole('table', { name: /Members/ }).textContent()) ?? '';
    expect(members).toContain('Ann Archer');
    expect(members).toContain('Co-chair');
    await expectAccessible(page);
  });

  it('adds a meeting, in UK time, at the usual venue', async () => {
    await page.getByRole('button', { name: 'Add a meeting' }).click();
    await page.waitForURL('**/meetings/new');
    await expectAccessible(page);
    await page.getByLabel('Day').fill('15');
    await page.getByLabel('Month').fill('6');
    await page.getByLabel('Year').fill(year);
    await page.getByLabel('Start time').fill('14:00');
    await page.getByLabel('End time').fill('13:00');
    await page.getByLabel('Online link (optional)').fill('http://meet.example.org/forum');
    await page.getByRole('button', { name: 'Add meeting' }).click();
    const problems = await errorSummary(page);
    expect(problems).toContain('The end time must be after the start time');
    expect(problems).toContain('Enter a link that starts with https://');
    await expectAccessible(page);
    // The error summary's link takes the keyboard user to the field.
    await page.getByRole('link', { name: 'The end time must be after the start time' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('endTime');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('16:00');
    await page.getByLabel('Online link (optional)').fill('https://meet.example.org/forum');
    await page.getByLabel('Number of places (optional)').fill('30');
    await page.getByLabel('Number of places (optional)').press('Enter');
    await page.waitForURL(/\/meetings\/\d+$/);
    meetingUrl = page.url();
    expect(await banner(page)).toContain('Meeting added');
    const facts = (await page.locator('.nhsuk-summary-list').textContent()) ?? '';
    expect(facts).toContain(`15 June ${year}`);
    expect(facts).toContain('14:00 to 16:00');
    expect(facts).toContain('Luton Community Hub, Room 2');
    expect(facts).toContain('Step-free access');
    await expectAccessible(page);
  });

  it('writes the agenda, with a project slot that shows the project’s latest chart', async () => {
    await page.getByRole('link', { name: 'Add an agenda item' }).click();
    await page.waitForURL('**/agenda/new');
    await expectAccessible(page);
    await page.getByLabel('Title', { exact: true }).fill('Welcome and introductions');
    await page.getByRole('radio', { name: 'Welcome and introductions' }).check();
    await page.getByLabel('How long it takes (optional)').fill('10');
    await page.getByRole('button', { name: 'Add item' }).click();
    await page.waitForURL(/\/meetings\/\d+#agenda$/);

    await page.getByRole('link', { name: 'Add an agenda item' }).click();
    await page.waitForURL('**/agenda/new');
    await page.getByLabel('Title', { exact: true }).fill('Falls project: what we tried');
    await page.getByRole('radio', { name: 'Project slot' }).check();
    await page.getByRole('button', { name: 'Add item' }).click();
    const problems = await errorSummary(page);
    expect(problems).toContain('Choose the project for this slot');
    expect(problems).toContain('Choose what the team is bringing');
    await expectAccessible(page);
    await page.getByLabel('Project', { exact: true }).selectOption({ label: 'Fewer falls on Ward 3 (North Community Team)' });
    await page.getByRole('radio', { name: 'Progress' }).check();
    await page.getByLabel('Presenter (optional)').fill('Ward 3 team');
    await page.getByLabel('How long it takes (optional)').fill('25');
    await page.getByRole('button', { name: 'Add item' }).click();
    await page.waitForURL(/\/meetings\/\d+#agenda$/);
    expect(await banner(page)).toContain('Agenda item added');
    const agenda = page.locator('.app-agenda');
    expect(await agenda.textContent()).toContain('14:10');
    expect(await page.locator('.app-agenda svg').count()).toBe(1);
    expect(await agenda.textContent()).toContain('Latest chart: Falls per week');
    await expectAccessible(page);

    // Reordered with the keyboard alone: the slot moves above the welcome.
    await page.getByRole('button', { name: 'Move up Falls project: what we tried' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#item-\d+$/);
    const titles = await page.locator('.app-agenda__title').allTextContents();
    expect(titles.map((s) => s.replace(/\s+/g, ' ').trim())).toEqual(['14:00 Falls project: what we tried', '14:25 Welcome and introductions']);
    await expectAccessible(page);
  });

  it('uploads a paper to the project slot, refusing a file of the wrong kind', async () => {
    await page.getByRole('link', { name: 'Change Falls project: what we tried' }).click();
    await page.waitForURL(/\/agenda\/\d+\/edit$/);
    await expectAccessible(page);
    await page.getByLabel('Add a paper').setInputFiles({ name: 'run.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await page.getByRole('button', { name: 'Upload paper' }).click();
    expect(await errorSummary(page)).toContain('The file must be a PDF');
    await expectAccessible(page);
    await page.getByLabel('Add a paper').setInputFiles({ name: 'Falls summary.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Upload paper' }).click();
    await page.waitForURL(/\/edit#papers$/);
    expect(await banner(page)).toContain('Paper added');
    await expectAccessible(page);
    const download = await page.request.get(`${app.baseUrl}${await page.getByRole('link', { name: 'Falls summary.pdf' }).getAttribute('href')}`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toContain('attachment');
    expect(Buffer.from(await download.body()).equals(PDF)).toBe(true);

    await page.goto(meetingUrl);
    expect(await page.getByRole('link', { name: 'Falls summary.pdf' }).count()).toBe(1);
  });

  it('prints the agenda, in large print too, and lists the visit on the project page', async () => {
    await page.getByRole('link', { name: 'Large-print agenda' }).click();
    await page.waitForURL('**/agenda/large-print');
    const size = await page.locator('.agenda-doc--large .agenda-doc__meta').first().evaluate((el) => getComputedStyle(el).fontSize);
    // 18pt is 24px.
    expect(Number.parseFloat(size)).toBeGreaterThanOrEqual(24);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Standard print version' }).click();
    await page.waitForURL(/\/agenda$/);
    await expectAccessible(page);

    await page.goto(seriesUrl);
    expect(await page.getByRole('table', { name: 'Meetings coming up' }).textContent()).toContain(`15 Jun ${year}`);
    await expectAccessible(page);

    await page.goto(`${app.baseUrl}/projects/${projectId}`);
    const visits = (await page.getByRole('table', { name: 'Forum visits' }).textContent()) ?? '';
    expect(visits).toContain('Luton QI Forum');
    expect(visits).toContain('Progress');
    await page.getByRole('link', { name: `15 Jun ${year}` }).click();
    await page.waitForURL(meetingUrl);
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
