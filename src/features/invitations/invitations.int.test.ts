import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { sha256 } from '../../platform/auth/crypto.ts';
import { readFile } from '../../platform/files/index.ts';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries, insertVenue } from '../meetings/test-support.ts';
import { addInvitee, addPaper, rsvpPath } from './test-support.ts';

describe('invitations and answers', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let users: { lead: number; staff: number; otherStaff: number; partner: number; colleague: number };
  let series: number;
  let meeting: number;
  let people: Record<string, number>;
  const paper = Buffer.from('%PDF-1.4 project update for the forum');

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    await b.get('/');
    return b;
  };
  const outbox = () => t.db.db.selectFrom('outbox').selectAll().orderBy('id').execute();
  const outboxFor = async (personId: number) => (await outbox()).filter((m) => m.person_id === personId);
  const attachmentsOf = (outboxId: number) =>
    t.db.db.selectFrom('outbox_attachments').select(['filename', 'content_type', 'file_sha256']).where('outbox_id', '=', outboxId).orderBy('id').execute();
  const invitation = (personId: number) => t.db.db.selectFrom('invitations').selectAll().where('meeting_id', '=', meeting).where('person_id', '=', personId).executeTakeFirst();

  beforeEach(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users = {
      lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lena Lead'),
      staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Quinn Staff'),
      otherStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sid South'),
      partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pam Partner'),
      colleague: await createUser(t.db, 'colleague@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Cora Colleague'),
    };
    const venue = await insertVenue(t.db, org.northTeam.id, { name: 'Room 1, Trust HQ', address: '1 High Street\nLuton', step_free: 1, hearing_loop: 1, quiet_room: 0 });
    series = (await insertSeries(t.db, org.northTeam.id, { name: 'Luton QI Forum' })).id;
    meeting = (
      await insertMeeting(t.db, series, { title: 'June forum', venue_id: venue.id, online_url: 'https://meet.example.org/forum', capacity: 20, starts_at: '2099-06-10T13:00:00.000Z', ends_at: '2099-06-10T15:00:00.000Z' })
    ).id;
    const item = await insertAgendaItem(t.db, meeting, { title: 'Calmer waiting rooms', kind: 'project_slot' });
    await addPaper(t.db, item, 'project-update.pdf', paper);
    const n = org.northTeam.id;
    people = {
      emma: await addInvitee(t.db, n, 'Emma Email'),
      larry: await addInvitee(t.db, n, 'Larry Large', { format: 'large_print' }),
      eddie: await addInvitee(t.db, n, 'Eddie Easy', { format: 'easy_read' }),
      sam: await addInvitee(t.db, n, 'Sam Text', { preferred_channel: 'sms', phone: '07700 900123', email: null }),
      pat: await addInvitee(t.db, n, 'Pat Post', { preferred_channel: 'post', address: '2 Low Road\nDunstable', postcode: 'LU6 1AA', format: 'large_print', email: null }),
      nora: await addInvitee(t.db, n, 'Nora Noconsent', {}, 'none'),
      wanda: await addInvitee(t.db, n, 'Wanda Withdrawn', {}, 'withdrawn'),
      una: await addInvitee(t.db, n, 'Una Unreachable', { preferred_channel: 'post', email: null }),
      ivy: await addInvitee(t.db, n, 'Ivy Invited'),
    };
    for (const key of ['emma', 'larry', 'eddie', 'sam', 'pat', 'nora', 'wanda', 'una']) await addSeriesMember(t.db, series, { personId: people[key] as number });
    await addSeriesMember(t.db, series, { userId: users.staff }, 'chair');
  });
  afterEach(() => t.close());

  it('shows the invite list with how each person gets it and who cannot be contacted', async () => {
    const lead = await signedIn('lead@example.org');
    const page = await lead.get(`/meetings/${meeting}/invitations`);
    expect(page.statusCode).toBe(200);
    for (const name of ['Emma Email', 'Larry Large', 'Sam Text', 'Pat Post', 'Nora Noconsent', 'Quinn Staff']) expect(page.body).toContain(name);
    expect(page.body).toContain('9 people invited');
    expect(page.body).toContain('Text message');
    expect(page.body).toContain('Large print');
    expect(page.body).toContain('Easy read');
    // Nora and Wanda have no consent; Una has no address and no email.
    expect(page.body.match(/No consent to contact/g)).toHaveLength(2);
    expect(page.body.match(/No contact details/g)).toHaveLength(1);
    expect(page.body).toContain('6 people have not been sent an invitation yet.');
    expect(page.body).toContain('3 people will be left out');
    expect(page.body).toContain('0 of 20 places taken');
    // Opening the page creates nothing.
    expect(await t.db.db.selectFrom('invitations').select('id').execute()).toHaveLength(0);
    const viewed = await t.db.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'meeting.invitations_viewed').execute();
    expect(viewed).toEqual([{ action: 'meeting.invitations_viewed', entity_id: String(meeting) }]);
  });

  it('sends in each person’s channel and format, skips those without consent, and audits counts only', async () => {
    const lead = await signedIn('lead@example.org');
    const sent = await lead.post(`/meetings/${meeting}/invitations/send`, {});
    expect(sent.statusCode).toBe(303);
    const after = await lead.get(`/meetings/${meeting}/invitations`);
    expect(after.body).toContain('Invitations sent to 6 people.');
    expect(after.body).toContain('3 people were left out');
    expect(after.body).toContain('1 letter is waiting');

    const messages = await outbox();
    expect(messages).toHaveLength(6);
    // Email with the papers and the calendar entry.
    const [emma] = await outboxFor(people.emma as number);
    expect(emma?.channel).toBe('email');
    expect(emma?.subject).toBe('Invitation: June forum');
    expect(emma?.body_text).toContain('When: Wednesday 10 June 2099, 2:00 pm to 4:00 pm');
    expect(emma?.body_text).toContain('Where: Room 1, Trust HQ, 1 High Street, Luton');
    expect(emma?.body_text).toContain('You can also join online: https://meet.example.org/forum');
    expect(emma?.body_text).toContain('The place has step-free access, a hearing loop.');
    expect(emma?.body_text).toContain('With this email: the agenda (agenda.html), project-update.pdf, a calendar entry you can add to your calendar (meeting.ics).');
    const emmaFiles = await attachmentsOf(emma?.id as number);
    expect(emmaFiles.map((a) => [a.filename, a.content_type])).toEqual([
      ['agenda.html', 'text/html'],
      ['project-update.pdf', 'application/pdf'],
      ['meeting.ics', 'text/calendar'],
    ]);
    expect(emmaFiles[1]?.file_sha256).toBe(sha256Buffer(paper));
    // Large print by email: the agenda goes in large print.
    const [larry] = await outboxFor(people.larry as number);
    expect(larry?.format).toBe('large_print');
    const larryFiles = await attachmentsOf(larry?.id as number);
    expect(larryFiles.map((a) => a.filename)).toEqual(['agenda-large-print.html', 'project-update.pdf', 'meeting.ics']);
    const largeAgenda = (await readFile(t.db.db, larryFiles[0]?.file_sha256 as string))?.toString('utf8') ?? '';
    expect(largeAgenda).toContain('Calmer waiting rooms');
    expect(largeAgenda).not.toEqual((await readFile(t.db.db, emmaFiles[0]?.file_sha256 as string))?.toString('utf8'));
    // Easy read wording.
    const [eddie] = await outboxFor(people.eddie as number);
    expect(eddie?.subject).toBe('Come to our meeting: June forum');
    expect(eddie?.body_text).toContain('Can you come?');
    // A short text with the link, no attachments.
    const [sam] = await outboxFor(people.sam as number);
    expect(sam?.channel).toBe('sms');
    expect(sam?.recipient).toBe('07700 900123');
    expect(sam?.body_text).toMatch(/^You are invited to June forum on .+ Please tell us if you can come: http:\/\/localhost:3000\/rsvp\/[\w-]+$/);
    expect(sam?.body_text.length).toBeLessThan(200);
    expect(await attachmentsOf(sam?.id as number)).toEqual([]);
    // A letter that waits, listing what is in the envelope.
    const [pat] = await outboxFor(people.pat as number);
    expect(pat?.channel).toBe('post');
    expect(pat?.status).toBe('pending');
    expect(pat?.recipient).toBe('2 Low Road\nDunstable\nLU6 1AA');
    expect(pat?.body_text).toContain('In this envelope: this letter, the agenda in large print, project-update.pdf.');
    expect(pat?.body_text).toContain('type this link into a web browser');
    expect(await attachmentsOf(pat?.id as number)).toEqual([]);
    // Staff get an email with the same attachments.
    const staffMail = messages.find((m) => m.recipient === 'staff@example.org');
    expect(staffMail?.channel).toBe('email');
    expect((await attachmentsOf(staffMail?.id as number)).map((a) => a.filename)).toEqual(['agenda.html', 'project-update.pdf', 'meeting.ics']);
    // Nobody without consent or a way to reach them got anything.
    for (const key of ['nora', 'wanda', 'una']) {
      expect(await outboxFor(people[key] as number)).toEqual([]);
      expect((await invitation(people[key] as number))?.sent_at).toBeNull();
    }
    // Each link is the invitation's own: only its hash is kept.
    const emmaInvitation = await invitation(people.emma as number);
    const token = rsvpPath(emma?.body_text ?? '').split('/').pop() as string;
    expect(emmaInvitation?.token_hash).toBe(sha256(token));
    expect(emmaInvitation?.channel).toBe('email');
    expect(new Set(messages.map((m) => rsvpPath(m.body_text))).size).toBe(6);
    // The calendar entry is stored once for all of them.
    const icsFiles = new Set((await t.db.db.selectFrom('outbox_attachments').select('file_sha256').where('filename', '=', 'meeting.ics').execute()).map((r) => r.file_sha256));
    expect(icsFiles.size).toBe(1);

    const audits = await t.db.db.selectFrom('audit_log').select(['details']).where('action', '=', 'meeting.invitations_sent').execute();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]?.details ?? '{}')).toEqual({ sent: 6, byChannel: { email: 4, sms: 1, post: 1, phone: 0 }, noConsent: 2, unreachable: 1 });
    expect(audits[0]?.details).not.toMatch(/Emma|example\.org|Low Road/);
    expect((await t.db.db.selectFrom('meetings').select('invitations_sent_at').where('id', '=', meeting).executeTakeFirstOrThrow()).invitations_sent_at).not.toBeNull();
  });

  it('sends nothing twice: sending again only reaches those added since, and consent given later', async () => {
    const lead = await signedIn('lead@example.org');
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    expect(await outbox()).toHaveLength(6);
    expect((await lead.post(`/meetings/${meeting}/invitations/send`, {})).statusCode).toBe(303);
    expect(await outbox()).toHaveLength(6);
    expect((await lead.get(`/meetings/${meeting}/invitations`)).body).toContain('There was nobody new to send an invitation to.');
    // Member rows are made once.
    expect(await t.db.db.selectFrom('invitations').select('id').execute()).toHaveLength(9);

    // Someone added to this meeting, and Nora who now agrees to be contacted.
    expect((await lead.post(`/meetings/${meeting}/invitations`, { who: 'person', personId: String(people.ivy) })).statusCode).toBe(303);
    await t.db.db.insertInto('consents').values({ person_id: people.nora as number, kind: 'contact', given: 1, method: 'verbal', note: null, recorded_at: new Date().toISOString(), recorded_by: null }).execute();
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    const messages = await outbox();
    expect(messages).toHaveLength(8);
    expect(messages.slice(6).map((m) => m.person_id).sort()).toEqual([people.nora, people.ivy].sort());
  });

  it('sends once when two people press "Send" at the same moment', async () => {
    const [a, b] = [await signedIn('lead@example.org'), await signedIn('staff@example.org')];
    const results = await Promise.all([a.post(`/meetings/${meeting}/invitations/send`, {}), b.post(`/meetings/${meeting}/invitations/send`, {})]);
    expect(results.map((r) => r.statusCode)).toEqual([303, 303]);
    expect(await outbox()).toHaveLength(6);
    expect(await t.db.db.selectFrom('invitations').select('id').execute()).toHaveLength(9);
  });

  it('refuses to send for a cancelled meeting or one that has started', async () => {
    const lead = await signedIn('lead@example.org');
    await t.db.db.updateTable('meetings').set({ status: 'cancelled' }).where('id', '=', meeting).execute();
    const cancelled = await lead.post(`/meetings/${meeting}/invitations/send`, {});
    expect(cancelled.statusCode).toBe(400);
    expect(cancelled.body).toContain('You cannot send invitations: this meeting is cancelled');
    expect(cancelled.body).toContain('href="#send"');
    await t.db.db.updateTable('meetings').set({ status: 'scheduled', starts_at: '2020-01-01T10:00:00.000Z', ends_at: '2020-01-01T12:00:00.000Z' }).where('id', '=', meeting).execute();
    const past = await lead.post(`/meetings/${meeting}/invitations/send`, {});
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('this meeting has started or is over');
    expect(await outbox()).toHaveLength(0);
    expect(await t.db.db.selectFrom('invitations').select('id').execute()).toHaveLength(0);
  });

  it('lets the person answer from the link without signing in, and change the answer', async () => {
    const lead = await signedIn('lead@example.org');
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    const [emma] = await outboxFor(people.emma as number);
    const path = rsvpPath(emma?.body_text ?? '');
    const visitor = new Browser(t.app);
    const page = await visitor.get(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Can you come to June forum?');
    expect(page.body).toContain('Wednesday 10 June 2099, 2:00 pm to 4:00 pm');
    expect(page.body).toContain('step-free access');
    expect(page.body).toContain('https://meet.example.org/forum');
    expect(page.body).toContain('value="online"');
    // Opening the link changes nothing.
    expect((await invitation(people.emma as number))?.response).toBe('none');

    // No answer chosen, and too much text: the form comes back with the words kept.
    const empty = await visitor.post(path, { accessNeeds: 'A ramp please' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choose if you will come');
    expect(empty.body).toContain('A ramp please');
    const long = await visitor.post(path, { response: 'in_person', accessNeeds: 'x'.repeat(1001) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Use 1000 letters or fewer');
    const bogus = await visitor.post(path, { response: 'maybe' });
    expect(bogus.statusCode).toBe(400);

    const done = await visitor.post(path, { response: 'in_person', accessNeeds: 'A ramp and a hearing loop' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Thank you');
    expect(done.body).toContain('We will see you at the meeting.');
    let row = await invitation(people.emma as number);
    expect([row?.response, row?.access_needs]).toEqual(['in_person', 'A ramp and a hearing loop']);
    expect(row?.responded_at).not.toBeNull();

    // Changing the answer with the same link.
    const again = await visitor.get(path);
    expect(again.body).toContain('You told us: Yes, I will come in person.');
    expect(again.body).toContain('A ramp and a hearing loop');
    expect((await visitor.post(path, { response: 'apologies' })).statusCode).toBe(200);
    row = await invitation(people.emma as number);
    expect([row?.response, row?.access_needs]).toEqual(['apologies', null]);

    const audits = await t.db.db.selectFrom('audit_log').select(['action', 'entity_id', 'details', 'actor_user_id']).where('action', '=', 'invitation.answered').orderBy('id').execute();
    expect(audits.map((a) => JSON.parse(a.details ?? '{}'))).toEqual([
      { meetingId: meeting, response: 'in_person', changed: false },
      { meetingId: meeting, response: 'apologies', changed: true },
    ]);
    expect(audits.every((a) => a.entity_id === String(row?.id) && a.actor_user_id === null)).toBe(true);

    // The lead sees the answers counted.
    const [sam] = await outboxFor(people.sam as number);
    await new Browser(t.app).post(rsvpPath(sam?.body_text ?? ''), { response: 'online', accessNeeds: 'Captions' });
    const list = await lead.get(`/meetings/${meeting}/invitations`);
    expect(list.body).toContain('Captions');
    expect(list.body).toMatch(/Joining online\s*<\/dt>\s*<dd[^>]*>\s*1\s*</);
    expect(list.body).toMatch(/Sent apologies\s*<\/dt>\s*<dd[^>]*>\s*1\s*</);
    expect(list.body).toMatch(/No answer yet\s*<\/dt>\s*<dd[^>]*>\s*7\s*</);
  });

  it('offers "online" only when the meeting has an online link', async () => {
    await t.db.db.updateTable('meetings').set({ online_url: null }).where('id', '=', meeting).execute();
    const lead = await signedIn('lead@example.org');
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    const [emma] = await outboxFor(people.emma as number);
    const path = rsvpPath(emma?.body_text ?? '');
    const visitor = new Browser(t.app);
    expect((await visitor.get(path)).body).not.toContain('value="online"');
    expect((await visitor.post(path, { response: 'online' })).statusCode).toBe(400);
    expect((await invitation(people.emma as number))?.response).toBe('none');
  });

  it('answers a bad, removed or out-of-date link with a friendly page, never an error', async () => {
    const lead = await signedIn('lead@example.org');
    await lead.post(`/meetings/${meeting}/invitations`, { who: 'person', personId: String(people.ivy) });
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    const visitor = new Browser(t.app);
    for (const path of ['/rsvp/not-a-real-token-at-all-0123456789', '/rsvp/short', `/rsvp/${'a'.repeat(100)}`, '/rsvp/%00%01', '/rsvp/ab%20cd%2Fef0123456789012345678']) {
      const res = await visitor.get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).toContain('This link does not work');
      expect((await visitor.post(path, { response: 'in_person' })).statusCode, path).toBe(404);
    }
    // Longer than any address the server takes: refused before it reaches us, still not an error.
    expect((await visitor.get(`/rsvp/${'a'.repeat(300)}`)).statusCode).toBeLessThan(500);
    // Removed from the list: the link stops working.
    const [ivyMail] = await outboxFor(people.ivy as number);
    const ivyPath = rsvpPath(ivyMail?.body_text ?? '');
    expect((await visitor.get(ivyPath)).statusCode).toBe(200);
    const ivyInvitation = await invitation(people.ivy as number);
    expect((await lead.post(`/meetings/${meeting}/invitations/${ivyInvitation?.id}/remove`, {})).statusCode).toBe(303);
    expect((await visitor.get(ivyPath)).statusCode).toBe(404);
    // Cancelled: a page that says so.
    const [emma] = await outboxFor(people.emma as number);
    const path = rsvpPath(emma?.body_text ?? '');
    await t.db.db.updateTable('meetings').set({ status: 'cancelled' }).where('id', '=', meeting).execute();
    const cancelled = await visitor.get(path);
    expect(cancelled.statusCode).toBe(404);
    expect(cancelled.body).toContain('This meeting is cancelled');
    expect((await visitor.post(path, { response: 'in_person' })).statusCode).toBe(404);
    // Over: the link has expired, and nothing is saved.
    await t.db.db.updateTable('meetings').set({ status: 'scheduled', starts_at: '2020-01-01T10:00:00.000Z', ends_at: '2020-01-01T12:00:00.000Z' }).where('id', '=', meeting).execute();
    expect((await visitor.get(path)).statusCode).toBe(404);
    expect((await visitor.post(path, { response: 'in_person' })).statusCode).toBe(404);
    expect((await invitation(people.emma as number))?.response).toBe('none');
  });

  it('adds and removes people invited to this meeting only, refusing what does not fit', async () => {
    const lead = await signedIn('lead@example.org');
    const page = await lead.get(`/meetings/${meeting}/invitations`);
    expect(page.body).toContain('Ivy Invited');
    expect(page.body).toContain('Cora Colleague (colleague@example.org)');
    // A person and a member of staff.
    expect((await lead.post(`/meetings/${meeting}/invitations`, { who: 'person', personId: String(people.ivy) })).statusCode).toBe(303);
    expect((await lead.post(`/meetings/${meeting}/invitations`, { who: 'user', userId: String(users.colleague) })).statusCode).toBe(303);
    const list = await lead.get(`/meetings/${meeting}/invitations`);
    expect(list.body).toContain('Cora Colleague is invited to this meeting');
    expect(list.body).toContain('11 people invited');
    expect(list.body.match(/This meeting only/g)).toHaveLength(2);

    const bad = async (form: Record<string, string>, message: string) => {
      const res = await lead.post(`/meetings/${meeting}/invitations`, form);
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(res.body).toContain(message);
    };
    await bad({ who: 'person', personId: String(people.ivy) }, 'They are already invited to this meeting');
    await bad({ who: 'person', personId: String(people.emma) }, 'They are already invited to this meeting');
    await bad({ who: 'user', userId: String(users.staff) }, 'They are already invited to this meeting');
    await bad({ who: 'person' }, 'Choose a person from the register');
    await bad({ who: 'person', personId: '99999999' }, 'Choose a person from the register');
    await bad({ who: 'person', personId: '1e400' }, 'Choose a person from the register');
    await bad({ who: 'user', userId: String(users.partner) }, 'Choose a member of staff');
    await bad({ who: 'user', userId: 'abc' }, 'Choose a member of staff');

    const rows = await t.db.db.selectFrom('invitations').selectAll().where('meeting_id', '=', meeting).orderBy('id').execute();
    expect(rows.map((r) => [r.person_id, r.user_id])).toEqual([[people.ivy, null], [null, users.colleague]]);
    const audits = await t.db.db.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'invitation.%').orderBy('id').execute();
    expect(audits.map((a) => a.action)).toEqual(['invitation.added', 'invitation.added']);

    expect((await lead.post(`/meetings/${meeting}/invitations/${rows[0]?.id}/remove`, {})).statusCode).toBe(303);
    expect(await t.db.db.selectFrom('invitations').select('id').where('meeting_id', '=', meeting).execute()).toHaveLength(1);
    expect((await lead.post(`/meetings/${meeting}/invitations/${rows[0]?.id}/remove`, {})).statusCode).toBe(404);
    expect((await lead.post(`/meetings/${meeting}/invitations/99999999999/remove`, {})).statusCode).toBe(404);
    // A member's invitation stays: members are invited to every meeting.
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    const emmaInvitation = await invitation(people.emma as number);
    const member = await lead.post(`/meetings/${meeting}/invitations/${emmaInvitation?.id}/remove`, {});
    expect(member.statusCode).toBe(400);
    expect(member.body).toContain('Members of the series are invited to every meeting');
  });

  it('lets only those who run the series see and change the list; a co-chair with lived experience may send', async () => {
    const url = `/meetings/${meeting}/invitations`;
    const anonymous = new Browser(t.app);
    const res = await anonymous.get(url);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toContain('/sign-in');
    expect((await (await signedIn('south@example.org')).get(url)).statusCode).toBe(404);
    // A partner who is an ordinary member does not run the series.
    await addSeriesMember(t.db, series, { userId: users.partner }, 'member');
    const partner = await signedIn('partner@example.org');
    expect((await partner.get(url)).statusCode).toBe(404);
    expect((await partner.post(`${url}/send`, {})).statusCode).toBe(404);
    // As co-chair they do: they see the list and send, but do not search the register or the staff list.
    await t.db.db.updateTable('series_members').set({ role: 'co_chair' }).where('user_id', '=', users.partner).execute();
    const list = await partner.get(url);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Emma Email');
    expect(list.body).not.toContain('Invite someone else');
    expect((await partner.post(url, { who: 'person', personId: String(people.ivy) })).statusCode).toBe(403);
    expect((await partner.post(url, { who: 'user', userId: String(users.colleague) })).statusCode).toBe(403);
    expect((await partner.post(`${url}/send`, {})).statusCode).toBe(303);
    expect(await outbox()).toHaveLength(7);
    // A meeting that does not exist, or an id that is not one.
    const lead = await signedIn('lead@example.org');
    for (const id of ['99999999', 'abc', '1e9999', '-1']) {
      expect((await lead.get(`/meetings/${id}/invitations`)).statusCode).toBe(404);
      expect((await lead.post(`/meetings/${id}/invitations/send`, {})).statusCode).toBe(404);
    }
    // A bad page address is ignored, not an error.
    for (const query of [`after=zz9&q=${'x'.repeat(500)}`, 'after=p9999999999', 'after=u1&uq=%00', `after=p${people.emma}`]) {
      expect((await lead.get(`${url}?${query}`)).statusCode, query).toBe(200);
    }
    expect((await lead.get(`${url}/print-list?after=p9999999999`)).statusCode).toBe(200);
  });

  it('lists the letters to post with address, format and enclosures, linking each letter', async () => {
    const lead = await signedIn('lead@example.org');
    const before = await lead.get(`/meetings/${meeting}/invitations/print-list`);
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('There are no letters to post for this meeting.');
    await lead.post(`/meetings/${meeting}/invitations/send`, {});
    const list = await lead.get(`/meetings/${meeting}/invitations/print-list`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Pat Post');
    expect(list.body).toContain('2 Low Road<br>Dunstable<br>LU6 1AA');
    expect(list.body).toContain('Large print');
    expect(list.body).toContain(`href="/meetings/${meeting}/agenda/large-print"`);
    expect(list.body).toContain('project-update.pdf');
    const [pat] = await outboxFor(people.pat as number);
    expect(list.body).toContain(`href="/involvement/messages/${pat?.id}/letter"`);
    expect(list.body).not.toContain('Emma Email');
    expect(list.body).toContain('1 letter');
    const audit = await t.db.db.selectFrom('audit_log').select('details').where('action', '=', 'meeting.print_list_viewed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details ?? '{}')).toEqual({ personIds: [people.pat] });
    // QI staff run the meeting but do not keep the register: no link to the letter page.
    const staff = await signedIn('staff@example.org');
    const theirs = await staff.get(`/meetings/${meeting}/invitations/print-list`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('/involvement/messages/');
  });
});

function sha256Buffer(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
