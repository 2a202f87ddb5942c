import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { seedInvolvement, signedIn } from '../groups/test-support.ts';
import { addSeriesMember, insertAgendaItem, insertMeeting, insertSeries } from '../meetings/test-support.ts';
import { londonDate } from '../projects/service.ts';
import { isOverdue, roleFromRelationship, statusFromRsvp } from './service.ts';
import { addDays, insertAction, insertRegisterPerson, invite } from './test-support.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

describe('attendance, minutes and actions', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedInvolvement>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedInvolvement(t);
  });
  afterEach(() => t.close());

  /** A North team forum held two weeks ago, with staff, people of each relationship, and a later meeting last week. */
  async function forum() {
    const unit = s.org.northTeam.id;
    const series = await insertSeries(t.db, unit, { name: 'North QI Forum' });
    const meeting = await insertMeeting(t.db, series.id, { starts_at: ago(14) });
    const later = await insertMeeting(t.db, series.id, { starts_at: ago(7) });
    const ann = await insertRegisterPerson(t.db, unit, 'Ann Archer', { relationship: 'service_user', anonymity: 'first_name' });
    const bea = await insertRegisterPerson(t.db, unit, 'Bea Brown', { relationship: 'both' });
    const carl = await insertRegisterPerson(t.db, unit, 'Carl Cole', { relationship: 'carer' });
    const dee = await insertRegisterPerson(t.db, unit, 'Dee Dunn', { relationship: 'governor', anonymity: 'anonymous' });
    await addSeriesMember(t.db, series.id, { userId: s.users.staff });
    await addSeriesMember(t.db, series.id, { personId: ann });
    await addSeriesMember(t.db, series.id, { personId: carl });
    await invite(t.db, meeting.id, { userId: s.users.staff }, 'in_person');
    await invite(t.db, meeting.id, { personId: ann }, 'apologies');
    await invite(t.db, meeting.id, { personId: bea }, 'online');
    await invite(t.db, meeting.id, { personId: dee });
    return { unit, series, meeting, later, ann, bea, carl, dee };
  }

  const attendanceRows = (meetingId: number) =>
    t.db.db.selectFrom('attendance').select(['user_id', 'person_id', 'walk_in_name', 'role', 'status']).where('meeting_id', '=', meetingId).orderBy('id').execute();

  it('takes attendance from the invitations and the members, pre-filled from the replies, with walk-ins, and saving again never duplicates', async () => {
    const f = await forum();
    const lead = await signedIn(t, 'lead@example.org');
    const url = `/meetings/${f.meeting.id}/attendance`;
    const page = await lead.get(url);
    expect(page.statusCode).toBe(200);
    // Everyone invited, and the member without an invitation (Carl), pre-filled from their replies and relationships.
    const checked = (key: string) => new RegExp(`name="status-${key}" type="radio" value="(\\w+)" checked`).exec(page.body)?.[1];
    const role = (key: string) => new RegExp(`<select[^>]*name="role-${key}"[\\s\\S]*?<option value="(\\w+)" selected`).exec(page.body)?.[1];
    expect([checked(`u${s.users.staff}`), checked(`p${f.ann}`), checked(`p${f.bea}`), checked(`p${f.carl}`), checked(`p${f.dee}`)]).toEqual(['present', 'apologies', 'present', 'absent', 'absent']);
    expect([role(`u${s.users.staff}`), role(`p${f.ann}`), role(`p${f.bea}`), role(`p${f.carl}`), role(`p${f.dee}`)]).toEqual(['staff', 'service_user', 'service_user', 'carer', 'other']);
    expect(page.body).toContain('Said they would join online');
    expect(page.body).toContain('Member of the series');

    const form = {
      [`status-u${s.users.staff}`]: 'present', [`role-u${s.users.staff}`]: 'staff',
      [`status-p${f.ann}`]: 'apologies', [`role-p${f.ann}`]: 'service_user',
      [`status-p${f.bea}`]: 'present', [`role-p${f.bea}`]: 'service_user',
      [`status-p${f.carl}`]: 'present', [`role-p${f.carl}`]: 'carer',
      [`status-p${f.dee}`]: 'absent', [`role-p${f.dee}`]: 'other',
    };
    expect((await lead.post(url, form)).statusCode).toBe(303);
    expect(await attendanceRows(f.meeting.id)).toHaveLength(5);
    const taken = await t.db.db.selectFrom('meetings').select('attendance_taken_at').where('id', '=', f.meeting.id).executeTakeFirstOrThrow();
    expect(taken.attendance_taken_at).not.toBeNull();

    // A walk-in by name, and Carl again (already on the list): he is not added twice.
    expect((await lead.post(`${url}/walk-ins`, { walkInName: 'Eve Evans', walkInRole: 'carer' })).statusCode).toBe(303);
    expect((await lead.post(`${url}/walk-ins`, { personId: String(f.carl) })).statusCode).toBe(303);
    // Someone from the register who was not invited: their role comes from their relationship.
    const fay = await insertRegisterPerson(t.db, f.unit, 'Fay Ford', { relationship: 'carer' });
    expect((await lead.post(`${url}/walk-ins`, { personId: String(fay) })).statusCode).toBe(303);
    let rows = await attendanceRows(f.meeting.id);
    expect(rows).toHaveLength(7);
    expect(rows.filter((r) => r.person_id === f.carl)).toHaveLength(1);
    expect(rows.find((r) => r.walk_in_name === 'Eve Evans')).toMatchObject({ role: 'carer', status: 'present', person_id: null });
    expect(rows.find((r) => r.person_id === fay)).toMatchObject({ role: 'carer', status: 'present' });

    // Saving again (the walk-ins are on the list now) changes rows in place.
    const again = await lead.get(url);
    expect(again.body).toContain('Eve Evans');
    expect(again.body).toContain('Came on the day');
    const walkIn = /name="status-(w\d+)"/.exec(again.body)?.[1] as string;
    const res = await lead.post(url, { ...form, [`status-p${f.ann}`]: 'present', [`status-${walkIn}`]: 'present', [`role-${walkIn}`]: 'other', [`status-p${fay}`]: 'present', [`role-p${fay}`]: 'carer' });
    expect(res.statusCode).toBe(303);
    rows = await attendanceRows(f.meeting.id);
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.person_id === f.ann)?.status).toBe('present');
    expect(rows.find((r) => r.walk_in_name === 'Eve Evans')?.role).toBe('other');

    // Counts by role.
    const counted = (await lead.get(url)).body.replace(/\s+/g, ' ');
    expect(counted).toContain('How many people came, by role');
    expect(counted).toMatch(/Carer <\/th> <td[^>]*> 2 <\/td>/);
    expect(counted).toMatch(/Total <\/th> <td[^>]*> 6 <\/td> <td[^>]*> 0 <\/td> <td[^>]*> 1 <\/td>/);

    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'entity_type']).where('action', 'like', 'attendance.%').execute();
    expect(audit.filter((a) => a.action === 'attendance.taken')).toHaveLength(2);
    expect(audit.filter((a) => a.action === 'attendance.walk_in_added')).toHaveLength(2);
    expect(audit.filter((a) => a.action === 'attendance.recorded' && a.entity_type === 'person')).toHaveLength(4);
  });

  it('keeps what was chosen and names the person when a status is missing', async () => {
    const f = await forum();
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.post(`/meetings/${f.meeting.id}/attendance`, { [`status-p${f.ann}`]: 'present', [`role-p${f.ann}`]: 'carer' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose whether Bea Brown was present, sent apologies or was absent');
    expect(res.body).toMatch(new RegExp(`name="status-p${f.ann}" type="radio" value="present" checked`));
    expect(res.body).toMatch(new RegExp(`name="role-p${f.ann}"[\\s\\S]*?<option value="carer" selected`));
    expect(await attendanceRows(f.meeting.id)).toHaveLength(0);
    const walkIn = await lead.post(`/meetings/${f.meeting.id}/attendance/walk-ins`, { walkInName: 'Gus Green' });
    expect(walkIn.statusCode).toBe(400);
    expect(walkIn.body).toContain('Choose the role they came in');
    expect(walkIn.body).toContain('value="Gus Green"');
    const bad = await lead.post(`/meetings/${f.meeting.id}/attendance/walk-ins`, { walkInName: 'x'.repeat(121), walkInRole: 'alien', personId: '99999999999' });
    expect(bad.statusCode).toBe(400);
  });

  it('lets a partner who co-chairs the series take attendance and write minutes, but not a partner who is only a member', async () => {
    const f = await forum();
    const partnerPerson = await insertRegisterPerson(t.db, f.unit, 'Pat Partner', { user_id: s.users.partner, relationship: 'carer' });
    const member = await addSeriesMember(t.db, f.series.id, { personId: partnerPerson }, 'member');
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get(`/meetings/${f.meeting.id}/attendance`)).statusCode).toBe(404);
    expect((await partner.get(`/meetings/${f.meeting.id}/minutes/edit`)).statusCode).toBe(404);
    await t.db.db.updateTable('series_members').set({ role: 'co_chair' }).where('id', '=', member).execute();
    const page = await partner.get(`/meetings/${f.meeting.id}/attendance`);
    expect(page.statusCode).toBe(200);
    // No register search for a partner: walk-ins by name only. People are named as they asked.
    expect(page.body).not.toContain('name="personId"');
    expect(page.body).not.toContain('Dee Dunn');
    expect(page.body).toContain('Anonymous partner');
    // The partner is on the list through their register entry, as a carer.
    expect(page.body).toMatch(new RegExp(`name="role-p${partnerPerson}"[\\s\\S]*?<option value="carer" selected`));
    const keys = [...page.body.matchAll(/name="status-(\w+)" type="radio" value="(\w+)" checked/g)];
    const roles = [...page.body.matchAll(/name="role-(\w+)"[\s\S]*?<option value="(\w+)" selected/g)];
    const form = Object.fromEntries([...keys.map((m) => [`status-${m[1]}`, m[2]]), ...roles.map((m) => [`role-${m[1]}`, m[2]])]);
    expect((await partner.post(`/meetings/${f.meeting.id}/attendance`, form)).statusCode).toBe(303);
    expect(await attendanceRows(f.meeting.id)).toHaveLength(6);
    expect((await partner.post(`/meetings/${f.meeting.id}/attendance/walk-ins`, { walkInName: 'Hal Hughes', walkInRole: 'service_user' })).statusCode).toBe(303);
    expect((await partner.post(`/meetings/${f.meeting.id}/attendance/walk-ins`, { personId: String(f.ann) })).statusCode).toBe(400);
  });

  it('writes minutes as a draft, approves them at a later meeting, publishes them, and shows public minutes only then, as people asked', async () => {
    const f = await forum();
    const item = await insertAgendaItem(t.db, f.meeting.id, { title: 'Falls project update', kind: 'project_slot' });
    const other = await insertSeries(t.db, f.unit, { name: 'Other forum' });
    const otherMeeting = await insertMeeting(t.db, other.id, { starts_at: ago(3) });
    const future = await insertMeeting(t.db, f.series.id, { starts_at: new Date(Date.now() + 7 * DAY).toISOString() });
    await t.db.db.insertInto('attendance').values([
      { meeting_id: f.meeting.id, person_id: f.ann, role: 'service_user', status: 'present', recorded_at: ago(14) },
      { meeting_id: f.meeting.id, person_id: f.dee, role: 'other', status: 'present', recorded_at: ago(14) },
      { meeting_id: f.meeting.id, user_id: s.users.staff, role: 'staff', status: 'present', recorded_at: ago(14) },
      { meeting_id: f.meeting.id, walk_in_name: 'Walter Walkin', role: 'carer', status: 'present', recorded_at: ago(14) },
      { meeting_id: f.meeting.id, person_id: f.bea, role: 'service_user', status: 'apologies', recorded_at: ago(14) },
    ]).execute();
    const lead = await signedIn(t, 'lead@example.org');
    const anonymous = new Browser(t.app);
    const base = `/meetings/${f.meeting.id}/minutes`;

    expect((await lead.get(base)).body).toContain('have not been written yet');
    expect((await lead.post(`${base}/approve`, { approvedIn: String(f.later.id) })).statusCode).toBe(400);
    expect((await lead.get(`${base}/edit`)).statusCode).toBe(200);
    expect((await lead.post(`${base}/edit`, { [`notes-${item}`]: 'The team showed their run chart.\n\nFalls are down.', [`decisions-${item}`]: 'Spread to ward 2.' })).statusCode).toBe(303);
    const draft = await lead.get(base);
    expect(draft.body).toContain('Draft');
    expect(draft.body).toContain('Falls are down.');
    expect(draft.body).toContain('Spread to ward 2.');
    expect((await anonymous.get(`/minutes/${f.meeting.id}`)).statusCode).toBe(404);
    // Publishing needs approval first; approval needs a later meeting of the series that has happened.
    const early = await lead.post(`${base}/publish`, { publication: 'public' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Approve the minutes before publishing them');
    for (const wrong of [otherMeeting.id, future.id, f.meeting.id, 99999, 'nonsense']) {
      const res = await lead.post(`${base}/approve`, { approvedIn: String(wrong) });
      expect(res.statusCode, String(wrong)).toBe(400);
    }
    expect((await lead.post(`${base}/approve`, { approvedIn: String(future.id) })).body).toContain('Choose a meeting that has already happened');
    expect((await lead.post(`${base}/approve`, { approvedIn: String(f.later.id) })).statusCode).toBe(303);
    const approved = await lead.get(base);
    expect(approved.body).not.toContain('app-minutes__draft-label');
    expect(approved.body).toContain('These minutes were approved at');
    expect((await anonymous.get(`/minutes/${f.meeting.id}`)).statusCode).toBe(404);

    // Published to members: a member who does not run the series reads them; still not public.
    const partnerPerson = await insertRegisterPerson(t.db, f.unit, 'Pat Partner', { user_id: s.users.partner });
    await addSeriesMember(t.db, f.series.id, { personId: partnerPerson });
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get(base)).statusCode).toBe(404);
    expect((await lead.post(`${base}/publish`, { publication: 'members' })).statusCode).toBe(303);
    const asMember = await partner.get(base);
    expect(asMember.statusCode).toBe(200);
    expect(asMember.body).not.toContain('Record approval');
    expect((await anonymous.get(`/minutes/${f.meeting.id}`)).statusCode).toBe(404);

    expect((await lead.post(`${base}/publish`, { publication: 'public' })).statusCode).toBe(303);
    const pub = await anonymous.get(`/minutes/${f.meeting.id}`);
    expect(pub.statusCode).toBe(200);
    // Ann asked for her first name only; Dee to be anonymous; the walk-in is not named in public; no contact details.
    expect(pub.body).toContain('<li>Ann</li>');
    expect(pub.body).not.toContain('Archer');
    expect(pub.body).not.toContain('Dee');
    expect(pub.body).not.toContain('Walter');
    expect(pub.body).toContain('And 2 people who are not named here.');
    expect(pub.body).toContain('<li>Bea Brown</li>');
    expect(pub.body).not.toMatch(/@example\.org|07700/);
    expect(pub.body).toContain('Falls are down.');
    // The internal copy names the walk-in, still not the anonymous person.
    const internal = await lead.get(base);
    expect(internal.body).toContain('Walter Walkin');
    expect(internal.body).not.toContain('Dee Dunn');
    const large = await lead.get(`${base}/large-print`);
    expect(large.statusCode).toBe(200);
    expect(large.body).toContain('app-large-print');

    // Changing approved minutes makes them a draft again, unpublished.
    expect((await lead.get(`${base}/edit`)).body).toContain('become a draft again');
    expect((await lead.post(`${base}/edit`, { [`notes-${item}`]: 'Corrected.' })).statusCode).toBe(303);
    expect((await anonymous.get(`/minutes/${f.meeting.id}`)).statusCode).toBe(404);
    const row = await t.db.db.selectFrom('meetings').select(['minutes_status', 'minutes_published', 'minutes_approved_in']).where('id', '=', f.meeting.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ minutes_status: 'draft', minutes_published: 'none', minutes_approved_in: null });
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('action', 'like', 'minutes.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['minutes.saved', 'minutes.approved', 'minutes.published', 'minutes.published', 'minutes.saved']);
    expect((await anonymous.get('/minutes/abc')).statusCode).toBe(404);
    expect((await anonymous.get('/minutes/99999999999')).statusCode).toBe(404);
  });

  it('renders the minutes as a standalone large-print document', async () => {
    const f = await forum();
    await insertAgendaItem(t.db, f.meeting.id, { title: 'Welcome', notes: 'Everyone said hello.' });
    await t.db.db.updateTable('meetings').set({ minutes_status: 'draft' }).where('id', '=', f.meeting.id).execute();
    const { minutesDocument } = await import('./service.ts');
    const lead = await t.db.db.selectFrom('users').selectAll().where('email', '=', 'lead@example.org').executeTakeFirstOrThrow();
    const ctx = { db: t.db.db, dialect: t.db.dialect, config: t.config, ip: null, principal: { userId: lead.id, email: lead.email, name: lead.name, grants: [{ unitId: s.org.north.id, unitPath: s.org.north.path, role: 'lead' as const }] } };
    const html = await minutesDocument(ctx, f.meeting.id);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('font-size: 18pt');
    expect(html).toContain('Draft');
    expect(html).toContain('Everyone said hello.');
  });

  it('adds actions with an owner from the meeting, keeps input on mistakes, and lets the owner change the status', async () => {
    const f = await forum();
    const item = await insertAgendaItem(t.db, f.meeting.id, { title: 'Falls project update' });
    const partnerPerson = await insertRegisterPerson(t.db, f.unit, 'Pat Partner', { user_id: s.users.partner });
    await addSeriesMember(t.db, f.series.id, { personId: partnerPerson });
    const lead = await signedIn(t, 'lead@example.org');
    const edit = await lead.get(`/meetings/${f.meeting.id}/minutes/edit`);
    expect(edit.body).toContain(`<option value="p${partnerPerson}">Pat Partner</option>`);
    expect(edit.body).toContain(`<option value="u${s.users.staff}">Sam Staff</option>`);

    const bad = await lead.post(`/meetings/${f.meeting.id}/actions`, { description: 'Share the falls chart with ward 2', owner: `p${partnerPerson}`, dueOn: '2025-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the date it is due');
    expect(bad.body).toContain('Share the falls chart with ward 2');
    expect(bad.body).toContain(`<option value="p${partnerPerson}" selected>`);
    // Someone outside the meeting cannot own an action.
    const stranger = await insertRegisterPerson(t.db, f.unit, 'Stan Stranger');
    expect((await lead.post(`/meetings/${f.meeting.id}/actions`, { description: 'x', owner: `p${stranger}`, dueOn: '2025-03-01' })).body).toContain('Choose who will do it');
    expect((await lead.post(`/meetings/${f.meeting.id}/actions`, { description: 'x', owner: `p${partnerPerson}`, dueOn: '2025-03-01', agendaItemId: '99999' })).statusCode).toBe(400);

    const ok = await lead.post(`/meetings/${f.meeting.id}/actions`, { description: 'Share the falls chart with ward 2', owner: `p${partnerPerson}`, dueOn: '2025-03-01', agendaItemId: String(item) });
    expect(ok.statusCode).toBe(303);
    const action = await t.db.db.selectFrom('meeting_actions').selectAll().executeTakeFirstOrThrow();
    expect(action).toMatchObject({ series_id: f.series.id, meeting_id: f.meeting.id, agenda_item_id: item, owner_person_id: partnerPerson, owner_user_id: null, due_on: '2025-03-01', status: 'open' });

    // The partner owns it: they see it on the series' log and may change its status only.
    const partner = await signedIn(t, 'partner@example.org');
    const log = await partner.get(`/meetings/series/${f.series.id}/actions`);
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain('Share the falls chart with ward 2');
    expect(log.body).toContain('Overdue');
    expect((await partner.get('/meetings/actions')).body).toContain('Share the falls chart with ward 2');
    const page = await partner.get(`/meetings/actions/${action.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('name="description"');
    expect((await partner.post(`/meetings/actions/${action.id}`, { status: 'finished' })).statusCode).toBe(400);
    expect((await partner.post(`/meetings/actions/${action.id}`, { status: 'done', description: 'Hijacked' })).statusCode).toBe(303);
    let row = await t.db.db.selectFrom('meeting_actions').selectAll().where('id', '=', action.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
    expect(row.description).toBe('Share the falls chart with ward 2');
    expect(row.completed_at).not.toBeNull();

    // The lead changes everything; reopening clears when it was done.
    const change = await lead.post(`/meetings/actions/${action.id}`, { description: 'Share the chart with wards 2 and 3', owner: `u${s.users.staff}`, dueOn: '2025-04-01', status: 'in_progress' });
    expect(change.statusCode).toBe(303);
    row = await t.db.db.selectFrom('meeting_actions').selectAll().where('id', '=', action.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ description: 'Share the chart with wards 2 and 3', owner_user_id: s.users.staff, owner_person_id: null, due_on: '2025-04-01', status: 'in_progress', completed_at: null });
    // No longer theirs: the partner (not staff, not chair) no longer sees it.
    expect((await partner.get(`/meetings/actions/${action.id}`)).statusCode).toBe(404);
    expect((await partner.get(`/meetings/series/${f.series.id}/actions`)).body).not.toContain('wards 2 and 3');
    const keep = await lead.post(`/meetings/actions/${action.id}`, { description: '', owner: `u${s.users.staff}`, dueOn: '2025-04-01', status: 'open' });
    expect(keep.statusCode).toBe(400);
    expect(keep.body).toContain('Enter what needs to be done');
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'meeting_action').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['meeting_action.created', 'meeting_action.updated', 'meeting_action.updated']);
  });

  it('lists overdue and open actions by London date, filtered by unit and series, a page at a time', async () => {
    const f = await forum();
    const south = await insertSeries(t.db, s.org.southTeam.id, { name: 'South forum' });
    const today = londonDate();
    const late = await insertAction(t.db, f.series.id, { description: 'Late one', due_on: addDays(today, -1) });
    await insertAction(t.db, f.series.id, { description: 'Due today', due_on: today });
    await insertAction(t.db, f.series.id, { description: 'Done late', due_on: addDays(today, -10), status: 'done' });
    await insertAction(t.db, f.series.id, { description: 'Dropped late', due_on: addDays(today, -10), status: 'dropped' });
    await insertAction(t.db, f.series.id, { description: 'Going slowly', due_on: addDays(today, -3), status: 'in_progress' });
    await insertAction(t.db, south.id, { description: 'South late', due_on: addDays(today, -2) });
    const lead = await signedIn(t, 'lead@example.org');

    const texts = (body: string) => [...body.matchAll(/<a href="\/meetings\/actions\/\d+">([^<]+)<\/a>|<td[^>]*>\s*(?:<span[^>]*>[^<]*<\/span>)?\s*(South late)/g)].map((m) => m[1] ?? m[2]);
    const overdue = await lead.get(`/meetings/actions?show=overdue&unitId=${s.org.northTeam.id}`);
    expect(overdue.statusCode).toBe(200);
    expect(texts(overdue.body)).toEqual(['Going slowly', 'Late one']);
    expect(overdue.body).toContain('3 days late');
    expect(overdue.body).toContain('1 day late');
    const open = await lead.get(`/meetings/actions?show=open&unitId=${s.org.northTeam.id}`);
    expect(texts(open.body)).toEqual(['Going slowly', 'Late one', 'Due today']);
    // The lead of North sees no South actions; an admin of the trust would.
    expect((await lead.get('/meetings/actions')).body).not.toContain('South late');
    expect(texts((await lead.get(`/meetings/actions?status=done&seriesId=${f.series.id}`)).body)).toEqual(['Done late']);
    // Nonsense filters are ignored rather than failing.
    expect((await lead.get('/meetings/actions?show=late&unitId=abc&status=x&after=nope&seriesId=99999999999')).statusCode).toBe(200);
    // A page cursor beyond any record id (PostgreSQL would refuse it as an integer) is ignored too.
    expect((await lead.get('/meetings/actions?after=none.9999999999')).statusCode).toBe(200);
    expect((await lead.get(`/meetings/series/${f.series.id}/actions?after=2025-01-01.2147483648`)).statusCode).toBe(200);
    expect(texts((await lead.get(`/meetings/actions?unitId=${s.org.southTeam.id}`)).body)).toEqual([]);

    // Staff of another unit see nothing of North's; the series log is theirs to 404.
    const southStaff = await signedIn(t, 'south@example.org');
    expect((await southStaff.get('/meetings/actions?show=overdue')).body).toContain('South late');
    expect((await southStaff.get('/meetings/actions?show=overdue')).body).not.toContain('Late one');
    expect((await southStaff.get(`/meetings/series/${f.series.id}/actions`)).statusCode).toBe(404);

    // Paging: 60 more actions, 50 a page, keyset by due date then id, no repeats.
    for (let i = 0; i < 60; i++) await insertAction(t.db, f.series.id, { description: `Bulk ${String(i).padStart(2, '0')}`, due_on: addDays(today, 5 + (i % 7)) });
    const first = await lead.get(`/meetings/series/${f.series.id}/actions`);
    const next = /href="(\/meetings\/series\/\d+\/actions\?after=[^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await lead.get(next as string);
    const all = [...texts(first.body), ...texts(second.body)];
    expect(all).toHaveLength(65);
    expect(new Set(all).size).toBe(65);
    expect(all.slice(0, 4)).toEqual(['Done late', 'Dropped late', 'Going slowly', 'Late one']);
    expect(all.indexOf('Bulk 00')).toBeGreaterThan(all.indexOf('Due today'));
    expect(late).toBeGreaterThan(0);
  });

  it('works out roles, pre-filled statuses and overdue by London dates', () => {
    expect(['service_user', 'carer', 'both', 'volunteer', 'governor', 'staff'].map((r) => roleFromRelationship(r as never))).toEqual(['service_user', 'carer', 'service_user', 'other', 'other', 'staff']);
    expect((['none', 'in_person', 'online', 'apologies'] as const).map(statusFromRsvp)).toEqual(['absent', 'present', 'present', 'apologies']);
    // 23:30 UTC on 30 June is already 1 July in London (summer time): an action due on 30 June is overdue then.
    const londonToday = londonDate(new Date('2025-06-30T23:30:00Z'));
    expect(londonToday).toBe('2025-07-01');
    expect(isOverdue({ status: 'open', due_on: '2025-06-30' }, londonToday)).toBe(true);
    expect(isOverdue({ status: 'open', due_on: '2025-06-30' }, londonDate(new Date('2025-06-30T22:59:00Z')))).toBe(false);
    // In winter London is on UTC.
    expect(londonDate(new Date('2025-01-31T23:30:00Z'))).toBe('2025-01-31');
    expect(isOverdue({ status: 'in_progress', due_on: '2025-01-30' }, '2025-01-31')).toBe(true);
    expect(isOverdue({ status: 'done', due_on: '2025-01-30' }, '2025-01-31')).toBe(false);
    expect(isOverdue({ status: 'dropped', due_on: '2025-01-30' }, '2025-01-31')).toBe(false);
    expect(isOverdue({ status: 'open', due_on: null }, '2025-01-31')).toBe(false);
  });

  it('includes invitations, attendance and actions in the subject-access export, and erasure keeps the counts without the person', async () => {
    const f = await forum();
    await t.db.db.insertInto('attendance').values({ meeting_id: f.meeting.id, person_id: f.ann, role: 'service_user', status: 'present', recorded_at: ago(14) }).execute();
    await insertAction(t.db, f.series.id, { meeting_id: f.meeting.id, description: 'Ann will test the leaflet', owner_person_id: f.ann });
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.get(`/people/${f.ann}/export`);
    expect(res.statusCode).toBe(200);
    const doc = JSON.parse(res.body) as { meetings: { invitations: { series: string; response: string }[]; attendance: { status: string; role: string }[]; actions_owned: { description: string }[] } };
    expect(doc.meetings.invitations).toEqual([expect.objectContaining({ series: 'North QI Forum', response: 'apologies' })]);
    expect(doc.meetings.attendance).toEqual([expect.objectContaining({ status: 'present', role: 'service_user' })]);
    expect(doc.meetings.actions_owned.map((a) => a.description)).toEqual(['Ann will test the leaflet']);

    expect((await lead.post(`/people/${f.ann}/erase`, { confirm: 'yes' })).statusCode).toBe(303);
    const rows = await attendanceRows(f.meeting.id);
    expect(rows).toEqual([{ user_id: null, person_id: null, walk_in_name: null, role: 'service_user', status: 'present' }]);
    expect(await t.db.db.selectFrom('invitations').select('id').where('person_id', '=', f.ann).execute()).toEqual([]);
    expect(await t.db.db.selectFrom('series_members').select('id').where('person_id', '=', f.ann).execute()).toEqual([]);
    expect((await t.db.db.selectFrom('meeting_actions').select('owner_person_id').executeTakeFirstOrThrow()).owner_person_id).toBeNull();
    // The attendance sheet still counts them, without a name.
    const page = await lead.get(`/meetings/${f.meeting.id}/attendance`);
    expect(page.body).toContain('Someone whose details were removed');
    expect(page.body).not.toContain('Ann Archer');
  });
});
