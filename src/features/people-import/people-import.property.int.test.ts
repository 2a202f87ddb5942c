import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import { insertUnit } from '../org/service.ts';
import { guessMapping, INITIAL_DEFAULTS } from './mapping.ts';
import { commitImport, previewImport, saveMapping, startImport } from './service.ts';

/**
 * Over random sheets mixing good and bad rows: the importer never imports a row it reported as
 * bad, and never loses a good row (the people imported are exactly the good rows, in content too).
 */

const HEADERS = ['Name', 'Email', 'Phone', 'Postcode', 'Contact by', 'Status', 'Access needs', 'Availability', 'Interests', 'Notes'];
const BAD_KINDS = ['noName', 'longName', 'badEmail', 'badPostcode', 'badStatus', 'badAccessNeed', 'badAvailability', 'noEmailForChannel', 'badPhone'] as const;
type BadKind = (typeof BAD_KINDS)[number];

const STATUSES: [string, string][] = [['', 'enquiry'], ['Active', 'active'], ['paused', 'paused'], ['In induction', 'induction'], ['contacted', 'contacted']];
const ACCESS: [string, string][] = [['Step-free access', 'step_free'], ['hearing_loop', 'hearing_loop'], ['BSL', 'bsl_interpreter'], ['Quiet room', 'quiet_room']];
const AVAILABILITY: [string, string][] = [['mon_am', 'mon_am'], ['Tuesday afternoon', 'tue_pm'], ['fri eve', 'fri_eve'], ['Sunday morning', 'sun_am']];

interface GeneratedRow {
  bad: BadKind | null;
  byPhone: boolean;
  status: [string, string];
  access: [string, string][];
  availability: [string, string][];
  interests: string[];
  postcode: boolean;
  /** Any text: quotes, commas, braces, backslashes, "NULL", other scripts and emoji must come back as given. */
  notes: string;
}

const rowArb: fc.Arbitrary<GeneratedRow> = fc.record({
  bad: fc.option(fc.constantFrom(...BAD_KINDS), { freq: 3 }),
  byPhone: fc.boolean(),
  status: fc.constantFrom(...STATUSES),
  access: fc.subarray(ACCESS),
  availability: fc.subarray(AVAILABILITY),
  interests: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}$/), { maxLength: 3 }),
  postcode: fc.boolean(),
  notes: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('NULL', '{a,b}', 'say "hi", \\ then', '')).filter((n) => !n.includes('\u0000')),
});

const csvCell = (s: string): string => (/[",\r\n;]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

/** The sheet's cells for generated row i of run `run`: unique names, emails and phones, so nothing is a duplicate. */
function cells(run: number, i: number, r: GeneratedRow): string[] {
  const name = `Person ${run} ${i}`;
  const email = `p${run}x${i}@example.org`;
  const phone = `07${String(run * 1000 + i).padStart(9, '0')}`;
  const row = [
    name,
    email,
    phone,
    r.postcode ? `LU${(i % 9) + 1} ${(i % 9) + 1}AB` : '',
    r.byPhone ? 'Phone' : 'Email',
    r.status[0],
    r.access.map((a) => a[0]).join('; '),
    r.availability.map((a) => a[0]).join(', '),
    r.interests.join(', '),
    r.notes,
  ];
  switch (r.bad) {
    case 'noName': row[0] = ''; break;
    case 'longName': row[0] = `${name} ${'x'.repeat(120)}`; break;
    case 'badEmail': row[1] = 'not-an-email'; break;
    case 'badPostcode': row[3] = 'XYZ'; break;
    case 'badStatus': row[5] = 'sleeping'; break;
    case 'badAccessNeed': row[6] = 'a pony'; break;
    case 'badAvailability': row[7] = 'sometimes'; break;
    case 'noEmailForChannel': row[1] = ''; row[4] = 'Email'; break;
    case 'badPhone': row[2] = 'call me'; break;
    default: break;
  }
  return row;
}

describe('the importer (property)', () => {
  let t: TestApp;
  let ctx: ServiceContext;
  let parentId: number;
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const org = await seedOrg(t.db);
    parentId = org.north.id;
    const userId = await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]);
    ctx = { db: t.db.db, dialect: t.db.dialect, config: t.config, ip: null, principal: { userId, email: 'lead@example.org', name: 'Lead', grants: [{ unitId: org.north.id, unitPath: org.north.path, role: 'lead' }] } };
  });
  afterAll(() => t.close());

  it('never imports a row it reported as bad and never loses a good row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 25 }), fc.constantFrom('all', 'good'), async (rows, mode) => {
        run++;
        // A fresh unit each run: its register starts empty.
        const unit = await insertUnit(t.db.db, { name: `Run ${run}`, kind: 'team', parentId }, nowIso());
        const sheetRows = rows.map((r, i) => cells(run, i, r));
        const csv = [HEADERS, ...sheetRows].map((r) => r.map(csvCell).join(',')).join('\r\n');
        const id = await startImport(ctx, { unitId: unit.id, fileName: 'p.csv', buffer: Buffer.from(csv) });
        const form: Record<string, unknown> = {};
        guessMapping(HEADERS).forEach((f, i) => (form[`column-${i}`] = f ?? ''));
        for (const [k, v] of Object.entries(INITIAL_DEFAULTS)) form[`default-${k}`] = v;
        await saveMapping(ctx, id, form);
        const { preview } = await previewImport(ctx, id);
        const reportedBad = new Set(preview.problems.map((p) => p.row));
        // Every generated bad row is reported, and only those (sheet row = index + 2).
        expect([...reportedBad].sort((a, b) => a - b)).toEqual(rows.flatMap((r, i) => (r.bad ? [i + 2] : [])));
        expect(preview.badRows).toBe(reportedBad.size);
        expect(preview.good).toBe(rows.length - reportedBad.size);
        expect(preview.duplicateCount).toBe(0);

        const outcome = await commitImport(ctx, id, { mode });
        const people = await t.db.db.selectFrom('people').selectAll().where('unit_id', '=', unit.id).orderBy('id').execute();
        if ('refused' in outcome) {
          expect(mode === 'all' ? reportedBad.size > 0 : reportedBad.size === rows.length).toBe(true);
          expect(people).toEqual([]);
          return;
        }
        expect(mode === 'all' ? reportedBad.size : 0).toBe(0);
        const goodIndexes = rows.flatMap((r, i) => (reportedBad.has(i + 2) ? [] : [i]));
        expect(outcome.result).toMatchObject({ imported: goodIndexes.length, merged: 0, skipped: 0, badRows: reportedBad.size });
        // Exactly the good rows, each with its content.
        expect(people.map((p) => p.full_name)).toEqual(goodIndexes.map((i) => `Person ${run} ${i}`));
        const attributes = await t.db.db
          .selectFrom('person_attributes')
          .select(['person_id', 'kind', 'value'])
          .where('person_id', 'in', people.length ? people.map((p) => p.id) : [0])
          .execute();
        people.forEach((p, k) => {
          const i = goodIndexes[k] as number;
          const r = rows[i] as GeneratedRow;
          const [, email, phone, postcode] = sheetRows[i] as string[];
          expect(p).toMatchObject({ email, phone, postcode: postcode || null, notes: r.notes.trim() || null, preferred_channel: r.byPhone ? 'phone' : 'email', status: r.status[1], format: 'standard' });
          const mine = attributes.filter((a) => a.person_id === p.id).map((a) => `${a.kind}:${a.value}`).sort();
          const expected = [
            ...r.access.map((a) => `access_need:${a[1]}`),
            ...r.availability.map((a) => `availability:${a[1]}`),
            ...r.interests.map((v) => `interest:${v}`),
          ].sort();
          expect(mine).toEqual(expected);
        });
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
