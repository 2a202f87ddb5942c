import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { idFrom } from '../groups/test-support.ts';
import { insertMeasure, insertPoints, insertProject } from '../measures/test-support.ts';
import { contextFor } from '../projects/test-support.ts';
import { agendaDocument, meetingDetails, meetingPapers } from './service.ts';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries, insertVenue, PDF, seedMeetingPeople, signedIn, uploadPaper } from './test-support.ts';

/** A meeting form as the browser sends it: the date in three boxes, London times. */
const meetingForm = (extra: Record<string, string> = {}) => ({ dateDay: '10', dateMonth: '6', dateYear: '2025', startTime: '14:00', endTime: '16:00', ...extra });

describe('meetings', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedMeetingPeople>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedMeetingPeople(t);
  });
  afterEach(() => t.close());

  it('lets a lead add a venue, set up a series and add a meeting, explaining every mistake', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    // A venue: name required, accessibility ticked.
    const badVenue = await lead.post('/meetings/venues', { unitId: String(s.org.northTeam.id), address: '1 High Street' });
    expect(badVenue.statusCode).toBe(400);
    expect(badVenue.body).toContain('Enter the venue');
    expect(badVenue.body).toContain('1 High Street');
    const venueForm = new URLSearchParams({ _csrf: lead.csrf, unitId: String(s.org.northTeam.id), name: 'Luton Community Hub', address: '1 High Street, Luton' });
    venueForm.append('features', 'step_free');
    venueForm.append('features', 'hearing_loop');
    const madeVenue = await t.app.inject({ method: 'POST', url: '/meetings/venues', payload: venueForm.toString(), headers: { cookie: lead.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    expect(madeVenue.statusCode).toBe(303);
    const venue = await t.db.db.selectFrom('venues').selectAll().executeTakeFirstOrThrow();
    expect([venue.step_free, venue.hearing_loop, venue.parking, venue.quiet_room]).toEqual([1, 1, 0, 0]);
    // A venue in a unit the lead does not run is refused.
    expect((await lead.post('/meetings/venues', { unitId: String(s.org.southTeam.id), name: 'South room' })).statusCode).toBe(400);

    // A series.
    const badSeries = await lead.post('/meetings/series', { unitId: String(s.org.southTeam.id), name: '', kind: 'nonsense' });
    expect(badSeries.statusCode).toBe(400);
    for (const words of ['Choose a team or service you run meetings in', 'Enter a name', 'Choose what kind of meeting it is']) expect(badSeries.body).toContain(words);
    const created = await lead.post('/meetings/series', {
      unitId: String(s.org.northTeam.id), name: 'Luton QI Forum', kind: 'qi_forum', purpose: 'Teams bring their projects', cadence: 'Monthly, second Tuesday', usualVenueId: String(venue.id),
    });
    expect(created.statusCode).toBe(303);
    const seriesId = idFrom(created.headers.location);
    const seriesPage = await lead.get(`/meetings/series/${seriesId}`);
    expect(seriesPage.statusCode).toBe(200);
    for (const words of ['Luton QI Forum', 'Monthly, second Tuesday', 'Luton Community Hub', 'Step-free access', `/meetings/series/${seriesId}/actions`]) expect(seriesPage.body).toContain(words);

    // A meeting: the form offers the usual venue first.
    const form = await lead.get(`/meetings/series/${seriesId}/meetings/new`);
    expect(form.body).toMatch(new RegExp(`<option value="${venue.id}" selected`));
    const url = `/meetings/series/${seriesId}/meetings`;
    const missing = await lead.post(url, { title: 'June forum' });
    expect(missing.statusCode).toBe(400);
    for (const words of ['Enter the date of the meeting', 'Enter the start time', 'Enter the end time']) expect(missing.body).toContain(words);
    expect(missing.body).toContain('value="June forum"');
    const cases: [Record<string, string>, string][] = [
      [{ dateDay: '31', dateMonth: '2' }, 'Enter a real date'],
      [{ startTime: '25:00' }, 'Enter a time between 00:00 and 23:59'],
      [{ endTime: '13:00' }, 'The end time must be after the start time'],
      [{ endTime: '14:00' }, 'The end time must be after the start time'],
      [{ dateDay: '30', dateMonth: '3', startTime: '01:30', endTime: '03:00' }, 'the clocks go forward'],
      [{ onlineUrl: 'http://meet.example.org/forum' }, 'Enter a link that starts with https://'],
      [{ onlineUrl: 'javascript:alert(1)' }, 'Enter a link that starts with https://'],
      [{ capacity: '0' }, 'Enter the number of places as a whole number'],
      [{ capacity: '2.5' }, 'Enter the number of places as a whole number'],
      [{ venueId: '999999' }, 'Choose a venue from the list'],
      [{ dateYear: '99999999999999' }, 'Enter a real date'],
    ];
    for (const [fields, words] of cases) {
      const res = await lead.post(url, meetingForm(fields));
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain(words);
    }
    const summer = await lead.post(url, meetingForm({ venueId: String(venue.id), onlineUrl: 'https://meet.example.org/forum', capacity: '30' }));
    expect(summer.statusCode).toBe(303);
    const winter = await lead.post(url, meetingForm({ dateMonth: '12', title: 'December forum' }));
    expect(winter.statusCode).toBe(303);
    const rows = await t.db.db.selectFrom('meetings').selectAll().orderBy('id').execute();
    // 14:00 in June is 13:00 UTC (BST); in December it is 14:00 UTC (GMT).
    expect(rows.map((m) => [m.starts_at, m.ends_at, m.venue_id, m.capacity, m.online_url])).toEqual([
      ['2025-06-10T13:00:00.000Z', '2025-06-10T15:00:00.000Z', venue.id, 30, 'https://meet.example.org/forum'],
      ['2025-12-10T14:00:00.000Z', '2025-12-10T16:00:00.000Z', null, null, null],
    ]);
    const page = await lead.get(`/meetings/${rows[0]?.id}`);
    expect(page.statusCode).toBe(200);
    for (const words of ['Tuesday 10 June 2025', '14:00 to 16:00', 'Luton Community Hub', 'Hearing loop', 'https://meet.example.org/forum', `/meetings/${rows[0]?.id}/invitations`, `/meetings/${rows[0]?.id}/attendance`, `/meetings/${rows[0]?.id}/minutes`]) {
      expect(page.body).toContain(words);
    }
    expect(page.body).toContain('/public/meetings.css');
    // The edit form shows London times again, and a change is kept.
    const edit = await lead.get(`/meetings/${rows[1]?.id}/edit`);
    expect(edit.body).toContain('value="14:00"');
    expect(edit.body).toContain('value="12"');
    expect((await lead.post(`/meetings/${rows[1]?.id}`, meetingForm({ dateMonth: '12', startTime: '09:30', endTime: '11:00', title: 'December forum' }))).statusCode).toBe(303);
    expect((await t.db.db.selectFrom('meetings').select('starts_at').where('id', '=', rows[1]?.id as number).executeTakeFirstOrThrow()).starts_at).toBe('2025-12-10T09:30:00.000Z');
    // Cancelling keeps the meeting, marked cancelled.
    expect((await lead.post(`/meetings/${rows[1]?.id}/cancel`, {})).statusCode).toBe(303);
    expect((await lead.get(`/meetings/${rows[1]?.id}`)).body).toContain('Cancelled');
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('action', 'like', 'meeting%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['meeting_series.created', 'meeting.created', 'meeting.created', 'meeting.updated', 'meeting.cancelled']);
  });

  it('shows meetings upcoming by default, or all of one London month, and drops filters that make no sense', async () => {
    const north = await insertSeries(t.db, s.org.northTeam.id, { name: 'North Forum' });
    const south = await insertSeries(t.db, s.org.southTeam.id, { name: 'South Forum' });
    await insertMeeting(t.db, north.id, { title: 'Past June meeting', starts_at: '2025-06-30T22:30:00.000Z', ends_at: '2025-06-30T23:30:00.000Z' });
    await insertMeeting(t.db, north.id, { title: 'July meeting', starts_at: '2025-06-30T23:30:00.000Z', ends_at: '2025-07-01T00:30:00.000Z' });
    await insertMeeting(t.db, north.id, { title: 'Next week meeting' });
    await insertMeeting(t.db, south.id, { title: 'South meeting' });
    const lead = await signedIn(t, 'lead@example.org');
    const upcoming = await lead.get('/meetings');
    expect(upcoming.statusCode).toBe(200);
    expect(upcoming.body).toContain('Next week meeting');
    expect(upcoming.body).not.toContain('Past June meeting');
    expect(upcoming.body).not.toContain('South meeting');
    expect(upcoming.body).not.toContain('South Forum');
    expect(upcoming.body).toContain('/meetings/venues');
    expect(upcoming.body).toContain('/meetings/actions');
    expect(upcoming.body).toContain('/meetings/series/new');
    // 23:30 UTC on 30 June is 00:30 on 1 July in London: a July meeting.
    const june = await lead.get('/meetings?month=2025-06');
    expect(june.body).toContain('Past June meeting');
    expect(june.body).not.toContain('July meeting');
    expect(june.body).toContain('Meetings in June 2025');
    expect((await lead.get('/meetings?month=2025-07')).body).toContain('July meeting');
    for (const bad of ['?month=2025-13', '?month=junk', `?unitId=${s.org.southTeam.id}`, '?unitId=abc', '?unitId=99999999999', '?after=nonsense', '?seriesBefore=-1', `?month=${'9'.repeat(5000)}`]) {
      const res = await lead.get(`/meetings${bad}`);
      expect(res.statusCode, bad).toBe(200);
      expect(res.body, bad).toContain('Next week meeting');
    }
    expect((await lead.get(`/meetings?unitId=${s.org.southTeam.id}`)).body).not.toContain('South meeting');
    const south2 = await signedIn(t, 'south@example.org');
    const southList = await south2.get('/meetings');
    expect(southList.body).toContain('South meeting');
    expect(southList.body).not.toContain('Next week meeting');
  });

  it('pages through meetings in time order', async () => {
    const series = await insertSeries(t.db, s.org.northTeam.id);
    const base = Date.now() + 86_400_000;
    for (let i = 0; i < 27; i++) await insertMeeting(t.db, series.id, { title: `Meeting ${String(i).padStart(2, '0')}`, starts_at: new Date(base + i * 3_600_000).toISOString() });
    const lead = await signedIn(t, 'lead@example.org');
    const first = await lead.get('/meetings');
    expect(first.body).toContain('Meeting 24');
    expect(first.body).not.toContain('Meeting 25');
    const next = /href="(\/meetings\?after=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await lead.get(next as string);
    expect(second.body).toContain('Meeting 25');
    expect(second.body).toContain('Meeting 26');
    expect(second.body).not.toContain('Meeting 24');
  });

  describe('who may see and run a series', () => {
    let seriesId: number;
    let meetingId: number;
    let paperId: number;
    beforeEach(async () => {
      const series = await insertSeries(t.db, s.org.northTeam.id, { name: 'Working Together Forum' });
      seriesId = series.id;
      meetingId = (await insertMeeting(t.db, seriesId, { title: 'Forum meeting' })).id;
      const item = await insertAgendaItem(t.db, meetingId);
      const lead = await signedIn(t, 'lead@example.org');
      expect((await uploadPaper(t, lead, `/meetings/${meetingId}/agenda/${item}/papers`, 'Terms of reference.pdf', PDF)).statusCode).toBe(303);
      paperId = (await t.db.db.selectFrom('meeting_papers').select('id').executeTakeFirstOrThrow()).id;
    });

    it('hides the series from the other unit\'s staff (404) and from partners who are not members', async () => {
      const south = await signedIn(t, 'south@example.org');
      for (const url of [`/meetings/series/${seriesId}`, `/meetings/${meetingId}`, `/meetings/${meetingId}/agenda`, `/meetings/${meetingId}/agenda/large-print`, `/meetings/${meetingId}/papers/${paperId}`, `/meetings/series/${seriesId}/edit`]) {
        expect((await south.get(url)).statusCode, url).toBe(404);
      }
      expect((await south.post(`/meetings/${meetingId}`, meetingForm())).statusCode).toBe(404);
      const partner = await signedIn(t, 'partner@example.org');
      expect((await partner.get(`/meetings/series/${seriesId}`)).statusCode).toBe(404);
      expect((await partner.get('/meetings')).body).not.toContain('Working Together Forum');
      // Partners have no meetings role: no venues, no new series.
      expect((await partner.get('/meetings/venues')).statusCode).toBe(403);
      expect((await partner.get('/meetings/series/new')).statusCode).toBe(403);
    });

    it('shows the series to a partner who is a member through their register entry, without letting them change it', async () => {
      await addSeriesMember(t.db, seriesId, { personId: s.partnerPerson }, 'member');
      const partner = await signedIn(t, 'partner@example.org');
      expect((await partner.get('/meetings')).body).toContain('Working Together Forum');
      const page = await partner.get(`/meetings/series/${seriesId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain(`/meetings/series/${seriesId}/edit`);
      const meeting = await partner.get(`/meetings/${meetingId}`);
      expect(meeting.statusCode).toBe(200);
      expect(meeting.body).toContain(`/meetings/${meetingId}/minutes`);
      expect(meeting.body).not.toContain(`/meetings/${meetingId}/invitations`);
      expect((await partner.get(`/meetings/${meetingId}/papers/${paperId}`)).statusCode).toBe(200);
      expect((await partner.get(`/meetings/series/${seriesId}/edit`)).statusCode).toBe(404);
      expect((await partner.get(`/meetings/${meetingId}/agenda/new`)).statusCode).toBe(404);
      expect((await partner.post(`/meetings/series/${seriesId}/meetings`, meetingForm())).statusCode).toBe(404);
    });

    it('lets a partner who co-chairs run the series: change it, add meetings and agenda items', async () => {
      await addSeriesMember(t.db, seriesId, { personId: s.partnerPerson }, 'co_chair');
      const partner = await signedIn(t, 'partner@example.org');
      const edit = await partner.get(`/meetings/series/${seriesId}/edit`);
      expect(edit.statusCode).toBe(200);
      // The series' own unit is offered though the partner runs no unit.
      expect(edit.body).toContain('North Community Team');
      const changed = await partner.post(`/meetings/series/${seriesId}`, { unitId: String(s.org.northTeam.id), name: 'Working Together Forum', kind: 'user_group', cadence: 'Every other month' });
      expect(changed.statusCode).toBe(303);
      expect((await t.db.db.selectFrom('meeting_series').select('cadence').where('id', '=', seriesId).executeTakeFirstOrThrow()).cadence).toBe('Every other month');
      // Moving it to a unit they do not run is refused.
      expect((await partner.post(`/meetings/series/${seriesId}`, { unitId: String(s.org.north.id), name: 'Working Together Forum', kind: 'user_group' })).statusCode).toBe(400);
      expect((await partner.post(`/meetings/series/${seriesId}/meetings`, meetingForm())).statusCode).toBe(303);
      expect((await partner.post(`/meetings/${meetingId}/agenda`, { title: 'Our news', kind: 'information' })).statusCode).toBe(303);
      // The member form offers staff only: the partner does not see the register.
      const add = await partner.get(`/meetings/series/${seriesId}/members/new`);
      expect(add.statusCode).toBe(200);
      expect(add.body).toContain('Sam Staff');
      expect(add.body).not.toContain('name="personId"');
    });

    it('lets a viewer see but not change', async () => {
      const viewer = await signedIn(t, 'viewer@example.org');
      const page = await viewer.get(`/meetings/series/${seriesId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('Add a meeting');
      const meeting = await viewer.get(`/meetings/${meetingId}`);
      expect(meeting.statusCode).toBe(200);
      expect(meeting.body).not.toContain('Change meeting details');
      expect((await viewer.get('/meetings/venues')).statusCode).toBe(200);
      expect((await viewer.get('/meetings/venues/new')).statusCode).toBe(403);
      expect((await viewer.get('/meetings/series/new')).statusCode).toBe(403);
      expect((await viewer.get(`/meetings/series/${seriesId}/edit`)).statusCode).toBe(404);
      expect((await viewer.post(`/meetings/${meetingId}/cancel`, {})).statusCode).toBe(404);
      expect((await viewer.post(`/meetings/${meetingId}/papers/${paperId}/delete`, {})).statusCode).toBe(404);
      expect((await viewer.get(`/meetings/${meetingId}/papers/${paperId}`)).statusCode).toBe(200);
    });

    it('answers 404, never a server error, for ids that are not ids', async () => {
      const lead = await signedIn(t, 'lead@example.org');
      for (const url of ['/meetings/abc', '/meetings/99999999999', '/meetings/1e3', `/meetings/series/-1`, `/meetings/${meetingId}/papers/abc`, `/meetings/${meetingId}/agenda/99999999999/edit`, '/meetings/venues/0/edit', `/meetings/series/${seriesId}/members/abc`]) {
        expect((await lead.get(url)).statusCode, url).toBe(404);
      }
      expect((await lead.post(`/meetings/${meetingId}/agenda/abc/move`, { direction: 'up' })).statusCode).toBe(404);
    });
  });

  it('keeps series members (staff and people in the register) with roles, and audits every change', async () => {
    const series = await insertSeries(t.db, s.org.northTeam.id);
    const lead = await signedIn(t, 'lead@example.org');
    const form = await lead.get(`/meetings/series/${series.id}/members/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Sam Staff');
    expect(form.body).not.toContain('Sol South');
    expect(form.body).toContain('Pat Partner');
    const url = `/meetings/series/${series.id}/members`;
    expect((await lead.post(url, { role: 'member' })).body).toContain('Choose a member of staff, or a person from the register');
    expect((await lead.post(url, { userId: String(s.users.staff), personId: String(s.partnerPerson), role: 'member' })).body).toContain('not both');
    expect((await lead.post(url, { userId: String(s.users.southStaff), role: 'member' })).body).toContain('Choose a member of staff from the list');
    expect((await lead.post(url, { userId: String(s.users.staff), role: 'co_chair' })).statusCode).toBe(303);
    expect((await lead.post(url, { personId: String(s.partnerPerson), role: 'co_chair' })).statusCode).toBe(303);
    const again = await lead.post(url, { personId: String(s.partnerPerson), role: 'member' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already a member');
    const members = await t.db.db.selectFrom('series_members').selectAll().where('series_id', '=', series.id).orderBy('id').execute();
    expect(members.map((m) => [m.user_id, m.person_id, m.role])).toEqual([
      [s.users.staff, null, 'co_chair'],
      [null, s.partnerPerson, 'co_chair'],
    ]);
    const page = await lead.get(`/meetings/series/${series.id}`);
    expect(page.body).toContain('Members (2)');
    expect(page.body).toContain('Co-chair');
    const person = members[1]?.id as number;
    expect((await lead.get(`/meetings/series/${series.id}/members/${person}`)).statusCode).toBe(200);
    expect((await lead.post(`/meetings/series/${series.id}/members/${person}`, { role: 'nonsense' })).statusCode).toBe(400);
    expect((await lead.post(`/meetings/series/${series.id}/members/${person}`, { role: 'chair' })).statusCode).toBe(303);
    expect((await lead.post(`/meetings/series/${series.id}/members/${members[0]?.id}/remove`, {})).statusCode).toBe(303);
    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'entity_type', 'entity_id']).where('action', 'like', 'series_member%').orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.entity_type, Number(a.entity_id)])).toEqual([
      ['series_member.added', 'user', s.users.staff],
      ['series_member.added', 'person', s.partnerPerson],
      ['series_member.updated', 'person', s.partnerPerson],
      ['series_member.removed', 'user', s.users.staff],
    ]);
  });

  it('builds an agenda with start times, a project slot showing the project\'s latest chart, and lists the visit on the project page', async () => {
    const project = await insertProject(t, s.org.northTeam.id, 'Fewer falls on the ward');
    const measure = await insertMeasure(t, project, { name: 'Falls per week' });
    await insertPoints(t, measure, [5, 4, 6, 3, 4, 2]);
    const southProject = await insertProject(t, s.org.southTeam.id, 'South secret project');
    const series = await insertSeries(t.db, s.org.northTeam.id, { name: 'North QI Forum' });
    const meeting = await insertMeeting(t.db, series.id, { starts_at: '2025-06-10T13:00:00.000Z', ends_at: '2025-06-10T15:00:00.000Z' });
    const lead = await signedIn(t, 'lead@example.org');
    const url = `/meetings/${meeting.id}/agenda`;
    expect((await lead.get(`${url}/new`)).statusCode).toBe(200);
    const missing = await lead.post(url, { kind: 'project_slot' });
    expect(missing.statusCode).toBe(400);
    for (const words of ['Enter a title for the item', 'Choose the project for this slot', 'Choose what the team is bringing']) expect(missing.body).toContain(words);
    const secret = await lead.post(url, { title: 'Secret', kind: 'project_slot', projectId: String(southProject), slotFocus: 'ideas' });
    expect(secret.body).toContain('Choose a project you can see');
    // A project the lead may not see is not named, however its id reaches the form.
    expect(secret.body).not.toContain('South secret project');
    expect((await lead.get(`${url}/new?projectId=${southProject}`)).body).not.toContain('South secret project');
    expect((await lead.post(url, { title: 'Welcome', kind: 'welcome', durationMinutes: '10', projectId: 'junk' })).statusCode).toBe(303);
    expect((await lead.post(url, { title: 'Falls project', kind: 'project_slot', projectId: String(project), slotFocus: 'progress', presenter: 'Dr Jones', durationMinutes: '25' })).statusCode).toBe(303);
    expect((await lead.post(url, { title: 'Any other business', kind: 'any_other_business', durationMinutes: 'ten' })).statusCode).toBe(400);
    expect((await lead.post(url, { title: 'Any other business', kind: 'any_other_business' })).statusCode).toBe(303);
    const items = await t.db.db.selectFrom('agenda_items').selectAll().where('meeting_id', '=', meeting.id).orderBy('position').execute();
    expect(items.map((i) => [i.title, i.position, i.project_id, i.slot_focus])).toEqual([
      ['Welcome', 1, null, null],
      ['Falls project', 2, project, 'progress'],
      ['Any other business', 3, null, null],
    ]);
    const page = await lead.get(`/meetings/${meeting.id}`);
    // 14:00 start; the slot after 10 minutes of welcome; the last after 25 more.
    expect(page.body).toMatch(/app-agenda__time">14:00<\/span>\s*Welcome/);
    expect(page.body).toMatch(/app-agenda__time">14:10<\/span>\s*Falls project/);
    expect(page.body).toMatch(/app-agenda__time">14:35<\/span>\s*Any other business/);
    expect(page.body).toContain(`href="/projects/${project}"`);
    expect(page.body).toContain('Latest chart: Falls per week');
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('Data for Falls per week');

    // Move the last item up, then delete the first.
    const [welcome, , aob] = items as [(typeof items)[0], (typeof items)[0], (typeof items)[0]];
    expect((await lead.post(`${url}/${aob.id}/move`, { direction: 'up' })).statusCode).toBe(303);
    expect((await lead.post(`${url}/${welcome.id}/move`, { direction: 'up' })).statusCode).toBe(303);
    expect((await t.db.db.selectFrom('agenda_items').select('title').where('meeting_id', '=', meeting.id).orderBy('position').execute()).map((i) => i.title)).toEqual(['Welcome', 'Any other business', 'Falls project']);
    expect((await lead.post(`${url}/${welcome.id}/delete`, {})).statusCode).toBe(303);
    expect((await lead.post(`${url}/${aob.id}`, { title: 'AOB', kind: 'any_other_business' })).statusCode).toBe(303);
    expect((await t.db.db.selectFrom('agenda_items').select('title').where('meeting_id', '=', meeting.id).orderBy('position').execute()).map((i) => i.title)).toEqual(['AOB', 'Falls project']);

    // The project page lists the visit, linked for those who may see the meeting.
    const projectPage = await lead.get(`/projects/${project}`);
    expect(projectPage.body).toContain('Forum visits');
    expect(projectPage.body).toContain('North QI Forum');
    expect(projectPage.body).toContain('Progress');
    expect(projectPage.body).toContain(`href="/meetings/${meeting.id}"`);
    // A partner in the project's team sees the visit but not a link to a forum they are not in.
    await t.db.db.insertInto('project_members').values({ project_id: project, user_id: s.users.partner, display_name: null, role: 'service_user_partner', joined_on: '2024-01-01', left_on: null }).execute();
    const partner = await signedIn(t, 'partner@example.org');
    const partnerView = await partner.get(`/projects/${project}`);
    expect(partnerView.statusCode).toBe(200);
    expect(partnerView.body).toContain('North QI Forum');
    expect(partnerView.body).not.toContain(`href="/meetings/${meeting.id}"`);
  });

  it('takes papers of the allowed kinds up to 10 MB, serves them as downloads and deletes them', async () => {
    const series = await insertSeries(t.db, s.org.northTeam.id);
    const meeting = await insertMeeting(t.db, series.id);
    const item = await insertAgendaItem(t.db, meeting.id);
    const lead = await signedIn(t, 'lead@example.org');
    await lead.get(`/meetings/${meeting.id}/agenda/${item}/edit`);
    const url = `/meetings/${meeting.id}/agenda/${item}/papers`;
    const refused: [string, Buffer, string][] = [
      ['virus.exe', Buffer.from('MZ....'), 'must be a PDF, Word'],
      ['page.html', Buffer.from('<script>alert(1)</script>'), 'must be a PDF, Word'],
      ['fake.pdf', Buffer.from('<html><script>alert(1)</script></html>'), 'not what its name says'],
      ['empty.pdf', Buffer.alloc(0), 'The file is empty'],
      ['big.pdf', Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]), 'must be 10 MB or smaller'],
    ];
    for (const [name, content, words] of refused) {
      const res = await uploadPaper(t, lead, url, name, content);
      expect(res.statusCode, name).toBe(400);
      expect(res.body, name).toContain(words);
    }
    // Without the CSRF token nothing is stored.
    const noCsrf = await t.app.inject({ method: 'POST', url, payload: 'x', headers: { cookie: lead.cookieHeader(), 'content-type': 'multipart/form-data; boundary=x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect((await uploadPaper(t, lead, url, 'Agenda pack “June”.pdf', PDF, 'text/html')).statusCode).toBe(303);
    expect((await uploadPaper(t, lead, url, 'notes.TXT', Buffer.from('Plain notes\n'))).statusCode).toBe(303);
    const papers = await t.db.db.selectFrom('meeting_papers').selectAll().orderBy('id').execute();
    expect(papers.map((p) => [p.filename, p.content_type, p.size])).toEqual([
      ['Agenda pack “June”.pdf', 'application/pdf', PDF.length],
      ['notes.TXT', 'text/plain; charset=utf-8', 12],
    ]);
    const download = await lead.get(`/meetings/${meeting.id}/papers/${papers[0]?.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="Agenda pack _June_.pdf"; filename*=UTF-8''Agenda%20pack%20%E2%80%9CJune%E2%80%9D.pdf`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['cache-control']).toBe('no-store');
    expect(download.rawPayload.equals(PDF)).toBe(true);
    // A paper of another meeting is not found through this one.
    const other = await insertMeeting(t.db, series.id);
    expect((await lead.get(`/meetings/${other.id}/papers/${papers[0]?.id}`)).statusCode).toBe(404);
    // For other features: the papers and the details of the meeting.
    const ctx = await contextFor(t, s.users.lead);
    expect((await meetingPapers(ctx, meeting.id)).map((p) => [p.filename, p.agenda_item_id, p.size])).toEqual([
      ['Agenda pack “June”.pdf', item, PDF.length],
      ['notes.TXT', item, 12],
    ]);
    expect((await lead.post(`/meetings/${meeting.id}/papers/${papers[1]?.id}/delete`, {})).statusCode).toBe(303);
    expect((await lead.get(`/meetings/${meeting.id}/papers/${papers[1]?.id}`)).statusCode).toBe(404);
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('action', 'like', 'meeting_paper%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['meeting_paper.uploaded', 'meeting_paper.uploaded', 'meeting_paper.deleted']);
  });

  it('prints the agenda, in large print too, and gives other features a standalone agenda and the meeting details', async () => {
    const venue = await insertVenue(t.db, s.org.northTeam.id, { name: 'Room 5', parking: 1 });
    const series = await insertSeries(t.db, s.org.northTeam.id, { name: 'Carers Group', usual_venue_id: venue.id });
    const meeting = await insertMeeting(t.db, series.id, { venue_id: venue.id, starts_at: '2025-12-02T10:00:00.000Z', ends_at: '2025-12-02T12:00:00.000Z', online_url: 'https://meet.example.org/carers' });
    await insertAgendaItem(t.db, meeting.id, { title: 'Welcome <b>all</b>', duration_minutes: 15 });
    await insertAgendaItem(t.db, meeting.id, { title: 'Carers’ stories', position: 2, kind: 'discussion', presenter: 'Ann' });
    const lead = await signedIn(t, 'lead@example.org');
    const normal = await lead.get(`/meetings/${meeting.id}/agenda`);
    expect(normal.statusCode).toBe(200);
    expect(normal.body).toContain('Agenda: Carers Group');
    expect(normal.body).not.toContain('agenda-doc--large');
    expect(normal.body).toContain('Welcome &lt;b&gt;all&lt;/b&gt;');
    const large = await lead.get(`/meetings/${meeting.id}/agenda/large-print`);
    expect(large.statusCode).toBe(200);
    expect(large.body).toContain('agenda-doc--large');
    expect(large.body).toContain('10:15');
    const css = await lead.get('/public/meetings.css');
    expect(css.body).toMatch(/\.agenda-doc--large[^{]*\{[^}]*font-size: 18pt/);

    const ctx = await contextFor(t, s.users.lead);
    const doc = await agendaDocument(ctx, meeting.id, { largePrint: true });
    expect(doc.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(doc).toContain('<style>');
    expect(doc).toContain('font-size: 18pt');
    expect(doc).toContain('agenda-doc--large');
    expect(doc).not.toMatch(/<link|<script|src=/);
    expect(doc).toContain('Tuesday 2 December 2025');
    expect(doc).toContain('10:00 to 12:00');
    expect(doc).toContain('Parking');
    expect(doc).toContain('Welcome &lt;b&gt;all&lt;/b&gt;');
    expect(await agendaDocument(ctx, meeting.id, { largePrint: false })).not.toContain('class="agenda-doc agenda-doc--large"');
    const details = await meetingDetails(ctx, meeting.id);
    expect(details).toMatchObject({
      id: meeting.id, title: 'Carers Group', seriesName: 'Carers Group', status: 'scheduled', startsAt: '2025-12-02T10:00:00.000Z', onlineUrl: 'https://meet.example.org/carers',
      london: { date: '2025-12-02', startTime: '10:00', endTime: '12:00', dayText: 'Tuesday 2 December 2025', timeText: '10:00 to 12:00' },
      venue: { name: 'Room 5', features: ['step_free', 'hearing_loop', 'parking'] },
      canManage: true,
    });
    // Someone outside the series gets nothing.
    await expect(meetingDetails(await contextFor(t, s.users.southStaff), meeting.id)).rejects.toThrow();
    await expect(agendaDocument(await contextFor(t, s.users.southStaff), meeting.id, { largePrint: true })).rejects.toThrow();
  });

  it('keeps venues per unit: archived ones leave the choices, and other units\' staff cannot change them', async () => {
    const venue = await insertVenue(t.db, s.org.northTeam.id, { name: 'Old room' });
    const southVenue = await insertVenue(t.db, s.org.southTeam.id, { name: 'South room' });
    const series = await insertSeries(t.db, s.org.northTeam.id);
    const lead = await signedIn(t, 'lead@example.org');
    const list = await lead.get('/meetings/venues');
    expect(list.body).toContain('Old room');
    expect(list.body).not.toContain('South room');
    expect((await lead.get(`/meetings/venues/${southVenue.id}/edit`)).statusCode).toBe(404);
    expect((await lead.get(`/meetings/venues/${venue.id}/edit`)).statusCode).toBe(200);
    expect((await lead.post(`/meetings/venues/${venue.id}`, { unitId: String(s.org.northTeam.id), name: 'Old room', features: 'quiet_room', notes: 'Side door' })).statusCode).toBe(303);
    expect((await t.db.db.selectFrom('venues').select(['quiet_room', 'step_free', 'notes']).where('id', '=', venue.id).executeTakeFirstOrThrow())).toEqual({ quiet_room: 1, step_free: 0, notes: 'Side door' });
    expect((await lead.get(`/meetings/series/${series.id}/meetings/new`)).body).toContain('Old room');
    expect((await lead.post(`/meetings/venues/${venue.id}/archive`, {})).statusCode).toBe(303);
    expect((await lead.get(`/meetings/series/${series.id}/meetings/new`)).body).not.toContain('Old room');
    expect((await lead.get('/meetings/venues?archived=yes')).body).toContain('Old room');
    expect((await lead.post(`/meetings/series/${series.id}/meetings`, meetingForm({ venueId: String(venue.id) }))).statusCode).toBe(400);
    expect((await lead.post(`/meetings/series/${series.id}/meetings`, meetingForm({ venueId: String(southVenue.id) }))).statusCode).toBe(400);
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.post(`/meetings/venues/${southVenue.id}/archive`, {})).statusCode).toBe(404);
  });
});
