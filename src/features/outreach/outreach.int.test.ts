import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { idFrom, insertPerson, seedInvolvement, signedIn } from '../groups/test-support.ts';

/** Each table row's text, tags removed and spaces collapsed. */
const rowsText = (html: string): string[] =>
  html.split(/<tr[\s>]/).slice(1).map((r) => r.slice(r.indexOf('>') + 1, r.indexOf('</tr>')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());

describe('the outreach log', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedInvolvement>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedInvolvement(t);
  });
  afterEach(() => t.close());

  const logEvent = async (b: Awaited<ReturnType<typeof signedIn>>, form: Record<string, string>) => {
    const res = await b.post('/outreach', { unitId: String(s.org.northTeam.id), onDate: '2025-03-01', kind: 'stall', title: 'Stall', peopleSpokenTo: '10', ...form });
    expect(res.statusCode).toBe(303);
    return idFrom(res.headers.location);
  };

  it('logs events, takes enquiries at them and counts what each kind of outreach brought in', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    expect((await lead.get('/outreach/new')).statusCode).toBe(200);
    const stall = await logEvent(lead, { title: 'Market stall', place: 'High Street', whoWent: 'Lee and Sam', peopleSpokenTo: '40', kind: 'stall' });
    const talk = await logEvent(lead, { title: 'Talk at the carers centre', kind: 'talk', onDate: '2025-04-10', peopleSpokenTo: '15' });
    await logEvent(lead, { title: 'Second stall', kind: 'stall', onDate: '2025-05-01', peopleSpokenTo: '5' });

    expect((await lead.post(`/outreach/${stall}/enquiries`, { fullName: 'Ann Archer', phone: '07700 900001', preferredChannel: 'sms' })).statusCode).toBe(303);
    expect((await lead.post(`/outreach/${stall}/enquiries`, { fullName: 'Bob Baker', email: 'bob@example.org', preferredChannel: 'email' })).statusCode).toBe(303);
    expect((await lead.post(`/outreach/${talk}/enquiries`, { fullName: 'Cat Carter', email: 'cat@example.org', preferredChannel: 'email' })).statusCode).toBe(303);
    const bad = await lead.post(`/outreach/${talk}/enquiries`, { fullName: 'Dee', preferredChannel: 'phone' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a phone number, or choose another way to contact them');
    expect(bad.body).toContain('value="Dee"');

    const people = await t.db.db.selectFrom('people').selectAll().orderBy('id').execute();
    expect(people.map((p) => [p.full_name, p.status, p.heard_via, p.outreach_event_id, p.unit_id])).toEqual([
      ['Ann Archer', 'enquiry', 'stall', stall, s.org.northTeam.id],
      ['Bob Baker', 'enquiry', 'stall', stall, s.org.northTeam.id],
      ['Cat Carter', 'enquiry', 'event', talk, s.org.northTeam.id],
    ]);
    const history = await t.db.db.selectFrom('person_status_history').selectAll().execute();
    expect(history).toHaveLength(3);
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'person.created').orderBy('id').execute();
    expect(audit.map((a) => Number(a.entity_id))).toEqual(people.map((p) => p.id));

    // Ann became active later.
    const ann = people[0]?.id as number;
    await t.db.db.updateTable('people').set({ status: 'active' }).where('id', '=', ann).execute();
    await t.db.db.insertInto('person_status_history').values({ person_id: ann, status: 'active', changed_at: nowIso(), changed_by: null }).execute();
    // Someone who heard from the website, registered directly.
    await insertPerson(t, s.org.northTeam.id, 'Eve Evans', { heardVia: 'website' });

    const page = await lead.get(`/outreach/${stall}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('People who enquired (2)');
    expect(page.body).toContain('Ann Archer');
    expect(page.body).toContain('Bob Baker');
    expect(page.body).not.toContain('Cat Carter');

    const list = await lead.get('/outreach');
    const rows = rowsText(list.body);
    expect(rows).toContain('Kind of outreach Stall Events 2 People spoken to 45 Enquiries gained 2 Became active 1');
    expect(rows).toContain('Kind of outreach Talk Events 1 People spoken to 15 Enquiries gained 1 Became active 0');
    expect(rows).toContain('How they heard A stall People 2');
    expect(rows).toContain('How they heard An event or talk People 1');
    expect(rows).toContain('How they heard Website People 1');

    // Filters: kind and date range, in SQL.
    const stalls = rowsText((await lead.get('/outreach?kind=stall&from=2025-04-01')).body);
    expect(stalls).toContain('Kind of outreach Stall Events 1 People spoken to 5 Enquiries gained 0 Became active 0');
    expect(stalls.some((r) => r.includes('Market stall'))).toBe(false);
    expect(stalls.some((r) => r.includes('Second stall'))).toBe(true);
    const ignored = await lead.get('/outreach?from=yesterday&kind=party');
    expect(ignored.statusCode).toBe(200);
  });

  it('validates the event form and keeps what was typed', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.post('/outreach', { unitId: String(s.org.northTeam.id), onDate: '2025-02-30', title: 'Fair', peopleSpokenTo: '-3' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter the date, like 2026-03-17');
    expect(res.body).toContain('Choose the kind of outreach');
    expect(res.body).toContain('Enter the number of people spoken to');
    expect(res.body).toContain('value="Fair"');
    const id = await logEvent(lead, { title: 'Fair' });
    expect((await lead.get(`/outreach/${id}/edit`)).statusCode).toBe(200);
    expect((await lead.post(`/outreach/${id}`, { unitId: String(s.org.northTeam.id), onDate: '2025-03-02', kind: 'meeting', title: 'Community meeting' })).statusCode).toBe(303);
    const row = await t.db.db.selectFrom('outreach_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.kind, row.title, row.on_date, row.people_spoken_to]).toEqual(['meeting', 'Community meeting', '2025-03-02', 0]);
  });

  it('keeps outreach to its units: other staff get 404, partners are refused, staff only look', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const id = await logEvent(lead, { title: 'North stall' });
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.get('/outreach')).body).toContain('North stall');
    expect((await staff.get(`/outreach/${id}`)).statusCode).toBe(200);
    expect((await staff.post(`/outreach/${id}/enquiries`, { fullName: 'X', email: 'x@example.org', preferredChannel: 'email' })).statusCode).toBe(404);
    expect((await staff.get('/outreach/new')).statusCode).toBe(403);
    const other = await signedIn(t, 'south@example.org');
    expect((await other.get('/outreach')).body).not.toContain('North stall');
    expect((await other.get(`/outreach/${id}`)).statusCode).toBe(404);
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/outreach')).statusCode).toBe(403);
    expect((await partner.get(`/outreach/${id}`)).statusCode).toBe(404);
  });

  it('links an enquirer\'s name to their register entry only for those who may see it', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const id = await logEvent(lead, { title: 'North stall' });
    const inTeam = await insertPerson(t, s.org.northTeam.id, 'Ann Archer', { status: 'enquiry', outreachEventId: id });
    const inBorough = await insertPerson(t, s.org.north.id, 'Bob Baker', { status: 'enquiry', anonymity: 'initials', outreachEventId: id });
    const staff = (await (await signedIn(t, 'staff@example.org')).get(`/outreach/${id}`)).body;
    expect(staff).toContain(`<a href="/people/${inTeam}">Ann Archer</a>`);
    expect(staff).not.toContain(`/people/${inBorough}`);
    expect(staff).toContain('B. B.');
    expect((await lead.get(`/outreach/${id}`)).body).toContain(`<a href="/people/${inBorough}">Bob Baker</a>`);
  });
});
