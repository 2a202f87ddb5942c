import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentMonth } from '../../src/features/projects/service.ts';
import { createLead, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

const DAY = 86_400_000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();
const monthName = (month: string): string => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));

describe('leadership reads the involvement dashboard in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    const db = app.t.db.db;
    const team = app.org.northTeam.id;
    // Ten projects for two years: one with input at first, eight for the last six months.
    const created = daysAgo(800);
    const projects: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const level = i === 1 ? 'user_led' : 'informed';
      const { id } = await db
        .insertInto('projects')
        .values({ unit_id: team, title: `Forum project ${i}`, aim: 'An aim', background: null, stage: 'testing', programme: null, involvement_level: level, created_by: null, created_at: created, updated_at: created })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('project_history')
        .values([
          { project_id: id, field: 'stage', value: 'testing', changed_at: created, changed_by: null, note: null },
          { project_id: id, field: 'involvement_level', value: level, changed_at: created, changed_by: null, note: null },
        ])
        .execute();
      projects.push(id);
    }
    for (const id of projects.slice(1, 8)) {
      await db.updateTable('projects').set({ involvement_level: 'co_produced' }).where('id', '=', id).execute();
      await db.insertInto('project_history').values({ project_id: id, field: 'involvement_level', value: 'co_produced', changed_at: daysAgo(180), changed_by: null, note: null }).execute();
    }
    // Three forum meetings with attendance by role.
    const now = daysAgo(0);
    const { id: seriesId } = await db
      .insertInto('meeting_series')
      .values({ unit_id: team, name: 'Luton QI Forum', kind: 'qi_forum', purpose: null, cadence: 'Monthly', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, lived] of [2, 4, 6].entries()) {
      const starts = daysAgo(70 - i * 30);
      const { id: meetingId } = await db
        .insertInto('meetings')
        .values({ series_id: seriesId, starts_at: starts, ends_at: new Date(Date.parse(starts) + 7_200_000).toISOString(), created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rows = [
        ...Array.from({ length: 3 }, () => ({ role: 'staff' as const })),
        ...Array.from({ length: lived }, (_, k) => ({ role: k % 2 ? ('carer' as const) : ('service_user' as const) })),
      ];
      await db
        .insertInto('attendance')
        .values(rows.map((r, k) => ({ meeting_id: meetingId, walk_in_name: `Person ${k}`, role: r.role, status: 'present' as const, recorded_at: now })))
        .execute();
    }
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('opens the dashboard from the involvement hub and sees 10% rise to 80% on the p chart, with its table', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/involvement`);
    await page.getByRole('link', { name: 'Involvement dashboard' }).click();
    await page.waitForURL(`${app.baseUrl}/insights`);
    expect(await h1(page)).toBe('Involvement dashboard');

    const chart = page.getByRole('img', { name: /Projects with service-user or carer input, month by month/ });
    expect(await chart.isVisible()).toBe(true);
    const table = page.getByRole('table', { name: 'Projects with service-user or carer input, by month' });
    expect(await table.isVisible()).toBe(true);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(24);
    expect(await rows.first().locator('td').nth(3).textContent()).toBe('10%');
    expect(await rows.last().locator('td').nth(3).textContent()).toBe('80%');
    expect(await page.textContent('main')).toContain(`In ${monthName(currentMonth())}, 8 of 10 open projects (80%) had service-user or carer input.`);

    const attendance = page.getByRole('table', { name: 'People present at each meeting, by role' });
    expect(await attendance.locator('tbody tr').count()).toBe(3);
    expect(await page.getByRole('img', { name: /Service users and carers present at each meeting/ }).isVisible()).toBe(true);
    await expectAccessible(page);
  });

  it('filters by team and period with the keyboard alone', async () => {
    const unit = page.getByLabel('Team or service', { exact: true });
    await unit.focus();
    // All your teams and services → Test NHS Trust → North Borough → North Community Team.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await unit.locator('option:checked').textContent()).toContain('North Community Team');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('months');
    await page.keyboard.press('ArrowUp');
    expect(await page.getByLabel('Period', { exact: true }).inputValue()).toBe('12');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/insights\?unitId=\d+&months=12$/);
    expect(await page.textContent('main')).toContain('Figures for North Community Team and the teams below it.');
    expect(await page.getByRole('table', { name: 'Projects with service-user or carer input, by month' }).locator('tbody tr').count()).toBe(12);
    await expectAccessible(page);
  });

  it('prints the charts and tables without the filter form', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('form.app-insights-filter').isVisible()).toBe(false);
    expect(await page.getByRole('img', { name: /month by month/ }).isVisible()).toBe(true);
    expect(await page.getByRole('table', { name: 'Meetings held and hours of involvement, by month' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
  });

  it('follows a month to the projects counted in it', async () => {
    await page.getByRole('link', { name: `${monthName(currentMonth())} projects counted` }).click();
    await page.waitForURL(/\/insights\/projects\?month=\d{4}-\d{2}&unitId=\d+$/);
    expect(await h1(page)).toBe(`Projects counted in ${monthName(currentMonth())}`);
    const table = page.getByRole('table', { name: `Projects open at the end of ${monthName(currentMonth())}` });
    expect(await table.locator('tbody tr').count()).toBe(10);
    expect(await table.getByRole('cell', { name: 'Had input' }).count()).toBe(8);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Forum project 1', exact: true }).click();
    await page.waitForURL(/\/projects\/\d+$/);
    expect(await h1(page)).toBe('Forum project 1');
    expect(cspErrors).toEqual([]);
  });
});
