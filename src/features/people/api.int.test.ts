import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { issueApiToken, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { PersonJson } from './api-schemas.ts';

type Problem = { status: number; title: string; missingScope?: string; errors?: { field: string; message: string }[] };
type Summary = { id: number; fullName: string; email: string | null; unitName: string; status: string };

describe('the involvement register in the JSON API', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  const users = {} as Record<'lead' | 'staff' | 'otherStaff' | 'partner' | 'southLead', number>;
  const READ_WRITE: ApiScope[] = ['people:read', 'people:write'];
  let northPerson: number;
  let partnerPerson: number;
  let southPerson: number;

  const tokenFor = async (userId: number, scopes: ApiScope[] = READ_WRITE): Promise<string> => (await issueApiToken(t.db.db, userId, 'test', scopes)).token;
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const problem = (res: LightMyRequestResponse, status: number): Problem => {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return res.json<Problem>();
  };
  const auditRows = (action: string) => t.db.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

  async function insertPerson(unitId: number, fullName: string, more: Record<string, unknown> = {}): Promise<number> {
    const now = nowIso();
    const { id } = await t.db.db
      .insertInto('people')
      .values({
        unit_id: unitId,
        user_id: null,
        full_name: fullName,
        email: `${fullName.toLowerCase().replace(/\W+/g, '.')}@example.org`,
        preferred_channel: 'email',
        format: 'standard',
        relationship: 'service_user',
        anonymity: 'full_name',
        payment_preference: 'involvement_rate',
        status: 'active',
        notes: 'Met at the stall',
        created_at: now,
        updated_at: now,
        ...more,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  }

  const newPerson = (more: Record<string, unknown> = {}) => ({
    unitId: org.northTeam.id,
    fullName: 'Sam Patel',
    email: 'Sam.Patel@example.org',
    preferredChannel: 'email',
    format: 'large_print',
    relationship: 'carer',
    anonymity: 'first_name',
    paymentPreference: 'vouchers',
    status: 'enquiry',
    interests: ['Crisis care', 'Carers'],
    availability: ['tue_pm'],
    accessNeeds: ['step_free'],
    ...more,
  });

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users.lead = await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead');
    users.staff = await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    users.otherStaff = await createUser(t.db, 'south-staff@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }]);
    users.partner = await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner');
    users.southLead = await createUser(t.db, 'south-lead@example.org', [{ unitId: org.south.id, role: 'lead' }]);
    northPerson = await insertPerson(org.northTeam.id, 'Nora North', { status: 'induction', preferred_channel: 'phone', phone: '07700 900123' });
    partnerPerson = await insertPerson(org.northTeam.id, 'Pat Partner', { user_id: users.partner });
    southPerson = await insertPerson(org.southTeam.id, 'Sid South');
    await t.db.db.insertInto('person_attributes').values({ person_id: northPerson, kind: 'interest', value: 'crisis care' }).execute();
  });
  afterAll(() => t.close());

  describe('POST /api/v1/people', () => {
    it('adds a person: 201 with where to find them, their attributes, and audit rows', async () => {
      const res = await call('POST', '/api/v1/people', await tokenFor(users.lead), newPerson());
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json<PersonJson>();
      expect(created).toMatchObject({
        unitId: org.northTeam.id,
        unitName: 'North Community Team',
        fullName: 'Sam Patel',
        email: 'sam.patel@example.org',
        preferredChannel: 'email',
        format: 'large_print',
        relationship: 'carer',
        status: 'enquiry',
        interests: ['crisis care', 'carers'],
        availability: ['tue_pm'],
        accessNeeds: ['step_free'],
        contactable: false,
        accountEmail: null,
      });
      expect(created.consents.map((c) => [c.kind, c.given])).toContainEqual(['contact', null]);
      expect(res.headers.location).toBe(`/api/v1/people/${created.id}`);
      expect((await auditRows('person.created')).map((r) => [r.entity_id, r.actor_user_id])).toContainEqual([String(created.id), users.lead]);
      const history = await t.db.db.selectFrom('person_status_history').select('status').where('person_id', '=', created.id).execute();
      expect(history).toEqual([{ status: 'enquiry' }]);
    });

    it('answers 400 naming each bad field, the reachability rules included', async () => {
      const token = await tokenFor(users.lead);
      const bad = problem(await call('POST', '/api/v1/people', token, newPerson({ fullName: '', email: null, format: 'braille', phone: '12' })), 400);
      expect(bad.errors).toEqual([
        { field: 'fullName', message: 'Enter the person’s full name' },
        { field: 'phone', message: 'Enter a phone number, like 01582 123456 or 07700 900123' },
        { field: 'format', message: 'Choose the format they would like papers in' },
      ]);
      const unreachable = problem(await call('POST', '/api/v1/people', token, newPerson({ email: '', preferredChannel: 'email', format: 'other_language' })), 400);
      expect(unreachable.errors).toEqual([
        { field: 'email', message: 'Enter an email address, or choose another way to contact them' },
        { field: 'formatLanguage', message: 'Enter which language they would like papers in' },
      ]);
      const post = problem(await call('POST', '/api/v1/people', token, newPerson({ preferredChannel: 'post' })), 400);
      expect(post.errors?.map((e) => e.field)).toEqual(['address', 'postcode']);
      // A unit whose register the lead does not look after is named, and nobody is added there.
      const elsewhere = problem(await call('POST', '/api/v1/people', token, newPerson({ unitId: org.southTeam.id, fullName: 'Elsewhere' })), 400);
      expect(elsewhere.errors).toEqual([{ field: 'unitId', message: 'Choose a team or service whose register you look after' }]);
      expect(await t.db.db.selectFrom('people').select('id').where('full_name', '=', 'Elsewhere').execute()).toEqual([]);
    });

    it('needs people:write, and people:manage for the unit', async () => {
      const readOnly = problem(await call('POST', '/api/v1/people', await tokenFor(users.lead, ['people:read']), newPerson({ fullName: 'No scope' })), 403);
      expect(readOnly.missingScope).toBe('people:write');
      problem(await call('POST', '/api/v1/people', await tokenFor(users.staff), newPerson({ fullName: 'Staff' })), 403);
      problem(await call('POST', '/api/v1/people', await tokenFor(users.partner), newPerson({ fullName: 'Partner' })), 403);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(newPerson()) });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('GET /api/v1/people', () => {
    it('lists the people in the token owner’s units with the register’s filters, audited like an export', async () => {
      const token = await tokenFor(users.staff, ['people:read']);
      const before = (await auditRows('people.listed')).length;
      const res = await call('GET', '/api/v1/people', token);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ items: Summary[]; next: number | null }>();
      const names = body.items.map((p) => p.fullName);
      expect(names).toEqual(expect.arrayContaining(['Nora North', 'Pat Partner']));
      expect(names).not.toContain('Sid South');
      expect(body.next).toBeNull();
      expect(body.items.find((p) => p.fullName === 'Nora North')).toMatchObject({ id: northPerson, unitName: 'North Community Team', status: 'induction' });

      const filtered = (await call('GET', '/api/v1/people?status=induction&interest=Crisis%20Care&channel=phone&q=nora', token)).json<{ items: Summary[] }>();
      expect(filtered.items.map((p) => p.id)).toEqual([northPerson]);

      const audits = await auditRows('people.listed');
      expect(audits).toHaveLength(before + 2);
      const last = audits.at(-1);
      expect(last?.actor_user_id).toBe(users.staff);
      expect(JSON.parse(String(last?.details))).toEqual({ via: 'api', count: 1, filters: ['q', 'status', 'interest', 'channel'], page: 'first' });
      // Never the people themselves.
      expect(String(last?.details)).not.toContain('Nora');
    });

    it('pages with a cursor, 25 at a time', async () => {
      const unit = (await t.db.db.insertInto('org_units').values({ parent_id: org.north.id, name: 'Paging team', kind: 'team', path: '', created_at: nowIso() }).returning('id').executeTakeFirstOrThrow()).id;
      await t.db.db.updateTable('org_units').set({ path: `${org.north.path}${unit}/` }).where('id', '=', unit).execute();
      for (let i = 0; i < 27; i++) await insertPerson(unit, `Paged Person ${i}`);
      const token = await tokenFor(users.lead, ['people:read']);
      const first = (await call('GET', `/api/v1/people?unitId=${unit}`, token)).json<{ items: Summary[]; next: number | null }>();
      expect(first.items).toHaveLength(25);
      expect(first.next).toBe(first.items.at(-1)?.id);
      const second = (await call('GET', `/api/v1/people?unitId=${unit}&before=${first.next}`, token)).json<{ items: Summary[]; next: number | null }>();
      expect(second.items.map((p) => p.fullName)).toEqual(['Paged Person 1', 'Paged Person 0']);
      expect(second.next).toBeNull();
    });

    it('answers bad filters with 400 naming each one, another unit with 404, and refuses partners and tokens without the scope', async () => {
      const token = await tokenFor(users.staff, ['people:read']);
      const bad = problem(await call('GET', '/api/v1/people?status=asleep&channel=pigeon&unitId=abc&contactable=maybe', token), 400);
      expect(bad.errors).toEqual([
        { field: 'status', message: 'Choose a status from the list' },
        { field: 'unitId', message: 'Choose a team or service from the list' },
        { field: 'channel', message: 'Choose a way of contacting people from the list' },
        { field: 'contactable', message: 'Leave this out, or say "yes" for only people who may be contacted' },
      ]);
      problem(await call('GET', `/api/v1/people?unitId=${org.southTeam.id}`, token), 404);
      problem(await call('GET', '/api/v1/people', await tokenFor(users.partner)), 403);
      const noScope = problem(await call('GET', '/api/v1/people', await tokenFor(users.staff, ['people:write', 'projects:read'])), 403);
      expect(noScope.missingScope).toBe('people:read');
    });
  });

  describe('GET /api/v1/people/:id', () => {
    it('answers the whole record with attributes and current consents, and audits the view', async () => {
      const lead = await tokenFor(users.lead, ['people:read']);
      const before = (await auditRows('person.viewed')).length;
      const res = await call('GET', `/api/v1/people/${northPerson}`, lead);
      expect(res.statusCode, res.body).toBe(200);
      const person = res.json<PersonJson>();
      expect(person).toMatchObject({ id: northPerson, fullName: 'Nora North', phone: '07700 900123', interests: ['crisis care'], notes: 'Met at the stall', status: 'induction' });
      expect(person.consents.map((c) => c.kind)).toEqual(['contact', 'hold_details', 'named', 'photos', 'quotes']);
      const views = await auditRows('person.viewed');
      expect(views).toHaveLength(before + 1);
      expect(views.at(-1)).toMatchObject({ entity_type: 'person', entity_id: String(northPerson), actor_user_id: users.lead });
    });

    it('lets a partner read their own record (without the lead’s notes), and nobody else’s', async () => {
      const partner = await tokenFor(users.partner, ['people:read']);
      const own = await call('GET', `/api/v1/people/${partnerPerson}`, partner);
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json<PersonJson>()).toMatchObject({ id: partnerPerson, fullName: 'Pat Partner', notes: null });
      const views = await auditRows('person.viewed');
      expect(views.at(-1)).toMatchObject({ entity_id: String(partnerPerson), actor_user_id: users.partner, subject_user_id: users.partner });
      problem(await call('GET', `/api/v1/people/${northPerson}`, partner), 404);
      // Nor may they change it through the register's route.
      problem(await call('PATCH', `/api/v1/people/${partnerPerson}`, await tokenFor(users.partner), { fullName: 'Someone else' }), 404);
    });

    it('hides people outside the token owner’s units (404), and needs people:read', async () => {
      problem(await call('GET', `/api/v1/people/${northPerson}`, await tokenFor(users.otherStaff, ['people:read'])), 404);
      problem(await call('GET', `/api/v1/people/${northPerson}`, await tokenFor(users.southLead, ['people:read'])), 404);
      problem(await call('GET', `/api/v1/people/${southPerson}`, await tokenFor(users.lead, ['people:read'])), 404);
      problem(await call('GET', '/api/v1/people/abc', await tokenFor(users.lead)), 404);
      problem(await call('GET', '/api/v1/people/99999999999', await tokenFor(users.lead)), 404);
      const noScope = problem(await call('GET', `/api/v1/people/${northPerson}`, await tokenFor(users.lead, ['people:write'])), 403);
      expect(noScope.missingScope).toBe('people:read');
    });
  });

  describe('PATCH /api/v1/people/:id', () => {
    it('changes only the fields sent, logging a new status, and audits the change', async () => {
      const id = await insertPerson(org.northTeam.id, 'Petra Patch', { phone: '01582 123456', preferred_name: 'Pet', status: 'contacted' });
      await t.db.db.insertInto('person_attributes').values([{ person_id: id, kind: 'skill', value: 'qi introduction' }, { person_id: id, kind: 'availability', value: 'mon_am' }]).execute();
      const token = await tokenFor(users.lead);
      const res = await call('PATCH', `/api/v1/people/${id}`, token, { status: 'active', preferredName: null, interests: 'Diabetes, Carers' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<PersonJson>()).toMatchObject({
        fullName: 'Petra Patch',
        email: 'petra.patch@example.org',
        phone: '01582 123456',
        preferredName: null,
        status: 'active',
        interests: ['diabetes', 'carers'],
        skills: ['qi introduction'],
        availability: ['mon_am'],
        notes: 'Met at the stall',
      });
      const updated = (await auditRows('person.updated')).at(-1);
      expect(updated).toMatchObject({ entity_id: String(id), actor_user_id: users.lead });
      expect(JSON.parse(String(updated?.details)).fields.sort()).toEqual(['interests', 'preferredName', 'status']);
      const history = await t.db.db.selectFrom('person_status_history').select('status').where('person_id', '=', id).orderBy('id').execute();
      expect(history).toEqual([{ status: 'active' }]);
    });

    it('checks the record as a whole: a channel needs its contact details (400 naming them)', async () => {
      const token = await tokenFor(users.lead);
      const status = problem(await call('PATCH', `/api/v1/people/${northPerson}`, token, { status: 'sleeping', fullName: null }), 400);
      expect(status.errors).toEqual([
        { field: 'fullName', message: 'Enter the person’s full name' },
        { field: 'status', message: 'Choose a status' },
      ]);
      const bad = problem(await call('PATCH', `/api/v1/people/${northPerson}`, token, { preferredChannel: 'post' }), 400);
      expect(bad.errors).toEqual([
        { field: 'address', message: 'Enter a postal address, or choose another way to contact them' },
        { field: 'postcode', message: 'Enter a postcode, or choose another way to contact them' },
      ]);
      const cleared = problem(await call('PATCH', `/api/v1/people/${northPerson}`, token, { phone: '' }), 400);
      expect(cleared.errors).toEqual([{ field: 'phone', message: 'Enter a phone number, or choose another way to contact them' }]);
      const row = await t.db.db.selectFrom('people').select(['preferred_channel', 'phone', 'status']).where('id', '=', northPerson).executeTakeFirstOrThrow();
      expect(row).toEqual({ preferred_channel: 'phone', phone: '07700 900123', status: 'induction' });
    });

    it('is for the involvement lead of the person’s unit, with people:write', async () => {
      problem(await call('PATCH', `/api/v1/people/${northPerson}`, await tokenFor(users.staff), { fullName: 'Staff was here' }), 404);
      problem(await call('PATCH', `/api/v1/people/${northPerson}`, await tokenFor(users.southLead), { fullName: 'South was here' }), 404);
      const readOnly = problem(await call('PATCH', `/api/v1/people/${northPerson}`, await tokenFor(users.lead, ['people:read']), { fullName: 'x' }), 403);
      expect(readOnly.missingScope).toBe('people:write');
      const row = await t.db.db.selectFrom('people').select('full_name').where('id', '=', northPerson).executeTakeFirstOrThrow();
      expect(row.full_name).toBe('Nora North');
    });
  });

  describe('POST /api/v1/people/:id/consents', () => {
    it('records a decision that holds at once, and audits it', async () => {
      const id = await insertPerson(org.northTeam.id, 'Connie Consent');
      const token = await tokenFor(users.lead);
      const given = await call('POST', `/api/v1/people/${id}/consents`, token, { kind: 'contact', given: 'yes', method: 'verbal', note: ' On the phone ' });
      expect(given.statusCode, given.body).toBe(201);
      expect(given.json()).toEqual({ kind: 'contact', given: true, method: 'verbal', note: 'On the phone', contactable: true });
      const withdrawn = await call('POST', `/api/v1/people/${id}/consents`, token, { kind: 'contact', given: 'no', method: 'email' });
      expect(withdrawn.json()).toEqual({ kind: 'contact', given: false, method: 'email', note: null, contactable: false });
      const person = (await call('GET', `/api/v1/people/${id}`, token)).json<PersonJson>();
      expect(person.contactable).toBe(false);
      expect(person.consents.find((c) => c.kind === 'contact')).toMatchObject({ given: false, method: 'email', recordedBy: 'Lee Lead' });
      expect((await auditRows('person.consent_withdrawn')).at(-1)).toMatchObject({ entity_id: String(id), actor_user_id: users.lead });
    });

    it('answers 400 naming each missing part, 404 outside the lead’s units, 403 without the scope', async () => {
      const token = await tokenFor(users.lead);
      const bad = problem(await call('POST', `/api/v1/people/${northPerson}/consents`, token, { kind: 'everything' }), 400);
      expect(bad.errors).toEqual([
        { field: 'kind', message: 'Choose what the consent is for' },
        { field: 'given', message: 'Choose whether they agreed' },
        { field: 'method', message: 'Choose how the consent was given' },
      ]);
      problem(await call('POST', `/api/v1/people/${southPerson}/consents`, token, { kind: 'contact', given: 'yes', method: 'verbal' }), 404);
      problem(await call('POST', `/api/v1/people/${northPerson}/consents`, await tokenFor(users.staff), { kind: 'contact', given: 'yes', method: 'verbal' }), 404);
      const readOnly = problem(await call('POST', `/api/v1/people/${northPerson}/consents`, await tokenFor(users.lead, ['people:read']), { kind: 'contact', given: 'yes', method: 'verbal' }), 403);
      expect(readOnly.missingScope).toBe('people:write');
      expect(await t.db.db.selectFrom('consents').select('id').where('person_id', 'in', [northPerson, southPerson]).execute()).toEqual([]);
    });
  });

  it('offers the new scopes, in words, on the account’s token page', async () => {
    const b = new Browser(t.app);
    await b.signIn('lead@example.org');
    const page = await b.get('/account/tokens');
    expect(page.statusCode).toBe(200);
    for (const scope of ['people:read', 'people:write', 'opportunities:read', 'opportunities:write']) {
      expect(page.body).toContain(`value="${scope}"`);
      expect(page.body).toContain(`(${scope})`);
    }
    expect(page.body).toContain('See the involvement register');
  });

  it('is described in the OpenAPI document with its scopes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { security: unknown; parameters?: { name: string }[] }>> }>();
    expect(doc.paths['/api/v1/people']?.get?.security).toEqual([{ bearerToken: ['people:read'] }]);
    expect(doc.paths['/api/v1/people']?.get?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['status', 'interest', 'unitId', 'contactable', 'before']));
    expect(doc.paths['/api/v1/people']?.post?.security).toEqual([{ bearerToken: ['people:write'] }]);
    expect(Object.keys(doc.paths['/api/v1/people/{id}'] ?? {}).sort()).toEqual(['get', 'patch']);
    expect(doc.paths['/api/v1/people/{id}/consents']?.post?.security).toEqual([{ bearerToken: ['people:write'] }]);
  });
});
