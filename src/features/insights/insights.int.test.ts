import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import type { ActionStatus, AttendanceRole, AttendanceStatus, InvolvementLevel } from '../../platform/db/types.ts';
import { insertPerson } from '../involvement/test-support.ts';
import { insertMeeting, insertSeries } from '../meetings/test-support.ts';
import { insertStory } from '../stories/test-support.ts';
import { currentMonth, londonDate } from '../projects/service.ts';
import { dashboard, monthBefore, monthsUpTo } from './service.ts';

const DAY = 86_400_000;
const monthName = (month: string): string => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();

/** The rows of the table inside the element with this id, each a list of its cells' words (hidden words left out). */
function tableRows(html: string, id: string): string[][] {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return [];
  const table = html.slice(start, html.indexOf('</table>', start));
  const body = table.slice(table.indexOf('<tbody'));
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
      (cell[1] ?? '')
        .replace(/<span class="nhsuk-u-visually-hidden">[\s\S]*?<\/span>/g, '')
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

/** The figure shown in the "at a glance" card with this key, and its link (if any). */
function figure(html: string, key: string): { value: string; href: string | null } {
  const start = html.indexOf(`data-figure="${key}"`);
  const card = html.slice(start, html.indexOf('</li>', start));
  return { value: /class="app-figure">([^<]*)</.exec(card)?.[1] ?? '', href: /href="([^"]*)"/.exec(card)?.[1]?.replace(/&amp;/g, '&') ?? null };
}

const summary = (html: string, which: string): string => {
  const start = html.indexOf(`data-summary="${which}"`);
  return html.slice(start, html.indexOf('</ul>', start)).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
};

describe('the involvement dashboard', { timeout: 60_000 }, () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  let users: Record<'admin' | 'lead' | 'staff' | 'southStaff' | 'viewer' | 'partner', number>;
  const ids = {} as Record<'northFirst' | 'southProject' | 'forum' | 'northMeeting' | 'cancelledMeeting' | 'futureMeeting' | 'southSeries' | 'southMeeting' | 'ann', number>;

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };
  const ctxFor = async (userId: number): Promise<ServiceContext> => ({ db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: null });

  /** A project made `createdDaysAgo` days ago at a level, with its starting history rows. */
  async function project(unitId: number, title: string, level: InvolvementLevel, createdDaysAgo: number): Promise<number> {
    const at = daysAgo(createdDaysAgo);
    const { id } = await t.db.db
      .insertInto('projects')
      .values({ unit_id: unitId, title, aim: 'An aim', background: null, stage: 'testing', programme: null, involvement_level: level, created_by: null, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.db
      .insertInto('project_history')
      .values([
        { project_id: id, field: 'stage', value: 'testing', changed_at: at, changed_by: null, note: null },
        { project_id: id, field: 'involvement_level', value: level, changed_at: at, changed_by: null, note: null },
      ])
      .execute();
    return id;
  }

  async function attend(meetingId: number, role: AttendanceRole, status: AttendanceStatus, times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      await t.db.db.insertInto('attendance').values({ meeting_id: meetingId, invitation_id: null, user_id: null, person_id: null, walk_in_name: `Someone ${i}`, role, status, recorded_by: null, recorded_at: daysAgo(1) }).execute();
    }
  }

  async function action(seriesId: number, status: ActionStatus, dueOn: string | null): Promise<void> {
    const now = daysAgo(0);
    await t.db.db
      .insertInto('meeting_actions')
      .values({ series_id: seriesId, meeting_id: null, agenda_item_id: null, description: 'Do it', owner_user_id: null, owner_person_id: null, due_on: dueOn, status, created_by: null, created_at: now, updated_at: now, completed_at: null })
      .execute();
  }

  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    users = {
      admin: await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }]),
      lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]),
      staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]),
      southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }]),
      viewer: await createUser(t.db, 'viewer@example.org', [{ unitId: org.trust.id, role: 'viewer' }]),
      partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }]),
    };

    // North: ten projects for more than two years. At first 1 in 10 has input; six months ago
    // four more took people on (a level of involved or more) and three gained a partner: 8 in 10.
    const north: number[] = [];
    for (let i = 1; i <= 10; i++) north.push(await project(org.northTeam.id, `North project ${i}`, i === 1 ? 'co_produced' : 'informed', 800));
    const sixMonthsAgo = daysAgo(183);
    for (const id of north.slice(1, 5)) {
      await t.db.db.updateTable('projects').set({ involvement_level: 'involved' }).where('id', '=', id).execute();
      await t.db.db.insertInto('project_history').values({ project_id: id, field: 'involvement_level', value: 'involved', changed_at: sixMonthsAgo, changed_by: null, note: null }).execute();
    }
    for (const [i, id] of north.slice(5, 8).entries()) {
      await t.db.db
        .insertInto('project_members')
        .values({ project_id: id, user_id: null, display_name: `Partner ${i}`, role: i === 0 ? 'carer_partner' : 'service_user_partner', joined_on: sixMonthsAgo.slice(0, 10), left_on: null })
        .execute();
    }
    ids.northFirst = north[0] as number;
    // South: two projects, neither with input.
    ids.southProject = await project(org.southTeam.id, 'South project A', 'none', 800);
    await project(org.southTeam.id, 'South project B', 'consulted', 800);

    // Meetings: a North forum ten days ago with attendance by role, a cancelled one and one to come; a South meeting.
    const forum = await insertSeries(t.db, org.northTeam.id, { name: 'North QI Forum' });
    ids.forum = forum.id;
    const held = await insertMeeting(t.db, forum.id, { starts_at: daysAgo(10), title: 'Spring forum' });
    ids.northMeeting = held.id;
    await attend(held.id, 'staff', 'present', 3);
    await attend(held.id, 'service_user', 'present', 2);
    await attend(held.id, 'service_user', 'apologies');
    await attend(held.id, 'carer', 'present');
    await attend(held.id, 'carer', 'absent');
    await attend(held.id, 'other', 'present');
    const cancelled = await insertMeeting(t.db, forum.id, { starts_at: daysAgo(5), status: 'cancelled' });
    ids.cancelledMeeting = cancelled.id;
    await attend(cancelled.id, 'service_user', 'present', 4);
    ids.futureMeeting = (await insertMeeting(t.db, forum.id, { starts_at: new Date(Date.now() + 7 * DAY).toISOString() })).id;
    const southSeries = await insertSeries(t.db, org.southTeam.id, { name: 'South User Group', kind: 'user_group' });
    ids.southSeries = southSeries.id;
    ids.southMeeting = (await insertMeeting(t.db, southSeries.id, { starts_at: daysAgo(3) })).id;
    await attend(ids.southMeeting, 'carer', 'present', 5);

    // People and hours: two North people (one wishes to be known by initials), one South.
    const ann = await insertPerson(t.db, org.northTeam.id, { full_name: 'Ann Ashworth', status: 'active', anonymity: 'initials' });
    const bob = await insertPerson(t.db, org.northTeam.id, { full_name: 'Bob Barker', status: 'paused' });
    const sue = await insertPerson(t.db, org.southTeam.id, { full_name: 'Sue South', status: 'active' });
    ids.ann = ann.id;
    const activity = async (personId: number, onDate: string, minutes: number) =>
      t.db.db
        .insertInto('involvement_activities')
        .values({ person_id: personId, on_date: onDate, kind: 'meeting', description: 'Came to the forum', minutes, project_id: ids.northFirst, group_id: null, opportunity_id: null, recorded_by: null, created_at: daysAgo(0) })
        .execute();
    const thisMonth = currentMonth();
    await activity(ann.id, `${thisMonth}-01`, 90);
    await activity(bob.id, `${thisMonth}-01`, 30);
    await activity(ann.id, `${monthBefore(thisMonth)}-15`, 60);
    await activity(sue.id, `${thisMonth}-01`, 600);
  });
  afterAll(() => t.close());

  it('draws a trust going from 1 in 10 projects with input to 8 in 10 as 10% → 80% on a p chart, with its data table', async () => {
    const lead = await signedIn('lead@example.org');
    const res = await lead.get(`/insights?unitId=${org.north.id}`);
    expect(res.statusCode).toBe(200);
    const rows = tableRows(res.body, 'share-data');
    expect(rows).toHaveLength(24);
    const months = monthsUpTo(currentMonth(), 24);
    // Month, with input, open, percentage, then the chart's centre line, limits and special cause.
    expect(rows[0]?.slice(0, 4)).toEqual([monthName(months[0] as string), '1', '10', '10%']);
    expect(rows[23]?.slice(0, 4)).toEqual([monthName(months[23] as string), '8', '10', '80%']);
    // The chart is a p chart with a point a month, drawn as SVG with a title and a description.
    expect(res.body).toContain('<title id="insights-share-title">Projects with service-user or carer input, month by month (p chart)</title>');
    const svg = /<svg[^>]*aria-labelledby="insights-share-title[\s\S]*?<\/svg>/.exec(res.body)?.[0] ?? '';
    expect(svg.match(/data-point="/g)).toHaveLength(24);
    expect(svg).toContain('data-kind="improvement"');
    const words = summary(res.body, 'share');
    expect(words).toContain(`In ${monthName(currentMonth())}, 8 of 10 open projects (80%) had service-user or carer input.`);
    expect(words).toContain(`in ${monthName(months[0] as string)}, 1 of 10 open projects (10%) had service-user or carer input.`);
    expect(words).toContain('special cause variation: improvement');
    // The figure at a glance, and each month's row, link to the projects counted.
    expect(figure(res.body, 'share')).toEqual({ value: '80%', href: `/insights/projects?month=${currentMonth()}&unitId=${org.north.id}` });
    expect(res.body).toContain(`href="/insights/projects?month=${months[0]}&amp;unitId=${org.north.id}"`);
  });

  it('lists the projects behind a month, with their level and partners then', async () => {
    const lead = await signedIn('lead@example.org');
    const months = monthsUpTo(currentMonth(), 24);
    const first = await lead.get(`/insights/projects?month=${months[0]}&unitId=${org.north.id}`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(`In ${monthName(months[0] as string)}, 1 of 10 open projects (10%) had service-user or carer input.`);
    const firstRows = first.body.match(/href="\/projects\/\d+"/g) ?? [];
    expect(firstRows).toHaveLength(10);
    expect((first.body.match(/>\s*Had input\s*</g) ?? []).length).toBe(1);
    expect(first.body).toContain(`href="/projects/${ids.northFirst}"`);

    const now = await lead.get(`/insights/projects?month=${currentMonth()}&unitId=${org.north.id}`);
    expect((now.body.match(/>\s*Had input\s*</g) ?? []).length).toBe(8);
    expect((now.body.match(/>\s*No input\s*</g) ?? []).length).toBe(2);
    // Project, unit, stage then, level then, partner then, counted as.
    const nowRows = tableRows(now.body, 'projects-data');
    expect(nowRows.find((r) => r[0] === 'North project 2')).toEqual(['North project 2', 'North Community Team', 'Testing', 'Involved', 'No', 'Had input']);
    expect(nowRows.find((r) => r[0] === 'North project 6')?.slice(3)).toEqual(['Informed', 'Yes', 'Had input']);
    expect(nowRows.find((r) => r[0] === 'North project 9')?.slice(3)).toEqual(['Informed', 'No', 'No input']);
    // Before the changes, the same project was counted without input.
    expect(tableRows(first.body, 'projects-data').find((r) => r[0] === 'North project 6')?.slice(3)).toEqual(['Informed', 'No', 'No input']);
    // A month in the future or made up is dropped: this month is shown.
    const silly = await lead.get(`/insights/projects?month=2999-01&unitId=${org.north.id}`);
    expect(silly.statusCode).toBe(200);
    expect(silly.body).toContain(`Projects counted in ${monthName(currentMonth())}`);
  });

  it('counts who was present at each meeting held, by role, leaving out cancelled meetings and those to come', async () => {
    const lead = await signedIn('lead@example.org');
    const res = await lead.get('/insights');
    const rows = tableRows(res.body, 'attendance-data');
    // Date, meeting, staff, service users, carers, other, service users and carers.
    expect(rows).toEqual([[expect.any(String), 'North QI Forum: Spring forum', '3', '2', '1', '1', '3']]);
    expect(res.body).toContain(`href="/meetings/${ids.northMeeting}"`);
    expect(res.body).not.toContain(`href="/meetings/${ids.cancelledMeeting}"`);
    expect(res.body).not.toContain(`href="/meetings/${ids.futureMeeting}"`);
    expect(summary(res.body, 'attendance')).toContain('1 meeting was held in the last 24 months.');
    expect(summary(res.body, 'attendance')).toContain('7 people were present: 3 of them service users or carers (42.9%): 2 service users and 1 carers, with 3 staff and 1 others.');
    // One meeting is not enough for a chart: it says so instead.
    expect(res.body).toContain('The chart needs at least 2 meetings held.');
    // Meetings held per month, linking to that month's meetings.
    const held = tableRows(res.body, 'monthly-data');
    const month = londonDate(new Date(Date.now() - 10 * DAY)).slice(0, 7);
    expect(held.find((r) => r[0] === monthName(month))?.[1]).toBe('1');
    expect(res.body).toContain(`href="/meetings?month=${month}"`);

    // The admin sees the trust: the South meeting too, and the run chart once there are two.
    const admin = await signedIn('admin@example.org');
    const trust = await admin.get('/insights');
    expect(tableRows(trust.body, 'attendance-data').map((r) => r.slice(2))).toEqual([
      ['3', '2', '1', '1', '3'],
      ['0', '0', '5', '0', '5'],
    ]);
    expect(trust.body).toContain('<title id="insights-attendance-title">');
  });

  it('counts actions open and overdue by the date in London', async () => {
    // 23:30 on 30 June in UTC is already 1 July in London: an action due on 30 June is overdue.
    const at = new Date('2026-06-30T23:30:00.000Z');
    const staff = await ctxFor(users.staff);
    const before = await dashboard(staff, {}, at);
    await action(ids.forum, 'open', '2026-06-30');
    await action(ids.forum, 'in_progress', '2026-06-01');
    await action(ids.forum, 'open', '2026-07-01');
    await action(ids.forum, 'open', null);
    await action(ids.forum, 'done', '2026-05-01');
    await action(ids.forum, 'dropped', '2026-05-01');
    await action(ids.southSeries, 'open', '2026-01-01');
    const after = await dashboard(staff, {}, at);
    expect(after.actions).toEqual({ open: before.actions.open + 4, overdue: before.actions.overdue + 2 });
    // Each figure links to the action log, filtered the same way.
    const lead = await signedIn('lead@example.org');
    const res = await lead.get(`/insights?unitId=${org.north.id}`);
    expect(figure(res.body, 'openActions')).toEqual({ value: '4', href: `/meetings/actions?show=open&unitId=${org.north.id}` });
    expect(figure(res.body, 'overdueActions').href).toBe(`/meetings/actions?show=overdue&unitId=${org.north.id}`);
  });

  it('adds up involvement hours by month, and lists the activities behind them', async () => {
    const lead = await signedIn('lead@example.org');
    const res = await lead.get(`/insights?unitId=${org.northTeam.id}`);
    const months = tableRows(res.body, 'monthly-data');
    const thisMonth = currentMonth();
    expect(months.find((r) => r[0] === monthName(thisMonth))?.[2]).toBe('2.0');
    expect(months.find((r) => r[0] === monthName(monthBefore(thisMonth)))?.[2]).toBe('1.0');
    expect(figure(res.body, 'hours').value).toBe('3.0');
    expect(res.body).toContain(`href="/insights/hours?month=${thisMonth}&amp;unitId=${org.northTeam.id}"`);

    const list = await lead.get(`/insights/hours?month=${thisMonth}&unitId=${org.northTeam.id}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('2 activities were recorded');
    // The lead sees the register, so full names link to each person's record.
    expect(list.body).toContain(`<a href="/people/${ids.ann}">Ann Ashworth</a>`);
    expect(list.body).not.toContain('Sue South');
    expect(tableRows(list.body, 'activities-data').map((r) => r.slice(1))).toEqual([
      ['Bob Barker', 'Meeting', 'North project 1', '0.5'],
      ['Ann Ashworth', 'Meeting', 'North project 1', '1.5'],
    ]);
    // A viewer does not: names as each person asked to be shown, without links.
    const viewer = await signedIn('viewer@example.org');
    const shown = await viewer.get(`/insights/hours?month=${thisMonth}&unitId=${org.northTeam.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('A. A.');
    expect(shown.body).not.toContain('Ann Ashworth');
    expect(shown.body).not.toContain('/people/');
  });

  it('counts people active, linking to the register only for those who may open it', async () => {
    const lead = await signedIn('lead@example.org');
    expect(figure((await lead.get(`/insights?unitId=${org.north.id}`)).body, 'peopleActive')).toEqual({ value: '1', href: `/people?status=active&unitId=${org.north.id}` });
    const viewer = await signedIn('viewer@example.org');
    const res = await viewer.get('/insights');
    expect(res.statusCode).toBe(200);
    expect(figure(res.body, 'peopleActive')).toEqual({ value: '2', href: null });
  });

  it('keeps to the user\'s units: other units\' staff see none of North\'s figures, and North is not found for them', async () => {
    const south = await signedIn('south@example.org');
    const res = await south.get('/insights');
    expect(res.statusCode).toBe(200);
    const share = tableRows(res.body, 'share-data');
    expect(share.at(-1)?.slice(1, 3)).toEqual(['0', '2']);
    expect(res.body).not.toContain(`/meetings/${ids.northMeeting}"`);
    expect(res.body).toContain(`/meetings/${ids.southMeeting}"`);
    expect(res.body).not.toContain('North Community Team');
    for (const url of [`/insights?unitId=${org.north.id}`, `/insights/projects?unitId=${org.north.id}`, `/insights/hours?unitId=${org.north.id}`]) {
      expect((await south.get(url)).statusCode, url).toBe(404);
    }
    const projects = await south.get(`/insights/projects?month=${currentMonth()}`);
    expect(projects.body).not.toContain('North project');
    expect(projects.body).toContain('South project A');

    // An admin choosing South sees the same as South's staff.
    const admin = await signedIn('admin@example.org');
    const chosen = await admin.get(`/insights?unitId=${org.south.id}`);
    expect(tableRows(chosen.body, 'share-data').at(-1)?.slice(1, 3)).toEqual(['0', '2']);
  });

  it('is for leadership, leads and QI staff: a viewer may see it, a partner may not, and signing in comes first', async () => {
    const viewer = await signedIn('viewer@example.org');
    expect((await viewer.get('/insights')).statusCode).toBe(200);
    expect((await viewer.get('/insights/projects')).statusCode).toBe(200);
    const partner = await signedIn('partner@example.org');
    for (const url of ['/insights', '/insights/projects', '/insights/hours']) expect((await partner.get(url)).statusCode, url).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/insights' });
    expect([302, 303]).toContain(anonymous.statusCode);
    expect(anonymous.headers.location).toContain('/sign-in');
  });

  it('drops filters that make no sense and covers 12, 24 or 36 months', async () => {
    const admin = await signedIn('admin@example.org');
    const silly = await admin.get('/insights?months=7&unitId=abc');
    expect(silly.statusCode).toBe(200);
    expect(tableRows(silly.body, 'monthly-data')).toHaveLength(24);
    for (const months of [12, 36]) {
      const res = await admin.get(`/insights?months=${months}`);
      expect(tableRows(res.body, 'monthly-data')).toHaveLength(months);
      expect(tableRows(res.body, 'share-data')).toHaveLength(months);
      expect(res.body).toContain(`<option value="${months}" selected>`);
    }
    expect((await admin.get('/insights?unitId=99999999')).statusCode).toBe(404);
    for (const url of ['/insights/hours?before=nonsense&month=13-2020', '/insights/hours?before=2026-01-01.9999999999', '/insights/projects?month=0000-01&after=99999999999', '/insights/hours?month=0001-01']) {
      expect((await admin.get(url)).statusCode, url).toBe(200);
    }
  });

  it('is linked from the involvement hub', async () => {
    const lead = await signedIn('lead@example.org');
    const hub = await lead.get('/involvement');
    expect(hub.body).toContain('href="/insights"');
  });

  it('shows the story measures at a glance for the same unit and months, linking to their charts', async () => {
    const response = async (storyId: number, createdAt: string, change: 'none' | 'made') => {
      await t.db.db.insertInto('story_responses').values({
        story_id: storyId, user_id: null, responder_role: 'Ward manager', body: 'Thank you.', change, change_description: change === 'made' ? 'A new board' : null,
        project_id: null, change_idea_id: null, created_at: createdAt, updated_at: createdAt,
      }).execute();
    };
    // North: one story answered in 3 days, one still waiting after 35 days; one change made. South: one story.
    const answered = await insertStory(t.db, org.northTeam.id, { received_at: daysAgo(40), published_at: daysAgo(40) });
    await response(answered, daysAgo(37), 'none');
    await response(answered, daysAgo(2), 'made');
    await insertStory(t.db, org.northTeam.id, { received_at: daysAgo(35), published_at: daysAgo(35) });
    await insertStory(t.db, org.southTeam.id, { received_at: daysAgo(30), published_at: daysAgo(30) });

    const lead = await signedIn('lead@example.org');
    const page = (await lead.get(`/insights?unitId=${org.north.id}`)).body;
    expect(figure(page, 'storiesReceived').value).toBe('2');
    expect(figure(page, 'storiesAnswered').value).toBe('50%');
    expect(figure(page, 'storyChanges').value).toBe('1');
    const months = monthsUpTo(currentMonth(), 24);
    expect(figure(page, 'storiesReceived').href).toBe(`/feedback/measures?unit=${org.north.id}&from=${months[0]}&to=${months[23]}`);
    expect(page).toContain('Stories about North Borough received in the last 24 months');
    expect(figure((await lead.get(`/insights?unitId=${org.north.id}&months=12`)).body, 'storiesReceived').href).toContain(`from=${months[12]}&`);

    // The whole trust for the admin counts the South story too; another unit's staff see only theirs.
    expect(figure((await (await signedIn('admin@example.org')).get('/insights')).body, 'storiesReceived').value).toBe('3');
    expect(figure((await (await signedIn('south@example.org')).get('/insights')).body, 'storiesReceived').value).toBe('1');
  });
});

describe('the pages behind the dashboard\'s figures', { timeout: 60_000 }, () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof seedOrg>>;
  beforeAll(async () => {
    t = await createTestApp();
    org = await seedOrg(t.db);
    await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }]);
    const at = daysAgo(60);
    for (let i = 1; i <= 30; i++) {
      await t.db.db
        .insertInto('projects')
        .values({ unit_id: org.northTeam.id, title: `Paged project ${String(i).padStart(2, '0')}`, aim: 'An aim', background: null, stage: 'planning', programme: null, involvement_level: 'involved', created_by: null, created_at: at, updated_at: at })
        .execute();
    }
    const person = await insertPerson(t.db, org.northTeam.id, { full_name: 'Busy Person' });
    const today = londonDate();
    await t.db.db
      .insertInto('involvement_activities')
      .values(Array.from({ length: 55 }, (_, i) => ({ person_id: person.id, on_date: `${today.slice(0, 8)}01`, kind: 'training' as const, description: `Session ${i}`, minutes: 15, project_id: null, group_id: null, opportunity_id: null, recorded_by: null, created_at: at })))
      .execute();
  });
  afterAll(() => t.close());

  it('pages through the projects counted in a month and the activities behind its hours', async () => {
    const lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
    const first = await lead.get('/insights/projects');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(tableRows(first.body, 'projects-data')).toHaveLength(25);
    const next = /href="(\/insights\/projects\?month=\d{4}-\d{2}&amp;after=\d+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await lead.get(next as string);
    expect(tableRows(second.body, 'projects-data').map((r) => r[0])).toEqual(['Paged project 26', 'Paged project 27', 'Paged project 28', 'Paged project 29', 'Paged project 30']);
    expect(second.body).toContain('First page');

    const hours = await lead.get('/insights/hours');
    expect(hours.body).toContain('55 activities were recorded');
    expect(hours.body).toContain('13.8 hours in all');
    expect(tableRows(hours.body, 'activities-data')).toHaveLength(50);
    const more = /href="(\/insights\/hours\?month=\d{4}-\d{2}&amp;before=[\d-]+\.\d+)"/.exec(hours.body)?.[1]?.replace(/&amp;/g, '&');
    expect(more).toBeDefined();
    expect(tableRows((await lead.get(more as string)).body, 'activities-data')).toHaveLength(5);
  });

  it('answers any filter a person could type in the address without a server error', async () => {
    const lead = new Browser(t.app);
    await lead.signIn('lead@example.org');
    const typed = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', '0', '-1', '1e309', '2026-13', '2026-02', '9999-12', '2026-01-01.5', '2026-01-01.9999999999', '0000-01', '0001-01', "' OR 1=1 --", '\u0000', 'a'.repeat(3000)), fc.integer().map(String));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/insights', '/insights/projects', '/insights/hours'), fc.record({ unitId: typed, months: typed, month: typed, after: typed, before: typed }, { requiredKeys: [] }), async (path, query) => {
        const res = await lead.get(`${path}?${new URLSearchParams(query as Record<string, string>).toString()}`);
        expect([200, 404]).toContain(res.statusCode);
      }),
      { numRuns: 60 },
    );
  });
});
