import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import { enqueueForPerson } from '../../platform/outbox/index.ts';
import { dashboard, daysBetween, monthBounds } from './service.ts';
import { insertPerson } from './test-support.ts';

/** A fixed "now" in British Summer Time: April 2025 in London starts at 2025-03-31T23:00Z. */
const AT = new Date('2025-04-15T12:00:00.000Z');

describe('involvement dashboard', { timeout: 60_000 }, () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let users: Record<'lead' | 'staff' | 'southStaff' | 'partner' | 'admin', number>;

  async function ctxFor(userId: number): Promise<ServiceContext> {
    return { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: null };
  }

  async function history(personId: number, status: 'enquiry' | 'contacted' | 'active', at: string) {
    await t.db.db.insertInto('person_status_history').values({ person_id: personId, status, changed_at: at, changed_by: null }).execute();
  }

  async function opportunity(unitId: number, title: string, createdAt: string, over: { places?: number; status?: 'open' | 'filled' } = {}) {
    const { id } = await t.db.db
      .insertInto('opportunities')
      .values({ unit_id: unitId, title, description: 'Join us', places: over.places ?? 1, payment_offered: 'involvement_rate', is_public: 0, status: over.status ?? 'open', created_at: createdAt, updated_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  async function match(opportunityId: number, personId: number, status: 'accepted' | 'declined' | 'offered', respondedAt: string | null) {
    const at = respondedAt ?? nowIso();
    await t.db.db
      .insertInto('matches')
      .values({ opportunity_id: opportunityId, person_id: personId, status, source: 'suggestion', created_at: at, updated_at: at, responded_at: respondedAt })
      .execute();
  }

  let people: Record<string, number>;
  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users = {
      lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]),
      staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]),
      southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }]),
      partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]),
      admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]),
    };
    const n = org.northTeam.id;
    people = {
      firstOfApril: (await insertPerson(t.db, n, { full_name: 'April First', status: 'enquiry', heard_via: 'stall' })).id,
      lastOfMarch: (await insertPerson(t.db, n, { full_name: 'March Last', status: 'contacted', heard_via: 'stall' })).id,
      noSource: (await insertPerson(t.db, n, { full_name: 'No Source', status: 'active', heard_via: null })).id,
      february: (await insertPerson(t.db, org.north.id, { full_name: 'February Person', status: 'active', heard_via: 'website' })).id,
      left: (await insertPerson(t.db, n, { full_name: 'Gone Away', status: 'left', heard_via: 'event' })).id,
      erased: (await insertPerson(t.db, n, { full_name: 'Erased', status: 'active', heard_via: 'word_of_mouth', erased_at: '2025-04-02T10:00:00.000Z' })).id,
      south: (await insertPerson(t.db, org.southTeam.id, { full_name: 'South Person', status: 'enquiry', heard_via: 'stall' })).id,
    };
    // 00:30 on 1 April in London is 23:30 UTC on 31 March: this month. 23:30 on 31 March in London: last month.
    await history(people.firstOfApril as number, 'enquiry', '2025-03-31T23:30:00.000Z');
    await history(people.lastOfMarch as number, 'enquiry', '2025-03-31T22:30:00.000Z');
    await history(people.lastOfMarch as number, 'contacted', '2025-04-03T10:00:00.000Z');
    await history(people.noSource as number, 'enquiry', '2025-04-14T10:00:00.000Z');
    await history(people.february as number, 'enquiry', '2025-02-28T23:59:00.000Z');
    await history(people.february as number, 'active', '2025-04-02T10:00:00.000Z');
    await history(people.left as number, 'enquiry', '2025-03-02T10:00:00.000Z');
    await history(people.erased as number, 'enquiry', '2025-04-01T10:00:00.000Z');
    await history(people.south as number, 'enquiry', '2025-04-05T10:00:00.000Z');

    // Opportunities: one waiting 45 days, one matched after 5 days, one waiting 5 days after a decline.
    const long = await opportunity(n, 'Carers for the discharge project', '2025-03-01T12:00:00.000Z', { places: 2 });
    const matched = await opportunity(n, 'Reader for the welcome pack', '2025-04-01T12:00:00.000Z');
    const declined = await opportunity(n, 'Interview panel member', '2025-04-10T12:00:00.000Z');
    await opportunity(n, 'Filled already', '2025-01-10T12:00:00.000Z', { status: 'filled' });
    await opportunity(org.southTeam.id, 'South only opportunity', '2025-01-10T12:00:00.000Z');
    await match(matched, people.noSource as number, 'accepted', '2025-04-06T12:00:00.000Z');
    await match(declined, people.february as number, 'declined', '2025-04-11T12:00:00.000Z');
    await match(long, people.left as number, 'offered', null);
    people.long = long;
    people.matched = matched;
    people.declined = declined;

    // Campaigns: one current with candidates and work, one ended, one in the South.
    const campaign = async (unitId: number, title: string, endsOn: string | null) =>
      (
        await t.db.db
          .insertInto('recruitment_campaigns')
          .values({ unit_id: unitId, group_id: null, programme: null, title, target_size: 8, starts_on: '2025-01-10', ends_on: endsOn, created_at: '2025-01-10T10:00:00.000Z' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const current = await campaign(n, 'Working Together Group 2025', null);
    const endsToday = await campaign(org.north.id, 'Ends today', '2025-04-15');
    await campaign(n, 'Finished last month', '2025-03-31');
    await campaign(org.southTeam.id, 'South campaign', null);
    const candidate = (campaignId: number, personId: number, stage: 'enquiry' | 'conversation' | 'member') =>
      t.db.db.insertInto('campaign_candidates').values({ campaign_id: campaignId, person_id: personId, stage, entered_on: '2025-02-01', stage_changed_on: '2025-03-01', member_on: stage === 'member' ? '2025-03-01' : null }).execute();
    await candidate(current, people.firstOfApril as number, 'enquiry');
    await candidate(current, people.lastOfMarch as number, 'conversation');
    await candidate(current, people.noSource as number, 'member');
    await candidate(current, people.february as number, 'member');
    const work = (campaignId: number, minutes: number) =>
      t.db.db.insertInto('recruitment_work').values({ campaign_id: campaignId, on_date: '2025-02-01', activity: 'Stall at the library', minutes, created_at: nowIso() }).execute();
    await work(current, 90);
    await work(current, 45);
    people.current = current;
    people.endsToday = endsToday;
  });
  afterAll(() => t.close());

  it('computes London month bounds and whole days waiting', () => {
    expect(monthBounds('2025-04')).toEqual({ from: '2025-03-31T23:00:00.000Z', to: '2025-04-30T23:00:00.000Z' });
    expect(monthBounds('2025-01')).toEqual({ from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' });
    expect(daysBetween('2025-03-01T12:00:00.000Z', '2025-04-15T12:00:00.000Z')).toBe(45);
    expect(daysBetween('2025-03-01T12:00:00.000Z', '2025-03-02T11:59:00.000Z')).toBe(0);
  });

  it('counts the lead’s units: statuses without the erased, enquiries this month and last by source', async () => {
    const d = await dashboard(await ctxFor(users.lead), { at: AT });
    expect(Object.fromEntries(d.statuses.map((s) => [s.status, s.count]))).toEqual({ enquiry: 1, contacted: 1, induction: 0, active: 2, paused: 0, left: 1 });
    expect(d.statusTotal).toBe(5);

    expect(d.enquiries.thisMonth).toBe('2025-04');
    expect(d.enquiries.lastMonth).toBe('2025-03');
    const bySource = Object.fromEntries(d.enquiries.rows.map((r) => [r.source ?? 'none', [r.thisMonth, r.lastMonth]]));
    // This month: the one from just after midnight on 1 April, the one with no source, and the (since erased) word of mouth.
    expect(bySource).toMatchObject({ stall: [1, 1], none: [1, 0], word_of_mouth: [1, 0], event: [0, 1], website: [0, 0] });
    expect(d.enquiries.totals).toEqual({ thisMonth: 3, lastMonth: 2 });
  });

  it('lists open opportunities, those still waiting first, with days waiting and places filled', async () => {
    const d = await dashboard(await ctxFor(users.lead), { at: AT });
    expect(d.opportunities.rows.map((o) => [o.title, o.daysWaiting, o.longWait, o.taken, o.places])).toEqual([
      ['Carers for the discharge project', 45, true, 0, 2],
      ['Interview panel member', 5, false, 0, 1],
      ['Reader for the welcome pack', 5, false, 1, 1],
    ]);
    expect(d.opportunities.total).toBe(3);
  });

  it('shows current campaigns with members, candidates per stage and hours', async () => {
    const d = await dashboard(await ctxFor(users.lead), { at: AT });
    expect(d.campaigns.map((c) => c.title)).toEqual(['Working Together Group 2025', 'Ends today']);
    const [current, endsToday] = d.campaigns;
    expect(current).toMatchObject({ target_size: 8, members: 2, candidates: 4, minutes: 135 });
    expect(current?.stages).toEqual({ enquiry: 1, conversation: 1, application: 0, induction: 0, member: 2 });
    expect(endsToday).toMatchObject({ members: 0, candidates: 0, minutes: 0 });
  });

  it('narrows to one unit, and keeps each member of staff to their own units', async () => {
    const borough = await dashboard(await ctxFor(users.lead), { at: AT, unitId: org.north.id });
    expect(borough.statusTotal).toBe(5);
    const team = await dashboard(await ctxFor(users.lead), { at: AT, unitId: org.northTeam.id });
    expect(team.statusTotal).toBe(4);
    expect(team.campaigns.map((c) => c.title)).toEqual(['Working Together Group 2025']);
    await expect(dashboard(await ctxFor(users.lead), { at: AT, unitId: org.southTeam.id })).rejects.toMatchObject({ status: 404 });

    const south = await dashboard(await ctxFor(users.southStaff), { at: AT });
    expect(south.statusTotal).toBe(1);
    expect(south.opportunities.rows.map((o) => o.title)).toEqual(['South only opportunity']);
    expect(south.enquiries.totals).toEqual({ thisMonth: 1, lastMonth: 0 });
    expect(south.campaigns.map((c) => c.title)).toEqual(['South campaign']);

    const admin = await dashboard(await ctxFor(users.admin), { at: AT });
    expect(admin.statusTotal).toBe(6);
  });

  it('renders the hub and the dashboard as accessible tables for staff, and refuses partners', async () => {
    const lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
    const page = await lead.get('/involvement');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    for (const href of ['/people', '/people/import', '/groups', '/recruitment', '/outreach', '/opportunities', '/involvement/messages', '/people/equality']) {
      expect(page.body).toContain(`href="${href}"`);
    }
    expect(page.body).toContain('Carers for the discharge project');
    expect(page.body).not.toContain('South only opportunity');
    expect(page.body).toMatch(/<caption[^>]*>[\s\S]*People by status/);
    expect(page.body).toContain('scope="col"');
    expect(page.body).toContain('scope="row"');
    expect(page.body).toContain('Working Together Group 2025');
    expect(page.body).toContain('Waiting over 28 days');

    const filtered = await lead.get(`/involvement?unitId=${org.northTeam.id}`);
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).toContain('Figures for North Community Team');
    expect((await lead.get(`/involvement?unitId=${org.southTeam.id}`)).statusCode).toBe(404);
    expect((await lead.get('/involvement?unitId=nonsense')).statusCode).toBe(200);
    expect((await lead.get('/involvement?unitId=99999999999')).statusCode).toBe(404);

    // Staff who do not manage the register see the figures but not the lead's links.
    const staff = new Browser(t.app);
    await staff.signIn('staff@example.org');
    const staffPage = await staff.get('/involvement');
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain('href="/people"');
    expect(staffPage.body).not.toContain('href="/involvement/messages"');
    expect(staffPage.body).not.toContain('href="/people/import"');

    const south = new Browser(t.app);
    await south.signIn('south@example.org');
    const southPage = await south.get('/involvement');
    expect(southPage.statusCode).toBe(200);
    expect(southPage.body).toContain('South only opportunity');
    expect(southPage.body).not.toContain('Carers for the discharge project');
    expect(southPage.body).not.toContain('Working Together Group 2025');

    const partner = new Browser(t.app);
    await partner.signIn('partner@example.org');
    expect((await partner.get('/involvement')).statusCode).toBe(403);
    const anonymous = new Browser(t.app);
    const res = await anonymous.get('/involvement');
    expect(res.statusCode).toBe(302);
    expect(String(res.headers.location)).toContain('/sign-in');
  });

  describe('messages to send by hand', () => {
    let ids: Record<'post' | 'standardPost' | 'sms' | 'email' | 'south', number>;
    beforeAll(async () => {
      const n = org.northTeam.id;
      const post = await insertPerson(t.db, n, { full_name: 'Large Print Reader', preferred_channel: 'post', format: 'large_print', address: '1 High Street\nLuton', postcode: 'LU1 3JU', email: null });
      const standardPost = await insertPerson(t.db, n, { full_name: 'Standard Reader', preferred_channel: 'post', format: 'standard', address: '2 High Street', postcode: 'LU1 3JU', email: null });
      const sms = await insertPerson(t.db, n, { full_name: 'Text Person', preferred_channel: 'sms', phone: '07700 900123' });
      const mail = await insertPerson(t.db, n, { full_name: 'Email Person', preferred_channel: 'email', email: 'email.person@example.org' });
      const south = await insertPerson(t.db, org.southTeam.id, { full_name: 'South Caller', preferred_channel: 'phone', phone: '01582 123456' });
      const send = async (key: string, person: Parameters<typeof enqueueForPerson>[1]['person'], subject: string) => {
        await enqueueForPerson(t.db.db, { idempotencyKey: key, person, subject, text: `Dear friend,\n\n${subject}.\n\nBest wishes` });
        return (await t.db.db.selectFrom('outbox').select('id').where('idempotency_key', '=', key).executeTakeFirstOrThrow()).id;
      };
      ids = {
        post: await send('test-post', post, 'Your invitation to the forum'),
        standardPost: await send('test-standard-post', standardPost, 'Standard letter'),
        sms: await send('test-sms', sms, 'Reminder about Tuesday'),
        email: await send('test-email', mail, 'An email is not listed'),
        south: await send('test-south', south, 'Call the South person'),
      };
      const sent = await send('test-sent', sms, 'Sent already');
      await t.db.db.updateTable('outbox').set({ status: 'sent', sent_at: nowIso() }).where('id', '=', sent).execute();
    });

    it('lists pending texts, letters and calls for people in the lead’s units, oldest first', async () => {
      const lead = new Browser(t.app);
      await lead.signIn('lead@example.org');
      const page = await lead.get('/involvement/messages');
      expect(page.statusCode).toBe(200);
      const body = page.body;
      expect(body).toContain('Your invitation to the forum');
      expect(body).toContain('Reminder about Tuesday');
      expect(body).toContain('Large print');
      expect(body).toContain('07700 900123');
      expect(body.indexOf('Your invitation to the forum')).toBeLessThan(body.indexOf('Reminder about Tuesday'));
      expect(body).not.toContain('An email is not listed');
      expect(body).not.toContain('Call the South person');
      expect(body).not.toContain('Sent already');
      expect(body).toContain(`/involvement/messages/${ids.post}/letter`);
      expect(body).not.toContain(`/involvement/messages/${ids.sms}/letter`);
      expect(body).toContain('3 messages are waiting to be sent');

      const admin = new Browser(t.app);
      await admin.signIn('admin@example.org');
      expect((await admin.get('/involvement/messages')).body).toContain('Call the South person');

      const staff = new Browser(t.app);
      await staff.signIn('staff@example.org');
      expect((await staff.get('/involvement/messages')).statusCode).toBe(403);
    });

    it('prints a letter in large print for someone who asked for it, and audits the view', async () => {
      const lead = new Browser(t.app);
      await lead.signIn('lead@example.org');
      const large = await lead.get(`/involvement/messages/${ids.post}/letter`);
      expect(large.statusCode).toBe(200);
      expect(large.body).toContain('app-letter--large-print');
      expect(large.body).toContain('/public/involvement.css');
      expect(large.body).toContain('Large Print Reader');
      expect(large.body).toContain('LU1 3JU');
      const standard = await lead.get(`/involvement/messages/${ids.standardPost}/letter`);
      expect(standard.statusCode).toBe(200);
      expect(standard.body).toContain('class="app-letter"');
      expect(standard.body).not.toContain('app-letter--large-print');
      expect((await lead.get(`/involvement/messages/${ids.sms}/letter`)).statusCode).toBe(404);
      expect((await lead.get(`/involvement/messages/${ids.email}/letter`)).statusCode).toBe(404);
      expect((await lead.get('/involvement/messages/99999999999/letter')).statusCode).toBe(404);
      const viewed = await t.db.db.selectFrom('audit_log').select(['actor_user_id']).where('action', '=', 'outbox_message.letter_viewed').where('entity_id', '=', String(ids.post)).execute();
      expect(viewed).toEqual([{ actor_user_id: users.lead }]);

      const css = await lead.get('/public/involvement.css');
      expect(css.statusCode).toBe(200);
      expect(css.body).toMatch(/@media print[\s\S]*\.app-letter--large-print[^{]*\{[^}]*font-size: 24pt/);
    });

    it('marks a message sent once, audited, and only in the lead’s units', async () => {
      const lead = new Browser(t.app);
      await lead.signIn('lead@example.org');
      await lead.get('/involvement/messages');
      const res = await lead.post(`/involvement/messages/${ids.sms}/sent`, {});
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/involvement/messages');
      const after = await lead.get('/involvement/messages');
      expect(after.body).toContain('Message marked as sent');
      expect(after.body).not.toContain('Reminder about Tuesday');
      const row = await t.db.db.selectFrom('outbox').select(['status', 'sent_at']).where('id', '=', ids.sms).executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      expect(row.sent_at).not.toBeNull();

      expect((await lead.post(`/involvement/messages/${ids.sms}/sent`, {})).statusCode).toBe(303);
      expect((await lead.get('/involvement/messages')).body).toContain('already been marked as sent');
      const audits = await t.db.db.selectFrom('audit_log').select(['actor_user_id', 'details']).where('action', '=', 'outbox_message.sent_by_hand').where('entity_id', '=', String(ids.sms)).execute();
      expect(audits).toHaveLength(1);
      expect(audits[0]?.actor_user_id).toBe(users.lead);
      expect(JSON.parse(audits[0]?.details ?? '{}')).toMatchObject({ channel: 'sms' });

      expect((await lead.post(`/involvement/messages/${ids.south}/sent`, {})).statusCode).toBe(404);
      expect((await lead.post(`/involvement/messages/${ids.email}/sent`, {})).statusCode).toBe(404);
      const south = await t.db.db.selectFrom('outbox').select('status').where('id', '=', ids.south).executeTakeFirstOrThrow();
      expect(south.status).toBe('pending');
      const staff = new Browser(t.app);
      await staff.signIn('staff@example.org');
      await staff.get('/');
      expect((await staff.post(`/involvement/messages/${ids.post}/sent`, {})).statusCode).toBe(403);
    });

    it('pages through many messages', async () => {
      const person = await insertPerson(t.db, org.north.id, { full_name: 'Many Texts', preferred_channel: 'sms', phone: '07700 900999' });
      for (let i = 0; i < 22; i++) {
        await enqueueForPerson(t.db.db, { idempotencyKey: `many-${i}`, person, subject: `Text number ${i}`, text: 'Hello' });
      }
      const lead = new Browser(t.app);
      await lead.signIn('lead@example.org');
      const first = await lead.get('/involvement/messages');
      const next = /href="(\/involvement\/messages\?after=\d+)"/.exec(first.body)?.[1];
      expect(next).toBeDefined();
      const second = await lead.get(next as string);
      expect(second.statusCode).toBe(200);
      expect(second.body).toContain('Text number 21');
      expect(first.body).not.toContain('Text number 21');
      expect(second.body).not.toContain('Your invitation to the forum');
      expect(second.body).toContain('href="/involvement/messages"');
    });
  });
});
