/**
 * A synthetic trust for the involvement dashboard bench (bench/insights.ts): 5,000 QI projects with
 * their stage and involvement-level history and partner members over the last two and a half
 * years, and 2,000 meetings of 40 series with about 15 attendance rows and 2 actions each, people
 * in the register and their involvement activities. Seeded, so every run fills the same data, and
 * inserted in multi-row statements inside one transaction per table group.
 */
import type { Insertable } from 'kysely';
import { insertUnit } from '../src/features/org/service.ts';
import { createAdmin } from '../src/features/users/service.ts';
import type { Db } from '../src/platform/db/index.ts';
import {
  ACTIVITY_KINDS,
  type Database,
  type InvolvementLevel,
  type OrgUnit,
  type ProjectHistoryTable,
  type ProjectMemberTable,
  type Stage,
} from '../src/platform/db/types.ts';
import { random } from './random.ts';

export const BENCH_PROJECTS = 5_000;
export const BENCH_MEETINGS = 2_000;
export const BENCH_SERIES = 40;
export const ATTENDANCE_PER_MEETING = 15;
export const ACTIONS_PER_MEETING = 2;
export const BENCH_PEOPLE = 1_500;
export const BENCH_ACTIVITIES = 12_000;
const STAFF_USERS = 60;

const DAY = 86_400_000;
const MONTH = 30.44 * DAY;

/**
 * Inserts rows in multi-row statements of at most ~8,000 bound values (well under SQLite's and
 * PostgreSQL's limits), returning the new ids in order when asked.
 */
async function insertMany<T extends keyof Database & string>(db: Db, table: T, rows: Insertable<Database[T]>[], returnIds = false): Promise<number[]> {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0] as object).length;
  const size = Math.max(1, Math.floor(8000 / columns));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += size) {
    // Kysely cannot type a table chosen by a type parameter here; the rows are typed by the caller.
    const q = db.insertInto(table as 'projects').values(rows.slice(i, i + size) as Insertable<Database['projects']>[]);
    if (returnIds) ids.push(...(await q.returning('id').execute()).map((r) => r.id));
    else await q.execute();
  }
  return ids;
}

export interface FilledTrust {
  adminEmail: string;
  trust: OrgUnit;
  teams: OrgUnit[];
  counts: { projects: number; history: number; partners: number; meetings: number; attendance: number; actions: number; people: number; activities: number };
}

/** Fills an empty, migrated database; the admin signs in with the given password. */
export async function fillTrust(db: Db, password: string, now = new Date()): Promise<FilledTrust> {
  const adminEmail = 'bench@example.org';
  const adminId = await createAdmin(db, { email: adminEmail, name: 'Bench Admin', password, trustName: 'Bench NHS Trust' });
  const trust = await db.selectFrom('org_units').selectAll().where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const stamp = now.toISOString();
  const boroughs: OrgUnit[] = [];
  const teams: OrgUnit[] = [];
  for (const borough of ['North', 'South']) {
    const b = await insertUnit(db, { name: `${borough} Borough`, kind: 'borough', parentId: trust.id }, stamp);
    boroughs.push(b);
    for (const team of ['Community Team', 'Home Treatment Team']) teams.push(await insertUnit(db, { name: `${borough} ${team}`, kind: 'team', parentId: b.id }, stamp));
  }
  const next = random(6);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const at = (ms: number): string => new Date(ms).toISOString();
  const day = (ms: number): string => at(ms).slice(0, 10);
  const nowMs = now.getTime();

  return db.transaction().execute(async (trx) => {
    // ---- Projects: created over the last 30 months; more of them gain service-user or carer input as time goes on.
    const projects: Insertable<Database['projects']>[] = [];
    const histories: Omit<Insertable<ProjectHistoryTable>, 'project_id'>[][] = [];
    const partners: (Omit<Insertable<ProjectMemberTable>, 'project_id'> | null)[] = [];
    const start = nowMs - 30 * MONTH;
    for (let i = 0; i < BENCH_PROJECTS; i++) {
      const created = start + next() * 29 * MONTH;
      const history: { field: 'stage' | 'involvement_level'; value: string; at: number }[] = [];
      let level: InvolvementLevel = next() < 0.08 ? 'involved' : next() < 0.5 ? 'informed' : 'none';
      history.push({ field: 'stage', value: 'idea', at: created }, { field: 'involvement_level', value: level, at: created });
      let stage: Stage = 'idea';
      let t = created;
      for (const s of ['planning', 'testing', 'implementing'] as const) {
        t += (1 + next() * 3) * MONTH;
        if (t >= nowMs) break;
        stage = s;
        history.push({ field: 'stage', value: s, at: t });
      }
      const closeAt = created + (10 + next() * 14) * MONTH;
      if (next() < 0.6 && closeAt < nowMs) {
        stage = 'closed';
        history.push({ field: 'stage', value: 'closed', at: closeAt });
      }
      // The calendar date a project takes people on: later projects sooner, so the share rises.
      const involvedAt = Math.max(created + 7 * DAY, start + Math.pow(next(), 0.6) * 40 * MONTH);
      if (level !== 'involved' && involvedAt < nowMs) {
        level = next() < 0.7 ? 'involved' : 'co_produced';
        history.push({ field: 'involvement_level', value: level, at: involvedAt });
      }
      const partnerAt = created + next() * 12 * MONTH;
      partners.push(
        next() < 0.3 && partnerAt < nowMs
          ? { user_id: null, display_name: 'Sam Partner', role: next() < 0.7 ? 'service_user_partner' : 'carer_partner', joined_on: day(partnerAt), left_on: next() < 0.2 ? day(Math.min(nowMs, partnerAt + 6 * MONTH)) : null }
          : null,
      );
      histories.push(history.sort((a, b) => a.at - b.at).map((h) => ({ field: h.field, value: h.value, changed_at: at(h.at), changed_by: adminId, note: null })));
      projects.push({
        unit_id: teams[i % teams.length]!.id,
        title: `Project ${i + 1}: a better first appointment in team ${(i % teams.length) + 1}`,
        aim: 'Cut the wait for a first appointment from 6 weeks to 2 within a year',
        background: null,
        stage,
        programme: i % 3 === 0 ? 'Waiting well' : null,
        involvement_level: level,
        created_by: adminId,
        created_at: at(created),
        updated_at: at(created),
      });
    }
    const projectIds = await insertMany(trx, 'projects', projects, true);
    const historyRows = histories.flatMap((h, i) => h.map((r) => ({ ...r, project_id: projectIds[i]! })));
    await insertMany(trx, 'project_history', historyRows);
    const partnerRows = partners.flatMap((p, i) => (p ? [{ ...p, project_id: projectIds[i]! }] : []));
    await insertMany(trx, 'project_members', partnerRows);

    // ---- Staff accounts and people in the register.
    const staffIds = await insertMany(
      trx,
      'users',
      Array.from({ length: STAFF_USERS }, (_, i) => ({ email: `staff${i + 1}@example.org`, name: `Staff Member ${i + 1}`, password_hash: null, failed_sign_ins: 0, created_at: stamp })),
      true,
    );
    const statuses = ['enquiry', 'contacted', 'induction', 'active', 'active', 'active', 'paused', 'left'] as const;
    const personIds = await insertMany(
      trx,
      'people',
      Array.from({ length: BENCH_PEOPLE }, (_, i) => ({
        unit_id: teams[i % teams.length]!.id,
        user_id: null,
        full_name: `Person ${i + 1}`,
        preferred_name: null,
        email: `person${i + 1}@example.org`,
        phone: null,
        address: null,
        postcode: null,
        preferred_channel: 'email' as const,
        format: 'standard' as const,
        format_language: null,
        access_needs_other: null,
        relationship: next() < 0.65 ? ('service_user' as const) : ('carer' as const),
        services_known: null,
        availability_notes: null,
        anonymity: 'full_name' as const,
        payment_preference: 'involvement_rate' as const,
        heard_via: null,
        outreach_event_id: null,
        status: pick(statuses),
        notes: null,
        created_by: adminId,
        created_at: stamp,
        updated_at: stamp,
        erased_at: null,
      })),
      true,
    );

    // ---- Series and meetings over the last 24 months (a few still to come), with attendance and actions.
    const seriesUnits = [trust, ...boroughs, ...teams];
    const seriesIds = await insertMany(
      trx,
      'meeting_series',
      Array.from({ length: BENCH_SERIES }, (_, i) => ({
        unit_id: seriesUnits[i % seriesUnits.length]!.id,
        name: `${['QI Forum', 'Service User Group', 'Project Team'][i % 3]} ${i + 1}`,
        kind: (['qi_forum', 'user_group', 'project_team'] as const)[i % 3]!,
        purpose: null,
        cadence: 'Monthly',
        usual_venue_id: null,
        project_id: null,
        created_by: adminId,
        created_at: stamp,
        archived_at: null,
      })),
      true,
    );
    const meetingStart = nowMs - 24 * MONTH;
    const meetings = Array.from({ length: BENCH_MEETINGS }, () => {
      const starts = meetingStart + next() * 24.5 * MONTH;
      return {
        series_id: pick(seriesIds),
        title: null,
        starts_at: at(starts),
        ends_at: at(starts + 2 * 3_600_000),
        venue_id: null,
        online_url: null,
        capacity: null,
        status: next() < 0.05 ? ('cancelled' as const) : ('scheduled' as const),
        created_at: stamp,
        updated_at: stamp,
      };
    });
    const meetingIds = await insertMany(trx, 'meetings', meetings, true);
    const attendance: Insertable<Database['attendance']>[] = [];
    const actions: Insertable<Database['meeting_actions']>[] = [];
    meetingIds.forEach((meetingId, m) => {
      const meeting = meetings[m]!;
      const starts = Date.parse(meeting.starts_at);
      if (starts < nowMs && meeting.status === 'scheduled') {
        // Each person at most once a meeting (as the database requires).
        const here = new Set<number>();
        const someoneNew = (pool: number[]): number => {
          let id = pick(pool);
          while (here.has(id)) id = pick(pool);
          here.add(id);
          return id;
        };
        for (let a = 0; a < ATTENDANCE_PER_MEETING; a++) {
          const r = next();
          const role = r < 0.45 ? 'staff' : r < 0.75 ? 'service_user' : r < 0.9 ? 'carer' : 'other';
          const s = next();
          attendance.push({
            meeting_id: meetingId,
            invitation_id: null,
            user_id: role === 'staff' ? someoneNew(staffIds) : null,
            person_id: role === 'service_user' || role === 'carer' ? someoneNew(personIds) : null,
            walk_in_name: role === 'other' ? 'A visitor' : null,
            role,
            status: s < 0.85 ? 'present' : s < 0.95 ? 'apologies' : 'absent',
            recorded_by: adminId,
            recorded_at: meeting.ends_at,
          });
        }
      }
      for (let k = 0; k < ACTIONS_PER_MEETING; k++) {
        const s = next();
        actions.push({
          series_id: meeting.series_id,
          meeting_id: meetingId,
          agenda_item_id: null,
          description: 'Send the summary to the team and bring the chart next time',
          owner_user_id: pick(staffIds),
          owner_person_id: null,
          due_on: day(starts + (14 + next() * 46) * DAY),
          status: s < 0.3 ? 'open' : s < 0.45 ? 'in_progress' : s < 0.9 ? 'done' : 'dropped',
          created_by: adminId,
          created_at: meeting.starts_at,
          updated_at: meeting.starts_at,
          completed_at: null,
        });
      }
    });
    await insertMany(trx, 'attendance', attendance);
    await insertMany(trx, 'meeting_actions', actions);

    // ---- Involvement activities over the last 24 months.
    const activities = Array.from({ length: BENCH_ACTIVITIES }, () => ({
      person_id: pick(personIds),
      on_date: day(nowMs - next() * 24 * MONTH),
      kind: pick(ACTIVITY_KINDS),
      description: 'Came to the team meeting',
      minutes: 30 + Math.floor(next() * 8) * 15,
      project_id: null,
      group_id: null,
      opportunity_id: null,
      recorded_by: adminId,
      created_at: stamp,
    }));
    await insertMany(trx, 'involvement_activities', activities);

    return {
      adminEmail,
      trust,
      teams,
      counts: {
        projects: projectIds.length,
        history: historyRows.length,
        partners: partnerRows.length,
        meetings: meetingIds.length,
        attendance: attendance.length,
        actions: actions.length,
        people: personIds.length,
        activities: activities.length,
      },
    };
  });
}
