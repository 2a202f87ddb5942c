import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries } from '../../src/features/meetings/test-support.ts';
import { addDays, insertRegisterPerson, invite } from '../../src/features/minutes/test-support.ts';
import { londonDate } from '../../src/features/projects/service.ts';
import { banner, createLead, createQiStaff, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

describe('a lead takes attendance, writes minutes and actions, approves and publishes them, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let meetingId = 0;
  let base = '';
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    const quinn = await createQiStaff(app);
    const unit = app.org.northTeam.id;
    const series = await insertSeries(app.t.db, unit, { name: 'North QI Forum' });
    const meeting = await insertMeeting(app.t.db, series.id, { starts_at: ago(14) });
    await insertMeeting(app.t.db, series.id, { starts_at: ago(7) });
    meetingId = meeting.id;
    await insertAgendaItem(app.t.db, meeting.id, { title: 'Falls project update', kind: 'project_slot' });
    const ann = await insertRegisterPerson(app.t.db, unit, 'Ann Archer', { anonymity: 'first_name' });
    const cy = await insertRegisterPerson(app.t.db, unit, 'Cy Carer', { relationship: 'carer', anonymity: 'anonymous' });
    await addSeriesMember(app.t.db, series.id, { personId: ann });
    await addSeriesMember(app.t.db, series.id, { personId: cy });
    await addSeriesMember(app.t.db, series.id, { userId: quinn });
    await invite(app.t.db, meeting.id, { personId: ann }, 'in_person');
    await invite(app.t.db, meeting.id, { personId: cy }, 'online');
    await invite(app.t.db, meeting.id, { userId: quinn }, 'apologies');
    base = `${app.baseUrl}/meetings/${meeting.id}`;
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('takes attendance with a walk-in, after a mistake is explained', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${base}/attendance`);
    expect(await h1(page)).toBe('Attendance');
    await expectAccessible(page);
    // Replies are filled in: Quinn sent apologies; Ann is coming.
    expect(await page.getByRole('group', { name: 'Quinn QI' }).getByRole('radio', { name: 'Apologies' }).isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: 'Ann Archer' }).getByRole('radio', { name: 'Present' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Role of Cy Carer').inputValue()).toBe('carer');

    await page.getByLabel('Their name').fill('Wendy Walker');
    await page.getByRole('button', { name: 'Add to the list' }).click();
    expect(await errorSummary(page)).toContain('Choose the role they came in');
    expect(await page.getByLabel('Their name').inputValue()).toBe('Wendy Walker');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Carer' }).check();
    await page.getByRole('radio', { name: 'Carer' }).press('Enter');
    await page.waitForURL(`${base}/attendance`);
    expect(await banner(page)).toContain('Wendy Walker added as present');
    expect(await page.getByLabel('Role of Wendy Walker').inputValue()).toBe('carer');
    await expectAccessible(page);

    // Cy did not come after all.
    await page.getByRole('group', { name: 'Cy Carer' }).getByRole('radio', { name: 'Absent' }).check();
    await page.getByRole('button', { name: 'Save attendance' }).click();
    await page.waitForURL(`${base}/attendance`);
    expect(await banner(page)).toContain('Attendance saved');
    const counts = ((await page.getByRole('table', { name: 'How many people came, by role' }).textContent()) ?? '').replace(/\s+/g, ' ');
    expect(counts).toContain('Service user 1 0 0');
    expect(counts).toContain('Carer 1 0 1');
    expect(counts).toContain('Total 2 1 1');
    await expectAccessible(page);
  });

  it('writes the minutes and adds an action from them', async () => {
    await page.getByRole('link', { name: 'Write the minutes' }).click();
    await page.waitForURL(`${base}/minutes/edit`);
    await expectAccessible(page);
    await page.getByLabel('Notes on Falls project update').fill('The ward team showed their run chart.\n\nFalls are down by a third.');
    await page.getByLabel('Decisions on Falls project update').fill('Spread the huddle to ward 2.');
    await page.getByRole('button', { name: 'Save minutes as a draft' }).click();
    await page.waitForURL(`${base}/minutes`);
    expect(await banner(page)).toContain('Minutes saved as a draft');
    expect(await page.locator('.app-minutes__draft').textContent()).toContain('Draft');
    expect(await page.locator('main').textContent()).toContain('Falls are down by a third.');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Change the minutes or add actions' }).click();
    await page.waitForURL(`${base}/minutes/edit`);
    await page.getByLabel('What needs to be done').fill('Share the falls chart with ward 2');
    await page.getByLabel('When it is due').fill(addDays(londonDate(), -3));
    await page.getByRole('button', { name: 'Add action' }).click();
    expect(await errorSummary(page)).toContain('Choose who will do it');
    expect(await page.getByLabel('What needs to be done').inputValue()).toBe('Share the falls chart with ward 2');
    await expectAccessible(page);
    await selectByText(page, 'Who will do it', 'Ann Archer');
    await selectByText(page, 'Agenda item it comes from (optional)', 'Falls project update');
    await page.getByRole('button', { name: 'Add action' }).click();
    await page.waitForURL(`${base}/minutes/edit#actions`);
    expect(await banner(page)).toContain('Action added');
    const actions = (await page.getByRole('table', { name: '1 action' }).textContent()) ?? '';
    expect(actions).toContain('Share the falls chart with ward 2');
    expect(actions).toContain('Overdue');
    await expectAccessible(page);
  });

  it('approves the minutes at the next meeting and publishes them to everyone', async () => {
    await page.goto(`${base}/minutes`);
    await page.getByRole('button', { name: 'Record approval' }).click();
    expect(await errorSummary(page)).toContain('Choose the meeting at which the minutes were approved');
    await expectAccessible(page);
    await selectByText(page, 'Meeting at which they were approved', 'North QI Forum');
    await page.getByRole('button', { name: 'Record approval' }).click();
    await page.waitForURL(`${base}/minutes`);
    expect(await banner(page)).toContain('Minutes approved');
    expect(await page.locator('.app-minutes__draft').count()).toBe(0);
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Everyone' }).check();
    await page.getByRole('button', { name: 'Save who can read them' }).click();
    await page.waitForURL(`${base}/minutes`);
    expect(await banner(page)).toContain('Minutes published to everyone');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Large-print version (for printing)' }).click();
    await page.waitForURL(`${base}/minutes/large-print`);
    const size = await page.locator('.app-large-print p').first().evaluate((el) => getComputedStyle(el).fontSize);
    expect(parseFloat(size)).toBeGreaterThanOrEqual(24); // 18pt
    await expectAccessible(page);
  });

  it('shows the public minutes to someone not signed in, as each person asked to be named', async () => {
    const context = await browser.newContext();
    const reader = await openPage(context, cspErrors);
    await reader.goto(`${app.baseUrl}/minutes/${meetingId}`);
    expect(await h1(reader)).toBe('Minutes of the North QI Forum');
    const text = (await reader.locator('main').textContent()) ?? '';
    expect(text).toContain('Ann');
    expect(text).not.toContain('Archer');
    expect(text).not.toContain('Wendy');
    expect(text).not.toContain('Cy Carer');
    expect(text).toContain('Falls are down by a third.');
    expect(text).toContain('Share the falls chart with ward 2');
    await expectAccessible(reader);
    await context.close();
  });

  it('finds the overdue action in the action log and marks it done', async () => {
    await page.goto(`${app.baseUrl}/meetings/actions?show=overdue&unitId=${app.org.northTeam.id}`);
    expect(await h1(page)).toBe('Actions');
    const log = (await page.getByRole('table', { name: 'Actions, soonest due first' }).textContent()) ?? '';
    expect(log).toContain('Share the falls chart with ward 2');
    expect(log).toContain('Overdue');
    expect(log).toContain('3 days late');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Share the falls chart with ward 2' }).click();
    await page.waitForURL(/\/meetings\/actions\/\d+$/);
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Done' }).check();
    await page.getByRole('button', { name: 'Save action' }).click();
    await page.waitForURL(/\/meetings\/series\/\d+\/actions$/);
    expect(await banner(page)).toContain('Action saved');
    expect(await page.locator('main').textContent()).not.toContain('days late');
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/meetings/actions?show=overdue&unitId=${app.org.northTeam.id}`);
    expect(await page.locator('main').textContent()).toContain('There are no actions to show.');
    expect(cspErrors).toEqual([]);
  });
});
