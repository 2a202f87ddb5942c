import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import { INVOLVEMENT_LEVELS, STAGES, type InvolvementLevel, type Stage } from '../../platform/db/types.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { currentMonth, involvementShare, involvementShareByMonth, involvementShareProjects, monthEnd } from './service.ts';
import { contextFor, seedPeople } from './test-support.ts';

/** A small seeded generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function monthsBack(count: number, through = currentMonth()): string[] {
  const out = [through];
  while (out.length < count) {
    const [y, m] = (out[0] as string).split('-').map(Number) as [number, number];
    out.unshift(m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`);
  }
  return out;
}

describe('projects: "projects with input" month by month', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPeople>>;
  let admin: ServiceContext;
  let staff: ServiceContext;

  beforeAll(async () => {
    t = await createTestApp();
    s = await seedPeople(t);
    admin = await contextFor(t, s.admin);
    staff = await contextFor(t, s.staff);
    const db = t.db.db;
    const next = random(20261201);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
    const months = monthsBack(30);
    // Instants near month ends (either side, by a millisecond or half an hour, in and out of
    // summer time) and anywhere in a month: where a month-by-month shortcut would go wrong.
    const instant = (): string => {
      const end = Date.parse(monthEnd(pick(months)).endInstant);
      const offset = pick([-1, 0, 1, -1_800_000, 1_800_000, -next() * 27 * 86_400_000]);
      return new Date(end + offset).toISOString();
    };
    const date = (): string => {
      const end = monthEnd(pick(months)).endDate;
      return next() < 0.5 ? end : new Date(Date.parse(`${end}T00:00:00Z`) - Math.floor(next() * 40) * 86_400_000).toISOString().slice(0, 10);
    };
    // One partner throughout, and another recorded as leaving months before they joined: the
    // second must never cancel the first out.
    const daysAgo = (d: number): string => new Date(Date.now() - d * 86_400_000).toISOString();
    const { id: steady } = await db
      .insertInto('projects')
      .values({ unit_id: s.org.northTeam.id, title: 'Steady partner', aim: 'An aim', background: null, stage: 'testing', programme: null, involvement_level: 'none', created_by: s.admin, created_at: daysAgo(600), updated_at: nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('project_members')
      .values([
        { project_id: steady, user_id: null, display_name: 'Always there', role: 'carer_partner', joined_on: daysAgo(590).slice(0, 10), left_on: null },
        { project_id: steady, user_id: null, display_name: 'Muddled dates', role: 'service_user_partner', joined_on: daysAgo(90).slice(0, 10), left_on: daysAgo(300).slice(0, 10) },
      ])
      .execute();
    const units = [s.org.northTeam.id, s.org.north.id, s.org.southTeam.id];
    for (let i = 0; i < 80; i++) {
      const created = instant();
      const stage: Stage = pick(STAGES);
      const level: InvolvementLevel = pick(INVOLVEMENT_LEVELS);
      const { id } = await db
        .insertInto('projects')
        .values({ unit_id: pick(units), title: `Project ${i}`, aim: 'An aim', background: null, stage, programme: null, involvement_level: level, created_by: s.admin, created_at: created, updated_at: nowIso() })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Some projects have no history at all (their current values hold), some only later rows,
      // some rows before the project was made, and some changes at the same instant.
      const changes = i % 7 === 0 ? 0 : Math.floor(next() * 6);
      let last = instant();
      for (let c = 0; c < changes; c++) {
        const at = next() < 0.2 ? last : instant();
        last = at;
        const field = next() < 0.5 ? ('stage' as const) : ('involvement_level' as const);
        await db
          .insertInto('project_history')
          .values({ project_id: id, field, value: field === 'stage' ? pick(STAGES) : pick(INVOLVEMENT_LEVELS), changed_at: at, changed_by: null, note: null })
          .execute();
      }
      // Partners joining and leaving (a few leaving "before" they joined), and other members who never count.
      const members = Math.floor(next() * 3);
      for (let m = 0; m < members; m++) {
        await db
          .insertInto('project_members')
          .values({
            project_id: id,
            user_id: null,
            display_name: 'Someone',
            role: pick(['service_user_partner', 'carer_partner', 'member', 'lead'] as const),
            joined_on: date(),
            left_on: next() < 0.4 ? date() : null,
          })
          .execute();
      }
    }
  });
  afterAll(() => t.close());

  const single = async (ctx: ServiceContext, months: string[], unitId?: number) =>
    Promise.all(months.map((month) => involvementShare(ctx, { month, ...(unitId ? { unitId } : {}) })));

  it('gives the same numbers as involvementShare for every month, for the trust and for one unit', async () => {
    const months = monthsBack(30);
    const series = await involvementShareByMonth(admin, { months: 30 });
    expect(series.map((m) => m.month)).toEqual(months);
    expect(series).toEqual(await single(admin, months));
    // The data is not trivial: some months have projects with and without input.
    expect(series.some((m) => m.total > 5 && m.withInput > 0 && m.withInput < m.total)).toBe(true);

    const north = await involvementShareByMonth(admin, { months: 30, unitId: s.org.north.id });
    expect(north).toEqual(await single(admin, months, s.org.north.id));
    expect(north.at(-1)?.total).toBeLessThan(series.at(-1)?.total ?? 0);
  });

  it('ends at an earlier month when asked, and keeps to the user\'s units', async () => {
    const months = monthsBack(12, monthsBack(7)[0]);
    const series = await involvementShareByMonth(admin, { months: 12, through: months.at(-1) });
    expect(series).toEqual(await single(admin, months));
    // North team staff count the North team's projects only.
    const teamMonths = monthsBack(24);
    expect(await involvementShareByMonth(staff, { months: 24 })).toEqual(await single(staff, teamMonths));
  });

  it('lists the projects a month counts, with their values then, a page at a time', async () => {
    const month = monthsBack(4)[0] as string;
    const share = await involvementShare(admin, { month });
    const seen: { id: number; withInput: boolean }[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await involvementShareProjects(admin, { month, after, limit: 7 });
      seen.push(...page.projects);
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
    expect(seen.length).toBe(share.total);
    expect(seen.filter((p) => p.withInput).length).toBe(share.withInput);
    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
  });

  it('refuses a month in the future, a made-up month and a silly number of months', async () => {
    const [y, m] = currentMonth().split('-').map(Number) as [number, number];
    const nextMonth = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    await expect(involvementShareByMonth(admin, { months: 12, through: nextMonth })).rejects.toBeInstanceOf(ValidationError);
    await expect(involvementShareByMonth(admin, { months: 12, through: '2025-13' })).rejects.toBeInstanceOf(ValidationError);
    await expect(involvementShareByMonth(admin, { months: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(involvementShareByMonth(admin, { months: 61 })).rejects.toBeInstanceOf(ValidationError);
    await expect(involvementShareProjects(admin, { month: nextMonth })).rejects.toBeInstanceOf(ValidationError);
  });

  it('is not for partners, and a unit outside the user\'s is not found', async () => {
    const partner = await contextFor(t, s.partner);
    await expect(involvementShareByMonth(partner, { months: 12 })).rejects.toMatchObject({ status: 403 });
    await expect(involvementShareByMonth(staff, { months: 12, unitId: s.org.south.id })).rejects.toMatchObject({ status: 404 });
    await expect(involvementShareProjects(staff, { month: currentMonth(), unitId: s.org.south.id })).rejects.toMatchObject({ status: 404 });
  });
});
