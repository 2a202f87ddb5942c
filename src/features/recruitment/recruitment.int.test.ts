import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { idFrom, insertPerson, seedInvolvement, signedIn } from '../groups/test-support.ts';

/** Each table row's text, tags removed and spaces collapsed. */
const rowsText = (html: string): string[] => html.split(/<tr[\s>]/).slice(1).map((r) => r.slice(r.indexOf('>') + 1, r.indexOf('</tr>')).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());

describe('recruitment campaigns', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedInvolvement>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedInvolvement(t);
  });
  afterEach(() => t.close());

  const setUpCampaign = async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const g = await lead.post('/groups', { unitId: String(s.org.northTeam.id), name: 'North WTG' });
    const groupId = idFrom(g.headers.location);
    const c = await lead.post('/recruitment', { unitId: String(s.org.northTeam.id), title: 'WTG 2025', groupId: String(groupId), targetSize: '4', startsOn: '2025-01-01', endsOn: '2025-06-30' });
    expect(c.statusCode).toBe(303);
    return { lead, groupId, campaignId: idFrom(c.headers.location) };
  };

  it('moves candidates through the stages, adds members to the group and works out lead time and effort', async () => {
    const { lead, groupId, campaignId } = await setUpCampaign();
    const ann = await insertPerson(t, s.org.northTeam.id, 'Ann Archer');
    const bob = await insertPerson(t, s.org.northTeam.id, 'Bob Baker');
    const cat = await insertPerson(t, s.org.north.id, 'Cat Carter');
    expect((await lead.get(`/recruitment/${campaignId}/candidates/new`)).statusCode).toBe(200);
    for (const p of [ann, bob, cat]) {
      expect((await lead.post(`/recruitment/${campaignId}/candidates`, { personId: String(p), stage: 'enquiry', enteredOn: '2025-01-05' })).statusCode).toBe(303);
    }
    const dup = await lead.post(`/recruitment/${campaignId}/candidates`, { personId: String(ann), stage: 'enquiry', enteredOn: '2025-01-05' });
    expect(dup.statusCode).toBe(400);
    expect(dup.body).toContain('already a candidate');

    const candidates = await t.db.db.selectFrom('campaign_candidates').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
    const [cAnn, cBob, cCat] = candidates.map((c) => c.id) as [number, number, number];
    const move = (id: number, stage: string, on: string) => lead.post(`/recruitment/${campaignId}/candidates/${id}/stage`, { stage, on });
    expect((await move(cAnn, 'conversation', '2025-01-20')).statusCode).toBe(303);
    expect((await move(cAnn, 'member', '2025-02-20')).statusCode).toBe(303); // 50 days after the start
    expect((await move(cBob, 'member', '2025-03-12')).statusCode).toBe(303); // 70 days
    expect((await move(cCat, 'application', '2025-02-01')).statusCode).toBe(303);
    const bad = await move(cCat, 'induction', '2024-12-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('on or after the date they joined the campaign');
    expect(bad.body).toContain(`id="on-${cCat}"`);

    const after = await t.db.db.selectFrom('campaign_candidates').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
    expect(after.map((c) => [c.stage, c.stage_changed_on, c.member_on])).toEqual([
      ['member', '2025-02-20', '2025-02-20'],
      ['member', '2025-03-12', '2025-03-12'],
      ['application', '2025-02-01', null],
    ]);
    // Reaching "member" made them members of the group the campaign recruits for.
    const members = await t.db.db.selectFrom('group_members').selectAll().where('group_id', '=', groupId).orderBy('id').execute();
    expect(members.map((m) => [m.person_id, m.role, m.joined_on])).toEqual([
      [ann, 'member', '2025-02-20'],
      [bob, 'member', '2025-03-12'],
    ]);

    expect((await lead.post(`/recruitment/${campaignId}/work`, { onDate: '2025-01-03', activity: 'Phoned enquirers', hours: '2', minutes: '30' })).statusCode).toBe(303);
    expect((await lead.post(`/recruitment/${campaignId}/work`, { onDate: '2025-01-10', activity: 'Induction session', hours: '3' })).statusCode).toBe(303);
    const noTime = await lead.post(`/recruitment/${campaignId}/work`, { onDate: '2025-01-10', activity: 'Nothing' });
    expect(noTime.statusCode).toBe(400);
    expect(noTime.body).toContain('Enter the time spent');
    expect(noTime.body).toContain('value="Nothing"');

    const page = await lead.get(`/recruitment/${campaignId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('2 of 4');
    expect(page.body).toContain('60 days'); // median of 50 and 70
    expect(page.body).toContain('5.5 hours'); // total
    expect(page.body).toContain('2.8 hours'); // per member: 5.5 / 2 = 2.75
    expect(page.body).toContain('5 h 30 min');
    const rows = rowsText(page.body);
    for (const row of ['Enquiry 0', 'Conversation 0', 'Application 1', 'Induction 0', 'Member 2']) expect(rows).toContain(row);
    expect(rows).toContain('Name Ann Archer Became a member 20 Feb 2025 Days from the start 50');
    expect(rows).toContain('Name Bob Baker Became a member 12 Mar 2025 Days from the start 70');

    const audit = await t.db.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_type', '=', 'person').orderBy('id').execute();
    expect(audit.filter((a) => a.action === 'campaign_candidate.moved')).toHaveLength(4);
    expect(audit.filter((a) => a.action === 'campaign_candidate.added').map((a) => Number(a.entity_id))).toEqual([ann, bob, cat]);
    expect(audit.filter((a) => a.action === 'group_member.added').map((a) => Number(a.entity_id))).toEqual([ann, bob]);
  });

  it('adds a new enquiry to the register and the campaign in one go', async () => {
    const { lead, campaignId } = await setUpCampaign();
    const missing = await lead.post(`/recruitment/${campaignId}/enquiries`, { fullName: 'Dee Dixon', preferredChannel: 'email' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Enter an email address, or choose another way to contact them');
    expect(missing.body).toContain('value="Dee Dixon"');
    expect((await lead.post(`/recruitment/${campaignId}/enquiries`, { fullName: 'Dee Dixon', email: 'Dee@Example.org', preferredChannel: 'email' })).statusCode).toBe(303);
    const person = await t.db.db.selectFrom('people').selectAll().where('full_name', '=', 'Dee Dixon').executeTakeFirstOrThrow();
    expect([person.unit_id, person.email, person.status, person.preferred_channel, person.format, person.anonymity, person.payment_preference, person.relationship]).toEqual([
      s.org.northTeam.id, 'dee@example.org', 'enquiry', 'email', 'standard', 'full_name', 'expenses_only', 'service_user',
    ]);
    const history = await t.db.db.selectFrom('person_status_history').selectAll().where('person_id', '=', person.id).execute();
    expect(history.map((h) => h.status)).toEqual(['enquiry']);
    const candidate = await t.db.db.selectFrom('campaign_candidates').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
    expect([candidate.campaign_id, candidate.stage]).toEqual([campaignId, 'enquiry']);
    const audit = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'person.created').execute();
    expect(audit.map((a) => Number(a.entity_id))).toEqual([person.id]);
  });

  it('keeps campaigns to their units: other staff get 404, partners are refused, staff only look', async () => {
    const { campaignId } = await setUpCampaign();
    const staff = await signedIn(t, 'staff@example.org');
    expect((await staff.get('/recruitment')).body).toContain('WTG 2025');
    expect((await staff.get(`/recruitment/${campaignId}`)).statusCode).toBe(200);
    expect((await staff.get(`/recruitment/${campaignId}`)).body).not.toContain('Log work</button>');
    expect((await staff.post(`/recruitment/${campaignId}/work`, { onDate: '2025-01-01', activity: 'x', hours: '1' })).statusCode).toBe(404);
    const other = await signedIn(t, 'south@example.org');
    expect((await other.get('/recruitment')).body).not.toContain('WTG 2025');
    expect((await other.get(`/recruitment/${campaignId}`)).statusCode).toBe(404);
    const partner = await signedIn(t, 'partner@example.org');
    expect((await partner.get('/recruitment')).statusCode).toBe(403);
    expect((await partner.get(`/recruitment/${campaignId}`)).statusCode).toBe(404);
  });

  it('moves a person\'s register status forward at induction and member, never back nor out of paused or left', async () => {
    const { lead, campaignId } = await setUpCampaign();
    const ids = {
      enquiry: await insertPerson(t, s.org.northTeam.id, 'Ena Enquiry', { status: 'enquiry' }),
      contacted: await insertPerson(t, s.org.northTeam.id, 'Cas Contacted', { status: 'contacted' }),
      active: await insertPerson(t, s.org.northTeam.id, 'Act Active', { status: 'active' }),
      paused: await insertPerson(t, s.org.northTeam.id, 'Pam Paused', { status: 'paused' }),
      left: await insertPerson(t, s.org.northTeam.id, 'Lef Left', { status: 'left' }),
      direct: await insertPerson(t, s.org.northTeam.id, 'Dir Direct', { status: 'enquiry' }),
    };
    for (const key of ['enquiry', 'contacted', 'active', 'paused', 'left'] as const) {
      expect((await lead.post(`/recruitment/${campaignId}/candidates`, { personId: String(ids[key]), stage: 'enquiry', enteredOn: '2025-01-05' })).statusCode).toBe(303);
    }
    // Added straight in at "member".
    expect((await lead.post(`/recruitment/${campaignId}/candidates`, { personId: String(ids.direct), stage: 'member', enteredOn: '2025-01-05' })).statusCode).toBe(303);
    const candidateOf = async (personId: number) =>
      (await t.db.db.selectFrom('campaign_candidates').select('id').where('campaign_id', '=', campaignId).where('person_id', '=', personId).executeTakeFirstOrThrow()).id;
    const move = async (personId: number, stage: string) => expect((await lead.post(`/recruitment/${campaignId}/candidates/${await candidateOf(personId)}/stage`, { stage, on: '2025-02-01' })).statusCode).toBe(303);
    for (const key of ['enquiry', 'contacted', 'active', 'paused', 'left'] as const) await move(ids[key], 'induction');
    const statuses = async () =>
      Object.fromEntries((await t.db.db.selectFrom('people').select(['id', 'status']).execute()).map((p) => [Object.entries(ids).find(([, id]) => id === p.id)?.[0] ?? p.id, p.status]));
    expect(await statuses()).toMatchObject({ enquiry: 'induction', contacted: 'induction', active: 'active', paused: 'paused', left: 'left', direct: 'active' });
    await move(ids.enquiry, 'member');
    await move(ids.paused, 'member');
    expect(await statuses()).toMatchObject({ enquiry: 'active', paused: 'paused' });
    // Moving the candidate back leaves the register alone.
    await move(ids.enquiry, 'application');
    expect(await statuses()).toMatchObject({ enquiry: 'active' });

    const history = await t.db.db.selectFrom('person_status_history').select(['person_id', 'status']).orderBy('id').execute();
    expect(history.map((h) => [h.person_id, h.status])).toEqual([
      [ids.direct, 'active'],
      [ids.enquiry, 'induction'],
      [ids.contacted, 'induction'],
      [ids.enquiry, 'active'],
    ]);
    const audits = await t.db.db.selectFrom('audit_log').select(['entity_id', 'details']).where('action', '=', 'person.updated').orderBy('id').execute();
    expect(audits.map((a) => Number(a.entity_id))).toEqual([ids.direct, ids.enquiry, ids.contacted, ids.enquiry]);
    const details: unknown = audits[1]?.details;
    expect(typeof details === 'string' ? JSON.parse(details) : details).toMatchObject({ fields: ['status'], from: 'enquiry', to: 'induction', campaignId });
  });

  it('links a candidate\'s name to their register entry only for those who may see it', async () => {
    const { lead, campaignId } = await setUpCampaign();
    const inTeam = await insertPerson(t, s.org.northTeam.id, 'Ann Archer');
    const inBorough = await insertPerson(t, s.org.north.id, 'Bob Baker', { anonymity: 'initials' });
    for (const p of [inTeam, inBorough]) expect((await lead.post(`/recruitment/${campaignId}/candidates`, { personId: String(p), stage: 'enquiry', enteredOn: '2025-01-05' })).statusCode).toBe(303);
    const staff = (await (await signedIn(t, 'staff@example.org')).get(`/recruitment/${campaignId}`)).body;
    expect(staff).toContain(`<a href="/people/${inTeam}">Ann Archer</a>`);
    expect(staff).not.toContain(`/people/${inBorough}`);
    expect(staff).toContain('B. B.');
    expect((await lead.get(`/recruitment/${campaignId}`)).body).toContain(`<a href="/people/${inBorough}">Bob Baker</a>`);
  });

  it('validates the campaign form and keeps what was typed', async () => {
    const lead = await signedIn(t, 'lead@example.org');
    const res = await lead.post('/recruitment', { unitId: String(s.org.northTeam.id), title: 'Carers panel', targetSize: 'ten', startsOn: '2025-05-01' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('a whole number from 1 to 1,000');
    expect(res.body).toContain('value="Carers panel"');
    const ends = await lead.post('/recruitment', { unitId: String(s.org.northTeam.id), title: 'Carers panel', targetSize: '10', startsOn: '2025-05-01', endsOn: '2025-04-01' });
    expect(ends.statusCode).toBe(400);
    expect(ends.body).toContain('The end date must be on or after the start date');
    const ok = await lead.post('/recruitment', { unitId: String(s.org.northTeam.id), title: 'Carers panel', programme: 'Carers', targetSize: '10', startsOn: '2025-05-01' });
    const id = idFrom(ok.headers.location);
    expect((await lead.get(`/recruitment/${id}/edit`)).statusCode).toBe(200);
    expect((await lead.post(`/recruitment/${id}`, { unitId: String(s.org.northTeam.id), title: 'Carers panel 2025', targetSize: '12', startsOn: '2025-05-01' })).statusCode).toBe(303);
    const row = await t.db.db.selectFrom('recruitment_campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.title, row.target_size, row.programme]).toEqual(['Carers panel 2025', 12, null]);
  });
});
