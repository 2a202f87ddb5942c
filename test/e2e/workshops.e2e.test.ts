import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/app.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

/** Presses Enter on a control and waits for the page it leads to (which may have the same address). */
async function enterAndWait(page: Page, target: Locator): Promise<void> {
  await target.focus();
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

describe('a workshop: an organiser sets it up and runs the vote; a participant votes by keyboard', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let porter: number;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    await createUser(app.t.db, 'nia@example.org', [{ unitId: app.org.northTeam.id, role: 'viewer' }], 'Nia Nurse');
    porter = await createUser(app.t.db, 'pat@example.org', [{ unitId: app.org.northTeam.id, role: 'viewer' }], 'Pat Porter');
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('creates the workshop, adds challenges and a participant, opens voting; the vote and the results follow; closing names the winner', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/workshops`);
    expect(await h1(page)).toBe('Workshops');
    await expectAccessible(page);

    await enterAndWait(page, page.getByRole('button', { name: 'Create a workshop' }));
    expect(await h1(page)).toBe('Create a workshop');
    await enterAndWait(page, page.getByRole('button', { name: 'Create workshop' }));
    expect(await errorSummary(page)).toContain('Enter the workshop name');
    await expectAccessible(page);
    await page.getByLabel('Workshop name').fill('Impact workshop');
    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Day').fill('15');
    await page.getByLabel('Month').fill('3');
    await page.getByLabel('Year').fill('2026');
    await page.getByLabel('Venue (optional)').fill('Board room');
    await page.getByLabel('Programme (optional)').fill('10:00 Welcome\n10:30 Stories from patients\n11:30 Vote on a challenge');
    await page.getByRole('radio', { name: 'No, keep it private' }).check();
    await enterAndWait(page, page.getByRole('button', { name: 'Create workshop' }));
    await page.waitForURL(/\/workshops\/\d+$/);
    expect(await banner(page)).toContain('Workshop created');
    const workshopUrl = page.url();
    await expectAccessible(page);

    for (const challenge of ['Each team shares its feedback with every member', 'Learn the names of the people we care for']) {
      await page.getByLabel('Challenge', { exact: true }).fill(challenge);
      await enterAndWait(page, page.getByRole('button', { name: 'Add challenge' }));
      await page.getByRole('button', { name: `Remove ${challenge}` }).waitFor();
    }
    await page.getByLabel('Add participants by email address').fill('nia@example.org\npat@example.org');
    await enterAndWait(page, page.getByRole('button', { name: 'Add participants' }));
    expect(await banner(page)).toContain('2 participants added.');
    await enterAndWait(page, page.getByRole('button', { name: 'Open voting' }));
    await page.getByRole('button', { name: 'Close voting' }).waitFor();
    expect(await banner(page)).toContain('Voting is open');
    await expectAccessible(page);

    // The participant votes with the keyboard only.
    const nia = await openPage(await browser.newContext(), cspErrors);
    await signIn(nia, app.baseUrl, 'nia@example.org');
    await nia.goto(workshopUrl);
    await enterAndWait(nia, nia.getByRole('button', { name: 'Vote' }));
    expect(await h1(nia)).toBe('Which challenge should we work on?');
    await expectAccessible(nia);
    await nia.getByRole('radio', { name: 'Learn the names of the people we care for' }).focus();
    await nia.keyboard.press('Space');
    await enterAndWait(nia, nia.getByRole('button', { name: 'Send my vote' }));
    await nia.waitForURL(/\/results$/);
    expect(await banner(nia)).toContain('Your vote has been counted');
    const table = nia.getByRole('table', { name: 'Votes for each challenge' });
    expect(await table.textContent()).toMatch(/Learn the names of the people we care for\s*1\s*100%/);
    expect(await nia.locator('#results-summary').textContent()).toBe('1 of 2 participants have voted.');
    await expectAccessible(nia);

    // Another vote arrives: the page's script brings the new count in without a reload, and says so.
    const [participant] = await app.t.db.db.selectFrom('workshop_participants').select(['id', 'workshop_id']).where('user_id', '=', porter).execute();
    const [first] = await app.t.db.db.selectFrom('workshop_challenges').select('id').where('workshop_id', '=', participant!.workshop_id).orderBy('position').execute();
    await app.t.db.db.insertInto('workshop_votes').values({ participant_id: participant!.id, workshop_id: participant!.workshop_id, challenge_id: first!.id, voted_at: new Date().toISOString() }).execute();
    await nia.locator('#results-status', { hasText: '2 of 2 participants have voted.' }).waitFor({ state: 'attached' });
    expect(await nia.locator('#results-summary').textContent()).toBe('2 of 2 participants have voted.');

    // The organiser sees the same results, refreshes them by hand, then closes voting on a tie and chooses.
    await enterAndWait(page, page.getByRole('link', { name: 'See the results so far' }));
    expect(await h1(page)).toBe('Results');
    await enterAndWait(page, page.getByRole('button', { name: 'Refresh results' }));
    expect(await page.locator('#results-summary').textContent()).toBe('2 of 2 participants have voted.');
    await expectAccessible(page);
    await page.goto(workshopUrl);
    await enterAndWait(page, page.getByRole('button', { name: 'Close voting' }));
    await page.waitForURL(/\/winner$/);
    expect(await h1(page)).toBe('Choose the winning challenge');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Each team shares its feedback with every member' }).check();
    await enterAndWait(page, page.getByRole('button', { name: 'Record the winner' }));
    await page.waitForURL(/\/results$/);
    expect(await page.locator('main').textContent()).toContain('The winning challenge is: Each team shares its feedback with every member');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
