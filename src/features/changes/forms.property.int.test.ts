import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../../../test/support/app.ts';
import { changesWorld, type ChangesWorld } from './testing.ts';

/** Anything a person could type, including odd Unicode, NUL, huge numbers and very long values. */
const typed = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '9999999999999999999999', '2147483648', 'null', '<script>', "' OR 1=1 --", '\u0000', 'a\u0000b', 'a'.repeat(6000), '2025-02-30', '2025-03-01'),
  fc.integer().map(String),
);
const form = (keys: string[]): fc.Arbitrary<Record<string, string>> =>
  fc
    .record(Object.fromEntries(keys.map((k) => [k, typed])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, string>);

describe('no input typed into the driver, change idea or PDSA forms produces a server error', () => {
  let w: ChangesWorld;
  let staff: Browser;
  let base: string;
  let ideaPath: string;
  let cyclePath: string;
  beforeAll(async () => {
    w = await changesWorld();
    staff = await w.signedIn('staff');
    base = `/projects/${w.projectId}`;
    await staff.post(`${base}/drivers`, { title: 'Primary' });
    await staff.post(`${base}/ideas`, { title: 'Idea', size: 'big', source: 'staff' });
    const idea = (await w.t.db.db.selectFrom('change_ideas').select('id').executeTakeFirstOrThrow()).id;
    ideaPath = `${base}/ideas/${idea}`;
    await staff.post(`${ideaPath}/cycles`, { title: 'Cycle' });
    cyclePath = `${ideaPath}/cycles/${(await w.t.db.db.selectFrom('pdsa_cycles').select('id').executeTakeFirstOrThrow()).id}`;
  });
  afterAll(() => w.t.close());

  it('the driver forms', async () => {
    const driver = (await w.t.db.db.selectFrom('drivers').select('id').executeTakeFirstOrThrow()).id;
    await fc.assert(
      fc.asyncProperty(form(['title', 'parentId', 'from']), typed, async (body, direction) => {
        expect((await staff.post(`${base}/drivers`, body)).statusCode).toBeLessThan(500);
        expect((await staff.post(`${base}/drivers/${driver}`, body)).statusCode).toBeLessThan(500);
        expect((await staff.post(`${base}/drivers/${driver}/move`, { direction })).statusCode).toBeLessThan(500);
        expect((await staff.get(`${base}/drivers/${encodeURIComponent(direction)}`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  });

  it('the change idea forms', async () => {
    await fc.assert(
      fc.asyncProperty(form(['title', 'description', 'size', 'source', 'sourceRef', 'status', 'driverId']), typed, async (body, after) => {
        expect((await staff.post(`${base}/ideas`, body)).statusCode).toBeLessThan(500);
        expect((await staff.post(ideaPath, body)).statusCode).toBeLessThan(500);
        expect((await staff.get(`${base}/ideas?after=${encodeURIComponent(after)}`)).statusCode).toBeLessThan(500);
        expect((await staff.get(`${base}/ideas/new?driver=${encodeURIComponent(after)}`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  });

  it('the PDSA cycle forms', async () => {
    const keys = ['title', 'previousId', 'question', 'prediction', 'plan', 'dataToCollect', 'startOn', 'whatHappened', 'observations', 'study', 'act', 'nextSteps', 'endOn'];
    await fc.assert(
      fc.asyncProperty(form(keys), typed, async (body, after) => {
        expect((await staff.post(`${ideaPath}/cycles`, body)).statusCode).toBeLessThan(500);
        expect((await staff.post(cyclePath, body)).statusCode).toBeLessThan(500);
        expect((await staff.get(`${ideaPath}/cycles/new?after=${encodeURIComponent(after)}`)).statusCode).toBeLessThan(500);
      }),
      { numRuns: 30 },
    );
  });
});
