import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { carriedFields, insertCycle, insertMeasure, insertPoints, insertProject, seedMeasurePeople, upload, weekly } from './test-support.ts';

describe('measures, data and charts', () => {
  let t: TestApp;
  let people: Awaited<ReturnType<typeof seedMeasurePeople>>;
  let base: string;

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };
  const pointsOf = (measureId: number) => t.db.db.selectFrom('data_points').selectAll().where('measure_id', '=', measureId).orderBy('period').execute();
  const auditActions = async (entityType: string) => (await t.db.db.selectFrom('audit_log').select(['action', 'entity_id', 'details']).where('entity_type', '=', entityType).orderBy('id').execute()).map((r) => r.action);

  beforeEach(async () => {
    t = await createTestApp();
    people = await seedMeasurePeople(t);
    base = `/projects/${people.projectId}/measures`;
  });
  afterEach(() => t.close());

  describe('measures', () => {
    const form = (extra: Record<string, string> = {}) => ({
      name: 'Days from referral to first appointment',
      kind: 'outcome',
      definition: 'Working days from the referral being received to the first appointment, for every adult referred.',
      unitLabel: 'days',
      direction: 'decrease',
      chart: 'xmr',
      target: '10',
      baselinePoints: '12',
      screenMovingRanges: 'true',
      ...extra,
    });

    it('adds a measure, audited, and shows it on its own page and in the list', async () => {
      const b = await signedIn('staff@example.org');
      const page = await b.get(`${base}/new`);
      expect(page.statusCode).toBe(200);
      // Plain-English hints for kinds and chart types.
      expect(page.body).toContain('Watches for problems the change might cause somewhere else');
      expect(page.body).toContain('For a percentage: how many out of a total each time');
      const res = await b.post(base, form());
      expect(res.statusCode).toBe(303);
      const measure = await t.db.db.selectFrom('measures').selectAll().executeTakeFirstOrThrow();
      expect(measure).toMatchObject({ project_id: people.projectId, name: 'Days from referral to first appointment', kind: 'outcome', direction: 'decrease', chart: 'xmr', target: 10, baseline_points: 12, screen_moving_ranges: 1, unit_label: 'days' });
      expect(res.headers.location).toBe(`${base}/${measure.id}`);
      const shown = await b.get(String(res.headers.location));
      expect(shown.body).toContain('<h1>Days from referral to first appointment</h1>');
      expect(shown.body).toContain('has been added');
      expect(shown.body).toContain('Add at least 2 data points to see a chart.');
      const list = await b.get(base);
      expect(list.body).toContain(`href="${base}/${measure.id}"`);
      expect(list.body).toContain('0 data points');
      expect(await auditActions('measure')).toEqual(['measure.created']);
    });

    it('re-renders a bad form with status 400, the input kept and every problem named', async () => {
      const b = await signedIn('staff@example.org');
      await b.get(`${base}/new`);
      const res = await b.post(base, { name: 'X', definition: 'kept text', target: 'lots', baselinePoints: '1' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('There is a problem');
      for (const message of ['The name must be 2 characters or more', 'Choose the type of measure', 'Choose which way is better', 'Choose the type of chart', 'Enter the target as a number, for example 80', 'The baseline must be 2 points or more']) {
        expect(res.body).toContain(message);
      }
      expect(res.body).toContain('value="X"');
      expect(res.body).toContain('kept text');
      expect(res.body).toContain('value="lots"');
      expect(res.body).toContain('href="#kind"');
      // An unticked box stays unticked.
      expect(res.body).not.toMatch(/name="screenMovingRanges" type="checkbox" value="true" checked/);

      const percent = await b.post(base, form({ chart: 'p', target: '150' }));
      expect(percent.statusCode).toBe(400);
      expect(percent.body).toContain('For a p chart, enter the target as a percentage from 0 to 100');
      expect(await t.db.db.selectFrom('measures').select('id').execute()).toHaveLength(0);
    });

    it('changes and deletes a measure, audited, and deleting takes its data with it', async () => {
      const measureId = await insertMeasure(t, people.projectId, { target: 10 });
      await insertPoints(t, measureId, [3, 4, 5]);
      const b = await signedIn('staff@example.org');
      const edit = await b.get(`${base}/${measureId}/edit`);
      expect(edit.body).toContain('value="Days to first appointment"');
      const res = await b.post(`${base}/${measureId}`, form({ name: 'Days waited', target: '', baselinePoints: '', screenMovingRanges: '' }));
      expect(res.statusCode).toBe(303);
      expect(await t.db.db.selectFrom('measures').selectAll().where('id', '=', measureId).executeTakeFirstOrThrow()).toMatchObject({ name: 'Days waited', target: null, baseline_points: null, screen_moving_ranges: 0 });
      const updated = await t.db.db.selectFrom('audit_log').select('details').where('action', '=', 'measure.updated').executeTakeFirstOrThrow();
      expect(JSON.parse(updated.details ?? '{}').fields).toEqual(expect.arrayContaining(['name', 'target', 'screen_moving_ranges']));

      const confirm = await b.get(`${base}/${measureId}/delete`);
      expect(confirm.body).toContain('Delete Days waited?');
      const gone = await b.post(`${base}/${measureId}/delete`, {});
      expect(gone.statusCode).toBe(303);
      expect(gone.headers.location).toBe(base);
      expect(await t.db.db.selectFrom('measures').select('id').execute()).toHaveLength(0);
      expect(await pointsOf(measureId)).toHaveLength(0);
      expect(await auditActions('measure')).toEqual(['measure.updated', 'measure.deleted']);
      expect((await b.get(`${base}/${measureId}`)).statusCode).toBe(404);
    });

    it('lets a viewer look but not change anything (404), and hides the project from other units', async () => {
      const measureId = await insertMeasure(t, people.projectId);
      await insertPoints(t, measureId, [3, 4]);
      const pointId = (await pointsOf(measureId))[0]?.id;
      const viewer = await signedIn('viewer@example.org');
      expect((await viewer.get(base)).statusCode).toBe(200);
      const page = await viewer.get(`${base}/${measureId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('Add a data point');
      expect(page.body).not.toContain(`${base}/${measureId}/edit`);
      for (const url of [`${base}/new`, `${base}/${measureId}/edit`, `${base}/${measureId}/delete`, `${base}/${measureId}/import`, `${base}/${measureId}/points/${pointId}`]) {
        expect((await viewer.get(url)).statusCode, url).toBe(404);
      }
      for (const [url, body] of [
        [base, { name: 'Sneaky', kind: 'outcome', direction: 'increase', chart: 'run' }],
        [`${base}/${measureId}`, { name: 'Renamed', kind: 'outcome', direction: 'increase', chart: 'run' }],
        [`${base}/${measureId}/delete`, {}],
        [`${base}/${measureId}/points`, { dateDay: '1', dateMonth: '6', dateYear: '2024', value: '3' }],
        [`${base}/${measureId}/points/${pointId}`, { dateDay: '1', dateMonth: '6', dateYear: '2024', value: '3' }],
        [`${base}/${measureId}/points/${pointId}/delete`, {}],
        [`${base}/${measureId}/import`, { data: '2024-06-01,3' }],
        [`${base}/${measureId}/annotations`, { annotationDay: '1', annotationMonth: '1', annotationYear: '2024', annotationText: 'x' }],
      ] as const) {
        expect((await viewer.post(url, body)).statusCode, url).toBe(404);
      }
      expect(await pointsOf(measureId)).toHaveLength(2);
      expect(await t.db.db.selectFrom('measures').select('name').execute()).toEqual([{ name: 'Days to first appointment' }]);

      const south = await signedIn('south@example.org');
      expect((await south.get(base)).statusCode).toBe(404);
      expect((await south.get(`${base}/${measureId}`)).statusCode).toBe(404);
    });

    it('treats a measure of another project, or a made-up id, as not found', async () => {
      const otherProject = await insertProject(t, people.org.northTeam.id, 'Another project');
      const measureId = await insertMeasure(t, otherProject);
      const b = await signedIn('staff@example.org');
      expect((await b.get(`${base}/${measureId}`)).statusCode).toBe(404);
      expect((await b.get(`${base}/abc`)).statusCode).toBe(404);
      expect((await b.get('/projects/999999/measures')).statusCode).toBe(404);
    });
  });

  describe('data points by hand', () => {
    const point = (date: string, extra: Record<string, string> = {}) => {
      const [year, month, day] = date.split('-');
      return { dateDay: String(day), dateMonth: String(month), dateYear: String(year), ...extra };
    };

    it('lets a service-user partner on the team add, change and delete points', async () => {
      const measureId = await insertMeasure(t, people.projectId);
      await t.db.db.insertInto('data_points').values({ measure_id: measureId, period: '2023-12-25', value: 10, denominator: null, excluded: 0, rebase: 0, note: null }).execute();
      const b = await signedIn('partner@example.org');
      await b.get(`${base}/${measureId}`);
      const res = await b.post(`${base}/${measureId}/points`, point('2024-01-01', { value: '12', note: 'snow' }));
      expect(res.statusCode).toBe(303);
      const saved = (await pointsOf(measureId))[1];
      expect(saved).toMatchObject({ period: '2024-01-01', value: 12, note: 'snow', excluded: 0, rebase: 0 });

      const edit = await b.get(`${base}/${measureId}/points/${saved?.id}`);
      expect(edit.body).toContain('value="12"');
      const changed = await b.post(`${base}/${measureId}/points/${saved?.id}`, point('2024-01-02', { value: '14', excluded: 'true', rebase: 'true' }));
      expect(changed.statusCode).toBe(303);
      expect((await pointsOf(measureId))[1]).toMatchObject({ period: '2024-01-02', value: 14, note: null, excluded: 1, rebase: 1 });

      const page = await b.get(`${base}/${measureId}`);
      expect(page.body).toContain('2 Jan 2024');
      expect(page.body).toContain('Left out of the limits');
      expect(page.body).toContain('New limits from here');

      expect((await b.post(`${base}/${measureId}/points/${saved?.id}/delete`, {})).statusCode).toBe(303);
      expect((await pointsOf(measureId)).map((p) => p.period)).toEqual(['2023-12-25']);
      expect(await auditActions('data_point')).toEqual(['data_point.created', 'data_point.updated', 'data_point.deleted']);
    });

    it('explains each problem with a point, keeps what was typed, and refuses a date it already has', async () => {
      const measureId = await insertMeasure(t, people.projectId);
      await insertPoints(t, measureId, [5]);
      const b = await signedIn('staff@example.org');
      await b.get(`${base}/${measureId}`);
      const bad = await b.post(`${base}/${measureId}/points`, { dateDay: '31', dateMonth: '2', dateYear: '2024', value: 'twelve' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Enter a real date, for example 31/03/2024');
      expect(bad.body).toContain('Enter the value as a number, for example 12 or 3.5');
      expect(bad.body).toContain('value="twelve"');
      expect(bad.body).toContain('href="#date"');
      expect(bad.body).toContain('id="date" name="dateDay"');

      const taken = await b.post(`${base}/${measureId}/points`, point('2024-01-01', { value: '6' }));
      expect(taken.statusCode).toBe(400);
      expect(taken.body).toContain('There is already a value for this date');
      expect((await pointsOf(measureId)).map((p) => p.value)).toEqual([5]);
    });

    it('asks for a denominator on a p chart, above 0 and not below the count', async () => {
      const measureId = await insertMeasure(t, people.projectId, { chart: 'p', direction: 'increase' });
      const b = await signedIn('staff@example.org');
      const page = await b.get(`${base}/${measureId}`);
      expect(page.body).toContain('Out of how many (the denominator)');
      for (const [denominator, message] of [
        ['', 'Enter the denominator: this chart needs to know out of how many'],
        ['0', 'The denominator must be more than 0'],
        ['10', 'The count cannot be more than the denominator on a p chart'],
      ] as const) {
        const res = await b.post(`${base}/${measureId}/points`, point('2024-01-01', { value: '12', denominator }));
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain(message);
      }
      expect((await b.post(`${base}/${measureId}/points`, point('2024-01-01', { value: '12', denominator: '40' }))).statusCode).toBe(303);
      expect((await pointsOf(measureId))[0]).toMatchObject({ value: 12, denominator: 40 });
    });
  });

  describe('import', () => {
    let measureId: number;
    let b: Browser;
    beforeEach(async () => {
      measureId = await insertMeasure(t, people.projectId, { chart: 'p', direction: 'increase' });
      b = await signedIn('staff@example.org');
      await b.get(`${base}/${measureId}/import`);
    });

    const paste = (data: string) => b.post(`${base}/${measureId}/import`, { data });
    const confirm = (html: string, mode: 'all' | 'good') => b.post(`${base}/${measureId}/import/confirm`, { ...carriedFields(html), mode });
    const badRows = (html: string): string[][] => {
      const table = /<table[^>]*app-bad-rows[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
      return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
        .slice(1)
        .map((row) => [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => (c[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()));
    };

    const MIXED = [
      'Week,Seen in 2 weeks,Referrals,Note',
      '01/01/2024,12,40,first week', // good
      'someday,12,40,', // not a date
      '15/01/2024,lots,40,', // not a number
      '22/01/2024,12,,', // denominator missing
      '29/01/2024,12,0,', // denominator zero
      '05/02/2024,41,40,', // numerator above denominator
      '01/01/2024,13,40,', // duplicate date
      '12/02/2024,20,40,', // good
    ].join('\n');

    it('previews a paste, explaining every bad row by row number, column and reason, and saves nothing', async () => {
      const res = await paste(MIXED);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('We read 8 rows.');
      expect(res.body).toContain('2 rows are ready to import.');
      expect(res.body).toContain('6 rows have problems.');
      expect(badRows(res.body)).toEqual([
        ['3', 'Date', 'Enter a real date, for example 31/03/2024', 'someday'],
        ['4', 'Value', 'Enter the value as a number, for example 12 or 3.5', 'lots'],
        ['5', 'Denominator', 'Enter the denominator: this chart needs to know out of how many', '(blank)'],
        ['6', 'Denominator', 'The denominator must be more than 0', '0'],
        ['7', 'Value', 'The count cannot be more than the denominator on a p chart', '41'],
        ['8', 'Date', 'This date is also on row 2', '01/01/2024'],
      ]);
      // The pasted text stays in the box, to be fixed and checked again.
      expect(res.body).toContain('someday,12,40,');
      expect(await pointsOf(measureId)).toHaveLength(0);
    });

    it('imports all or nothing: with a bad row nothing is saved, unless only the good rows are chosen', async () => {
      const preview = await paste(MIXED);
      const refused = await confirm(preview.body, 'all');
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('Nothing was imported: 6 rows have problems.');
      expect(refused.body).toContain('href="#mode"');
      expect(badRows(refused.body)).toHaveLength(6);
      expect(await pointsOf(measureId)).toHaveLength(0);

      const res = await confirm(refused.body, 'good');
      expect(res.statusCode).toBe(303);
      expect((await pointsOf(measureId)).map((p) => [p.period, p.value, p.denominator, p.note])).toEqual([
        ['2024-01-01', 12, 40, 'first week'],
        ['2024-02-12', 20, 40, null],
      ]);
      const page = await b.get(String(res.headers.location));
      expect(page.body).toContain('Imported 2 rows: 2 new, 0 updated. 6 rows with problems were left out.');
      expect(await auditActions('measure')).toEqual(['measure.data_imported']);
    });

    it('imports every row when all are good, updating dates the measure already has rather than adding them twice', async () => {
      await insertPoints(t, measureId, [5, 6], [20, 20]);
      await t.db.db.updateTable('data_points').set({ note: 'kept', excluded: 1 }).where('period', '=', weekly(0)).execute();
      const preview = await paste(`${weekly(0)}\t7\t21\n${weekly(2)}\t8\t22`);
      expect(preview.body).toContain('1 row adds a new date.');
      expect(preview.body).toContain('1 row updates a date the measure already has.');
      expect(preview.body).toContain('Update (was 5 / 20)');
      const res = await confirm(preview.body, 'all');
      expect(res.statusCode).toBe(303);
      expect((await pointsOf(measureId)).map((p) => [p.period, p.value, p.denominator, p.note, p.excluded])).toEqual([
        [weekly(0), 7, 21, 'kept', 1],
        [weekly(1), 6, 20, null, 0],
        [weekly(2), 8, 22, null, 0],
      ]);
      expect((await b.get(String(res.headers.location))).body).toContain('Imported 2 rows: 1 new, 1 updated.');
    });

    it('checks the rows again when importing, whatever the form carried', async () => {
      const preview = await paste('2024-01-01,3,10');
      const tampered = await b.post(`${base}/${measureId}/import/confirm`, { data: JSON.stringify([{ row: 1, date: '2024-01-01', value: '30', denominator: '10' }]), mode: 'all' });
      expect(tampered.statusCode).toBe(400);
      expect(tampered.body).toContain('The count cannot be more than the denominator on a p chart');
      const lost = await b.post(`${base}/${measureId}/import/confirm`, { data: '{not json', mode: 'all' });
      expect(lost.statusCode).toBe(400);
      expect(lost.body).toContain('The data to import was lost');
      expect(await pointsOf(measureId)).toHaveLength(0);
      expect((await confirm(preview.body, 'all')).statusCode).toBe(303);
    });

    it('says when there is nothing to read', async () => {
      const res = await paste('   ');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Paste some data, or choose a file with some rows in it');
      expect(res.body).toContain('href="#data"');
    });

    it('imports an uploaded Excel spreadsheet after a preview', async () => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Referrals');
      ws.addRow(['Month', 'Seen within 2 weeks', 'Referred', 'Comment']);
      ws.addRow([new Date(Date.UTC(2024, 0, 1)), 30, 50, 'winter']);
      ws.addRow([new Date(Date.UTC(2024, 1, 1)), 35, 52]);
      ws.addRow([new Date(Date.UTC(2024, 2, 1)), 60, 50]);
      const file = Buffer.from(await wb.xlsx.writeBuffer());

      const res = await upload(t, b, `${base}/${measureId}/import/upload`, 'referrals.xlsx', file);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('We read 3 rows.');
      expect(badRows(res.body)).toEqual([['4', 'Value', 'The count cannot be more than the denominator on a p chart', '60']]);
      b.csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? b.csrf;
      const saved = await confirm(res.body, 'good');
      expect(saved.statusCode).toBe(303);
      expect((await pointsOf(measureId)).map((p) => [p.period, p.value, p.denominator, p.note])).toEqual([
        ['2024-01-01', 30, 50, 'winter'],
        ['2024-02-01', 35, 52, null],
      ]);
    });

    it('takes a CSV file too, and refuses an upload without the CSRF token or without a file', async () => {
      const csv = Buffer.from('date,value,denominator\n2024-01-01,3,10\n');
      expect((await upload(t, b, `${base}/${measureId}/import/upload`, 'data.csv', csv, { csrf: false })).statusCode).toBe(403);
      const ok = await upload(t, b, `${base}/${measureId}/import/upload`, 'data.csv', csv);
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('1 row is ready to import.');
      const empty = await upload(t, b, `${base}/${measureId}/import/upload`, 'nothing.csv', Buffer.alloc(0));
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('Choose a file to upload');
      const notMultipart = await b.post(`${base}/${measureId}/import/upload`, {});
      expect(notMultipart.statusCode).toBe(400);
      expect(await pointsOf(measureId)).toHaveLength(0);
    });

    it('says when an upload is too big or did not arrive in one piece, never failing with a server error', async () => {
      const url = `${base}/${measureId}/import/upload?_csrf=${encodeURIComponent(b.csrf)}`;
      const send = (payload: string | Buffer, contentType = 'multipart/form-data; boundary=xyz') => t.app.inject({ method: 'POST', url, payload, headers: { cookie: b.cookieHeader(), 'content-type': contentType } });
      const big = await upload(t, b, `${base}/${measureId}/import/upload`, 'big.csv', Buffer.alloc(5 * 1024 * 1024 + 1, 'a'));
      expect(big.statusCode).toBe(400);
      expect(big.body).toContain('The file must be smaller than 5 MB');
      const cutOff = await send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n2024-01-01,3');
      expect(cutOff.statusCode).toBe(400);
      expect(cutOff.body).toContain('The file did not arrive in one piece');
      expect((await send('garbage', 'multipart/form-data')).statusCode).toBe(400);
    });

    it('takes 2,000 pasted rows in one request', async () => {
      const rows = Array.from({ length: 2000 }, (_, i) => `${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${i % 30},${40 + (i % 7)}`);
      const preview = await paste(`date,value,denominator\n${rows.join('\n')}`);
      expect(preview.statusCode).toBe(200);
      expect(preview.body).toContain('2000 rows are ready to import.');
      expect(preview.body).toContain('And 1900 more rows.');
      const res = await confirm(preview.body, 'all');
      expect(res.statusCode).toBe(303);
      expect(await pointsOf(measureId)).toHaveLength(2000);
    });
  });

  describe('charts', () => {
    // 12 steady weeks, then a clear step down (fewer days: better, as lower is better).
    const VALUES = [20, 22, 19, 21, 20, 23, 21, 20, 22, 19, 21, 20, 12, 11, 12, 10, 11, 12, 11, 10];

    it('draws the chart as an accessible SVG with a summary in words and the data table beside it', async () => {
      const measureId = await insertMeasure(t, people.projectId, { direction: 'decrease', target: 15, baseline: 12 });
      await insertPoints(t, measureId, VALUES);
      await insertCycle(t, people.projectId, 'Text reminders', weekly(11), weekly(13));
      await insertCycle(t, people.projectId, 'Before the data', '2023-01-01', '2023-02-01');
      const b = await signedIn('staff@example.org');
      const page = await b.get(`${base}/${measureId}`);
      expect(page.statusCode).toBe(200);
      const svg = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="app-chart"[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? '';
      expect(svg).toMatch(/role="img"/);
      expect(svg).toContain(`aria-labelledby="measure-${measureId}-chart-title measure-${measureId}-chart-desc"`);
      expect(svg).toContain('<title id="measure-' + measureId + '-chart-title">Days to first appointment: XmR chart</title>');
      const desc = /<desc[^>]*>([^<]*)<\/desc>/.exec(svg)?.[1] ?? '';
      expect(desc).toContain('The last point shows special cause variation: improvement.');
      // The summary is on the page in words too.
      expect(page.body).toContain('<li>The last point shows special cause variation: improvement.</li>');
      // Special causes are marked on the chart by shape and in the table in words.
      expect(svg).toMatch(/data-kind="improvement"/);
      expect(page.body).toMatch(/Improvement \([^)]*(outside the limits|7 or more points on one side of the centre line)/);
      // The data table: every point, with centre and limits.
      const table = /<table[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
      expect(table).toContain('Data for Days to first appointment');
      for (const heading of ['Date', 'Value', 'Centre line', 'Lower limit', 'Upper limit', 'Special cause', 'Notes']) expect(table).toContain(heading);
      expect(table.match(/<tr/g)?.length).toBe(VALUES.length + 1);
      expect(table).toContain('1 Jan 2024');
      expect(table).toContain('Baseline');
      // PDSA cycles on the time axis and listed in words; one outside the chart's dates is listed but not drawn.
      expect(svg).toContain('data-pdsa="PDSA 2"');
      expect(svg).not.toContain('data-pdsa="PDSA 1"');
      expect(page.body).toContain('PDSA 2: Text reminders (change idea: Idea for Text reminders), 18 Mar 2024 to 1 Apr 2024');
      expect(page.body).toContain('PDSA 1: Before the data');
      expect(page.body).toContain('outside the dates on the chart');
      // The target and the Making Data Count icons in words.
      expect(svg).toContain('class="app-chart__target"');
      expect(svg).toContain('Variation: improvement, lower values');
      expect(page.body).toContain('/public/charts.css');
      expect(page.body).not.toContain('style="');
    });

    it('adds and removes a note on the chart', async () => {
      const measureId = await insertMeasure(t, people.projectId);
      await insertPoints(t, measureId, VALUES);
      const b = await signedIn('staff@example.org');
      await b.get(`${base}/${measureId}`);
      const bad = await b.post(`${base}/${measureId}/annotations`, { annotationDay: '1', annotationMonth: '', annotationYear: '2024', annotationText: '' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('href="#annotationDate"');
      expect(bad.body).toContain('href="#annotationText"');
      const res = await b.post(`${base}/${measureId}/annotations`, { annotationDay: '5', annotationMonth: '2', annotationYear: '2024', annotationText: 'New booking system <live>' });
      expect(res.statusCode).toBe(303);
      const page = await b.get(`${base}/${measureId}`);
      expect(page.body).toContain('data-annotation="A1"');
      expect(page.body).toContain('5 Feb 2024: New booking system &lt;live&gt;');
      const annotation = await t.db.db.selectFrom('annotations').selectAll().executeTakeFirstOrThrow();
      expect(annotation).toMatchObject({ measure_id: measureId, on_date: '2024-02-05' });
      expect((await b.post(`${base}/${measureId}/annotations/${annotation.id}/delete`, {})).statusCode).toBe(303);
      expect((await b.get(`${base}/${measureId}`)).body).not.toContain('data-annotation="A1"');
      expect(await auditActions('annotation')).toEqual(['annotation.created', 'annotation.deleted']);
    });

    it('shows each measure with a small chart in the list', async () => {
      const first = await insertMeasure(t, people.projectId, { name: 'Days waited' });
      await insertPoints(t, first, VALUES);
      const second = await insertMeasure(t, people.projectId, { name: 'Seen within 2 weeks', chart: 'p', direction: 'increase' });
      await insertPoints(t, second, [3, 4, 5], [10, 10, 0]);
      const b = await signedIn('viewer@example.org');
      const list = await b.get(base);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(`id="measure-${first}-chart-title"`);
      expect(list.body).toContain('app-chart--small');
      expect(list.body).toContain('20 data points');
      // A chart that cannot be drawn says why, in words.
      expect(list.body).toContain('The chart cannot be drawn: 1 point has no denominator (15 Jan 2024).');
      expect(list.body).not.toContain('Add a measure');
    });

    it('shows a p chart as percentages, with limits for every point', async () => {
      const measureId = await insertMeasure(t, people.projectId, { name: 'Seen within 2 weeks', chart: 'p', direction: 'increase', target: 80 });
      await insertPoints(t, measureId, [20, 22, 25, 21, 30, 24], [40, 44, 50, 42, 60, 48]);
      const b = await signedIn('staff@example.org');
      const page = await b.get(`${base}/${measureId}`);
      expect(page.body).toContain('Target 80%');
      expect(page.body).toContain('20 of 40 (50%)');
      expect(page.body).toContain('The target is consistently not met.');
    });
  });
});
