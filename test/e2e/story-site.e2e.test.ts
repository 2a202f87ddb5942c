import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMeasure, insertPoints, insertProject } from '../../src/features/measures/test-support.ts';
import { insertStory } from '../../src/features/stories/test-support.ts';
import { insertResponse } from '../../src/features/story-site/test-support.ts';
import { errorSummary, expectAccessible, h1, launchBrowser, openPage, startApp, type RunningApp } from './support.ts';

describe('a member of the public searches the stories, reads one and sees what changed, without signing in', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];
  let cold = 0;

  beforeAll(async () => {
    app = await startApp();
    const { t, org } = app;
    const project = await insertProject(t, org.northTeam.id, 'Warmer waiting rooms');
    const measure = await insertMeasure(t, project, { name: 'Complaints about the cold' });
    await insertPoints(t, measure, [9, 8, 9, 7, 8, 9, 8, 3, 2, 3, 2, 2]);
    cold = await insertStory(t.db, org.northTeam.id, { public_title: 'Freezing waiting room', public_body: 'We waited two hours and it was freezing. A kind nurse found us blankets.' });
    await insertStory(t.db, org.southTeam.id, { public_title: 'Friendly reception', public_body: 'The receptionist was lovely.' });
    await insertStory(t.db, org.northTeam.id, { public_title: 'Not for the public', public_body: 'Freezing but held.', status: 'held' });
    await insertResponse(t.db, cold, { responder_role: 'Ward manager', body: 'Thank you. We are sorry you were cold.' });
    await insertResponse(t.db, cold, { responder_role: 'Estates lead', body: 'We fitted heaters.', change: 'made', change_description: 'New heaters in the waiting room', project_id: project });
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('searches by keyboard, opens a story and follows it to You said, we did', async () => {
    await page.goto(`${app.baseUrl}/stories`);
    expect(await h1(page)).toBe('Stories from people who use our services');
    await expectAccessible(page);

    // A date that is not real is named, and what was typed stays.
    await page.getByLabel('Search', { exact: true }).fill('freezing');
    await page.getByRole('group', { name: 'Shared on or after' }).getByLabel('Day').fill('31');
    await page.getByRole('group', { name: 'Shared on or after' }).getByLabel('Month').fill('2');
    await page.getByRole('group', { name: 'Shared on or after' }).getByLabel('Year').fill('2025');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    expect(await errorSummary(page)).toContain("Enter a real date for 'shared on or after'");
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('freezing');
    await expectAccessible(page);

    await page.getByRole('group', { name: 'Shared on or after' }).getByLabel('Day').fill('');
    await page.getByRole('group', { name: 'Shared on or after' }).getByLabel('Month').fill('');
    await page.getByRole('group', { name: 'Shared on or after' }).getByLabel('Year').fill('');
    await page.getByRole('button', { name: 'Search' }).press('Enter');
    await page.waitForURL(/q=freezing/);
    expect(await page.locator('#results').textContent()).toContain('freezing');
    const results = page.locator('.app-story-list__item');
    expect(await results.count()).toBe(1);
    expect(await results.first().textContent()).toContain('Change made');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Freezing waiting room' }).press('Enter');
    await page.waitForURL(`${app.baseUrl}/stories/${cold}`);
    expect(await h1(page)).toBe('Freezing waiting room');
    expect(await page.getByRole('heading', { name: 'What happened next' }).isVisible()).toBe(true);
    expect(await page.textContent('main')).toContain('New heaters in the waiting room');
    expect(await page.textContent('main')).not.toContain('jo.bloggs@example.org');
    await expectAccessible(page);

    await page.getByRole('link', { name: "See all the changes people's stories led to" }).click();
    await page.waitForURL(`${app.baseUrl}/you-said-we-did`);
    expect(await h1(page)).toBe('You said, we did');
    expect(await page.getByRole('heading', { name: 'Warmer waiting rooms' }).isVisible()).toBe(true);
    expect(await page.locator('svg').count()).toBeGreaterThan(0);
    await page.getByText('See the numbers in the chart for Complaints about the cold').click();
    expect(await page.getByRole('table').isVisible()).toBe(true);
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
