import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson } from '../../src/features/involvement/test-support.ts';
import { approveClaim, insertClaim } from '../../src/features/payments/test-support.ts';
import { nowIso } from '../../src/platform/db/index.ts';
import { createUser } from '../support/app.ts';
import { banner, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

describe('finance pays two lines in a batch by keyboard, exports and downloads the CSV, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const lines: Record<'ann' | 'bob' | 'cy', number> = { ann: 0, bob: 0, cy: 0 };
  let annId = 0;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    const { t, org } = app;
    await createUser(t.db, 'finance@example.org', [{ unitId: org.northTeam.id, role: 'finance' }], 'Fin Finance');
    await t.db.db.insertInto('cost_centres').values({ unit_id: org.north.id, code: 'CC-NORTH', updated_at: nowIso() }).execute();
    const people = {
      ann: await insertPerson(t.db, org.northTeam.id, { full_name: 'Ann Archer', payee_reference: 'SUP-1', notes: 'Private diagnosis note' }),
      bob: await insertPerson(t.db, org.northTeam.id, { full_name: 'Bob Baker', payee_reference: 'SUP-2' }),
      cy: await insertPerson(t.db, org.northTeam.id, { full_name: 'Cy Carter', payee_reference: 'SUP-3' }),
    };
    annId = people.ann.id;
    for (const [who, amount] of [['ann', 450], ['bob', 1200], ['cy', 780]] as const) {
      const { claim, lines: made } = await insertClaim(t.db, people[who].id, org.northTeam.id, {}, [{ amount_pence: amount }]);
      await approveClaim(t.db, claim.id);
      lines[who] = made[0]!.id;
    }
    browser = await launchBrowser();
    page = await openPage(browser, cspErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('chooses two lines and records their payment with the keyboard', async () => {
    await signIn(page, app.baseUrl, 'finance@example.org');
    await page.goto(`${app.baseUrl}/finance`);
    expect(await h1(page)).toBe('Payments to make');
    const table = (await page.getByRole('table', { name: '3 lines to pay on this page' }).textContent()) ?? '';
    expect(table).toContain('CC-NORTH');
    expect(table).not.toContain('Private diagnosis note');
    await expectAccessible(page);

    await page.getByLabel(`Choose line ${lines.ann} for Ann Archer`).focus();
    await page.keyboard.press('Space');
    await page.getByLabel(`Choose line ${lines.bob} for Bob Baker`).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Pay the chosen lines' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/finance\/pay\?/);
    expect(await h1(page)).toBe('Record a payment');
    expect((await page.getByRole('table').textContent()) ?? '').toContain('Lines to pay: £16.50 in all');
    await expectAccessible(page);

    // Forgetting how it was paid: told so, nothing lost.
    await page.getByLabel('Payment reference (optional)').fill('REM-2026-12');
    await page.getByLabel('Payment reference (optional)').press('Enter');
    expect(await errorSummary(page)).toContain('Choose how it was paid');
    expect(await page.getByLabel('Payment reference (optional)').inputValue()).toBe('REM-2026-12');
    expect(await page.getByLabel(`Choose line ${lines.ann} for Ann Archer`).isChecked()).toBe(true);
    await expectAccessible(page);

    await page.getByRole('radio', { name: 'Bank transfer' }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Batch name (optional)').fill('December run');
    await page.getByLabel('Batch name (optional)').press('Enter');
    await page.waitForURL(`${app.baseUrl}/finance`);
    await expect.poll(() => h1(page)).toBe('Payments to make');
    expect(await banner(page)).toContain('Payment recorded for 2 lines, £16.50 in all');
    const left = (await page.getByRole('table', { name: '1 line to pay on this page' }).textContent()) ?? '';
    expect(left).toContain('Cy Carter');
    expect(left).not.toContain('Ann Archer');
    await expectAccessible(page);
  });

  it('shows a paid line’s history and the payee reference form', async () => {
    await page.goto(`${app.baseUrl}/finance/lines/${lines.ann}`);
    expect(await h1(page)).toBe(`Line ${lines.ann}`);
    const history = (await page.getByRole('table', { name: 'Every entry for this line, oldest first' }).textContent()) ?? '';
    expect(history).toContain('−£4.50');
    expect(history).toContain('December run');
    await expectAccessible(page);
    await page.getByRole('link', { name: /^Reverse/ }).last().click();
    await page.waitForURL(/\/finance\/entries\/\d+\/reverse$/);
    await expectAccessible(page);

    await page.goto(`${app.baseUrl}/finance/payees/${annId}`);
    await page.getByLabel('Payee reference for Ann Archer').fill('12-34-56');
    await page.getByLabel('Payee reference for Ann Archer').press('Enter');
    expect(await errorSummary(page)).toContain('looks like a bank account number or sort code');
    await expectAccessible(page);
  });

  it('exports the line still owed and downloads the CSV', async () => {
    await page.goto(`${app.baseUrl}/finance`);
    await page.getByRole('link', { name: 'Finance exports' }).click();
    await page.waitForURL(`${app.baseUrl}/finance/exports`);
    expect(await page.locator('main').textContent()).toContain('There are no exports yet.');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Export new lines for finance' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => banner(page)).toContain('made: 1 line, £7.80');
    await expectAccessible(page);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download CSV/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^finance-export-\d+\.csv$/);
    const rows = parseCsv(readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Line: String(lines.cy), 'Payee reference': 'SUP-3', 'Payee name': 'Cy Carter', 'Amount (£)': '7.80', 'Amount (pence)': '780', 'Paid as': 'Money', 'Cost centre': 'CC-NORTH' });
    expect(cspErrors).toEqual([]);
  });
});
