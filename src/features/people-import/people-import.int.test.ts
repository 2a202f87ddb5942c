import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { nowIso } from '../../platform/db/index.ts';
import { importIdOf, mappingForm, tableRows, uploadRegister } from './test-support.ts';

describe('importing a register', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let lead: Browser;
  let leadId: number;

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    leadId = await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]);
    await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]);
    await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
  });
  afterAll(() => t.close());

  const signedIn = async (email: string) => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };
  const peopleIn = (unitId: number) => t.db.db.selectFrom('people').selectAll().where('unit_id', '=', unitId).orderBy('id').execute();
  const insertPerson = async (unitId: number, values: { full_name: string; email?: string | null; phone?: string | null; postcode?: string | null; notes?: string | null }) => {
    const now = nowIso();
    const { id } = await t.db.db
      .insertInto('people')
      .values({
        unit_id: unitId, user_id: null, full_name: values.full_name, preferred_name: null, email: values.email ?? null, phone: values.phone ?? null,
        address: null, postcode: values.postcode ?? null, preferred_channel: 'email', format: 'standard', format_language: null, access_needs_other: null,
        relationship: 'carer', services_known: null, availability_notes: null, anonymity: 'first_name', payment_preference: 'vouchers', heard_via: null,
        outreach_event_id: null, status: 'active', notes: values.notes ?? null, created_by: null, created_at: now, updated_at: now, erased_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  };
  /** Uploads, keeps the guessed mapping (with changes) and returns the import id. */
  const uploadAndMap = async (b: Browser, unitId: number, csv: string, change: Record<string, string> = {}) => {
    const up = await uploadRegister(t, b, unitId, 'register.csv', csv);
    expect(up.statusCode, up.body.slice(0, 2000)).toBe(303);
    const id = importIdOf(up);
    const page = await b.get(`/people/import/${id}`);
    expect(page.statusCode).toBe(200);
    const mapped = await b.post(`/people/import/${id}/mapping`, { ...mappingForm(page.body), ...change });
    expect(mapped.statusCode, mapped.body.slice(0, 3000)).toBe(303);
    expect(mapped.headers.location).toBe(`/people/import/${id}/preview`);
    return id;
  };

  it('offers only the units whose register the lead keeps, and is not for staff', async () => {
    const page = await lead.get('/people/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('North Borough');
    expect(page.body).toContain('North Community Team');
    expect(page.body).not.toContain('South Borough');
    const staff = await signedIn('staff@example.org');
    expect((await staff.get('/people/import')).statusCode).toBe(403);
  });

  it('maps, previews every bad row, refuses all-or-nothing, then imports the good rows with merge and skip', async () => {
    const existing = await insertPerson(org.northTeam.id, { full_name: 'Dora Existing', email: 'dora@example.org', phone: null, notes: 'Kept as it is' });
    const csv = [
      'Full name,Email,Mobile,Postcode,Status,Access needs,Availability,Interests,Notes',
      'Ann Bell,ann@example.org,07700 900001,LU1 3JU,Active,Step-free access; BSL interpreter,tue_pm; Wednesday morning,"art, music",First note',
      ',bad-email,,,,,,,',
      'Dora E,DORA@example.org,+44 7700 900002,,,quiet room,,gardening,Would replace notes',
      'Cal Dent,cal@example.org,,,,,,,',
      'Cal Dent again,cal@example.org,,,,,,,',
      'Eve Fox,eve@example.org,,,sleeping,,,,',
    ].join('\n');
    const id = await uploadAndMap(lead, org.northTeam.id, csv);
    const preview = await lead.get(`/people/import/${id}/preview`);
    expect(preview.statusCode).toBe(200);
    const html = preview.body;
    expect(html).toContain('We read 6 rows.');
    expect(html).toContain('4 rows are ready to import.');
    expect(html).toContain('2 rows have problems');
    // Row numbers as in the sheet (header = row 1), the column header, the translated reason.
    expect(tableRows(html, 'app-bad-rows')).toEqual([
      ['3', 'Full name', 'Enter the person’s full name'],
      ['3', 'Email', 'Enter an email address in the correct format, like name@example.com'],
      ['7', 'Status', 'Choose a status'],
    ]);
    expect(html).toContain('Row 4, Dora E: same email as Dora Existing, already in the register');
    expect(html).toContain('Row 6, Cal Dent again: same email as row 5 of the file');

    // All or nothing: refused, nothing saved.
    const refused = await lead.post(`/people/import/${id}/confirm`, { mode: 'all', 'dup-4': 'merge', 'dup-6': 'skip' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Nothing was imported: 2 rows have problems');
    expect(await peopleIn(org.northTeam.id)).toHaveLength(1);

    const done = await lead.post(`/people/import/${id}/confirm`, { mode: 'good', 'dup-4': 'merge', 'dup-6': 'skip' });
    expect(done.statusCode, done.body.slice(0, 2000)).toBe(303);
    expect(done.headers.location).toBe(`/people/import/${id}/result`);
    const result = await lead.get(`/people/import/${id}/result`);
    expect(result.statusCode).toBe(200);
    expect(result.body).toMatch(/Added as new people\s*<\/dt>\s*<dd[^>]*>\s*2/);
    expect(result.body).toMatch(/Merged into people already known\s*<\/dt>\s*<dd[^>]*>\s*1/);
    expect(result.body).toMatch(/Skipped as duplicates\s*<\/dt>\s*<dd[^>]*>\s*1/);
    expect(result.body).toMatch(/Left out with problems\s*<\/dt>\s*<dd[^>]*>\s*2/);
    expect(result.body).toContain('Enter the person’s full name');

    const people = await peopleIn(org.northTeam.id);
    expect(people.map((p) => p.full_name)).toEqual(['Dora Existing', 'Ann Bell', 'Cal Dent']);
    const ann = people[1] as (typeof people)[number];
    expect(ann).toMatchObject({ email: 'ann@example.org', phone: '07700 900001', postcode: 'LU1 3JU', status: 'active', preferred_channel: 'email', format: 'standard', relationship: 'service_user', anonymity: 'full_name', payment_preference: 'expenses_only', notes: 'First note', created_by: leadId });
    const attributes = await t.db.db.selectFrom('person_attributes').select(['kind', 'value']).where('person_id', '=', ann.id).orderBy('kind').orderBy('value').execute();
    expect(attributes).toEqual([
      { kind: 'access_need', value: 'bsl_interpreter' }, { kind: 'access_need', value: 'step_free' },
      { kind: 'availability', value: 'tue_pm' }, { kind: 'availability', value: 'wed_am' },
      { kind: 'interest', value: 'art' }, { kind: 'interest', value: 'music' },
    ]);
    const history = await t.db.db.selectFrom('person_status_history').selectAll().where('person_id', 'in', people.slice(1).map((p) => p.id)).execute();
    expect(history.map((h) => [h.status, h.changed_by])).toEqual([['active', leadId], ['enquiry', leadId]]);
    // The merge filled the empty phone and added attributes; it replaced nothing.
    const dora = people[0] as (typeof people)[number];
    expect(dora).toMatchObject({ id: existing, full_name: 'Dora Existing', email: 'dora@example.org', phone: '+44 7700 900002', notes: 'Kept as it is', status: 'active', relationship: 'carer' });
    expect(await t.db.db.selectFrom('person_attributes').select(['kind', 'value']).where('person_id', '=', existing).orderBy('kind').execute()).toEqual([
      { kind: 'access_need', value: 'quiet_room' }, { kind: 'interest', value: 'gardening' },
    ]);
    // One audit row with counts and no personal data.
    const audits = await t.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'people.imported').execute();
    expect(audits).toHaveLength(1);
    expect(JSON.parse(audits[0]?.details ?? '{}')).toEqual({ importId: id, rows: 6, imported: 2, merged: 1, skipped: 1, badRows: 2 });
    expect(audits[0]?.details).not.toMatch(/ann|dora|example/i);
    // The upload's personal data is gone; a second confirm changes nothing.
    expect((await t.db.db.selectFrom('people_imports').select('data').where('id', '=', id).executeTakeFirstOrThrow()).data).toBe('');
    expect((await lead.post(`/people/import/${id}/confirm`, { mode: 'good' })).statusCode).toBe(303);
    expect(await peopleIn(org.northTeam.id)).toHaveLength(3);
    expect((await lead.get(`/people/import/${id}`)).statusCode).toBe(404);
  });

  it('imports everything when all rows are good, merging a duplicate within the file', async () => {
    const csv = 'Name,Email,Phone,Interests\nGil Hart,gil@example.org,,walking\nGil H,gil@example.org,01582 111222,reading\n';
    const id = await uploadAndMap(lead, org.north.id, csv);
    const res = await lead.post(`/people/import/${id}/confirm`, { mode: 'all', 'dup-3': 'merge' });
    expect(res.statusCode).toBe(303);
    const people = await peopleIn(org.north.id);
    expect(people.map((p) => [p.full_name, p.phone])).toEqual([['Gil Hart', '01582 111222']]);
    const interests = await t.db.db.selectFrom('person_attributes').select('value').where('person_id', '=', (people[0] as { id: number }).id).orderBy('value').execute();
    expect(interests.map((i) => i.value)).toEqual(['reading', 'walking']);
  });

  it('uses the defaults the lead chooses and refuses a mapping without a name or with a field twice', async () => {
    const up = await uploadRegister(t, lead, org.north.id, 'r.csv', 'Who,Tel,Tel2\nIvy Jones,01582 000111,01582 000112\n');
    const id = importIdOf(up);
    const page = await lead.get(`/people/import/${id}`);
    const form = mappingForm(page.body);
    expect(form).toMatchObject({ 'column-0': '', 'column-1': 'phone', 'column-2': '', 'default-status': 'enquiry', 'default-preferredChannel': 'email' });
    const noName = await lead.post(`/people/import/${id}/mapping`, form);
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain('Choose the column that holds the full name');
    const twice = await lead.post(`/people/import/${id}/mapping`, { ...form, 'column-0': 'fullName', 'column-2': 'phone' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('Phone is chosen for more than one column');
    const badDefault = await lead.post(`/people/import/${id}/mapping`, { ...form, 'column-0': 'fullName', 'default-status': 'sleeping' });
    expect(badDefault.statusCode).toBe(400);
    const ok = await lead.post(`/people/import/${id}/mapping`, { ...form, 'column-0': 'fullName', 'default-preferredChannel': 'phone', 'default-status': 'contacted' });
    expect(ok.statusCode).toBe(303);
    expect((await lead.post(`/people/import/${id}/confirm`, { mode: 'all' })).statusCode).toBe(303);
    const ivy = (await peopleIn(org.north.id)).find((p) => p.full_name === 'Ivy Jones');
    expect(ivy).toMatchObject({ preferred_channel: 'phone', status: 'contacted', phone: '01582 000111' });
  });

  it('reads the first sheet of an .xlsx workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Register');
    sheet.addRow(['Name', 'Email', 'Joined']);
    sheet.addRow(['Kim Lowe', 'kim@example.org', new Date(Date.UTC(2024, 2, 1))]);
    sheet.addRow([]);
    sheet.addRow(['', 'not-an-email']);
    workbook.addWorksheet('Other').addRow(['ignored']);
    const up = await uploadRegister(t, lead, org.north.id, 'register.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(up.statusCode, up.body.slice(0, 1000)).toBe(303);
    const id = importIdOf(up);
    const page = await lead.get(`/people/import/${id}`);
    expect(page.body).toContain('For example: 2024-03-01');
    await lead.post(`/people/import/${id}/mapping`, mappingForm(page.body));
    const preview = await lead.get(`/people/import/${id}/preview`);
    expect(tableRows(preview.body, 'app-bad-rows')).toEqual([
      ['4', 'Name', 'Enter the person’s full name'],
      ['4', 'Email', 'Enter an email address in the correct format, like name@example.com'],
    ]);
    expect(preview.body).toContain('1 row is ready to import.');
  });

  it('says what is wrong with a bad file and keeps nothing', async () => {
    const before = await t.db.db.selectFrom('people_imports').select('id').execute();
    const cases: [string, string | Buffer, string][] = [
      ['empty.csv', '', 'Choose a file to upload'],
      ['blank.csv', '\n\n', 'The file is empty'],
      ['header.csv', 'Name,Email\n', 'There is only a header row'],
      ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'older Excel file'],
      ['broken.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]), 'could not be opened as an Excel spreadsheet'],
      ['binary.csv', Buffer.from([0x41, 0x00, 0x42]), 'not a CSV or Excel file'],
    ];
    for (const [name, content, message] of cases) {
      const res = await uploadRegister(t, lead, org.north.id, name, content);
      expect(res.statusCode, name).toBe(400);
      expect(res.body, name).toContain(message);
    }
    const big = await uploadRegister(t, lead, org.north.id, 'big.csv', Buffer.alloc(5 * 1024 * 1024 + 1, 'a'));
    expect(big.statusCode).toBe(400);
    expect(big.body).toContain('The file must be smaller than 5 MB');
    expect(await t.db.db.selectFrom('people_imports').select('id').execute()).toEqual(before);
  });

  it('keeps each upload to its owner and the units they manage', async () => {
    // A unit the lead does not keep: refused with the form's error (400), nothing kept.
    const south = await uploadRegister(t, lead, org.southTeam.id, 'r.csv', 'Name\nMo North\n');
    expect(south.statusCode).toBe(400);
    expect(south.body).toContain('Choose a team or service whose register you keep');
    expect((await uploadRegister(t, lead, 'x', 'r.csv', 'Name\nMo North\n')).statusCode).toBe(400);
    const id = importIdOf(await uploadRegister(t, lead, org.northTeam.id, 'r.csv', 'Name,Email\nMo North,mo@example.org\n'));
    // Someone else's upload does not exist for them, not even for an admin.
    const admin = await signedIn('admin@example.org');
    for (const url of [`/people/import/${id}`, `/people/import/${id}/preview`, `/people/import/${id}/result`]) expect((await admin.get(url)).statusCode, url).toBe(404);
    expect((await admin.post(`/people/import/${id}/confirm`, { mode: 'all' })).statusCode).toBe(404);
    const staff = await signedIn('staff@example.org');
    expect((await staff.get(`/people/import/${id}`)).statusCode).toBe(403);
    expect((await lead.get('/people/import/99999999999')).statusCode).toBe(404);
    expect((await lead.get(`/people/import/${id}/result`)).statusCode).toBe(404);
    // Not mapped yet: the preview sends the lead back to the mapping step.
    expect((await lead.get(`/people/import/${id}/preview`)).headers.location).toBe(`/people/import/${id}`);
    // An expired upload is gone.
    await t.db.db.updateTable('people_imports').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', id).execute();
    expect((await lead.get(`/people/import/${id}`)).statusCode).toBe(404);
  });

  it('imports a 10,000-row sheet comfortably', async () => {
    const lines = ['Name,Email,Phone,Postcode,Interests,Availability'];
    for (let i = 0; i < 10_000; i++) lines.push(`Person ${i},p${i}@example.org,01582 ${String(100000 + i)},LU1 ${(i % 9) + 1}AB,"art, walking",mon_am; tue_pm`);
    const id = await uploadAndMap(lead, org.north.id, lines.join('\n'));
    const preview = await lead.get(`/people/import/${id}/preview`);
    expect(preview.body).toContain('10000 rows are ready to import.');
    const res = await lead.post(`/people/import/${id}/confirm`, { mode: 'all' });
    expect(res.statusCode).toBe(303);
    const count = await t.db.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('email', 'like', 'p%@example.org').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(10_000);
    const attributes = await t.db.db.selectFrom('person_attributes').innerJoin('people', 'people.id', 'person_attributes.person_id').select((eb) => eb.fn.countAll<number>().as('n')).where('people.email', 'like', 'p%@example.org').executeTakeFirstOrThrow();
    expect(Number(attributes.n)).toBe(40_000);
  }, 120_000);
});
