import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso } from '../../src/platform/db/index.ts';
import { createLead, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

/** Three people: one good, one without a name (a bad row), one already in the register (a duplicate). */
const CSV = [
  'Full name,Email,Phone,Access needs,Status',
  'Nia Okafor,nia@example.org,07700 900101,Step-free access; hearing loop,Active',
  ',broken-email,,,',
  'Omar Existing,omar@example.org,,,',
].join('\n');

describe('an involvement lead imports an existing register in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    const now = nowIso();
    await app.t.db.db
      .insertInto('people')
      .values({
        unit_id: app.org.northTeam.id, user_id: null, full_name: 'Omar Already', preferred_name: null, email: 'omar@example.org', phone: null, address: null,
        postcode: null, preferred_channel: 'email', format: 'standard', format_language: null, access_needs_other: null, relationship: 'carer', services_known: null,
        availability_notes: null, anonymity: 'full_name', payment_preference: 'vouchers', heard_via: null, outreach_event_id: null, status: 'active', notes: null,
        created_by: null, created_at: now, updated_at: now, erased_at: null,
      })
      .execute();
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
    await signIn(page, app.baseUrl, 'lena@example.org');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('uploads, maps, previews, skips the duplicate and imports only the good rows', async () => {
    await page.goto(`${app.baseUrl}/people/import`);
    expect(await h1(page)).toBe('Import people from a spreadsheet');
    await expectAccessible(page);

    // Uploading without a file says so, with the error summary.
    await page.getByRole('button', { name: 'Upload and continue' }).click();
    await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Choose a team or service whose register you keep');
    await expectAccessible(page);

    await page.getByLabel('Whose register should the people join?').selectOption({ label: 'North Community Team' });
    await page.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'register.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Upload and continue' }).click();
    await page.waitForURL(/\/people\/import\/\d+$/);
    expect(await h1(page)).toBe('Choose what each column holds');
    // Guessed from the headers; the lead changes a default.
    expect(await page.getByLabel('Column “Full name”').inputValue()).toBe('fullName');
    expect(await page.getByLabel('Column “Access needs”').inputValue()).toBe('accessNeeds');
    await page.getByLabel('Payment preference').selectOption('vouchers');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Check the rows' }).click();

    await page.waitForURL(/\/preview$/);
    expect(await h1(page)).toBe('Check the rows before you import them');
    const problems = (await page.locator('table.app-bad-rows').textContent()) ?? '';
    expect(problems).toContain('Enter the person’s full name');
    expect(problems).toContain('Full name');
    expect(problems).toMatch(/\b3\b/);
    await expect.poll(() => page.getByText('Row 4, Omar Existing: same email as Omar Already, already in the register').isVisible()).toBe(true);
    await expectAccessible(page);

    // All or nothing is refused while a row has a problem.
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Nothing was imported: 1 row has a problem');
    await expectAccessible(page);

    await page.getByRole('radio', { name: 'Skip this row' }).check();
    await page.getByRole('radio', { name: /Only the rows? without problems/ }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForURL(/\/result$/);
    expect(await h1(page)).toBe('Import finished');
    expect(await page.locator('.nhsuk-notification-banner').textContent()).toContain('1 person was added to the register.');
    const summary = ((await page.locator('.nhsuk-summary-list').textContent()) ?? '').replace(/\s+/g, ' ');
    expect(summary).toContain('Added as new people 1');
    expect(summary).toContain('Skipped as duplicates 1');
    expect(summary).toContain('Left out with problems 1');
    await expectAccessible(page);

    const people = await app.t.db.db.selectFrom('people').select(['full_name', 'payment_preference', 'status']).orderBy('id').execute();
    expect(people).toEqual([
      { full_name: 'Omar Already', payment_preference: 'vouchers', status: 'active' },
      { full_name: 'Nia Okafor', payment_preference: 'vouchers', status: 'active' },
    ]);
    expect(cspErrors).toEqual([]);
  }, 60_000);
});
