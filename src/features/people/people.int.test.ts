import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { londonDate } from '../projects/service.ts';
import { guardCell, isContactable, suppress } from './service.ts';

/** The register form as a browser sends it: only what the lead typed and ticked. */
function form(overrides: Record<string, string | string[]> = {}): Record<string, string> {
  return {
    fullName: 'Sam Patel',
    email: 'sam.patel@example.org',
    preferredChannel: 'email',
    format: 'standard',
    relationship: 'service_user',
    anonymity: 'full_name',
    paymentPreference: 'involvement_rate',
    status: 'enquiry',
    ...(Object.fromEntries(Object.entries(overrides).filter(([, v]) => typeof v === 'string')) as Record<string, string>),
  };
}

/** Browser.post takes single values; several ticked boxes go as repeated fields. */
async function postMany(t: TestApp, b: Browser, url: string, fields: [string, string][]) {
  const body = new URLSearchParams([['_csrf', b.csrf], ...fields]).toString();
  return t.app.inject({ method: 'POST', url, payload: body, headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
}

describe('the involvement register', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  const users = {} as Record<'lead' | 'staff' | 'otherStaff' | 'partner' | 'admin' | 'southLead', number>;
  const b = {} as Record<keyof typeof users, Browser>;

  const auditRows = (action: string) => t.db.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

  async function addPerson(fields: [string, string][]): Promise<number> {
    await b.lead.get('/people/new');
    const res = await postMany(t, b.lead, '/people', fields);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    return Number(String(res.headers.location).split('/').pop());
  }
  const base = (name: string, more: [string, string][] = []): [string, string][] => [
    ['unitId', String(org.northTeam.id)],
    ...Object.entries(form({ fullName: name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org` })),
    ...more,
  ];

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users.lead = await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead');
    users.staff = await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    users.otherStaff = await createUser(t.db, 'south-staff@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }]);
    users.partner = await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner');
    users.admin = await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    users.southLead = await createUser(t.db, 'south-lead@example.org', [{ unitId: org.south.id, role: 'lead' }]);
    for (const [role, email] of Object.entries({
      lead: 'lead@example.org', staff: 'staff@example.org', otherStaff: 'south-staff@example.org', partner: 'partner@example.org', admin: 'admin@example.org', southLead: 'south-lead@example.org',
    })) {
      const browser = new Browser(t.app);
      await browser.signIn(email);
      await browser.get('/');
      b[role as keyof typeof users] = browser;
    }
  });
  afterAll(() => t.close());

  describe('adding and changing a person', () => {
    it('re-shows the form with the values kept and each problem named (400)', async () => {
      await b.lead.get('/people/new');
      const res = await b.lead.post('/people', { ...form({ fullName: 'Kept Name', email: 'not-an-email', postcode: 'nonsense' }), unitId: String(org.northTeam.id), preferredChannel: 'post' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('There is a problem');
      expect(res.body).toContain('Enter an email address in the correct format');
      expect(res.body).toContain('Enter a full UK postcode');
      expect(res.body).toContain('Enter a postal address, or choose another way to contact them');
      expect(res.body).toContain('value="Kept Name"');
      expect(await t.db.db.selectFrom('people').select('id').where('full_name', '=', 'Kept Name').execute()).toEqual([]);
    });

    it('adds a person with attributes and a first status, audited without personal data', async () => {
      const id = await addPerson(
        base('Avery Adams', [
          ['accessNeeds', 'step_free'], ['accessNeeds', 'quiet_room'], ['availability', 'tue_pm'], ['availability', 'thu_am'],
          ['interests', 'Mental health, carers'], ['skills', 'QI introduction'],
        ]),
      );
      const attrs = await t.db.db.selectFrom('person_attributes').select(['kind', 'value']).where('person_id', '=', id).orderBy('kind').orderBy('value').execute();
      expect(attrs).toEqual([
        { kind: 'access_need', value: 'quiet_room' }, { kind: 'access_need', value: 'step_free' },
        { kind: 'availability', value: 'thu_am' }, { kind: 'availability', value: 'tue_pm' },
        { kind: 'interest', value: 'carers' }, { kind: 'interest', value: 'mental health' },
        { kind: 'skill', value: 'qi introduction' },
      ]);
      const history = await t.db.db.selectFrom('person_status_history').selectAll().where('person_id', '=', id).execute();
      expect(history.map((h) => [h.status, h.changed_by])).toEqual([['enquiry', users.lead]]);
      const created = (await auditRows('person.created')).filter((a) => a.entity_id === String(id));
      expect(created).toHaveLength(1);
      expect(created[0]?.details).not.toContain('Avery');
    });

    it('offers only the units the lead manages, and refuses another unit', async () => {
      const page = await b.lead.get('/people/new');
      expect(page.body).toContain('North Community Team');
      expect(page.body).not.toContain('South Community Team');
      const res = await b.lead.post('/people', { ...form(), unitId: String(org.southTeam.id) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Choose a team or service whose register you look after');
      // QI staff see the register but do not keep it.
      expect((await b.staff.get('/people/new')).statusCode).toBe(403);
    });

    it('edits: replaces attributes, logs a status change, audits only the names of changed fields', async () => {
      const id = await addPerson(base('Blake Brown', [['interests', 'housing'], ['availability', 'mon_am']]));
      await b.lead.get(`/people/${id}/edit`);
      const res = await postMany(t, b.lead, `/people/${id}`, [...base('Blake Brown', [['interests', 'carers'], ['availability', 'fri_eve']]).filter(([k]) => k !== 'status'), ['status', 'active']]);
      expect(res.statusCode).toBe(303);
      const attrs = await t.db.db.selectFrom('person_attributes').select(['kind', 'value']).where('person_id', '=', id).orderBy('kind').execute();
      expect(attrs).toEqual([{ kind: 'availability', value: 'fri_eve' }, { kind: 'interest', value: 'carers' }]);
      const statuses = await t.db.db.selectFrom('person_status_history').select('status').where('person_id', '=', id).orderBy('id').execute();
      expect(statuses.map((s) => s.status)).toEqual(['enquiry', 'active']);
      const updated = (await auditRows('person.updated')).filter((a) => a.entity_id === String(id));
      expect(JSON.parse(updated[0]?.details ?? '{}')).toEqual({ fields: ['status', 'interests', 'availability'] });
    });

    it('links an Alongside account by email, and refuses an unknown one', async () => {
      const id = await addPerson(base('Casey Clark'));
      await b.lead.get(`/people/${id}/edit`);
      const bad = await postMany(t, b.lead, `/people/${id}`, [...base('Casey Clark'), ['accountEmail', 'nobody@example.org']]);
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('There is no Alongside account with that email address');
      expect(bad.body).toContain('value="nobody@example.org"');
      const good = await postMany(t, b.lead, `/people/${id}`, [...base('Casey Clark'), ['accountEmail', 'Partner@Example.org']]);
      expect(good.statusCode).toBe(303);
      const row = await t.db.db.selectFrom('people').select('user_id').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.user_id).toBe(users.partner);
      // A second person cannot take the same account.
      const other = await addPerson(base('Dana Dixon'));
      const taken = await postMany(t, b.lead, `/people/${other}`, [...base('Dana Dixon'), ['accountEmail', 'partner@example.org']]);
      expect(taken.statusCode).toBe(400);
      expect(taken.body).toContain('already linked to another person');
    });
  });

  describe('the way around', () => {
    it('links the register to the hub, and to importing for those who keep it', async () => {
      const lead = (await b.lead.get('/people')).body;
      expect(lead).toContain('href="/involvement"');
      expect(lead).toContain('<a href="/people/import">Import a register</a>');
      const staff = (await b.staff.get('/people')).body;
      expect(staff).toContain('href="/involvement"');
      expect(staff).not.toContain('href="/people/import"');
    });
  });

  describe('who sees whom', () => {
    let north: number;
    let south: number;
    beforeAll(async () => {
      north = await addPerson(base('Nora North'));
      await b.southLead.get('/people/new');
      const res = await postMany(t, b.southLead, '/people', [...base('Sid South').filter(([k]) => k !== 'unitId'), ['unitId', String(org.southTeam.id)]]);
      south = Number(String(res.headers.location).split('/').pop());
    });

    it('staff of another unit get a 404 for a North person and do not see them in their register', async () => {
      expect((await b.otherStaff.get(`/people/${north}`)).statusCode).toBe(404);
      const list = await b.otherStaff.get('/people');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('Nora North');
      expect(list.body).toContain('Sid South');
      expect((await b.staff.get(`/people/${south}`)).statusCode).toBe(404);
      expect((await b.otherStaff.get(`/people/export.csv`)).body).not.toContain('Nora North');
    });

    it('a partner sees only their own record', async () => {
      expect((await b.partner.get(`/people/${north}`)).statusCode).toBe(404);
      expect((await b.partner.get('/people')).statusCode).toBe(403);
      const own = await b.partner.get('/my-involvement');
      expect(own.statusCode).toBe(200);
      expect(own.body).toContain('Casey Clark');
      expect(own.body).not.toContain('Nora North');
    });

    it('audits every view of a person, by whom', async () => {
      const before = (await auditRows('person.viewed')).filter((a) => a.entity_id === String(north)).length;
      await b.staff.get(`/people/${north}`);
      await b.lead.get(`/people/${north}`);
      const rows = (await auditRows('person.viewed')).filter((a) => a.entity_id === String(north));
      expect(rows.length - before).toBe(2);
      expect(rows.slice(-2).map((r) => r.actor_user_id)).toEqual([users.staff, users.lead]);
      // A refused view is not a view.
      await b.otherStaff.get(`/people/${north}`);
      expect((await auditRows('person.viewed')).filter((a) => a.entity_id === String(north)).length).toBe(rows.length);
    });

    it('shows 25 people a page, newest first, with a link to the next page', async () => {
      const now = nowIso();
      for (let i = 0; i < 27; i++) {
        await t.db.db
          .insertInto('people')
          .values({ unit_id: org.southTeam.id, full_name: `Page Person ${String(i).padStart(2, '0')}`, preferred_channel: 'phone', phone: '01582 123456', format: 'standard', relationship: 'carer', anonymity: 'full_name', payment_preference: 'none', status: 'active', created_at: now, updated_at: now })
          .execute();
      }
      const rowNames = (html: string) => [...html.matchAll(/>(Page Person \d\d)</g)].map((m) => m[1]);
      const first = await b.southLead.get('/people?q=Page+Person');
      expect(rowNames(first.body)).toHaveLength(25);
      expect(rowNames(first.body)[0]).toBe('Page Person 26');
      const next = /href="(\/people\?q=Page\+Person&amp;before=\d+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
      expect(next).toBeDefined();
      const second = await b.southLead.get(next ?? '');
      expect(rowNames(second.body)).toEqual(['Page Person 01', 'Page Person 00']);
    });

    it('ids too large for the database are a 404, not an error', async () => {
      expect((await b.lead.get('/people/99999999999')).statusCode).toBe(404);
      expect((await b.lead.get('/people/abc/edit')).statusCode).toBe(404);
    });
  });

  describe('filters, saved filters and export', () => {
    const ids = { alpha: 0, beta: 0, gamma: 0 };
    const names = (html: string) => ['Fil Alpha', 'Fil Beta', 'Fil Gamma'].filter((n) => html.includes(n));

    beforeAll(async () => {
      ids.alpha = await addPerson([
        ['unitId', String(org.northTeam.id)], ['fullName', 'Fil Alpha'], ['email', 'alpha@filters.example'], ['preferredChannel', 'email'], ['format', 'large_print'],
        ['relationship', 'carer'], ['anonymity', 'full_name'], ['paymentPreference', 'vouchers'], ['status', 'active'],
        ['interests', 'filtering, housing'], ['availability', 'wed_pm'], ['accessNeeds', 'hearing_loop'],
      ]);
      ids.beta = await addPerson([
        ['unitId', String(org.north.id)], ['fullName', 'Fil Beta'], ['phone', '+44 7700 900123'], ['preferredChannel', 'sms'], ['format', 'easy_read'],
        ['relationship', 'service_user'], ['anonymity', 'initials'], ['paymentPreference', 'none'], ['status', 'paused'],
        ['interests', 'filtering'], ['availability', 'mon_am'],
      ]);
      ids.gamma = await addPerson([
        ['unitId', String(org.northTeam.id)], ['fullName', 'Fil Gamma'], ['address', '1 High Street'], ['postcode', 'lu13ju'], ['preferredChannel', 'post'], ['format', 'standard'],
        ['relationship', 'both'], ['anonymity', 'anonymous'], ['paymentPreference', 'expenses_only'], ['status', 'active'],
        ['interests', 'other things'], ['accessNeeds', 'hearing_loop'], ['accessNeeds', 'step_free'],
      ]);
    });

    it('each filter narrows the register in SQL', async () => {
      const list = async (qs: string) => names((await b.lead.get(`/people?q=Fil&${qs}`)).body);
      expect(await list('')).toEqual(['Fil Alpha', 'Fil Beta', 'Fil Gamma']);
      expect(await list('status=active')).toEqual(['Fil Alpha', 'Fil Gamma']);
      expect(await list('interest=Filtering')).toEqual(['Fil Alpha', 'Fil Beta']);
      expect(await list(`unitId=${org.northTeam.id}`)).toEqual(['Fil Alpha', 'Fil Gamma']);
      expect(await list('availability=mon_am')).toEqual(['Fil Beta']);
      expect(await list('accessNeed=hearing_loop')).toEqual(['Fil Alpha', 'Fil Gamma']);
      expect(await list('channel=post')).toEqual(['Fil Gamma']);
      expect(await list('format=easy_read')).toEqual(['Fil Beta']);
      expect(await list('relationship=carer')).toEqual(['Fil Alpha']);
      expect(names((await b.lead.get('/people?q=ALPHA@filters')).body)).toEqual(['Fil Alpha']);
      expect(await list('status=active&accessNeed=step_free')).toEqual(['Fil Gamma']);
      // A filter that makes no sense is dropped, not an error.
      expect(await list('status=bogus')).toEqual(['Fil Alpha', 'Fil Beta', 'Fil Gamma']);
      // South's unit is outside the lead's register.
      expect((await b.lead.get(`/people?unitId=${org.southTeam.id}`)).statusCode).toBe(404);
    });

    it('"can be contacted" follows the latest contact consent at once', async () => {
      const contactable = async () => names((await b.lead.get('/people?q=Fil&contactable=yes')).body);
      expect(await contactable()).toEqual([]);
      await b.lead.get(`/people/${ids.alpha}/consents`);
      const given = await b.lead.post(`/people/${ids.alpha}/consents`, { kind: 'contact', given: 'yes', method: 'written', note: 'Signed form' });
      expect(given.statusCode).toBe(303);
      await b.lead.post(`/people/${ids.gamma}/consents`, { kind: 'contact', given: 'yes', method: 'verbal' });
      expect(await contactable()).toEqual(['Fil Alpha', 'Fil Gamma']);
      expect(await isContactable(t.db.db, ids.alpha)).toBe(true);
      await b.lead.post(`/people/${ids.alpha}/consents`, { kind: 'contact', given: 'no', method: 'phone' });
      expect(await contactable()).toEqual(['Fil Gamma']);
      expect(await isContactable(t.db.db, ids.alpha)).toBe(false);
      // Consent to something else does not make anyone contactable.
      await b.lead.post(`/people/${ids.beta}/consents`, { kind: 'photos', given: 'yes', method: 'online' });
      expect(await isContactable(t.db.db, ids.beta)).toBe(false);
      const row = await t.db.db.selectFrom('consents').selectAll().where('person_id', '=', ids.alpha).orderBy('id').execute();
      expect(row.map((c) => [c.kind, c.given, c.method, c.recorded_by])).toEqual([['contact', 1, 'written', users.lead], ['contact', 0, 'phone', users.lead]]);
      const page = await b.lead.get(`/people/${ids.alpha}`);
      expect(page.body).toContain('Withdrawn');
      expect(page.body).toContain('Lee Lead');
      const bad = await b.lead.post(`/people/${ids.alpha}/consents`, { kind: 'contact', note: 'kept note' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Choose whether they agreed');
      expect(bad.body).toContain('kept note');
    });

    it('saves a filter for its owner only', async () => {
      await b.lead.get('/people');
      const bad = await b.lead.post('/people/filters', { query: 'status=active' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Enter a name for these filters');
      const res = await b.lead.post('/people/filters', { name: 'Active carers', query: 'status=active&relationship=carer&secret=1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/people?status=active&relationship=carer');
      const saved = await t.db.db.selectFrom('saved_filters').selectAll().where('user_id', '=', users.lead).executeTakeFirstOrThrow();
      expect(saved.query).toBe('status=active&relationship=carer');
      expect((await b.lead.get('/people')).body).toContain('Active carers');
      expect((await b.staff.get('/people')).body).not.toContain('Active carers');
      expect((await b.admin.post(`/people/filters/${saved.id}/delete`, {})).statusCode).toBe(404);
      expect((await b.lead.post(`/people/filters/${saved.id}/delete`, {})).statusCode).toBe(303);
      expect(await t.db.db.selectFrom('saved_filters').selectAll().where('id', '=', saved.id).execute()).toEqual([]);
    });

    it('exports the filtered register as CSV, guarded against formulas, and audits only the count and filter names', async () => {
      const evil = await addPerson([
        ...base('=HYPERLINK("http://evil.example","click")', [['interests', 'filtering'], ['skills', '@sum(a1)']]).filter(([k]) => k !== 'email'),
        ['email', 'evil@example.org'],
      ]);
      const res = await b.lead.get('/people/export.csv?interest=filtering&q=');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="involvement-register-.*\.csv"/);
      const rows = parseCsv(res.body, { bom: true }) as string[][];
      const header = rows[0] ?? [];
      expect(header.slice(0, 3)).toEqual(['Reference', 'Full name', 'Preferred name']);
      const byName = new Map(rows.slice(1).map((r) => [r[1], r]));
      expect([...byName.keys()].sort()).toEqual(["'=HYPERLINK(\"http://evil.example\",\"click\")", 'Fil Alpha', 'Fil Beta'].sort());
      const col = (name: string) => header.indexOf(name);
      const beta = byName.get('Fil Beta') ?? [];
      expect(beta[col('Phone')]).toBe("'+44 7700 900123");
      expect(beta[col('Format')]).toBe('Easy read');
      expect(beta[col('Availability')]).toBe('Monday morning');
      expect(byName.get('Fil Alpha')?.[col('Access needs')]).toBe('Hearing loop');
      expect(byName.get("'=HYPERLINK(\"http://evil.example\",\"click\")")?.[col('Skills and training')]).toBe("'@sum(a1)");
      const exported = (await auditRows('people.exported')).at(-1);
      expect(exported?.actor_user_id).toBe(users.lead);
      expect(JSON.parse(exported?.details ?? '{}')).toEqual({ format: 'csv', count: 3, filters: ['interest'] });
      await t.db.db.deleteFrom('people').where('id', '=', evil).execute();
    });

    it('exports the same rows as XLSX, which reads back', async () => {
      const res = await b.lead.get('/people/export.xlsx?q=Fil&status=active');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      const values: string[][] = [];
      sheet?.eachRow((row) => values.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
      expect(values[0]?.[1]).toBe('Full name');
      expect(values.slice(1).map((r) => r[1]).sort()).toEqual(['Fil Alpha', 'Fil Gamma']);
      const gamma = values.find((r) => r[1] === 'Fil Gamma') ?? [];
      expect(gamma[values[0]?.indexOf('Postcode') ?? -1]).toBe('LU1 3JU');
      expect(JSON.parse((await auditRows('people.exported')).at(-1)?.details ?? '{}')).toEqual({ format: 'xlsx', count: 2, filters: ['q', 'status'] });
    });

    it('guards every cell that a spreadsheet would run', () => {
      expect(['=1+1', '+1', '-1', '@x', '\tx', '\rx', 'plain', ''].map(guardCell)).toEqual(["'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", 'plain', '']);
    });
  });

  describe('equality monitoring', () => {
    it('hides counts under 5, and never shows a person their answers', async () => {
      const women: number[] = [];
      for (let i = 0; i < 6; i++) women.push(await addPerson(base(`Eq Person W${i}`)));
      const men = [await addPerson(base("Eq Person M1")), await addPerson(base("Eq Person M2"))];
      for (const id of women) {
        await b.lead.get(`/people/${id}/equality`);
        expect((await b.lead.post(`/people/${id}/equality`, { gender: 'woman', age_band: '25_34' })).statusCode).toBe(303);
      }
      for (const id of men) await b.lead.post(`/people/${id}/equality`, { gender: 'man', disability: 'prefer_not_to_say' });
      // A second small count, so the one for men cannot be worked out from the total.
      await b.lead.post(`/people/${await addPerson(base('Eq Other'))}/equality`, { gender: 'non_binary' });
      const bad = await b.lead.post(`/people/${men[0]}/equality`, { gender: 'martian' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Choose one of the answers');

      const report = await b.lead.get('/people/equality');
      expect(report.statusCode).toBe(200);
      const gender = report.body.slice(report.body.indexOf('Gender'), report.body.indexOf('Ethnic group'));
      expect(gender.length).toBeGreaterThan(0);
      expect(gender).toMatch(/Woman[\s\S]*?>\s*6\s*</);
      expect(gender).toMatch(/Man[\s\S]*?Fewer than 5/);
      expect(gender).not.toMatch(/>\s*2\s*</);
      expect((await b.staff.get('/people/equality')).statusCode).toBe(403);

      const page = await b.lead.get(`/people/${women[0]}`);
      expect(page.body).toContain('Answered');
      expect(page.body).not.toContain('Woman');
      expect(page.body).not.toContain('25 to 34');
      const audited = (await auditRows('person.equality_updated')).at(-1);
      expect(audited?.details).not.toContain('non_binary');

      // The form says which questions are answered, never the answers; a blank question keeps its answer.
      const formPage = await b.lead.get(`/people/${women[0]}/equality`);
      expect(formPage.body).toContain('Already answered');
      expect(formPage.body).not.toMatch(/value="woman"[^>]*checked/);
      await b.lead.post(`/people/${women[0]}/equality`, { religion: 'none' });
      const kept = await t.db.db.selectFrom('person_equality').selectAll().where('person_id', '=', women[0] ?? 0).executeTakeFirstOrThrow();
      expect([kept.gender, kept.age_band, kept.religion]).toEqual(['woman', '25_34', 'none']);
      await b.lead.post(`/people/${women[0]}/equality`, { clear: 'yes' });
      expect(await t.db.db.selectFrom('person_equality').select('person_id').where('person_id', '=', women[0] ?? 0).execute()).toEqual([]);
      expect((await b.lead.get(`/people/${women[0]}`)).body).toContain('Not answered');
    });

    it('suppression also hides a second count when one hidden count could be worked out', () => {
      expect(suppress([{ answer: 'a', n: 10 }, { answer: 'b', n: 3 }, { answer: 'c', n: 7 }, { answer: 'd', n: 0 }])).toEqual([
        { answer: 'a', count: 10 }, { answer: 'b', count: null }, { answer: 'c', count: null }, { answer: 'd', count: 0 },
      ]);
      expect(suppress([{ answer: 'a', n: 1 }, { answer: 'b', n: 2 }, { answer: 'c', n: 9 }])).toEqual([
        { answer: 'a', count: null }, { answer: 'b', count: null }, { answer: 'c', count: 9 },
      ]);
    });
  });

  describe('erasure and subject access', () => {
    it('exports everything held about a person as JSON, audited', async () => {
      const id = await addPerson(base('Sar Person', [['interests', 'gardening']]));
      await b.lead.post(`/people/${id}/consents`, { kind: 'quotes', given: 'yes', method: 'email' });
      const res = await b.lead.get(`/people/${id}/export`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain('attachment');
      const doc = JSON.parse(res.body) as { person: { full_name: string }; attributes: { interest: string[] }; consents: { kind: string }[] };
      expect(doc.person.full_name).toBe('Sar Person');
      expect(doc.attributes.interest).toEqual(['gardening']);
      expect(doc.consents.map((c) => c.kind)).toEqual(['quotes']);
      expect((await auditRows('person.exported')).at(-1)?.entity_id).toBe(String(id));
      expect((await b.staff.get(`/people/${id}/export`)).statusCode).toBe(404);
    });

    it('erases only after confirmation, keeping an anonymous row', async () => {
      const id = await addPerson(base('Erin Erase', [['interests', 'privacy']]));
      await b.lead.post(`/people/${id}/consents`, { kind: 'contact', given: 'yes', method: 'written' });
      await b.lead.post(`/people/${id}/equality`, { gender: 'woman' });
      await t.db.db.insertInto('involvement_activities').values({ person_id: id, on_date: '2025-01-01', kind: 'meeting', description: 'Erin spoke', minutes: 90, created_at: nowIso() }).execute();
      expect((await b.lead.get(`/people/${id}/erase`)).statusCode).toBe(200);
      const unconfirmed = await b.lead.post(`/people/${id}/erase`, {});
      expect(unconfirmed.statusCode).toBe(400);
      expect(unconfirmed.body).toContain('Confirm that you understand');
      const res = await b.lead.post(`/people/${id}/erase`, { confirm: 'yes' });
      expect(res.statusCode).toBe(303);
      const row = await t.db.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.erased_at).not.toBeNull();
      expect([row.full_name, row.email, row.phone, row.address, row.postcode, row.notes, row.user_id]).toEqual(['', null, null, null, null, null, null]);
      expect(await t.db.db.selectFrom('person_attributes').select('id').where('person_id', '=', id).execute()).toEqual([]);
      expect(await t.db.db.selectFrom('consents').select('id').where('person_id', '=', id).execute()).toEqual([]);
      expect(await t.db.db.selectFrom('person_equality').select('person_id').where('person_id', '=', id).execute()).toEqual([]);
      const activity = await t.db.db.selectFrom('involvement_activities').select(['minutes', 'description']).where('person_id', '=', id).executeTakeFirstOrThrow();
      expect(activity).toEqual({ minutes: 90, description: '' });
      expect((await b.lead.get(`/people/${id}`)).statusCode).toBe(404);
      expect((await b.lead.get('/people?q=Erin')).body).not.toContain('Erin Erase');
      expect((await auditRows('person.erased')).at(-1)?.entity_id).toBe(String(id));
    });

    it("a user's export includes their register entry, and erasing the user erases it", async () => {
      const id = await addPerson(base('Una User'));
      const userId = await createUser(t.db, 'una@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]);
      await t.db.db.updateTable('people').set({ user_id: userId }).where('id', '=', id).execute();
      const exported = await b.admin.get(`/admin/users/${userId}/export`);
      expect((JSON.parse(exported.body) as { involvement_register: { person: { full_name: string } } }).involvement_register.person.full_name).toBe('Una User');
      await b.admin.get(`/admin/users/${userId}`);
      expect((await b.admin.post(`/admin/users/${userId}/erase`, {})).statusCode).toBe(303);
      const row = await t.db.db.selectFrom('people').select(['full_name', 'erased_at', 'user_id']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.full_name).toBe('');
      expect(row.erased_at).not.toBeNull();
      expect(row.user_id).toBeNull();
    });
  });

  describe('recording involvement and hours by hand', () => {
    let person: number;
    let other: number;
    let linkedProject: number;
    let otherProject: number;
    let group: number;
    const today = londonDate();
    const activities = (id: number) => t.db.db.selectFrom('involvement_activities').selectAll().where('person_id', '=', id).orderBy('id').execute();
    const good = () => ({ onDate: today, kind: 'project', description: 'Reviewed the discharge leaflet', hours: '2', minutes: '30', projectId: String(linkedProject) });
    /** The value beside a summary-list key. */
    const summary = (html: string, key: string) => new RegExp(`${key}\\s*</dt>\\s*<dd[^>]*>\\s*([^<]*?)\\s*</dd>`).exec(html)?.[1];

    beforeAll(async () => {
      person = await addPerson(base('Hana Hours'));
      other = await addPerson(base('Otto Other'));
      const now = nowIso();
      const project = async (title: string) =>
        (await t.db.db
          .insertInto('projects')
          .values({ unit_id: org.northTeam.id, title, aim: 'Aim', background: null, stage: 'testing', programme: null, involvement_level: 'involved', created_by: users.lead, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()).id;
      linkedProject = await project('Linked leaflet project');
      otherProject = await project('Somebody else project');
      await t.db.db.insertInto('project_members').values({ project_id: linkedProject, user_id: null, person_id: person, display_name: 'Hana Hours', role: 'service_user_partner', joined_on: '2025-01-01', left_on: null }).execute();
      await t.db.db.insertInto('project_members').values({ project_id: otherProject, user_id: null, person_id: other, display_name: 'Otto Other', role: 'carer_partner', joined_on: '2025-01-01', left_on: null }).execute();
      group = (await t.db.db.insertInto('groups').values({ unit_id: org.northTeam.id, name: 'Hours Working Group', purpose: null, terms_of_reference: null, cadence: null, created_at: now, archived_at: null }).returning('id').executeTakeFirstOrThrow()).id;
      await t.db.db.insertInto('group_members').values({ group_id: group, person_id: person, role: 'member', joined_on: '2025-01-01', left_on: null }).execute();
    });

    it("offers the lead a form listing only the person's own projects and groups", async () => {
      const page = await b.lead.get(`/people/${person}`);
      expect(page.body).toContain(`href="/people/${person}/activities/new"`);
      const staffPage = await b.staff.get(`/people/${person}`);
      expect(staffPage.statusCode).toBe(200);
      expect(staffPage.body).not.toContain('/activities/new');
      const form = await b.lead.get(`/people/${person}/activities/new`);
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('Linked leaflet project');
      expect(form.body).toContain('Hours Working Group');
      expect(form.body).not.toContain('Somebody else project');
      expect(form.body).toContain(`value="${today}"`);
      // No opportunities taken up: no opportunity list.
      expect(form.body).not.toContain('name="opportunityId"');
    });

    it('records an activity: back to the person with the time and totals, audited without the description', async () => {
      const res = await b.lead.post(`/people/${person}/activities`, good());
      expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
      expect(res.headers.location).toBe(`/people/${person}`);
      await b.lead.post(`/people/${person}/activities`, { onDate: '2020-05-01', kind: 'meeting', description: 'Forum in 2020', hours: '1', groupId: String(group) });
      const rows = await activities(person);
      expect(rows.map((r) => [r.on_date, r.kind, r.minutes, r.project_id, r.group_id, r.recorded_by])).toEqual([
        [today, 'project', 150, linkedProject, null, users.lead],
        ['2020-05-01', 'meeting', 60, null, group, users.lead],
      ]);
      const page = await b.lead.get(`/people/${person}`);
      expect(page.body).toContain('Involvement recorded');
      expect(page.body).toContain('Reviewed the discharge leaflet');
      expect(page.body).toContain('Project: Linked leaflet project');
      expect(page.body).toContain('Group: Hours Working Group');
      expect(page.body).toContain('2 hours 30 minutes');
      expect(summary(page.body, 'Hours this year')).toBe('2 hours 30 minutes');
      expect(summary(page.body, 'Hours in all')).toBe('3 hours 30 minutes');
      const recorded = (await auditRows('involvement_activity.recorded')).filter((a) => a.entity_id === String(person));
      expect(recorded.map((a) => [a.actor_user_id, a.entity_type, JSON.parse(a.details ?? '{}')])).toEqual([
        [users.lead, 'person', { activityId: rows[0]?.id, kind: 'project', minutes: 150 }],
        [users.lead, 'person', { activityId: rows[1]?.id, kind: 'meeting', minutes: 60 }],
      ]);
      expect(recorded.map((a) => a.details).join()).not.toContain('leaflet');
      // QI staff see the history but cannot remove from it.
      const staffPage = await b.staff.get(`/people/${person}`);
      expect(staffPage.body).toContain('Reviewed the discharge leaflet');
      expect(staffPage.body).not.toContain('/delete');
      // The subject-access export holds the activities and both totals.
      const doc = JSON.parse((await b.lead.get(`/people/${person}/export`)).body) as { involvement: { activities: { description: string; minutes: number }[]; totalMinutes: number; minutesThisYear: number } };
      expect(doc.involvement.activities.map((a) => [a.description, a.minutes])).toEqual([['Reviewed the discharge leaflet', 150], ['Forum in 2020', 60]]);
      expect([doc.involvement.totalMinutes, doc.involvement.minutesThisYear]).toEqual([210, 150]);
    });

    it('refuses a future date, no time, too much time and a project they are not linked to (400, values kept)', async () => {
      const before = (await activities(person)).length;
      const future = await b.lead.post(`/people/${person}/activities`, { ...good(), onDate: '2999-01-01', description: 'Kept description' });
      expect(future.statusCode).toBe(400);
      expect(future.body).toContain('There is a problem');
      expect(future.body).toContain('The date must be today or in the past');
      expect(future.body).toContain('Kept description</textarea>');
      expect(future.body).toContain('value="2999-01-01"');
      const noTime = await b.lead.post(`/people/${person}/activities`, { ...good(), hours: '0', minutes: '' });
      expect(noTime.statusCode).toBe(400);
      expect(noTime.body).toContain('Enter the time it took');
      expect(noTime.body).toContain('value="0"');
      const tooLong = await b.lead.post(`/people/${person}/activities`, { ...good(), hours: '24', minutes: '30' });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.body).toContain('The time must be 24 hours or less');
      const notTheirs = await b.lead.post(`/people/${person}/activities`, { ...good(), projectId: String(otherProject), description: 'Not their project' });
      expect(notTheirs.statusCode).toBe(400);
      expect(notTheirs.body).toContain('Choose one of their projects from the list');
      expect(notTheirs.body).toContain('Not their project</textarea>');
      const missing = await b.lead.post(`/people/${person}/activities`, { onDate: 'yesterday', kind: 'dancing', hours: 'x' });
      expect(missing.statusCode).toBe(400);
      for (const message of ['Enter the date it happened', 'Choose what kind of involvement it was', 'Enter what they did', 'Enter hours from 0 to 24']) expect(missing.body).toContain(message);
      const long = await b.lead.post(`/people/${person}/activities`, { ...good(), description: 'a'.repeat(501) });
      expect(long.body).toContain('What they did must be 500 characters or fewer');
      expect(await activities(person)).toHaveLength(before);
    });

    it('only leads of the unit may record: staff and partners 403, another unit 404', async () => {
      const before = (await activities(person)).length;
      expect((await b.staff.get(`/people/${person}/activities/new`)).statusCode).toBe(403);
      expect((await b.staff.post(`/people/${person}/activities`, good())).statusCode).toBe(403);
      expect((await b.otherStaff.post(`/people/${person}/activities`, good())).statusCode).toBe(403);
      expect((await b.partner.post(`/people/${person}/activities`, good())).statusCode).toBe(403);
      expect((await b.southLead.get(`/people/${person}/activities/new`)).statusCode).toBe(404);
      expect((await b.southLead.post(`/people/${person}/activities`, good())).statusCode).toBe(404);
      expect((await b.lead.get('/people/99999999999/activities/new')).statusCode).toBe(404);
      expect(await activities(person)).toHaveLength(before);
    });

    it("removes a wrongly entered activity; another person's is a 404; audited", async () => {
      await b.lead.post(`/people/${other}/activities`, { ...good(), projectId: String(otherProject), description: 'Otto did this' });
      const [otto] = await activities(other);
      const [mine] = await activities(person);
      expect(otto && mine).toBeTruthy();
      expect((await b.lead.post(`/people/${person}/activities/${otto?.id}/delete`, {})).statusCode).toBe(404);
      expect((await b.lead.post(`/people/${person}/activities/99999999999/delete`, {})).statusCode).toBe(404);
      expect((await b.staff.post(`/people/${person}/activities/${mine?.id}/delete`, {})).statusCode).toBe(403);
      expect((await b.southLead.post(`/people/${person}/activities/${mine?.id}/delete`, {})).statusCode).toBe(404);
      expect(await activities(other)).toHaveLength(1);
      const page = await b.lead.get(`/people/${person}`);
      expect(page.body).toContain(`action="/people/${person}/activities/${mine?.id}/delete"`);
      const res = await b.lead.post(`/people/${person}/activities/${mine?.id}/delete`, {});
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/people/${person}`);
      expect((await activities(person)).map((a) => a.id)).not.toContain(mine?.id);
      const removed = (await auditRows('involvement_activity.removed')).at(-1);
      expect([removed?.entity_id, removed?.actor_user_id, JSON.parse(removed?.details ?? '{}')]).toEqual([String(person), users.lead, { activityId: mine?.id, kind: 'project', minutes: 150 }]);
      const after = await b.lead.get(`/people/${person}`);
      expect(after.body).toContain('Involvement removed');
      expect(summary(after.body, 'Hours this year')).toBe('0 hours');
      expect(summary(after.body, 'Hours in all')).toBe('1 hour');
    });
  });

  describe('odd input', () => {
    const typed = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('', ' ', '0', '-1', '9999999999999', '\u0000', 'a'.repeat(3000), '=1+1', 'tue_pm', 'email', 'yes'),
    );
    const fields = ['unitId', 'fullName', 'email', 'phone', 'postcode', 'preferredChannel', 'format', 'formatLanguage', 'accessNeeds', 'relationship', 'interests', 'availability', 'anonymity', 'paymentPreference', 'heardVia', 'outreachEventId', 'status', 'accountEmail'];
    const anyForm = fc.record(Object.fromEntries(fields.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] });

    it('never makes a server error, in forms or in the register address', async () => {
      await b.lead.get('/people/new');
      const someone = await addPerson(base('Odd Input'));
      await fc.assert(
        fc.asyncProperty(anyForm, typed, async (f, text) => {
          const body = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<string, string>;
          for (const res of [
            await b.lead.post('/people', body),
            await b.lead.post(`/people/${someone}`, body),
            await b.lead.post(`/people/${someone}/consents`, { kind: text, given: text, method: text, note: text }),
            await b.lead.post(`/people/${someone}/equality`, { gender: text }),
            await b.lead.post(`/people/${someone}/activities`, { onDate: text, kind: text, description: text, hours: text, minutes: text, projectId: text, groupId: text, opportunityId: text }),
            await b.lead.post(`/people/${someone}/activities/${text}/delete`, {}),
            await b.lead.post('/people/filters', { name: text, query: text }),
            await b.partner.post('/my-involvement/profile', body),
            await b.lead.get(`/people?${new URLSearchParams({ q: text, status: text, interest: text, unitId: text, availability: text, before: text }).toString()}`),
            await b.lead.get(`/people/export.csv?${new URLSearchParams({ q: text, interest: text }).toString()}`),
          ]) {
            expect(res.statusCode).toBeLessThan(500);
          }
        }),
        { numRuns: 25 },
      );
    });
  });

  describe('self-service', () => {
    it('a partner edits their own profile; bad input is kept and explained', async () => {
      await t.db.db.updateTable('people').set({ notes: 'Lead only note' }).where('user_id', '=', users.partner).execute();
      const page = await b.partner.get('/my-involvement/profile');
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('Lead only note');
      expect(page.body).toContain('value="Casey Clark"');
      expect(page.body).not.toContain('name="status"');
      const bad = await b.partner.post('/my-involvement/profile', { ...form({ fullName: 'Casey C', preferredChannel: 'sms' }), email: '' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Enter a phone number, or choose another way to contact them');
      expect(bad.body).toContain('value="Casey C"');
      const ok = await postMany(t, b.partner, '/my-involvement/profile', [
        ...Object.entries(form({ fullName: 'Casey Clark', preferredName: 'Case', email: 'casey@example.org' })).filter(([k]) => k !== 'status'),
        ['status', 'left'], ['unitId', String(org.southTeam.id)], ['availability', 'sat_am'],
      ]);
      expect(ok.statusCode).toBe(303);
      const row = await t.db.db.selectFrom('people').selectAll().where('user_id', '=', users.partner).executeTakeFirstOrThrow();
      // Their own details change; the lead's fields (status, unit) do not.
      expect([row.preferred_name, row.email, row.status, row.unit_id, row.notes]).toEqual(['Case', 'casey@example.org', 'enquiry', org.northTeam.id, 'Lead only note']);
      const audited = (await auditRows('person.updated')).at(-1);
      expect(audited?.actor_user_id).toBe(users.partner);
      expect(JSON.parse(audited?.details ?? '{}')).toMatchObject({ self: true, fields: expect.arrayContaining(['preferredName', 'email', 'availability']) });
    });

    it('a partner gives and withdraws their own consent online', async () => {
      const person = await t.db.db.selectFrom('people').select('id').where('user_id', '=', users.partner).executeTakeFirstOrThrow();
      await b.partner.get('/my-involvement');
      expect((await b.partner.post('/my-involvement/consents', { kind: 'contact', given: 'yes' })).statusCode).toBe(303);
      expect(await isContactable(t.db.db, person.id)).toBe(true);
      expect((await b.partner.post('/my-involvement/consents', { kind: 'contact', given: 'no' })).statusCode).toBe(303);
      expect(await isContactable(t.db.db, person.id)).toBe(false);
      const log = await t.db.db.selectFrom('consents').select(['method', 'recorded_by']).where('person_id', '=', person.id).execute();
      expect(log).toEqual([{ method: 'online', recorded_by: users.partner }, { method: 'online', recorded_by: users.partner }]);
      expect((await b.partner.post('/my-involvement/consents', { kind: 'everything', given: 'yes' })).statusCode).toBe(400);
      const page = await b.partner.get('/my-involvement');
      expect(page.body).toContain('Withdrawn');
    });

    it('shows their involvement history, and a plain message to someone not on the register', async () => {
      const person = await t.db.db.selectFrom('people').select('id').where('user_id', '=', users.partner).executeTakeFirstOrThrow();
      await t.db.db.insertInto('involvement_activities').values({ person_id: person.id, on_date: '2025-03-04', kind: 'meeting', description: 'Forum meeting', minutes: 150, created_at: nowIso() }).execute();
      const page = await b.partner.get('/my-involvement');
      expect(page.body).toContain('Forum meeting');
      expect(page.body).toMatch(/Hours in all\s*<\/dt>\s*<dd[^>]*>\s*2 hours 30 minutes/);
      expect(page.body).not.toContain('/activities/');
      const none = await b.staff.get('/my-involvement');
      expect(none.statusCode).toBe(200);
      expect(none.body).toContain('You are not on the involvement register yet. Contact your involvement lead.');
      expect((await b.staff.get('/my-involvement/profile')).statusCode).toBe(404);
    });
  });
});
