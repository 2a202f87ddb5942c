import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertStory } from '../../src/features/stories/test-support.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

/**
 * A member of the public tells a story with JavaScript turned off; the North lead checks it, takes
 * out a name the suggester found, and publishes it. Axe on every page on the way.
 */
/**
 * Axe on a page shown without JavaScript. axe-core cannot run where scripts are off (it waits on
 * timers that never fire), so the page's document as rendered, without its scripts, is put into a
 * page with scripts on at the same address, styles and all, and checked there.
 */
async function expectAccessibleWithoutJs(page: Page, checker: Page, baseUrl: string): Promise<void> {
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  await checker.goto(`${baseUrl}/stories/new/thanks`);
  await checker.setContent(html, { waitUntil: 'load' });
  await expectAccessible(checker);
}

describe('a story told by the public and moderated by a lead, in a real browser', () => {
  let app: RunningApp;
  let browser: Browser;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    await createLead(app);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('takes a story from the public without JavaScript, explaining mistakes', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await openPage(context, cspErrors);
    const checker = await openPage(browser, cspErrors);
    const check = () => expectAccessibleWithoutJs(page, checker, app.baseUrl);
    await page.goto(`${app.baseUrl}/stories/new`);
    expect(await h1(page)).toBe('Tell us your story');
    await check();

    // Nothing filled in: the errors are explained and nothing is lost.
    await page.getByLabel('Give your story a short title').fill('Kind nurses on the ward');
    await page.getByRole('button', { name: 'Send your story' }).click();
    expect(await errorSummary(page)).toContain('Choose the service or team your story is about');
    expect(await page.getByLabel('Give your story a short title').inputValue()).toBe('Kind nurses on the ward');
    await check();

    // The service picker works without JavaScript: search, then choose.
    await page.getByLabel('Search for a service or team').fill('north comm');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('radio', { name: 'North Community Team' }).check();
    expect(await page.getByRole('radio', { name: /South Community Team/ }).count()).toBe(0);
    await page.getByLabel('What happened?').fill('Dr Patel sat with my dad for an hour and explained his new tablets.');
    await page.getByRole('radio', { name: 'I am a relative or friend' }).check();
    await page.getByLabel('What was good?').fill('Time to listen');
    await page.getByLabel('Phone number (optional)').fill('07700 900123');
    await page.getByRole('radio', { name: 'Yes, you can share it' }).check();
    await page.getByRole('radio', { name: 'Use my first name only' }).check();
    await page.getByLabel('Your name').fill('Sam Carter');
    await page.getByRole('button', { name: 'Send your story' }).click();
    await page.waitForURL(/\/stories\/new\/thanks$/);
    expect(await h1(page)).toBe('Thank you for your story');
    await check();
    await checker.close();
    await context.close();
    expect(cspErrors).toEqual([]);
  });

  it('lets the lead take out a suggested name and publish the story', async () => {
    const page: Page = await openPage(browser, cspErrors);
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Feedback' }).click();
    expect(await h1(page)).toBe('Feedback');
    expect(await page.locator('main').textContent()).toContain('1 new story is waiting to be checked');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Moderation' }).click();
    expect(await h1(page)).toBe('Moderation');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Kind nurses on the ward' }).click();
    expect(await h1(page)).toBe('Check the story: Kind nurses on the ward');
    expect(await page.locator('main').textContent()).toContain('07700 900123');
    await expectAccessible(page);

    await page.getByRole('checkbox', { name: 'Name: Dr Patel' }).check();
    await page.getByRole('button', { name: 'Apply redactions' }).click();
    await page.getByText('1 detail taken out of the public version').waitFor();
    expect(await page.getByLabel('What happened').inputValue()).toBe('[name removed] sat with my dad for an hour and explained his new tablets.');
    await expectAccessible(page);

    await page.getByLabel('Themes').fill('Kindness, medicines');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/feedback\/moderation$/);
    expect(await banner(page)).toContain('Story published');
    expect(await page.locator('main').textContent()).toContain('0 new stories');

    await page.getByRole('combobox', { name: 'Status' }).selectOption('published');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('link', { name: 'Kind nurses on the ward' }).click();
    expect(await page.getByLabel('What happened').inputValue()).toContain('[name removed] sat with my dad');
    expect(await page.getByLabel('Themes').inputValue()).toBe('kindness, medicines');

    // Erasing asks first.
    await page.getByRole('button', { name: "Erase the teller's details" }).click();
    expect(await h1(page)).toBe("Erase the teller's details?");
    await expectAccessible(page);

    await page.goto(`${app.baseUrl}/feedback/safeguarding-contacts`);
    expect(await h1(page)).toBe('Safeguarding contacts');
    await expectAccessible(page);
    await page.goto(`${app.baseUrl}/feedback/stories/new`);
    expect(await h1(page)).toBe('Enter a story for someone');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });

  it('finds a teller’s stories by their email address and downloads what we hold', async () => {
    await insertStory(app.t.db, app.org.northTeam.id, { public_title: 'Parking was impossible', contact_email: 'pat.teller@example.org' });
    const page: Page = await openPage(browser, cspErrors);
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/feedback`);
    await page.getByRole('link', { name: "A teller's request" }).click();
    expect(await h1(page)).toBe("A teller's request for their details");
    await page.getByRole('button', { name: 'Find their stories' }).click();
    expect(await errorSummary(page)).toContain('Enter the email address or phone number they gave us');
    await expectAccessible(page);
    await page.getByLabel('Their email address or phone number').fill('Pat.Teller@example.org');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Stories they told' }).waitFor();
    expect(await page.getByRole('link', { name: 'Parking was impossible' }).getAttribute('href')).toMatch(/^\/feedback\/moderation\/\d+$/);
    await expectAccessible(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download what we hold (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^stories-teller-\d{4}-\d{2}-\d{2}\.json$/);
    expect(cspErrors).toEqual([]);
  });
});
