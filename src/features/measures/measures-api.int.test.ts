import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { issueApiToken, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { insertMeasure, insertPoints, seedMeasurePeople, weekly } from './test-support.ts';

interface Problem {
  status: number;
  title: string;
  errors?: { field: string; message: string }[];
  missingScope?: string;
}

describe('measures in the JSON API', () => {
  let t: TestApp;
  let people: Awaited<ReturnType<typeof seedMeasurePeople>>;
  const READ_WRITE: ApiScope[] = ['projects:read', 'projects:write'];

  const tokenFor = async (userId: number, scopes: ApiScope[] = READ_WRITE) => (await issueApiToken(t.db.db, userId, 'test', scopes)).token;
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, body?: unknown): Promise<LightMyRequestResponse> =>
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
  const pointsOf = (measureId: number) => t.db.db.selectFrom('data_points').selectAll().where('measure_id', '=', measureId).orderBy('period').execute();

  beforeEach(async () => {
    t = await createTestApp();
    people = await seedMeasurePeople(t);
  });
  afterEach(() => t.close());

  it('adds a measure (201, with where to find it), lists it and changes only the fields sent', async () => {
    const token = await tokenFor(people.staff);
    const res = await call('POST', `/api/v1/projects/${people.projectId}/measures`, token, {
      name: '  Calls answered within 1 minute ',
      kind: 'process',
      direction: 'increase',
      chart: 'p',
      target: 90,
      screenMovingRanges: false,
    });
    expect(res.statusCode).toBe(201);
    const measure = res.json<{ id: number }>();
    expect(measure).toEqual({
      id: measure.id,
      projectId: people.projectId,
      name: 'Calls answered within 1 minute',
      kind: 'process',
      definition: null,
      unitLabel: null,
      direction: 'increase',
      chart: 'p',
      target: 90,
      baselinePoints: null,
      screenMovingRanges: false,
      createdAt: expect.any(String),
    });
    expect(res.headers.location).toBe(`/api/v1/measures/${measure.id}`);
    expect((await call('GET', String(res.headers.location), token)).json()).toEqual(measure);
    expect((await call('GET', `/api/v1/projects/${people.projectId}/measures`, token)).json()).toEqual({ items: [measure] });

    const patched = await call('PATCH', `/api/v1/measures/${measure.id}`, token, { unitLabel: 'calls', target: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Calls answered within 1 minute', unitLabel: 'calls', target: null, chart: 'p' });
    const audit = await t.db.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'measure').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['measure.created', 'measure.updated']);
  });

  it('answers a bad measure with 400 naming each field', async () => {
    const token = await tokenFor(people.staff);
    const bad = problem(await call('POST', `/api/v1/projects/${people.projectId}/measures`, token, { name: 'x', kind: 'feeling', chart: 'pie', target: 'high' }), 400);
    expect(bad.errors).toEqual([
      { field: 'name', message: 'The name must be 2 characters or more' },
      { field: 'kind', message: 'Choose the type of measure' },
      { field: 'direction', message: 'Choose which way is better' },
      { field: 'chart', message: 'Choose the type of chart' },
      { field: 'target', message: 'Enter the target as a number, for example 80' },
    ]);
    const measureId = await insertMeasure(t, people.projectId, { chart: 'p' });
    const percent = problem(await call('PATCH', `/api/v1/measures/${measureId}`, token, { target: 120 }), 400);
    expect(percent.errors).toEqual([{ field: 'target', message: 'For a p chart, enter the target as a percentage from 0 to 100' }]);
  });

  it('saves an array of data points, updating dates the measure already has', async () => {
    const token = await tokenFor(people.staff);
    const measureId = await insertMeasure(t, people.projectId, { chart: 'p', direction: 'increase' });
    const first = await call('POST', `/api/v1/measures/${measureId}/data-points`, token, [
      { date: '2024-01-01', value: 12, denominator: 40, note: 'first' },
      { date: '2024-01-08', value: 15, denominator: 41, excluded: true },
    ]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ added: 2, updated: 0, items: [{ date: '2024-01-01', value: 12, denominator: 40, note: 'first', excluded: false }, { date: '2024-01-08', excluded: true }] });

    const second = await call('POST', `/api/v1/measures/${measureId}/data-points`, token, [
      { date: '08/01/2024', value: 16, denominator: 41 },
      { date: '2024-01-15', value: 9, denominator: 30, rebase: true },
    ]);
    expect(second.json()).toMatchObject({ added: 1, updated: 1 });
    const list = (await call('GET', `/api/v1/measures/${measureId}/data-points`, token)).json<{ items: { id: number; date: string; value: number; excluded: boolean; rebase: boolean; note: string | null }[] }>();
    expect(list.items.map((p) => [p.date, p.value, p.excluded, p.rebase, p.note])).toEqual([
      ['2024-01-01', 12, false, false, 'first'],
      ['2024-01-08', 16, true, false, null],
      ['2024-01-15', 9, false, true, null],
    ]);

    const removed = await call('DELETE', `/api/v1/data-points/${list.items[0]?.id}`, token);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    expect(await pointsOf(measureId)).toHaveLength(2);
    problem(await call('DELETE', `/api/v1/data-points/${list.items[0]?.id}`, token), 404);
  });

  it('checks every row first and answers 400 naming each bad row and field, saving nothing', async () => {
    const token = await tokenFor(people.staff);
    const measureId = await insertMeasure(t, people.projectId, { chart: 'p' });
    const res = await call('POST', `/api/v1/measures/${measureId}/data-points`, token, [
      { date: '2024-01-01', value: 3, denominator: 10 },
      { date: 'tomorrow', value: 'three', denominator: 10 },
      { date: '2024-01-08', value: 12, denominator: 10 },
      { date: '2024-01-15', value: 1, denominator: 0, excluded: 'yes' },
      { date: '2024-01-01', value: 2, denominator: 10 },
      'not a row',
    ]);
    const body = problem(res, 400);
    expect(body.errors).toEqual([
      { field: '1.date', message: 'Row 2: Enter a real date, for example 31/03/2024' },
      { field: '1.value', message: 'Row 2: Enter the value as a number, for example 12 or 3.5' },
      { field: '2.value', message: 'Row 3: The count cannot be more than the denominator on a p chart' },
      { field: '3.excluded', message: 'Row 4: Send true or false' },
      { field: '3.denominator', message: 'Row 4: The denominator must be more than 0' },
      { field: '4.date', message: 'Row 5: This date is also on row 1' },
      { field: '5', message: 'Row 6: Each data point must be an object with a date and a value' },
    ]);
    expect(await pointsOf(measureId)).toHaveLength(0);

    expect(problem(await call('POST', `/api/v1/measures/${measureId}/data-points`, token, { date: '2024-01-01', value: 1 }), 400).errors).toEqual([
      { field: 'body', message: 'Send an array of data points, for example [{"date": "2024-03-31", "value": 12}]' },
    ]);
    expect(problem(await call('POST', `/api/v1/measures/${measureId}/data-points`, token, []), 400).errors?.[0]?.field).toBe('body');
  });

  it('takes 2,000 points in one request', async () => {
    const token = await tokenFor(people.staff);
    const measureId = await insertMeasure(t, people.projectId);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ date: new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10), value: i % 17, note: 'from the API' }));
    const res = await call('POST', `/api/v1/measures/${measureId}/data-points`, token, rows);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ added: 2000, updated: 0 });
    expect(await pointsOf(measureId)).toHaveLength(2000);
  });

  it('answers the SPC analysis, or 422 saying why there is none', async () => {
    const token = await tokenFor(people.viewer, ['projects:read']);
    const measureId = await insertMeasure(t, people.projectId, { direction: 'decrease', target: 15 });
    const none = problem(await call('GET', `/api/v1/measures/${measureId}/chart`, token), 422);
    expect(none.title).toBe('Add at least 2 data points to see a chart.');
    await insertPoints(t, measureId, [20, 22, 19, 21, 20, 23, 21, 20, 22, 19, 21, 20, 12, 11, 12, 10, 11, 12, 11, 10]);
    const res = await call('GET', `/api/v1/measures/${measureId}/chart`, token);
    expect(res.statusCode).toBe(200);
    const chart = res.json<{ chart: string; points: { x: string; special_cause: string | null }[]; variation: string; assurance: string | null; runs: { signal: boolean } }>();
    expect(chart.chart).toBe('xmr');
    expect(chart.points).toHaveLength(20);
    expect(chart.points[0]?.x).toBe(weekly(0));
    expect(chart.points[19]?.special_cause).toBe('improvement');
    expect(chart.variation).toBe('special_cause_improvement');
    expect(chart.runs.signal).toBe(true);
  });

  it('needs projects:read to read and projects:write to change (403 naming the scope)', async () => {
    const measureId = await insertMeasure(t, people.projectId);
    await insertPoints(t, measureId, [1, 2]);
    const pointId = (await pointsOf(measureId))[0]?.id;
    const meOnly = await tokenFor(people.staff, ['me:read']);
    for (const url of [`/api/v1/projects/${people.projectId}/measures`, `/api/v1/measures/${measureId}`, `/api/v1/measures/${measureId}/data-points`, `/api/v1/measures/${measureId}/chart`]) {
      expect(problem(await call('GET', url, meOnly), 403).missingScope).toBe('projects:read');
    }
    const readOnly = await tokenFor(people.staff, ['projects:read']);
    expect(problem(await call('POST', `/api/v1/projects/${people.projectId}/measures`, readOnly, { name: 'New', kind: 'outcome', direction: 'increase', chart: 'run' }), 403).missingScope).toBe('projects:write');
    expect(problem(await call('PATCH', `/api/v1/measures/${measureId}`, readOnly, { name: 'Renamed' }), 403).missingScope).toBe('projects:write');
    expect(problem(await call('POST', `/api/v1/measures/${measureId}/data-points`, readOnly, [{ date: '2024-06-01', value: 1 }]), 403).missingScope).toBe('projects:write');
    expect(problem(await call('DELETE', `/api/v1/data-points/${pointId}`, readOnly), 403).missingScope).toBe('projects:write');
    expect(await pointsOf(measureId)).toHaveLength(2);
  });

  it('gives someone without edit access 404 on writes, and someone outside the unit 404 on everything', async () => {
    const measureId = await insertMeasure(t, people.projectId);
    await insertPoints(t, measureId, [1, 2]);
    const pointId = (await pointsOf(measureId))[0]?.id;
    const viewer = await tokenFor(people.viewer);
    expect((await call('GET', `/api/v1/measures/${measureId}`, viewer)).statusCode).toBe(200);
    problem(await call('POST', `/api/v1/projects/${people.projectId}/measures`, viewer, { name: 'Sneaky', kind: 'outcome', direction: 'increase', chart: 'run' }), 404);
    problem(await call('PATCH', `/api/v1/measures/${measureId}`, viewer, { name: 'Renamed' }), 404);
    problem(await call('POST', `/api/v1/measures/${measureId}/data-points`, viewer, [{ date: '2024-06-01', value: 1 }]), 404);
    problem(await call('DELETE', `/api/v1/data-points/${pointId}`, viewer), 404);

    const south = await tokenFor(people.southStaff);
    for (const url of [`/api/v1/projects/${people.projectId}/measures`, `/api/v1/measures/${measureId}`, `/api/v1/measures/${measureId}/data-points`, `/api/v1/measures/${measureId}/chart`, '/api/v1/measures/999999', '/api/v1/measures/abc']) {
      problem(await call('GET', url, south), 404);
    }
    problem(await call('DELETE', `/api/v1/data-points/${pointId}`, south), 404);
    expect(await pointsOf(measureId)).toHaveLength(2);
    expect(await t.db.db.selectFrom('measures').select('name').execute()).toEqual([{ name: 'Days to first appointment' }]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, Record<string, { security: unknown; responses: Record<string, { content?: unknown }>; requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>; components: { schemas: Record<string, { type?: string }> } }>();
    expect(doc.paths['/api/v1/projects/{id}/measures']?.post?.security).toEqual([{ bearerToken: ['projects:write'] }]);
    expect(doc.paths['/api/v1/measures/{id}/data-points']?.post?.requestBody?.content['application/json']?.schema.$ref).toBe('#/components/schemas/DataPointInputList');
    expect(doc.components.schemas.DataPointInputList?.type).toBe('array');
    expect(doc.paths['/api/v1/data-points/{id}']?.delete?.responses['204']).toBeDefined();
    expect(doc.paths['/api/v1/data-points/{id}']?.delete?.responses['204']?.content).toBeUndefined();
    expect(doc.paths['/api/v1/measures/{id}/chart']?.get?.security).toEqual([{ bearerToken: ['projects:read'] }]);
  });
});
