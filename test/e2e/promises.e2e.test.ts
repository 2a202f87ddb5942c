import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonDate } from '../../src/features/projects/service.ts';
import { addDays } from '../../src/features/promises/service.ts';
import { addParticipant, insertWorkshop, setWinner } from '../../src/features/promises/test-support.ts';
import { createUser } from '../support/app.ts';
import { banner, createQiStaff, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

/** Presses Enter on a control and waits for the page it leads to (which may have the same address). */
async function enterAndWait(page: Page, target: Locator): Promise<void> {
  await target.focus();
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

describe('a promise to self, supported and checked in on, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let workshop: number;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    const quinn = await createQiStaff(app);
    const pia = await createUser(app.t.db, 'pia@example.org', [], 'Pia Participant');
    await createUser(app.t.db, 'sid@example.org', [{ unitId: app.org.northTeam.id, role: 'partner' }], 'Sid Supporter');
    workshop = await insertWorkshop(app.t.db, app.org.northTeam.id, { title: 'Feedback impact workshop', created_by: quinn, progress_public: 1 });
    await setWinner(app.t.db, workshop, 'Each team shares and discusses its feedback');
    await addParticipant(app.t.db, workshop, pia);
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('makes a promise, assigns a supporter, encourages, checks in and shows the progress', async () => {
    // The participant makes a private promise.
    await signIn(page, app.baseUrl, 'pia@example.org');
    await page.goto(`${app.baseUrl}/workshops/${workshop}/promise`);
    expect(await h1(page)).toBe('Make your promise');
    await expectAccessible(page);
    await enterAndWait(page, page.getByRole('button', { name: 'Make my promise' }));
    expect(await errorSummary(page)).toContain('Write your promise');
    await expectAccessible(page);
    await page.getByLabel('My promise to myself').fill('I will share one story at every team huddle');
    await page.getByRole('radio', { name: 'No, keep it private' }).check();
    const [y, m, d] = addDays(londonDate(), 21).split('-') as [string, string, string];
    await page.getByLabel('Day').fill(d);
    await page.getByLabel('Month').fill(m);
    await page.getByLabel('Year').fill(y);
    await enterAndWait(page, page.getByRole('button', { name: 'Make my promise' }));
    await page.waitForURL(`${app.baseUrl}/my-promises`);
    expect(await banner(page)).toContain('Your promise is made');
    expect(await page.locator('main').textContent()).toContain('Only you and the organisers');
    await expectAccessible(page);

    // The organiser assigns a named supporter.
    await signIn(page, app.baseUrl, 'quinn@example.org');
    await page.goto(`${app.baseUrl}/workshops/${workshop}/promises`);
    expect(await h1(page)).toBe('Promises and supporters');
    expect(await page.getByRole('table').textContent()).toContain('I will share one story at every team huddle');
    await expectAccessible(page);
    await page.getByLabel('Who will they support?').last().selectOption({ label: 'Pia Participant' });
    await page.getByLabel('Their email address').fill('sid@example.org');
    await enterAndWait(page, page.getByRole('button', { name: 'Assign the supporter' }));
    await page.getByRole('heading', { name: 'Promises and supporters' }).waitFor();
    expect(await banner(page)).toContain('Supporter assigned to 1 participant');
    expect(await page.getByRole('table').textContent()).toContain('Sid Supporter');
    await expectAccessible(page);

    // The supporter sees a private promise and sends encouragement.
    await signIn(page, app.baseUrl, 'sid@example.org');
    await page.goto(`${app.baseUrl}/my-promises`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Pia Participant');
    expect(main).toContain('A private promise');
    expect(main).not.toContain('team huddle');
    await expectAccessible(page);
    await page.getByLabel('Send Pia Participant some encouragement').fill('You have got this, Pia!');
    await enterAndWait(page, page.getByRole('button', { name: 'Send encouragement' }));
    await page.getByRole('heading', { name: 'My promises' }).waitFor();
    expect(await banner(page)).toContain('Encouragement sent to Pia Participant');
    await expectAccessible(page);

    // The participant reaches their promises from the menu's Workshops page, reads it and checks in.
    await signIn(page, app.baseUrl, 'pia@example.org');
    await enterAndWait(page, page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Workshops' }));
    await enterAndWait(page, page.getByRole('link', { name: /^My promises/ }));
    expect(await h1(page)).toBe('My promises');
    expect(await page.locator('main').textContent()).toContain('You have got this, Pia!');
    await page.getByRole('radio', { name: 'I am working on it' }).check();
    await page.getByLabel('Anything to add? (optional)').fill('Shared two stories so far');
    await page.getByLabel('When should we check in with you next?').selectOption({ label: 'In 2 weeks' });
    await enterAndWait(page, page.getByRole('button', { name: 'Save my check-in' }));
    await page.getByRole('heading', { name: 'My promises' }).waitFor();
    expect(await banner(page)).toContain('Check-in saved');
    expect(await page.locator('main').textContent()).toContain('Shared two stories so far');
    await expectAccessible(page);

    // Anyone can see the progress in numbers (the organiser made it public).
    await page.context().clearCookies();
    await page.goto(`${app.baseUrl}/workshops/${workshop}/progress`);
    expect(await h1(page)).toBe('How the promises from Feedback impact workshop are going');
    const progress = (await page.locator('main').textContent()) ?? '';
    expect(progress).toContain('0 of 1 promise kept so far');
    expect(progress).toContain('Each team shares and discusses its feedback');
    expect(progress).not.toContain('Pia');
    expect(await page.getByRole('table', { name: 'Promises by how they are going' }).textContent()).toContain('In progress');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
