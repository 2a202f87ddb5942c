import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertStory } from '../../src/features/stories/test-support.ts';
import { DAY, after, insertDiscussion, insertResponse } from '../../src/features/story-measures/test-support.ts';
import { createLead, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

describe('a lead reads the story measures in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    // Stories over the last six months: the North team's, answered in 2 to 7 days, half discussed;
    // and one a month about North borough itself, never answered.
    const now = Date.now();
    const team: number[] = [];
    for (let k = 0; k < 12; k++) {
      const received = new Date(now - (10 + k * 15) * DAY).toISOString();
      const id = await insertStory(app.t.db, app.org.northTeam.id, { received_at: received, updated_at: received, published_at: received });
      await insertResponse(app.t.db, id, after(received, ((k % 6) + 2) * DAY), k % 4 === 0 ? 'made' : 'none');
      team.push(id);
    }
    for (let k = 0; k < 6; k++) {
      const received = new Date(now - (12 + k * 30) * DAY).toISOString();
      await insertStory(app.t.db, app.org.north.id, { received_at: received, updated_at: received, published_at: received });
    }
    await insertDiscussion(app.t.db, app.org.northTeam.id, new Date(now - 3 * DAY).toISOString().slice(0, 10), team.slice(0, 6));
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens the measures for North borough, sees each chart with its table, then chooses the North team', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/feedback/measures`);
    expect(await h1(page)).toBe('Story measures');
    expect(await page.textContent('[data-scope]')).toContain('Figures for North Borough and the teams below it');
    for (const name of ['Stories received', 'Answered within 7 days', 'Answered within 28 days', 'Median days to first response', 'Shared and discussed with the team', 'Changes made']) {
      expect(await page.getByRole('img', { name: new RegExp(`^${name}, month by month`) }).isVisible()).toBe(true);
    }
    const received = page.getByRole('table', { name: 'Stories received, by month' });
    expect(await received.locator('tbody tr').count()).toBe(24);
    await expectAccessible(page);

    // The options are indented by depth ("— — North Community Team"): choose the team by its value.
    const teamValue = await page.locator('#unit option', { hasText: 'North Community Team' }).getAttribute('value');
    await page.getByLabel('Team or service').selectOption(teamValue as string);
    await page.getByLabel('First month').fill('');
    await page.getByRole('button', { name: 'Show measures' }).click();
    await page.waitForURL(/\/feedback\/measures\?unit=\d+/);
    expect(await page.textContent('[data-scope]')).toContain('Figures for North Community Team');
    // The borough's own unanswered stories are no longer counted: every published story was answered.
    const median = page.getByRole('table', { name: 'Median days to first response, by month received' });
    const waiting = await median.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(waiting.every((w) => w.trim() === '0')).toBe(true);
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
