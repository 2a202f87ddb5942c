import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { startSmtp, type TestSmtp } from '../../../test/support/smtp.ts';
import { createMailer, deliverDue } from '../../platform/outbox/index.ts';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries, insertVenue } from '../meetings/test-support.ts';
import { addInvitee, addPaper, rsvpLink } from './test-support.ts';

/** Invitations delivered by the outbox worker through a real SMTP server on localhost, as a mail client sees them. */
describe('invitations through a real SMTP server', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  beforeEach(async () => {
    t = await createTestApp();
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
    await t.close();
  });

  it('delivers the email with the calendar entry and the paper, and its link answers the invitation', async () => {
    const org = await seedOrg(t.db);
    await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lena Lead');
    const venue = await insertVenue(t.db, org.northTeam.id, { name: 'Community Hub', address: '5 Park Lane, Luton' });
    const series = await insertSeries(t.db, org.northTeam.id, { name: 'Luton QI Forum' });
    // 14:30 London time in winter is 14:30 UTC.
    const meeting = await insertMeeting(t.db, series.id, { starts_at: '2099-01-13T14:30:00.000Z', ends_at: '2099-01-13T16:00:00.000Z', venue_id: venue.id, online_url: 'https://meet.example.org/qi' });
    const item = await insertAgendaItem(t.db, meeting.id, { title: 'Discharge letters', kind: 'project_slot' });
    const paper = Buffer.from('%PDF-1.4 discharge letters: our progress');
    await addPaper(t.db, item, 'discharge-letters.pdf', paper);
    const bea = await addInvitee(t.db, org.northTeam.id, 'Bea Best', { email: 'bea@example.org' });
    await addSeriesMember(t.db, series.id, { personId: bea });

    const lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
    expect((await lead.post(`/meetings/${meeting.id}/invitations/send`, {})).statusCode).toBe(303);
    const report = await deliverDue(t.db.db, t.db.dialect, createMailer({ smtpUrl: smtp.url, dataDir: t.database.dataDir }), 'Alongside <no-reply@example.org>');
    expect(report).toEqual({ sent: 1, failed: 0 });

    const [mail] = await smtp.parsed();
    expect(smtp.received[0]?.to).toEqual(['bea@example.org']);
    expect(mail?.subject).toBe('Invitation: Luton QI Forum');
    const ics = mail?.attachments.find((a) => a.filename === 'meeting.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const calendar = ics?.content.toString('utf8') ?? '';
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(calendar).toMatch(/DTSTART(;TZID=Europe\/London:20990113T143000|:20990113T143000Z)\r\n/);
    expect(calendar).toMatch(/DTEND(;TZID=Europe\/London:20990113T160000|:20990113T160000Z)\r\n/);
    expect(calendar).toContain(`UID:meeting-${meeting.id}@localhost`);
    expect(calendar).toContain('METHOD:PUBLISH');
    expect(calendar).toContain('LOCATION:Community Hub\\, 5 Park Lane\\, Luton');
    expect(calendar).toContain('URL;VALUE=URI:https://meet.example.org/qi');
    const attached = mail?.attachments.find((a) => a.filename === 'discharge-letters.pdf');
    expect(attached?.contentType).toBe('application/pdf');
    expect(attached?.content.equals(paper)).toBe(true);
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['agenda.html', 'discharge-letters.pdf', 'meeting.ics']);

    // Follow the link in the body, as the person would, and answer without signing in.
    const link = new URL(rsvpLink(mail?.text ?? ''));
    expect(link.origin).toBe(t.config.baseUrl);
    const visitor = new Browser(t.app);
    const page = await visitor.get(link.pathname);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Tuesday 13 January 2099, 2:30 pm to 4:00 pm');
    expect((await visitor.post(link.pathname, { response: 'in_person', accessNeeds: 'A seat near the door' })).statusCode).toBe(200);
    const answer = await t.db.db.selectFrom('invitations').select(['response', 'access_needs']).where('person_id', '=', bea).executeTakeFirstOrThrow();
    expect(answer).toEqual({ response: 'in_person', access_needs: 'A seat near the door' });
  });
});
