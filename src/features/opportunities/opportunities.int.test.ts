import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { isContactable } from '../people/service.ts';
import { CANDIDATE_LIMIT, candidatesByIds, loadCandidates } from './queries.ts';
import { addPerson, offerToken, opportunitiesWorld, opportunityForm, setConsent, type OpportunitiesWorld } from './testing.ts';

let w: OpportunitiesWorld;
let staff: Browser;
let lead: Browser;
beforeAll(async () => {
  w = await opportunitiesWorld();
  staff = await w.as('staff');
  lead = await w.as('lead');
});
afterAll(() => w.t.close());

const db = () => w.t.db.db;

async function post(b: Browser, extra: Record<string, string> = {}): Promise<number> {
  const res = await b.post('/opportunities', opportunityForm({ projectId: String(w.project), ...extra }));
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  return Number(/\/opportunities\/(\d+)$/.exec(String(res.headers.location))?.[1]);
}

const matchOf = (opportunityId: number, personId: number) =>
  db().selectFrom('matches').selectAll().where('opportunity_id', '=', opportunityId).where('person_id', '=', personId).executeTakeFirst();

describe('posting an opportunity', () => {
  it('lets the project team post one from the project, with what it asks for as attributes', async () => {
    const form = await staff.get(`/opportunities/new?projectId=${w.project}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Kinder waiting rooms');
    const id = await post(staff);
    const o = await db().selectFrom('opportunities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(o).toMatchObject({ unit_id: w.org.northTeam.id, project_id: w.project, status: 'open', is_public: 1, places: 2, created_by: w.users.staff });
    const attrs = await db().selectFrom('opportunity_attributes').select(['kind', 'value']).where('opportunity_id', '=', id).orderBy('kind').orderBy('value').execute();
    expect(attrs).toEqual([
      { kind: 'access_need', value: 'step_free' },
      { kind: 'availability', value: 'tue_pm' },
      { kind: 'interest', value: 'housing' },
      { kind: 'interest', value: 'mental health' },
      { kind: 'relationship', value: 'carer' },
    ]);
    const page = await staff.get(`/opportunities/${id}`);
    expect(page.body).toContain('Help us improve our waiting room');
    expect(page.body).toContain('Tuesday afternoon');
    expect(page.body).toContain('step-free access');
  });

  it('re-shows the form with every problem and what was typed', async () => {
    const res = await staff.post('/opportunities', opportunityForm({ projectId: String(w.project), title: '', places: '0', closesOn: '2026-02-30' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter a title');
    expect(res.body).toContain('a whole number from 1 to 100');
    expect(res.body).toContain('Enter the closing date');
    expect(res.body).toContain('Tell us what would make waiting easier');
  });

  it('lets staff choose a unit they manage opportunities in, and refuses one outside it', async () => {
    const other = await w.as('otherStaff');
    const bad = await other.post('/opportunities', opportunityForm({ unitId: String(w.org.northTeam.id) }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose the team or service');
    expect((await other.get(`/opportunities/new?projectId=${w.project}`)).statusCode).toBe(404);
    const ok = await other.post('/opportunities', opportunityForm({ unitId: String(w.org.southTeam.id) }));
    expect(ok.statusCode).toBe(303);
  });

  it('edits and closes, only for those who manage it', async () => {
    const id = await post(staff, { title: 'To be closed' });
    const other = await w.as('otherStaff');
    expect((await other.get(`/opportunities/${id}/edit`)).statusCode).toBe(404);
    expect((await other.post(`/opportunities/${id}/close`, {})).statusCode).toBe(404);
    expect((await staff.post(`/opportunities/${id}`, opportunityForm({ title: 'Renamed', places: '3' }))).statusCode).toBe(303);
    expect((await db().selectFrom('opportunities').select(['title', 'places']).where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ title: 'Renamed', places: 3 });
    expect((await staff.post(`/opportunities/${id}/close`, {})).statusCode).toBe(303);
    expect((await db().selectFrom('opportunities').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('closed');
  });

  it('answers 404, not 500, for ids out of range', async () => {
    for (const url of ['/opportunities/99999999999', '/opportunities/abc', '/opportunities/2147483648/matches']) {
      expect((await lead.get(url)).statusCode).toBe(404);
    }
  });
});

describe('seeing opportunities', () => {
  let publicId: number;
  let privateId: number;
  let pastId: number;
  beforeAll(async () => {
    publicId = await post(staff, { title: 'Public one' });
    privateId = await post(staff, { title: 'Members only one', isPublic: 'no' });
    pastId = await post(staff, { title: 'Long gone one', closesOn: '2020-01-01' });
  });

  it('shows visitors only open public ones not past their closing date', async () => {
    const anon = await w.anonymous();
    const list = await anon.get('/opportunities');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Public one');
    expect(list.body).not.toContain('Members only one');
    expect(list.body).not.toContain('Long gone one');
    expect((await anon.get(`/opportunities/${publicId}`)).statusCode).toBe(200);
    const hidden = await anon.get(`/opportunities/${privateId}`);
    expect(hidden.statusCode).toBe(302);
    expect(hidden.headers.location).toMatch(/^\/sign-in\?next=/);
  });

  it('shows partners the ones for people who sign in too', async () => {
    const partner = await w.as('partner');
    const list = await partner.get('/opportunities');
    expect(list.body).toContain('Members only one');
    expect(list.body).not.toContain('Long gone one');
    expect((await partner.get(`/opportunities/${privateId}`)).statusCode).toBe(200);
  });

  it('shows staff everything in the units they manage, closed ones included', async () => {
    expect((await staff.get('/opportunities')).body).toContain('Long gone one');
    expect((await (await w.as('otherStaff')).get('/opportunities')).body).not.toContain('Long gone one');
    expect(pastId).toBeGreaterThan(0);
  });
});

describe('matching', () => {
  let opp: number;
  let best: number;
  let withdrawn: number;
  let southPerson: number;
  let paused: number;
  beforeAll(async () => {
    opp = await post(staff, { title: 'Matching one', places: '1' });
    const north = w.org.northTeam.id;
    best = await addPerson(w.t, { unitId: north, name: 'Bea Best', relationship: 'carer', interests: ['housing', 'mental health'], availability: ['tue_pm'], consent: true });
    await addPerson(w.t, { unitId: w.org.north.id, name: 'Mo Middle', relationship: 'service_user', interests: ['housing'], consent: true, status: 'induction' });
    await addPerson(w.t, { unitId: north, name: 'Una Loop', relationship: 'carer', interests: ['housing'], accessNeeds: ['hearing_loop'], consent: true });
    await addPerson(w.t, { unitId: north, name: 'Nia Noconsent', relationship: 'carer', interests: ['housing', 'mental health'] });
    withdrawn = await addPerson(w.t, { unitId: north, name: 'Wyn Withdrawn', relationship: 'carer', interests: ['housing'], consent: true });
    southPerson = await addPerson(w.t, { unitId: w.org.southTeam.id, name: 'Sue South', relationship: 'carer', interests: ['housing'], consent: true });
    paused = await addPerson(w.t, { unitId: north, name: 'Pip Paused', relationship: 'carer', consent: true, status: 'paused' });
  });

  it('ranks suggestions by fit, with the reasons in words', async () => {
    const res = await lead.get(`/opportunities/${opp}/matches`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    const at = (name: string) => body.indexOf(name);
    expect(at('Bea Best')).toBeGreaterThan(-1);
    expect(at('Bea Best')).toBeLessThan(at('Wyn Withdrawn'));
    expect(at('Wyn Withdrawn')).toBeLessThan(at('Mo Middle'));
    expect(at('Una Loop')).toBeGreaterThan(at('Mo Middle'));
    expect(body).toContain('Interested in: housing, mental health');
    expect(body).toContain('Free at: Tuesday afternoon');
    expect(body).toContain('Lived experience asked for: carer');
    expect(body).toContain('venue does not meet: hearing loop');
    expect(body).toContain('Not involved in anything else now');
    expect(body).not.toContain('Nia Noconsent');
    expect(body).not.toContain('Sue South');
    expect(body).not.toContain('Pip Paused');
    expect(body).toContain('1 more person could fit but has not agreed to be contacted');
    const audit = await db().selectFrom('audit_log').select('action').where('action', '=', 'opportunity.matches_viewed').where('entity_id', '=', String(opp)).execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('drops someone the moment they withdraw consent to be contacted', async () => {
    await setConsent(w.t, withdrawn, false);
    expect((await lead.get(`/opportunities/${opp}/matches`)).body).not.toContain('Wyn Withdrawn');
    const res = await lead.post(`/opportunities/${opp}/matches`, { personId: String(withdrawn) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('has not agreed to be contacted');
  });

  it('follows the register\'s rule for who can be contacted: the latest consent recorded wins, whatever date it carries', async () => {
    const late = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Rory Rule', relationship: 'carer', interests: ['housing'], consent: true });
    // A withdrawal entered afterwards but dated earlier (e.g. a letter received last week).
    await db().insertInto('consents').values({ person_id: late, kind: 'contact', given: 0, method: 'written', note: null, recorded_at: '2020-01-01T00:00:00.000Z', recorded_by: null }).execute();
    expect(await isContactable(db(), late)).toBe(false);
    expect((await lead.get(`/opportunities/${opp}/matches`)).body).not.toContain('Rory Rule');
    const res = await lead.post(`/opportunities/${opp}/matches`, { personId: String(late) });
    expect(res.statusCode).toBe(400);
    const [row] = await candidatesByIds(db(), [late]);
    expect(row?.canContact).toBe(false);
  });

  it('counts how busy people are: current matches and groups rank them lower', async () => {
    const now = new Date().toISOString();
    const { id: group } = await db().insertInto('groups').values({ unit_id: w.org.northTeam.id, name: 'WTG', purpose: null, terms_of_reference: null, cadence: null, created_at: now, archived_at: null }).returning('id').executeTakeFirstOrThrow();
    await db().insertInto('group_members').values({ group_id: group, person_id: best, role: 'member', joined_on: '2025-01-01', left_on: null }).execute();
    const body = (await lead.get(`/opportunities/${opp}/matches`)).body;
    expect(body).toContain('Already involved in 1 thing');
    await db().deleteFrom('group_members').where('group_id', '=', group).execute();
  });

  it('refuses people out of the branch, paused, or not in the register, with a 400', async () => {
    for (const personId of [southPerson, paused, 2147483647]) {
      const res = await lead.post(`/opportunities/${opp}/matches`, { personId: String(personId) });
      expect(res.statusCode).toBe(400);
    }
  });

  it('offers a place by a link the person answers without signing in, once', async () => {
    expect((await lead.post(`/opportunities/${opp}/matches`, { personId: String(best) })).statusCode).toBe(303);
    const suggested = await matchOf(opp, best);
    expect(suggested?.status).toBe('suggested');
    expect(suggested?.score).toBeGreaterThan(0);
    const offer = await lead.post(`/opportunities/${opp}/matches/${suggested?.id}/offer`, {});
    expect(offer.statusCode).toBe(303);
    const offered = await matchOf(opp, best);
    expect(offered?.status).toBe('offered');
    expect(offered?.response_token_hash).toMatch(/^[0-9a-f]{64}$/);
    const message = await db().selectFrom('outbox').selectAll().where('person_id', '=', best).executeTakeFirstOrThrow();
    expect(message).toMatchObject({ channel: 'email', recipient: 'bea.best@example.org', format: 'standard' });
    expect(message.body_text).toContain('Hello Bea,');
    expect(message.body_text).toContain(`${w.t.config.baseUrl}/respond/`);

    const token = await offerToken(w.t, best);
    const anon = await w.anonymous();
    const page = await anon.get(`/respond/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Matching one');
    expect((await matchOf(opp, best))?.status).toBe('offered');
    const yes = await anon.post(`/respond/${token}`, { action: 'accept' });
    expect(yes.statusCode).toBe(200);
    expect(yes.body).toContain('Thank you for saying yes');
    const accepted = await matchOf(opp, best);
    expect(accepted).toMatchObject({ status: 'accepted', response_token_hash: null });
    expect(accepted?.responded_at).toBeTruthy();
    // One place, now taken.
    expect((await db().selectFrom('opportunities').select('status').where('id', '=', opp).executeTakeFirstOrThrow()).status).toBe('filled');
    // The link is used up.
    expect((await anon.post(`/respond/${token}`, { action: 'decline' })).statusCode).toBe(400);
    expect((await anon.get(`/respond/${token}`)).body).toContain('This link does not work');
  });

  it('adds the person to the project team when they start, and takes them off when they end', async () => {
    const match = await matchOf(opp, best);
    const bad = await lead.post(`/opportunities/${opp}/matches/${match?.id}/end`, {});
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Only someone who has started can finish');
    expect((await lead.post(`/opportunities/${opp}/matches/${match?.id}/start`, {})).statusCode).toBe(303);
    const started = await matchOf(opp, best);
    expect(started?.status).toBe('started');
    expect(started?.started_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const member = await db().selectFrom('project_members').selectAll().where('id', '=', started?.project_member_id as number).executeTakeFirstOrThrow();
    expect(member).toMatchObject({ project_id: w.project, person_id: best, user_id: null, display_name: 'Bea Best', role: 'carer_partner', left_on: null });
    expect((await staff.get(`/projects/${w.project}/team`)).body).toContain('Bea Best');
    // The QI team sees who joined, by the name the person chose.
    const oppPage = await staff.get(`/opportunities/${opp}`);
    expect(oppPage.body).toContain('Who joined');
    expect(oppPage.body).toContain('Bea Best');
    expect((await lead.post(`/opportunities/${opp}/matches/${match?.id}/end`, {})).statusCode).toBe(303);
    expect((await matchOf(opp, best))?.status).toBe('ended');
    expect((await db().selectFrom('project_members').select('left_on').where('id', '=', member.id).executeTakeFirstOrThrow()).left_on).toBeTruthy();
    const actions = (await db().selectFrom('audit_log').select('action').where('entity_type', '=', 'match').where('entity_id', '=', String(match?.id)).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['match.created', 'match.offered', 'match.accepted', 'match.started', 'match.ended']));
  });

  it('lets the person decline, in easy read when that is their format, and shows expired links kindly', async () => {
    const o = await post(staff, { title: 'Declining one' });
    const easy = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Eddie Easy', format: 'easy_read', consent: true, anonymity: 'initials' });
    await lead.post(`/opportunities/${o}/matches`, { personId: String(easy) });
    const m = await matchOf(o, easy);
    expect((await lead.post(`/opportunities/${o}/matches/${m?.id}/offer`, {})).statusCode).toBe(303);
    const message = await db().selectFrom('outbox').selectAll().where('person_id', '=', easy).executeTakeFirstOrThrow();
    expect(message.format).toBe('easy_read');
    expect(message.body_text).toContain('Press Yes or No.');
    const token = await offerToken(w.t, easy);
    const anon = await w.anonymous();
    expect((await anon.post(`/respond/${token}`, { action: 'decline' })).statusCode).toBe(200);
    expect((await matchOf(o, easy))?.status).toBe('declined');

    // Expired: a new offer whose link is out of date.
    const late = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Lou Late', consent: true });
    await lead.post(`/opportunities/${o}/matches`, { personId: String(late) });
    const lm = await matchOf(o, late);
    await lead.post(`/opportunities/${o}/matches/${lm?.id}/offer`, {});
    await db().updateTable('matches').set({ response_expires_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', lm?.id as number).execute();
    const lateToken = await offerToken(w.t, late);
    const get = await anon.get(`/respond/${lateToken}`);
    expect(get.statusCode).toBe(400);
    expect(get.body).toContain('This link does not work');
    expect((await anon.post(`/respond/${lateToken}`, { action: 'accept' })).statusCode).toBe(400);
    expect((await matchOf(o, late))?.status).toBe('offered');
    expect((await anon.get('/respond/not-a-real-token')).statusCode).toBe(400);
  });

  it('tells the lead when a person cannot be reached, and offers nothing', async () => {
    const o = await post(staff, { title: 'Unreachable one' });
    const nobody = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Nora Nowhere', email: null, consent: true });
    await lead.post(`/opportunities/${o}/matches`, { personId: String(nobody) });
    const m = await matchOf(o, nobody);
    const res = await lead.post(`/opportunities/${o}/matches/${m?.id}/offer`, {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('We cannot reach this person');
    expect((await matchOf(o, nobody))?.status).toBe('suggested');
  });

  it('keeps matches to the lead and the owner: other staff get a 404', async () => {
    const m = await matchOf(opp, best);
    for (const role of ['otherStaff', 'staff2', 'partner'] as const) {
      const b = await w.as(role);
      expect((await b.get(`/opportunities/${opp}/matches`)).statusCode, role).toBe(404);
      expect((await b.post(`/opportunities/${opp}/matches/${m?.id}/withdraw`, {})).statusCode, role).toBe(404);
    }
    // The owner sees who is matched (by their shown names) but not the register's suggestions.
    const own = await staff.get(`/opportunities/${opp}/matches`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Bea Best');
    expect(own.body).not.toContain('Suggested people');
    expect((await staff.post(`/opportunities/${opp}/matches/${m?.id}/withdraw`, {})).statusCode).toBe(404);
  });
});

describe('expressing interest', () => {
  let opp: number;
  beforeAll(async () => {
    opp = await post(staff, { title: 'Interest one' });
  });

  it('lets a partner with a register entry say they are interested in one click', async () => {
    const person = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Pat Partner', userId: w.users.partner, consent: true });
    const partner = await w.as('partner');
    expect((await partner.post(`/opportunities/${opp}/interest`, {})).statusCode).toBe(303);
    expect((await partner.post(`/opportunities/${opp}/interest`, {})).statusCode).toBe(303);
    const matches = await db().selectFrom('matches').selectAll().where('opportunity_id', '=', opp).where('person_id', '=', person).execute();
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ status: 'interested', source: 'interest' });
    expect((await partner.get(`/opportunities/${opp}`)).body).toContain('You have told us you are interested');
  });

  it('sends signed-in users without a register entry to the short form', async () => {
    const res = await (await w.as('staff2')).post(`/opportunities/${opp}/interest`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/opportunities/${opp}/interest-form`);
  });

  const form = { name: 'Freya Form', email: 'Freya@Example.org', contactBy: 'email', relationship: 'carer', why: 'I care for my dad.', consent: 'yes' };

  it('takes the public form: an enquiry, two consents and a match — once, however often it is sent', async () => {
    const anon = await w.anonymous();
    expect((await anon.get(`/opportunities/${opp}/interest-form`)).statusCode).toBe(200);
    const res = await anon.post(`/opportunities/${opp}/interest-form`, form);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Thank you');
    const again = await (await w.anonymous()).post(`/opportunities/${opp}/interest-form`, { ...form, email: 'freya@example.org' });
    expect(again.statusCode).toBe(200);
    const people = await db().selectFrom('people').selectAll().where('email', '=', 'freya@example.org').execute();
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ status: 'enquiry', unit_id: w.org.northTeam.id, heard_via: 'website', preferred_channel: 'email', relationship: 'carer', user_id: null });
    const personId = people[0]?.id as number;
    const consents = await db().selectFrom('consents').select(['kind', 'given', 'method']).where('person_id', '=', personId).execute();
    expect(consents.filter((c) => c.kind === 'contact').length).toBeGreaterThan(0);
    expect(consents.filter((c) => c.kind === 'hold_details').length).toBeGreaterThan(0);
    expect(consents.every((c) => c.given === 1 && c.method === 'online')).toBe(true);
    const matches = await db().selectFrom('matches').selectAll().where('person_id', '=', personId).execute();
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ opportunity_id: opp, status: 'interested', source: 'public_form' });
    // The lead sees them, with their words.
    const page = await lead.get(`/opportunities/${opp}/matches`);
    expect(page.body).toContain('Freya Form');
    expect(page.body).toContain('I care for my dad.');
  });

  it('never turns a withdrawn consent back on: a form with an existing email only adds the match', async () => {
    const person = await addPerson(w.t, { unitId: w.org.northTeam.id, name: 'Wendy Withdrew', email: 'wendy@example.org', consent: true });
    await setConsent(w.t, person, false);
    const before = await db().selectFrom('consents').select(['kind', 'given']).where('person_id', '=', person).orderBy('id').execute();
    const res = await (await w.anonymous()).post(`/opportunities/${opp}/interest-form`, { ...form, name: 'Someone Else', email: 'WENDY@example.org' });
    expect(res.statusCode).toBe(200);
    const after = await db().selectFrom('consents').select(['kind', 'given']).where('person_id', '=', person).orderBy('id').execute();
    expect(after).toEqual(before);
    const latest = await db()
      .selectFrom('consents')
      .select('given')
      .where('person_id', '=', person)
      .where('kind', '=', 'contact')
      .orderBy('recorded_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(latest.given).toBe(0);
    expect(await db().selectFrom('people').select('id').where('email', '=', 'wendy@example.org').execute()).toHaveLength(1);
    expect(await matchOf(opp, person)).toMatchObject({ status: 'interested', source: 'public_form' });
    const consentAudits = await db().selectFrom('audit_log').select('id').where('action', '=', 'consent.recorded').where('entity_id', '=', String(person)).execute();
    expect(consentAudits).toEqual([]);
  });

  it('refuses the form without consent, keeping what was typed, and keeps nothing from programs', async () => {
    const anon = await w.anonymous();
    const res = await anon.post(`/opportunities/${opp}/interest-form`, { ...form, email: 'no-consent@example.org', consent: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Tick the box');
    expect(res.body).toContain('no-consent@example.org');
    const phoneless = await anon.post(`/opportunities/${opp}/interest-form`, { ...form, email: '', contactBy: 'phone' });
    expect(phoneless.statusCode).toBe(400);
    expect(phoneless.body).toContain('Enter your phone number');
    const bot = await anon.post(`/opportunities/${opp}/interest-form`, { ...form, email: 'bot@example.org', website: 'http://spam.example' });
    expect(bot.statusCode).toBe(200);
    expect(await db().selectFrom('people').select('id').where('email', 'in', ['no-consent@example.org', 'bot@example.org']).execute()).toEqual([]);
  });

  it('closes the form when the opportunity closes', async () => {
    const closed = await post(staff, { title: 'Closing one' });
    await staff.post(`/opportunities/${closed}/close`, {});
    const anon = await w.anonymous();
    expect((await anon.get(`/opportunities/${closed}/interest-form`)).body).toContain('no longer open');
    const res = await anon.post(`/opportunities/${closed}/interest-form`, { ...form, email: 'late@example.org' });
    expect(res.statusCode).toBe(400);
    expect(await db().selectFrom('people').select('id').where('email', '=', 'late@example.org').execute()).toEqual([]);
  });
});

describe('no input typed into the forms produces a server error', () => {
  const typed = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '2147483648', 'yes', 'no', 'email', 'phone', 'carer', 'tue_pm', 'step_free', '\u0000', 'a'.repeat(6000), '2025-02-30', 'a@b.co'),
  );
  const form = (keys: string[]) =>
    fc
      .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

  it('the public form and the posting form answer below 500 whatever is sent', async () => {
    const opp = await post(staff, { title: 'Fuzzed one' });
    const anon = await w.anonymous();
    await fc.assert(
      fc.asyncProperty(form(['name', 'email', 'phone', 'contactBy', 'relationship', 'why', 'consent']), async (f) => {
        expect((await anon.post(`/opportunities/${opp}/interest-form`, f)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 25 },
    );
    await fc.assert(
      fc.asyncProperty(form(['title', 'description', 'places', 'relationships', 'interests', 'availability', 'venueAccess', 'paymentOffered', 'closesOn', 'isPublic', 'unitId', 'projectId']), async (f) => {
        expect((await staff.post('/opportunities', f)).statusCode).toBeLessThan(500);
        expect((await lead.post(`/opportunities/${opp}`, f)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 25 },
    );
  });
});

describe('matching in a large register', () => {
  it('takes the best-overlapping people into the capped candidate list, so a strong fit registered last is still suggested', async () => {
    const other = await w.as('otherStaff');
    const res = await other.post('/opportunities', opportunityForm({ unitId: String(w.org.southTeam.id), title: 'Large register one' }));
    expect(res.statusCode).toBe(303);
    const opp = Number(/\/opportunities\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    // More weak fits than the cap, registered first: no interests, no availability, not the lived experience asked for.
    const now = nowIso();
    const weak = CANDIDATE_LIMIT + 5;
    for (let start = 0; start < weak; start += 100) {
      const rows = Array.from({ length: Math.min(100, weak - start) }, (_, i) => ({
        unit_id: w.org.southTeam.id,
        user_id: null,
        full_name: `Weak Fit ${start + i}`,
        preferred_name: null,
        email: null,
        phone: null,
        address: null,
        postcode: null,
        preferred_channel: 'post' as const,
        format: 'standard' as const,
        format_language: null,
        access_needs_other: null,
        relationship: 'service_user' as const,
        services_known: null,
        availability_notes: null,
        anonymity: 'full_name' as const,
        payment_preference: 'involvement_rate' as const,
        heard_via: null,
        outreach_event_id: null,
        status: 'active' as const,
        notes: null,
        created_by: null,
        created_at: now,
        updated_at: now,
        erased_at: null,
      }));
      const ids = await db().insertInto('people').values(rows).returning('id').execute();
      await db()
        .insertInto('consents')
        .values(ids.map(({ id }) => ({ person_id: id, kind: 'contact' as const, given: 1, method: 'written' as const, note: null, recorded_at: now, recorded_by: null })))
        .execute();
    }
    const strong = await addPerson(w.t, { unitId: w.org.southTeam.id, name: 'Stella Strong', relationship: 'carer', interests: ['housing', 'mental health'], availability: ['tue_pm'], consent: true });
    const weakIds = await db().selectFrom('people').select('id').where('full_name', 'like', 'Weak Fit %').execute();
    expect(weakIds.every(({ id }) => id < strong)).toBe(true);

    const page = await (await w.as('admin')).get(`/opportunities/${opp}/matches`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Stella Strong');
    expect(page.body.indexOf('Stella Strong')).toBeLessThan(page.body.indexOf('Weak Fit'));

    // The cap itself: the one taken is the best-overlapping, not the first registered.
    const south = await db().selectFrom('org_units').select('path').where('id', '=', w.org.southTeam.id).executeTakeFirstOrThrow();
    const capped = await loadCandidates(db(), { unitPath: south.path, opportunityId: opp, scope: ['/'], limit: 1 });
    expect(capped.map((c) => c.id)).toEqual([strong]);
  });
});
