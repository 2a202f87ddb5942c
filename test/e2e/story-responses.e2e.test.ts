import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/features/minutes/test-support.ts';
import { londonDate } from '../../src/features/projects/service.ts';
import { insertStory } from '../../src/features/stories/test-support.ts';
import { nowIso } from '../../src/platform/db/index.ts';
import { banner, createQiStaff, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

describe('a QI staff member answers a story with a change made and records a team discussion, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let story: number;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createQiStaff(app);
    story = await insertStory(app.t.db, app.org.northTeam.id, { public_title: 'Nobody told me why we waited', public_body: 'We waited two hours in clinic and nobody explained why.' });
    await insertStory(app.t.db, app.org.northTeam.id, { public_title: 'Lovely reception staff' });
    const now = nowIso();
    const { id: project } = await app.t.db.db
      .insertInto('projects')
      .values({ unit_id: app.org.northTeam.id, title: 'Shorter clinic waits', aim: 'Halve waits by June', background: null, stage: 'testing', programme: null, involvement_level: 'co_produced', created_by: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await app.t.db.db.insertInto('change_ideas').values({ project_id: project, driver_id: null, title: 'Waiting-time board in clinic', size: 'small_quick', source: 'story', status: 'testing', created_at: now }).execute();
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('responds with "change made" linked to a project and its change idea, then records that the team discussed the story', async () => {
    await signIn(page, app.baseUrl, 'quinn@example.org');
    await page.goto(`${app.baseUrl}/feedback/stories`);
    expect(await h1(page)).toBe('Stories about your teams');
    expect(await page.locator('main').textContent()).toContain('2 stories');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Nobody told me why we waited' }).click();
    await page.waitForURL(/\/feedback\/stories\/\d+$/);
    expect(await h1(page)).toBe('Nobody told me why we waited');
    await expectAccessible(page);

    await page.getByLabel('Your job title').fill('Clinic manager');
    await page.getByLabel('Your response', { exact: true }).fill('Thank you. You should have been told why you were waiting.');
    await page.getByRole('radio', { name: 'A change has been made' }).check();
    await page.getByLabel('What is the change?').fill('A board in clinic now shows how long the wait is.');
    await selectByText(page, 'QI project', 'Shorter clinic waits');
    await page.getByRole('button', { name: 'Show change ideas' }).click();
    await page.getByLabel('Change idea').waitFor();
    // What was typed is still there.
    expect(await page.getByLabel('What is the change?').inputValue()).toBe('A board in clinic now shows how long the wait is.');
    await expectAccessible(page);
    await selectByText(page, 'Change idea', 'Waiting-time board in clinic');
    await page.getByRole('button', { name: 'Publish response' }).click();
    await page.getByRole('heading', { name: /^Clinic manager,/ }).waitFor();
    expect(await banner(page)).toContain('We have emailed the person who told the story');
    const response = page.locator('section.nhsuk-card', { hasText: 'Clinic manager' });
    expect(await response.textContent()).toContain('Change made');
    expect(await response.getByRole('link', { name: 'Shorter clinic waits' }).getAttribute('href')).toMatch(/^\/projects\/\d+$/);
    expect(await response.getByRole('link', { name: 'Waiting-time board in clinic' }).getAttribute('href')).toMatch(/^\/projects\/\d+\/ideas\/\d+$/);
    await expectAccessible(page);
    const sent = await app.t.db.db.selectFrom('outbox').select(['recipient', 'idempotency_key']).execute();
    expect(sent).toEqual([{ recipient: 'jo.bloggs@example.org', idempotency_key: expect.stringMatching(/^story-response:\d+$/) }]);

    await response.getByRole('link', { name: /Change this response/ }).click();
    expect(await h1(page)).toBe('Change your response');
    await expectAccessible(page);

    // The team meeting: choose the team, then the stories discussed.
    await page.goto(`${app.baseUrl}/feedback/discussions`);
    expect(await h1(page)).toBe('Team discussions of stories');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Record a team discussion' }).click();
    expect(await h1(page)).toBe('Which team held the discussion?');
    await expectAccessible(page);
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/feedback\/discussions\/new\?unit=\d+$/);
    expect(await h1(page)).toBe('Record a team discussion');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Save the discussion' }).click();
    expect(await errorSummary(page)).toContain('Choose at least one story the team discussed');
    await expectAccessible(page);
    const [y, m, d] = addDays(londonDate(), -1).split('-') as [string, string, string];
    await page.getByLabel('Day').fill(d);
    await page.getByLabel('Month').fill(m);
    await page.getByLabel('Year').fill(y);
    await page.getByLabel('Who was there?').fill('Clinic manager, three nurses, receptionist');
    await page.getByLabel('How many people were there?').fill('5');
    await page.getByLabel('What did the team take from the stories?').fill('People cope with waiting when we tell them why.');
    await page.getByRole('checkbox', { name: 'Nobody told me why we waited' }).check();
    await page.getByRole('button', { name: 'Save the discussion' }).click();
    await page.waitForURL(/\/feedback\/discussions\/\d+$/);
    expect(await banner(page)).toContain('Team discussion recorded');
    expect(await page.getByRole('link', { name: 'Nobody told me why we waited' }).getAttribute('href')).toBe(`/feedback/stories/${story}`);
    await expectAccessible(page);

    await page.goto(`${app.baseUrl}/feedback/discussions/coverage`);
    const row = (await page.getByRole('row', { name: /North Community Team/ }).textContent()) ?? '';
    expect(row).toContain('50%');
    expect(row).toContain('Lovely reception staff');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });

  it('tells a teller who left only a phone number by a text, which a moderator sends and marks sent by keyboard', async () => {
    const phoneOnly = await insertStory(app.t.db, app.org.northTeam.id, { public_title: 'Nobody rang me back', contact_email: null, contact_phone: '07700 900321' });
    await signIn(page, app.baseUrl, 'quinn@example.org');
    await page.goto(`${app.baseUrl}/feedback/stories/${phoneOnly}`);
    await page.getByLabel('Your job title').fill('Team leader');
    await page.getByLabel('Your response', { exact: true }).fill('Sorry. We have changed how we log call-backs.');
    await page.getByRole('radio', { name: 'No change (yet)' }).check();
    await page.getByRole('button', { name: 'Publish response' }).click();
    await page.getByRole('heading', { name: /^Team leader,/ }).waitFor();
    expect(await banner(page)).toContain('a text to them is waiting in Texts to send');

    const moderator = await openPage(browser, cspErrors);
    await signIn(moderator, app.baseUrl, 'admin@example.org');
    await moderator.goto(`${app.baseUrl}/feedback`);
    await moderator.getByRole('link', { name: 'Texts to send' }).click();
    expect(await h1(moderator)).toBe('Texts to send');
    const card = moderator.locator('section.nhsuk-card', { hasText: '07700 900321' });
    expect(await card.textContent()).toContain('Sorry. We have changed how we log call-backs.');
    await expectAccessible(moderator);
    await card.getByRole('button', { name: /Mark as sent/ }).focus();
    await moderator.keyboard.press('Enter');
    await moderator.waitForURL(/\/feedback\/texts$/);
    expect(await banner(moderator)).toContain('Text marked as sent.');
    expect(await moderator.locator('main').textContent()).toContain('There are no texts waiting to be sent.');
    await expectAccessible(moderator);
    await moderator.close();
    expect(cspErrors).toEqual([]);
  });
});
