import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson } from '../../src/features/opportunities/testing.ts';
import { banner, createQiStaff, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

/** Fifteen weeks of waiting times, then the same weeks as counts out of a total. */
function weeks(n: number): string[] {
  return Array.from({ length: n }, (_, i) => new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10));
}
const XMR_ROWS = weeks(16).map((d, i) => `${d},${[21, 19, 24, 22, 20, 23, 18, 25, 21, 22, 19, 20, 17, 16, 15, 14][i]}`);
const P_ROWS = weeks(16).map((d, i) => `${d},${[30, 32, 28, 35, 31, 33, 29, 34, 36, 30, 31, 38, 40, 41, 39, 42][i]},50`);

describe('a QI project team runs a project in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let projectUrl = '';
  let ideaUrl = '';
  let measuresUrl = '';
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createQiStaff(app);
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('signs in as QI staff with the keyboard', async () => {
    await signIn(page, app.baseUrl, 'quinn@example.org');
    expect(await h1(page)).toContain('Hello, Quinn QI');
  });

  it('starts a project, after a mistake is explained', async () => {
    await page.getByRole('link', { name: 'Projects' }).first().click();
    await page.waitForURL('**/projects');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Start a project' }).click();
    await page.waitForURL('**/projects/new');
    await expectAccessible(page);

    // Forgetting the aim: the summary says so and what was typed stays.
    await page.getByLabel('Project title').fill('Fewer missed first appointments');
    await page.getByRole('button', { name: 'Start project' }).click();
    expect(await errorSummary(page)).toContain('Enter the aim');
    expect(await page.getByLabel('Project title').inputValue()).toBe('Fewer missed first appointments');
    await expectAccessible(page);
    // From the keyboard, the summary's link takes you to the field that needs fixing.
    await page.getByRole('link', { name: /Enter the aim/ }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('aim');

    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Aim', { exact: true }).fill('Cut missed first appointments from 20% to 10% by March 2026.');
    await page.getByLabel('Programme or priority area (optional)').fill('Reshaping Community Services');
    await page.getByRole('radio', { name: 'Testing' }).check();
    await page.getByRole('radio', { name: 'Co-produced' }).check();
    await page.getByRole('button', { name: 'Start project' }).click();
    await page.waitForURL(/\/projects\/\d+$/);
    projectUrl = page.url();
    expect(await h1(page)).toBe('Fewer missed first appointments');
    expect(await banner(page)).toContain('has been started');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Change the project' }).click();
    await page.waitForURL(/\/edit$/);
    expect(await page.getByRole('radio', { name: 'Co-produced' }).isChecked()).toBe(true);
    await expectAccessible(page);
    await page.goto(projectUrl);
  });

  it('adds a carer partner to the team by name', async () => {
    await page.getByRole('link', { name: 'Change the team' }).click();
    await page.waitForURL('**/team');
    await expectAccessible(page);
    // No role chosen: explained, and accessible.
    await page.getByLabel('Name (for a partner without an account)').fill('Carol Carer');
    await page.getByRole('button', { name: 'Add to team' }).click();
    expect(await errorSummary(page)).toContain('Choose their role in the team');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Carer partner' }).check();
    // Enter in a text field submits the form.
    await page.getByLabel('Name (for a partner without an account)').press('Enter');
    await page.waitForURL(/\/team$/);
    expect(await banner(page)).toContain('added to the team');
    const table = page.getByRole('table', { name: 'People in the team' });
    expect(await table.textContent()).toContain('Carol Carer');
    expect(await table.textContent()).toContain('Carer partner');
    await expectAccessible(page);
  });

  it('builds the driver diagram', async () => {
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'See the driver diagram' }).click();
    await page.waitForURL('**/drivers');
    await expectAccessible(page);

    // An empty name is explained on the diagram page itself.
    await page.getByRole('button', { name: 'Add primary driver' }).click();
    expect(await errorSummary(page)).toContain('Enter a name for the driver');
    await expectAccessible(page);

    await page.getByLabel('Name of the driver').fill('People know what to expect');
    await page.getByLabel('Name of the driver').press('Enter');
    await page.waitForURL(/\/drivers(#driver-\d+)?$/);
    expect(await banner(page)).toContain('The primary driver "People know what to expect" has been added');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Add a secondary driver under People know what to expect' }).click();
    await page.waitForURL(/\/drivers\/new\?parent=\d+$/);
    await expectAccessible(page);
    await page.getByLabel('Name of the driver').fill('Clear letters before the first visit');
    await page.getByRole('button', { name: 'Add driver' }).click();
    await page.waitForURL(/\/drivers(#driver-\d+)?$/);
    expect(await banner(page)).toContain('The secondary driver "Clear letters before the first visit" has been added');
    const outline = (await page.locator('main').textContent()) ?? '';
    expect(outline).toContain('Primary driver: People know what to expect');
    expect(outline).toContain('Secondary driver: Clear letters before the first visit');
    expect(await page.getByRole('img', { name: /Driver diagram for Fewer missed first appointments/ }).count()).toBe(1);
    await expectAccessible(page);
  });

  it('adds a change idea linked to a driver', async () => {
    await page.getByRole('link', { name: 'Add a change idea' }).click();
    await page.waitForURL('**/ideas/new');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add change idea' }).click();
    expect(await errorSummary(page)).toContain('Enter a name for the change idea');
    await expectAccessible(page);

    await page.getByLabel('Name of the change idea').fill('Text reminder the day before');
    await page.getByLabel('What is the idea?').fill('Send a text the day before the first appointment.');
    await page.getByRole('radio', { name: 'Small and quick' }).check();
    await page.getByRole('radio', { name: 'A carer' }).check();
    await selectByText(page, 'Driver (optional)', 'Clear letters before the first visit');
    await page.getByRole('radio', { name: 'Idea', exact: true }).check();
    await page.getByRole('button', { name: 'Add change idea' }).click();
    await page.waitForURL(/\/ideas\/\d+$/);
    ideaUrl = page.url();
    expect(await h1(page)).toBe('Text reminder the day before');
    expect(await page.locator('main').textContent()).toContain('Clear letters before the first visit');
    await expectAccessible(page);
  });

  it('records a PDSA cycle and the cycle that follows it', async () => {
    await page.getByRole('button', { name: 'Add a PDSA cycle' }).click();
    await page.waitForURL(/\/cycles\/new$/);
    await expectAccessible(page);
    await page.getByLabel('Start date').fill('2025-03-17');
    await page.getByLabel('End date').fill('2025-03-10');
    await page.getByRole('button', { name: 'Add PDSA cycle' }).click();
    expect(await errorSummary(page)).toContain('Enter a name for the PDSA cycle');
    await expectAccessible(page);
    await page.getByLabel('Name of this cycle').fill('Try text reminders for one week');
    await page.getByRole('button', { name: 'Add PDSA cycle' }).click();
    expect(await errorSummary(page)).toContain('The end date must be the same as or after the start date');
    expect(await page.getByLabel('Start date').inputValue()).toBe('2025-03-17');
    await expectAccessible(page);

    await page.getByLabel('What do we want to find out?').fill('Do reminders cut missed appointments?');
    await page.getByLabel('What do we think will happen?').fill('Fewer people will miss their first visit.');
    await page.getByLabel('Who will do what, when and where?').fill('Reception staff will send texts on Mondays in March.');
    await page.getByLabel('What happened?').fill('Texts went out as planned.');
    await page.getByLabel('What did we notice?').fill('Two numbers were wrong.');
    await page.getByLabel('What do the results show? Was our prediction right?').fill('Two fewer missed visits.');
    await page.getByRole('radio', { name: 'Adapt' }).check();
    await page.getByLabel('What are the next steps?').fill('Check numbers first.');
    await page.getByLabel('End date').fill('2025-03-21');
    await page.getByRole('button', { name: 'Add PDSA cycle' }).click();
    await page.waitForURL(/\/cycles\/\d+$/);
    expect(await banner(page)).toContain('The PDSA cycle "Try text reminders for one week" has been added.');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Plan the next cycle' }).click();
    await page.waitForURL(/\/cycles\/new\?after=\d+$/);
    await expectAccessible(page);
    expect(await page.getByLabel('Does it follow on from another cycle?').locator('option:checked').textContent()).toContain('Try text reminders for one week');
    await page.getByLabel('Name of this cycle').fill('Reminders with checked numbers');
    await page.getByLabel('Start date').fill('2025-03-24');
    await page.getByLabel('Name of this cycle').press('Enter');
    await page.waitForURL(/\/cycles\/\d+$/);
    expect(await page.locator('main').textContent()).toContain('This cycle follows on from');
    await expectAccessible(page);

    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'See change ideas and PDSA cycles' }).click();
    await page.waitForURL(/\/ideas$/);
    expect(await page.locator('main').textContent()).toContain('Text reminder the day before');
    await expectAccessible(page);

    await page.goto(ideaUrl);
    const ramp = page.getByRole('table', { name: /PDSA cycles for Text reminder the day before/ });
    expect(await ramp.textContent()).toContain('Cycle 1');
    await expectAccessible(page);
  });

  it('shows the cycles on the timeline', async () => {
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'See every PDSA cycle on a timeline' }).click();
    await page.waitForURL('**/timeline');
    expect(await h1(page)).toBe('Timeline');
    expect(await page.locator('main').textContent()).toContain('Reminders with checked numbers');
    await expectAccessible(page);
  });

  it('adds an XmR measure where lower is better, and a p chart', async () => {
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'See measures and charts' }).click();
    await page.waitForURL('**/measures');
    measuresUrl = page.url();
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Add a measure' }).click();
    await page.waitForURL('**/measures/new');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add measure' }).click();
    await errorSummary(page);
    await expectAccessible(page);

    await page.getByLabel('Name of the measure').fill('Days from referral to first appointment');
    await page.getByRole('radio', { name: 'Outcome' }).check();
    await page.getByLabel('Unit (optional)').fill('days');
    await page.getByRole('radio', { name: 'Lower is better' }).check();
    await page.getByRole('radio', { name: 'XmR chart' }).check();
    await page.getByRole('button', { name: 'Add measure' }).click();
    await page.waitForURL(/\/measures\/\d+$/);
    expect(await banner(page)).toContain('has been added');
    await expectAccessible(page);

    await page.goto(`${measuresUrl}/new`);
    await page.getByLabel('Name of the measure').fill('Patients with a care plan');
    await page.getByRole('radio', { name: 'Process' }).check();
    await page.getByRole('radio', { name: 'Higher is better' }).check();
    await page.getByRole('radio', { name: 'p chart' }).check();
    await page.getByLabel('Target (optional)').fill('80');
    await page.getByLabel('Name of the measure').press('Enter');
    await page.waitForURL(/\/measures\/\d+$/);
    expect(await h1(page)).toContain('Patients with a care plan');
    await expectAccessible(page);
  });

  async function importRows(measureName: string, rows: string[], badRow: string, reason: RegExp): Promise<void> {
    await page.goto(measuresUrl);
    await page.getByRole('link', { name: measureName, exact: true }).click();
    await page.waitForURL(/\/measures\/\d+$/);
    await page.getByRole('link', { name: 'Paste or upload many data points from a spreadsheet' }).click();
    await page.waitForURL(/\/import$/);
    await expectAccessible(page);

    // Checking a file without choosing one is explained.
    await page.getByRole('button', { name: 'Check the file' }).click();
    await errorSummary(page);
    expect(await page.getByLabel('Choose a CSV or Excel file').getAttribute('aria-describedby')).toBe('file-hint file-error');
    await expectAccessible(page);

    await page.getByLabel('Paste your data').fill([badRow, ...rows].join('\n'));
    await page.getByRole('button', { name: 'Check the data' }).click();
    await page.getByRole('heading', { name: 'Check the data before you import it' }).waitFor();
    const bad = page.getByRole('table', { name: 'Rows with problems' });
    expect(await bad.textContent()).toMatch(reason);
    expect(await page.getByRole('table', { name: 'Rows ready to import' }).locator('tbody tr').count()).toBe(rows.length);
    await expectAccessible(page);

    await page.getByRole('radio', { name: /Only the rows without problems/ }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForURL(/\/measures\/\d+(#.*)?$/);
    const text = await banner(page);
    expect(text).toContain(`Imported ${rows.length} rows`);
    expect(text).toContain('1 row with problems was left out');
  }

  it('imports pasted data for the XmR measure, leaving out a bad row', async () => {
    // A header row is fine; a value that is not a number is not.
    await importRows('Days from referral to first appointment', XMR_ROWS, 'Week,Days\n2024-12-30,not known', /number/i);
    const chart = page.getByRole('img', { name: /Days from referral to first appointment: XmR chart/ });
    expect(await chart.count()).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: 'Data for Days from referral to first appointment' }).locator('tbody tr').count()).toBe(16);
    // Fifteen or more points: the chart draws process limits, labelled on the chart.
    expect(await chart.first().textContent()).toMatch(/Upper \d/);
    expect(await chart.first().textContent()).toMatch(/Lower \d/);
    await expectAccessible(page);

    await page.getByRole('link', { name: /Change the value for/ }).first().click();
    await page.waitForURL(/\/points\/\d+$/);
    await expectAccessible(page);
  });

  it('imports pasted data for the p chart, leaving out a bad row', async () => {
    await importRows('Patients with a care plan', P_ROWS, '2024-12-30,60,50', /bigger|more|denominator/i);
    expect(await page.getByRole('img', { name: /Patients with a care plan: p chart/ }).count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await page.goto(measuresUrl);
    await expectAccessible(page);
  });

  it('finds the project in the portfolio with a filter', async () => {
    await page.goto(`${app.baseUrl}/projects`);
    await expectAccessible(page);
    await page.getByLabel('Stage', { exact: true }).selectOption({ label: 'Testing' });
    await page.getByLabel('Involvement of service users and carers').selectOption({ label: 'Co-produced' });
    await page.getByLabel('Words in the project title').fill('missed');
    await page.getByLabel('Words in the project title').press('Enter');
    await page.waitForURL(/\/projects\?.*stage=testing/);
    const table = page.getByRole('table', { name: 'All projects you can see' });
    expect(await table.textContent()).toContain('Fewer missed first appointments');
    await expectAccessible(page);

    await page.getByLabel('Stage', { exact: true }).selectOption({ label: 'Closed' });
    await page.getByRole('button', { name: 'Show projects' }).click();
    await page.waitForURL(/stage=closed/);
    expect(await page.locator('main').textContent()).toContain('No projects match what you chose');
    await expectAccessible(page);
  });

  it('adds a partner from the involvement register, shown by the name they chose', async () => {
    await addPerson(app.t, { unitId: app.org.northTeam.id, name: 'Rowan Register', anonymity: 'first_name', relationship: 'carer' });
    await page.goto(`${projectUrl}/team`);
    await page.getByLabel('Search the register by name').fill('rowan');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/registerQ=rowan/);
    await expectAccessible(page);
    await page.getByRole('radio', { name: /Rowan Register/ }).check();
    await page.getByRole('button', { name: 'Add the chosen person to the team' }).click();
    expect(await errorSummary(page)).toContain('Choose service-user partner or carer partner');
    // What was chosen stays chosen.
    expect(await page.getByRole('radio', { name: /Rowan Register/ }).isChecked()).toBe(true);
    await expectAccessible(page);
    await page.getByRole('group', { name: 'Their role in the team', exact: true }).getByRole('radio', { name: 'Carer partner' }).check();
    await page.getByRole('button', { name: 'Add the chosen person to the team' }).click();
    await page.waitForURL(/\/team$/);
    expect(await banner(page)).toContain('added to the team');
    const table = page.getByRole('table', { name: 'People in the team' });
    expect(await table.textContent()).toContain('Rowan');
    expect(await table.textContent()).not.toContain('Rowan Register');
    await expectAccessible(page);
  });

  it('lists the partners wanted on the project page, with a way to ask for one', async () => {
    const projectId = Number(/\/projects\/(\d+)$/.exec(projectUrl)?.[1]);
    const now = new Date().toISOString();
    await app.t.db.db
      .insertInto('opportunities')
      .values({
        unit_id: app.org.northTeam.id,
        project_id: projectId,
        group_id: null,
        title: 'Help us shape the reminder letters',
        description: 'Read our draft letters and tell us what works.',
        when_where: null,
        time_commitment: null,
        places: 2,
        lived_experience: null,
        payment_offered: 'involvement_rate',
        closes_on: '2099-01-31',
        is_public: 1,
        status: 'open',
        created_by: null,
        created_at: now,
        updated_at: now,
        filled_at: null,
      })
      .execute();
    await page.goto(projectUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'Service user and carer partners wanted' }).isVisible()).toBe(true);
    const table = page.getByRole('table', { name: 'Requests for partners' });
    expect(await table.textContent()).toContain('Open');
    expect(await table.textContent()).toContain('31 Jan 2099');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Help us shape the reminder letters' }).click();
    await page.waitForURL(/\/opportunities\/\d+$/);
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'Ask for a service user or carer partner' }).click();
    await page.waitForURL(new RegExp(`/opportunities/new\\?projectId=${projectId}$`));
    expect(await page.locator('main').textContent()).toContain('Fewer missed first appointments');
    await expectAccessible(page);
  });

  it('broke no Content Security Policy rule on any page', () => {
    expect(cspErrors).toEqual([]);
  });
});
