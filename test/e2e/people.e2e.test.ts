import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../support/app.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, selectByText, signIn, startApp, type RunningApp } from './support.ts';


describe('an involvement lead keeps the register; a partner keeps their own details', () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let personUrl = '';

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    await createUser(app.t.db, 'pat@example.org', [{ unitId: app.org.northTeam.id, role: 'partner' }], 'Pat Partner');
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('adds a person, after a mistake is explained', async () => {
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/people`);
    expect(await h1(page)).toBe('Involvement register');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add a person' }).click();
    await page.waitForURL('**/people/new');
    await expectAccessible(page);

    await selectByText(page, 'Team or service', 'North Community Team');
    await page.getByLabel('Email address (optional)').fill('pat@example.org');
    await page.getByRole('radio', { name: 'Carer', exact: true }).check();
    await page.getByRole('radio', { name: 'Email', exact: true }).check();
    await page.getByRole('button', { name: 'Add person' }).click();
    const summary = await errorSummary(page);
    expect(summary).toContain('Enter the person’s full name');
    expect(summary).toContain('Choose how they would like to be paid');
    expect(await page.getByLabel('Email address (optional)').inputValue()).toBe('pat@example.org');
    await expectAccessible(page);

    await page.getByRole('textbox', { name: 'Full name', exact: true }).fill('Pat Partner');
    await page.getByRole('checkbox', { name: 'Step-free access' }).check();
    await page.getByRole('group', { name: 'Tuesday' }).getByRole('checkbox', { name: 'Afternoon' }).check();
    await page.getByLabel('Interests (optional)').fill('mental health, carers');
    await page.getByRole('radio', { name: 'Vouchers' }).check();
    expect(await page.locator('.nhsuk-inset-text').textContent()).toContain('benefits adviser');
    await page.getByLabel('Alongside account email (optional)').fill('pat@example.org');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.waitForURL(/\/people\/\d+$/);
    personUrl = page.url();
    expect(await h1(page)).toBe('Pat Partner');
    expect(await banner(page)).toContain('Person added to the register');
    expect(await page.locator('main').textContent()).toContain('Tuesday afternoon');
    await expectAccessible(page);
  });

  it('filters the register and saves the filter', async () => {
    await page.goto(`${app.baseUrl}/people`);
    await page.getByLabel('Interest', { exact: true }).fill('carers');
    await selectByText(page, 'Access need', 'Step-free access');
    await page.getByRole('button', { name: 'Show people' }).click();
    await page.waitForURL(/interest=carers/);
    expect(await page.getByRole('table', { name: 'People in the register' }).textContent()).toContain('Pat Partner');
    await expectAccessible(page);
    await page.getByLabel('Save these filters as').fill('Carers, step-free');
    await page.getByRole('button', { name: 'Save filters' }).click();
    await page.waitForURL(/interest=carers/);
    expect(await banner(page)).toContain('Filters saved');
    await expect.poll(() => page.getByRole('link', { name: 'Carers, step-free' }).count()).toBe(1);
    await expectAccessible(page);
  });

  it('records consent to be contacted, then its withdrawal takes the person out of "can be contacted"', async () => {
    const contactable = async () => {
      await page.goto(`${app.baseUrl}/people`);
      await page.getByRole('checkbox', { name: /Can be contacted/ }).check();
      await page.getByRole('button', { name: 'Show people' }).click();
      await page.waitForURL(/contactable=yes/);
      return (await page.locator('main').textContent()) ?? '';
    };
    expect(await contactable()).not.toContain('Pat Partner');
    await expectAccessible(page);

    await page.goto(personUrl);
    await page.getByRole('link', { name: 'Record consent' }).click();
    await page.waitForURL('**/consents');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Being contacted' }).check();
    await page.getByRole('radio', { name: 'They agreed' }).check();
    await page.getByRole('radio', { name: 'In writing' }).check();
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.waitForURL('**/consents');
    expect(await banner(page)).toContain('Consent recorded: Being contacted');
    await expectAccessible(page);
    expect(await contactable()).toContain('Pat Partner');

    await page.goto(`${personUrl}/consents`);
    await page.getByRole('radio', { name: 'Being contacted' }).check();
    await page.getByRole('radio', { name: 'They did not agree, or withdrew' }).check();
    await page.getByRole('radio', { name: 'By phone' }).check();
    await page.getByRole('button', { name: 'Record consent' }).click();
    await page.waitForURL('**/consents');
    expect(await banner(page)).toContain('Withdrawal recorded');
    expect(await contactable()).not.toContain('Pat Partner');
  });

  it('has accessible equality, erasure and edit pages', async () => {
    await page.goto(`${personUrl}/equality`);
    await expectAccessible(page);
    await page.getByRole('group', { name: 'Age' }).getByRole('radio', { name: 'Prefer not to say' }).check();
    await page.getByRole('button', { name: 'Save answers' }).click();
    await page.waitForURL(personUrl);
    expect(await banner(page)).toContain('Equality answers saved');
    await page.goto(`${app.baseUrl}/people/equality`);
    expect(await page.locator('main').textContent()).toContain('Fewer than 5');
    await expectAccessible(page);
    await page.goto(`${personUrl}/erase`);
    await expectAccessible(page);
    await page.goto(`${personUrl}/edit`);
    expect(await page.getByRole('textbox', { name: 'Full name', exact: true }).inputValue()).toBe('Pat Partner');
    await expectAccessible(page);
  });

  it('records involvement and hours, after a mistake is explained, and can remove it', async () => {
    await page.goto(personUrl);
    await page.getByRole('link', { name: 'Record involvement and hours' }).first().click();
    await page.waitForURL('**/activities/new');
    expect(await h1(page)).toBe('Record involvement');
    await expectAccessible(page);
    await page.getByRole('radio', { name: 'Meeting' }).check();
    await page.getByLabel('What they did').fill('Spoke at the carers forum');
    await page.getByRole('button', { name: 'Record involvement' }).click();
    expect(await errorSummary(page)).toContain('Enter the time it took');
    expect(await page.getByLabel('What they did').inputValue()).toBe('Spoke at the carers forum');
    expect(await page.getByRole('radio', { name: 'Meeting' }).isChecked()).toBe(true);
    await expectAccessible(page);
    await page.getByLabel('Hours', { exact: true }).fill('1');
    await page.getByLabel('Minutes', { exact: true }).fill('15');
    await page.getByRole('button', { name: 'Record involvement' }).click();
    await page.waitForURL(personUrl);
    expect(await banner(page)).toContain('Involvement recorded');
    const history = (await page.getByRole('table', { name: 'Activities and hours' }).textContent()) ?? '';
    expect(history).toContain('Spoke at the carers forum');
    expect(history).toContain('1 hour 15 minutes');
    expect(await page.locator('main').textContent()).toMatch(/Hours this year\s*1 hour 15 minutes/);
    await expectAccessible(page);

    // A second, wrong entry is removed again.
    await page.goto(`${personUrl}/activities/new`);
    await page.getByRole('radio', { name: 'Training' }).check();
    await page.getByLabel('What they did').fill('Entered by mistake');
    await page.getByLabel('Minutes', { exact: true }).fill('30');
    await page.getByRole('button', { name: 'Record involvement' }).click();
    await page.waitForURL(personUrl);
    await page.getByRole('button', { name: /Remove Training/ }).click();
    await page.waitForURL(personUrl);
    expect(await banner(page)).toContain('Involvement removed');
    expect(await page.locator('main').textContent()).not.toContain('Entered by mistake');
    await expectAccessible(page);
  });

  it('the partner signs in, sees their record and changes their details', async () => {
    await signIn(page, app.baseUrl, 'pat@example.org');
    await page.getByRole('link', { name: 'My involvement' }).first().click();
    await page.waitForURL('**/my-involvement');
    expect(await page.locator('main').textContent()).toContain('Pat Partner');
    // Their history shows the hours the lead recorded, without a way to remove them.
    expect(await page.getByRole('table', { name: 'Activities and hours' }).textContent()).toContain('1 hour 15 minutes');
    expect(await page.getByRole('button', { name: /Remove/ }).count()).toBe(0);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Change your details' }).click();
    await page.waitForURL('**/my-involvement/profile');
    await expectAccessible(page);
    await page.getByRole('textbox', { name: 'Full name', exact: true }).fill('');
    await page.getByRole('button', { name: 'Save your details' }).click();
    expect(await errorSummary(page)).toContain('Enter the person’s full name');
    await expectAccessible(page);
    await page.getByRole('textbox', { name: 'Full name', exact: true }).fill('Pat Partner');
    await page.getByLabel('Preferred name (optional)').fill('Pat');
    await page.getByRole('radio', { name: 'Large print' }).check();
    await page.getByRole('button', { name: 'Save your details' }).click();
    await page.waitForURL('**/my-involvement');
    expect(await banner(page)).toContain('Your details have been saved');
    expect(await page.locator('main').textContent()).toContain('Large print');
    // Giving (or withdrawing) one of their own consents is one button.
    await page.getByRole('button', { name: 'Agree Photos' }).click();
    await page.waitForURL('**/my-involvement');
    expect(await banner(page)).toContain('You have agreed to: Photos');
    await expectAccessible(page);
  });
});
