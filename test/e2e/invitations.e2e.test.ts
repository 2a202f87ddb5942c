import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addInvitee, addPaper, rsvpLink } from '../../src/features/invitations/test-support.ts';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries, insertVenue } from '../../src/features/meetings/test-support.ts';
import { createMailer, deliverDue } from '../../src/platform/outbox/index.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { banner, createLead, errorSummary, expectAccessible, h1, launchBrowser, openPage, signIn, startApp, type RunningApp } from './support.ts';

describe('the lead sends invitations, and a carer answers from the email without signing in', () => {
  let app: RunningApp;
  let smtp: TestSmtp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const cspErrors: string[] = [];
  let meeting = 0;
  let bea = 0;
  let link = '';

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return openPage(context, cspErrors);
  }

  beforeAll(async () => {
    app = await startApp();
    // Links in messages point at this running app, as they would at the trust's address.
    app.t.config.baseUrl = app.baseUrl;
    smtp = await startSmtp();
    await createLead(app);
    const team = app.org.northTeam.id;
    const venue = await insertVenue(app.t.db, team, { name: 'Community Hub', address: '5 Park Lane\nLuton', step_free: 1, hearing_loop: 1, quiet_room: 1 });
    const series = await insertSeries(app.t.db, team, { name: 'Luton QI Forum' });
    const starts = new Date(Date.now() + 10 * 86_400_000).toISOString();
    meeting = (await insertMeeting(app.t.db, series.id, { title: 'Spring forum', starts_at: starts, venue_id: venue.id, online_url: 'https://meet.example.org/spring', capacity: 25 })).id;
    const item = await insertAgendaItem(app.t.db, meeting, { title: 'Calmer waiting rooms', kind: 'project_slot' });
    await addPaper(app.t.db, item, 'waiting-rooms.pdf', Buffer.from('%PDF-1.4 waiting rooms update'));
    bea = await addInvitee(app.t.db, team, 'Bea Best', { email: 'bea@example.org', relationship: 'carer' });
    const pat = await addInvitee(app.t.db, team, 'Pat Post', { preferred_channel: 'post', email: null, address: '2 Low Road\nDunstable', postcode: 'LU6 1AA', format: 'large_print' });
    const nora = await addInvitee(app.t.db, team, 'Nora Noconsent', {}, 'none');
    for (const personId of [bea, pat, nora]) await addSeriesMember(app.t.db, series.id, { personId });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await smtp?.close();
    await app?.close();
  });

  it('lets the lead see who is invited and send the invitations', async () => {
    const page = await newPage();
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/meetings/${meeting}/invitations`);
    expect(await h1(page)).toBe('Invitations');
    expect(await page.locator('#invitees').textContent()).toContain('No consent to contact');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Send invitations' }).click();
    await page.waitForURL(`**/meetings/${meeting}/invitations`);
    expect(await banner(page)).toContain('Invitations sent to 2 people.');
    expect(await banner(page)).toContain('1 letter is waiting to be printed and posted.');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Letters to post (1)' }).click();
    await page.waitForURL(`**/meetings/${meeting}/invitations/print-list`);
    expect(await h1(page)).toBe('Letters to post');
    const table = (await page.locator('table').textContent()) ?? '';
    expect(table).toContain('Pat Post');
    expect(table).toContain('LU6 1AA');
    expect(table).toContain('the agenda in large print');
    expect(table).toContain('waiting-rooms.pdf');
    await expectAccessible(page);
  });

  it('delivers the email with the papers and calendar entry through SMTP', async () => {
    const report = await deliverDue(app.t.db.db, app.t.db.dialect, createMailer({ smtpUrl: smtp.url, dataDir: app.t.database.dataDir }), 'Alongside <no-reply@example.org>');
    expect(report).toEqual({ sent: 1, failed: 0 });
    const [mail] = await smtp.parsed();
    expect(smtp.received[0]?.to).toEqual(['bea@example.org']);
    expect(mail?.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['agenda.html', 'text/html'],
      ['waiting-rooms.pdf', 'application/pdf'],
      ['meeting.ics', 'text/calendar'],
    ]);
    link = rsvpLink(mail?.text ?? '');
    expect(link.startsWith(`${app.baseUrl}/rsvp/`)).toBe(true);
  });

  it('lets the carer open the link from the email and answer with the keyboard', async () => {
    const page = await newPage();
    await page.goto(link);
    expect(await h1(page)).toBe('Can you come to Spring forum?');
    const details = (await page.locator('.nhsuk-summary-list').textContent()) ?? '';
    expect(details).toContain('Community Hub');
    expect(details).toContain('step-free access');
    expect(details).toContain('https://meet.example.org/spring');
    await expectAccessible(page);

    // Sending with nothing chosen explains what to do.
    await page.getByRole('button', { name: 'Send my answer' }).focus();
    await page.keyboard.press('Enter');
    expect(await errorSummary(page)).toContain('Choose if you will come');
    await expectAccessible(page);

    await page.getByLabel('Yes, I will come in person').focus();
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Yes, I will come in person').isChecked()).toBe(true);
    // Down moves through the choices, as in any radio group.
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Yes, I will join online').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Captions on the screen, please');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // The answer posts back to the same address: wait for the new page's heading, not the old page's load.
    await page.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    expect(await h1(page)).toBe('Thank you');
    expect(await page.locator('.nhsuk-panel').textContent()).toContain('We will see you online.');
    await expectAccessible(page);

    const answer = await app.t.db.db.selectFrom('invitations').select(['response', 'access_needs']).where('person_id', '=', bea).executeTakeFirstOrThrow();
    expect(answer).toEqual({ response: 'online', access_needs: 'Captions on the screen, please' });
  });

  it('shows the lead the answer and the counts', async () => {
    const page = await newPage();
    await signIn(page, app.baseUrl, 'lena@example.org');
    await page.goto(`${app.baseUrl}/meetings/${meeting}/invitations`);
    const counts = (await page.locator('.nhsuk-summary-list').first().textContent()) ?? '';
    expect(counts.replace(/\s+/g, ' ')).toContain('Joining online 1');
    expect(counts).toContain('0 of 25 places taken');
    expect(await page.locator('#invitees').textContent()).toContain('Captions on the screen, please');
    await expectAccessible(page);
    expect(cspErrors).toEqual([]);
  });
});
