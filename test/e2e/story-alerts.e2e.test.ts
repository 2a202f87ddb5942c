import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertStory } from '../../src/features/stories/test-support.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, selectByText, signIn, startApp, type RunningApp } from './support.ts';

describe('a lead follows a team, chooses a daily email and reads the stories for them, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let story: number;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    story = await insertStory(app.t.db, app.org.northTeam.id, { public_title: 'Kind nurses on the ward', public_body: 'They took time to explain my medication.' });
    await insertStory(app.t.db, app.org.southTeam.id, { public_title: 'A story from the south' });
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('follows the North team, sets a daily digest and sees the team’s story marked new', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/feedback/following`);
    expect(await h1(page)).toBe('What you follow');
    expect(await page.locator('main').textContent()).toContain('You do not follow any services, teams or themes yet.');
    await expectAccessible(page);

    // A theme left empty: the error is explained and the page stays accessible.
    await page.getByRole('button', { name: 'Follow this theme' }).click();
    expect(await errorSummary(page)).toContain('Enter a theme to follow');
    await expectAccessible(page);

    await selectByText(page, 'Service or team', 'North Community Team');
    await page.getByRole('button', { name: 'Follow this service or team' }).click();
    await page.locator('.nhsuk-notification-banner').waitFor();
    expect(await banner(page)).toContain('You now follow North Community Team.');
    expect(await page.locator('#follows ~ ul').first().textContent()).toContain('North Community Team');
    await expectAccessible(page);

    await page.getByRole('radio', { name: 'Once a day' }).check();
    await page.getByRole('button', { name: 'Save how often' }).click();
    await page.getByText('We will email you once a day when there are new stories.').waitFor();
    expect(await page.getByRole('radio', { name: 'Once a day' }).isChecked()).toBe(true);

    await page.getByRole('link', { name: 'See the stories for you' }).click();
    await page.waitForURL(`${app.baseUrl}/feedback/for-you`);
    expect(await h1(page)).toBe('Stories for you (1 new)');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('New since you last looked');
    expect(main).toContain('We email you about new stories once a day.');
    expect(main).not.toContain('A story from the south');
    expect(await page.getByRole('link', { name: 'Kind nurses on the ward' }).getAttribute('href')).toBe(`/feedback/stories/${story}`);
    await expectAccessible(page);

    // Looked: nothing is new the next time.
    await page.reload();
    expect(await h1(page)).toBe('Stories for you');
    expect(cspErrors).toEqual([]);
  });
});
