import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Browser, createTestApp } from '../../test/support/app.ts';
import { involvementShare } from '../features/projects/queries.ts';
import { taxYearOf } from '../features/payments/service.ts';
import { currentMonth, londonDate, monthEnd } from '../features/projects/service.ts';
import { analyse } from '../spc/index.ts';
import { DEMO_PEOPLE } from './seed-involvement.ts';
import { DEMO_FORUM } from './seed-meetings.ts';
import { DEMO_STORIES, DEMO_STORY, DEMO_WINNING_CHALLENGE, DEMO_WORKSHOP } from './seed-stories.ts';
import { DEMO_ACCOUNTS, DEMO_MEASURE_VALUES, DEMO_PASSWORD, DEMO_PROJECTS, DEMO_TRUST_NAME } from './seed.ts';
import { emptyDatabase, runCli, type CliDatabase } from './testing.ts';

describe('alongside seed --demo', { timeout: 60_000 }, () => {
  let database: CliDatabase;
  beforeEach(async () => {
    database = await emptyDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  async function snapshot() {
    const h = database.open();
    try {
      const units = await h.db.selectFrom('org_units').select(['id', 'name', 'kind', 'path', 'parent_id']).orderBy('path').execute();
      const accounts = await h.db
        .selectFrom('users')
        .leftJoin('role_grants', 'role_grants.user_id', 'users.id')
        .leftJoin('org_units', 'org_units.id', 'role_grants.unit_id')
        .select(['users.email', 'role_grants.role', 'org_units.name as unit'])
        .orderBy('users.email')
        .execute();
      const count = async (table: 'projects' | 'project_history' | 'project_members' | 'drivers' | 'change_ideas' | 'pdsa_cycles' | 'measures' | 'data_points' | 'annotations') =>
        Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      const qi: Record<string, number> = {};
      for (const table of ['projects', 'project_history', 'project_members', 'drivers', 'change_ideas', 'pdsa_cycles', 'measures', 'data_points', 'annotations'] as const) {
        qi[table] = await count(table);
      }
      const involvement: Record<string, number> = {};
      for (const table of ['people', 'person_attributes', 'person_status_history', 'consents', 'groups', 'group_members', 'recruitment_campaigns', 'campaign_candidates', 'recruitment_work', 'outreach_events', 'opportunities', 'opportunity_attributes', 'matches', 'involvement_activities', 'outbox'] as const) {
        involvement[table] = Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      }
      const meetings: Record<string, number> = {};
      for (const table of ['venues', 'meeting_series', 'series_members', 'meetings', 'agenda_items', 'attendance', 'meeting_actions'] as const) {
        meetings[table] = Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      }
      const payments: Record<string, number> = {};
      for (const table of ['time_rates', 'expense_rates', 'cost_centres', 'claims', 'claim_lines', 'ledger_entries'] as const) {
        payments[table] = Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      }
      return { units, accounts, qi, involvement, meetings, payments };
    } finally {
      await h.close();
    }
  }

  it('fills an empty database with a trust, two boroughs with their teams, and staff and partner accounts', async () => {
    const { code, stdout } = await runCli(['seed', '--demo'], { database });
    expect(code).toBe(0);
    expect(stdout).toContain(`Every demo account has the password: ${DEMO_PASSWORD}`);

    const { units, accounts } = await snapshot();
    const byName = new Map(units.map((u) => [u.name, u]));
    const trust = byName.get(DEMO_TRUST_NAME);
    expect(trust).toMatchObject({ kind: 'trust', parent_id: null });
    expect(units.filter((u) => u.parent_id === null)).toHaveLength(1);
    for (const borough of ['Tower Hamlets', 'Luton']) {
      const b = byName.get(borough);
      expect(b).toMatchObject({ kind: 'borough', parent_id: trust?.id });
      const below = units.filter((u) => u.parent_id === b?.id);
      expect(below.length).toBeGreaterThanOrEqual(2);
      for (const team of below) {
        expect(['team', 'service']).toContain(team.kind);
        expect(team.path.startsWith(b?.path ?? '?')).toBe(true);
      }
    }

    expect(accounts.map((a) => a.role).sort()).toEqual(['admin', 'lead', 'partner', 'partner', 'qi_staff', 'viewer']);
    for (const a of DEMO_ACCOUNTS) {
      expect(accounts).toContainEqual({ email: a.email, role: a.role, unit: a.unit.startsWith('(') ? DEMO_TRUST_NAME : a.unit });
    }
  });

  it('adds QI projects under the demo teams: a worked example with its team, driver diagram, PDSA cycles and an improving measure', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const h = database.open();
    try {
      const projects = await h.db
        .selectFrom('projects')
        .innerJoin('org_units', 'org_units.id', 'projects.unit_id')
        .select(['projects.id', 'projects.title', 'org_units.name as unit', 'org_units.kind'])
        .execute();
      expect(projects).toHaveLength(DEMO_PROJECTS.length);
      for (const p of projects) expect(['team', 'service']).toContain(p.kind);
      const example = projects.find((p) => p.title === 'Quicker first appointments');
      expect(example?.unit).toBe('Tower Hamlets Community Mental Health Team');
      const id = example?.id ?? 0;

      const members = await h.db
        .selectFrom('project_members')
        .leftJoin('users', 'users.id', 'project_members.user_id')
        .select(['project_members.role', 'users.email', 'project_members.display_name'])
        .where('project_id', '=', id)
        .execute();
      expect(members).toContainEqual({ role: 'service_user_partner', email: 'service-user@demo.example.org', display_name: null });
      expect(members).toContainEqual({ role: 'lead', email: 'qi@demo.example.org', display_name: null });

      const drivers = await h.db.selectFrom('drivers').select(['id', 'parent_id']).where('project_id', '=', id).execute();
      expect(drivers.filter((d) => d.parent_id === null).length).toBeGreaterThanOrEqual(2);
      expect(drivers.filter((d) => d.parent_id !== null).length).toBeGreaterThanOrEqual(2);
      const cycles = await h.db
        .selectFrom('pdsa_cycles')
        .innerJoin('change_ideas', 'change_ideas.id', 'pdsa_cycles.change_idea_id')
        .select(['pdsa_cycles.id', 'pdsa_cycles.previous_id', 'pdsa_cycles.act'])
        .where('change_ideas.project_id', '=', id)
        .execute();
      expect(cycles.length).toBeGreaterThanOrEqual(2);
      expect(cycles.some((c) => c.previous_id !== null && c.act === 'adopt')).toBe(true);

      const measure = await h.db.selectFrom('measures').selectAll().where('project_id', '=', id).executeTakeFirstOrThrow();
      const points = await h.db.selectFrom('data_points').select(['period', 'value']).where('measure_id', '=', measure.id).orderBy('period').execute();
      expect(points.map((p) => p.value)).toEqual(DEMO_MEASURE_VALUES);
      expect((points.at(-1)?.period ?? '9999') < `${currentMonth()}-01`).toBe(true);
      // Monthly, one point a month, ending last month.
      expect(new Set(points.map((p) => p.period.slice(0, 7))).size).toBe(24);
      const chart = analyse(
        points.map((p) => ({ x: p.period, value: p.value })),
        { chart: 'xmr', improvement: 'decrease', baseline: measure.baseline_points ?? undefined, screen: true },
      );
      expect(chart.variation).toBe('special_cause_improvement');

      // The Luton forum story: 1 in 10 open projects with service-user or carer input a year ago, 8 in 10 now.
      const luton = await h.db.selectFrom('org_units').select('path').where('name', '=', 'Luton').executeTakeFirstOrThrow();
      const [y, m] = currentMonth().split('-').map(Number) as [number, number];
      const yearAgo = new Date(Date.UTC(y - 1, m - 1, 1)).toISOString().slice(0, 7);
      expect(await involvementShare(h.db, { prefixes: [luton.path], ...monthEnd(yearAgo) })).toEqual({ total: 10, withInput: 1 });
      expect(await involvementShare(h.db, { prefixes: [luton.path], ...monthEnd(currentMonth()) })).toEqual({ total: 10, withInput: 8 });
    } finally {
      await h.close();
    }

    // The worked example's pages render for its service-user partner.
    const t = await createTestApp({ database });
    try {
      const partner = new Browser(t.app);
      await partner.signIn('service-user@demo.example.org', DEMO_PASSWORD);
      const { id, measureId } = await t.db.db
        .selectFrom('measures')
        .innerJoin('projects', 'projects.id', 'measures.project_id')
        .select(['projects.id as id', 'measures.id as measureId'])
        .where('projects.title', '=', 'Quicker first appointments')
        .executeTakeFirstOrThrow();
      const page = await partner.get(`/projects/${id}/measures/${measureId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<svg');
    } finally {
      await t.close();
    }
  });

  it('adds a believable involvement register: people, a group, a recruitment campaign, outreach and open opportunities', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const h = database.open();
    try {
      const people = await h.db.selectFrom('people').selectAll().execute();
      expect(people).toHaveLength(DEMO_PEOPLE.length);
      expect(people.length).toBeGreaterThanOrEqual(25);
      for (const status of ['enquiry', 'contacted', 'induction', 'active', 'paused', 'left']) expect(people.some((p) => p.status === status), status).toBe(true);
      for (const channel of ['email', 'sms', 'post', 'phone']) expect(people.some((p) => p.preferred_channel === channel), channel).toBe(true);
      expect(people.filter((p) => p.format === 'large_print').length).toBeGreaterThanOrEqual(2);
      // The demo partners see their own register entry.
      const partner = await h.db.selectFrom('users').select('id').where('email', '=', 'service-user@demo.example.org').executeTakeFirstOrThrow();
      expect(people.find((p) => p.user_id === partner.id)?.full_name).toBe('Rahima Khatun');
      const kinds = await h.db.selectFrom('person_attributes').select('kind').distinct().execute();
      expect(kinds.map((k) => k.kind).sort()).toEqual(['access_need', 'availability', 'interest', 'skill']);
      const withdrawn = await h.db.selectFrom('consents').select('person_id').where('given', '=', 0).execute();
      expect(withdrawn.length).toBeGreaterThanOrEqual(3);

      const group = await h.db.selectFrom('groups').select(['id', 'name']).executeTakeFirstOrThrow();
      expect(group.name).toBe('Working Together Group');
      expect((await h.db.selectFrom('group_members').select('role').where('group_id', '=', group.id).execute()).map((m) => m.role)).toContain('chair');
      const campaign = await h.db.selectFrom('recruitment_campaigns').selectAll().executeTakeFirstOrThrow();
      expect(campaign).toMatchObject({ group_id: group.id, ends_on: null });
      const stages = await h.db.selectFrom('campaign_candidates').select('stage').distinct().where('campaign_id', '=', campaign.id).execute();
      expect(stages.map((s) => s.stage).sort()).toEqual(['application', 'conversation', 'enquiry', 'induction', 'member']);
      expect((await h.db.selectFrom('recruitment_work').select('minutes').execute()).reduce((a, w) => a + w.minutes, 0)).toBeGreaterThan(600);

      const events = await h.db.selectFrom('outreach_events').select('id').execute();
      expect(events).toHaveLength(3);
      for (const e of events) expect(people.some((p) => p.outreach_event_id === e.id)).toBe(true);

      const opportunities = await h.db.selectFrom('opportunities').selectAll().execute();
      expect(opportunities).toHaveLength(2);
      expect(opportunities.every((o) => o.status === 'open' && o.project_id !== null)).toBe(true);
      expect(opportunities.map((o) => o.is_public).sort()).toEqual([0, 1]);
      expect((await h.db.selectFrom('matches').select('status').execute()).map((m) => m.status)).toContain('accepted');
    } finally {
      await h.close();
    }

    // The involvement lead's dashboard shows it.
    const t = await createTestApp({ database });
    try {
      const lead = new Browser(t.app);
      await lead.signIn('lead@demo.example.org', DEMO_PASSWORD);
      const page = await lead.get('/involvement');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('A carer to join the memory service project team');
      expect(page.body).toContain('Working Together Group: new members');
      const messages = await lead.get('/involvement/messages');
      expect(messages.statusCode).toBe(200);
      expect(messages.body).toContain('Working Together Group: next meeting');
    } finally {
      await t.close();
    }
  });

  it('adds a year of the Tower Hamlets QI Forum: co-chairs, project slots, growing attendance, minutes, actions and the next meeting', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const h = database.open();
    try {
      const series = await h.db.selectFrom('meeting_series').selectAll().executeTakeFirstOrThrow();
      expect(series).toMatchObject({ name: DEMO_FORUM.name, kind: 'qi_forum' });
      const chairs = await h.db.selectFrom('series_members').select(['user_id', 'person_id']).where('series_id', '=', series.id).where('role', '=', 'co_chair').execute();
      // A member of staff and a person with lived experience co-chair.
      expect(chairs.filter((c) => c.user_id !== null)).toHaveLength(1);
      expect(chairs.filter((c) => c.person_id !== null)).toHaveLength(1);
      const meetings = await h.db.selectFrom('meetings').selectAll().where('series_id', '=', series.id).orderBy('starts_at').execute();
      const now = new Date().toISOString();
      expect(meetings.filter((m) => m.starts_at > now).length).toBeGreaterThanOrEqual(1);
      for (const m of meetings) expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: 'numeric', weekday: 'short' }).format(new Date(m.starts_at))).toBe('Tue 14:00');
      const partnersAt = async (meetingId: number) =>
        (await h.db.selectFrom('attendance').select('id').where('meeting_id', '=', meetingId).where('status', '=', 'present').where('role', 'in', ['service_user', 'carer']).execute()).length;
      const held = meetings.filter((m) => m.ends_at < now);
      expect(await partnersAt(held.at(-1)!.id)).toBeGreaterThan(await partnersAt(held[0]!.id));
      expect(held.filter((m) => m.minutes_status === 'approved').every((m) => m.minutes_approved_in !== null)).toBe(true);
      const slots = await h.db.selectFrom('agenda_items').select('project_id').where('kind', '=', 'project_slot').execute();
      expect(slots.length).toBeGreaterThanOrEqual(held.length);
      const today = now.slice(0, 10);
      const overdue = await h.db.selectFrom('meeting_actions').select('id').where('status', '=', 'open').where('due_on', '<', today).execute();
      expect(overdue.length).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }

    // The forum's pages and the dashboard show it: the service-user co-chair sees the forum, leadership the charts.
    const t = await createTestApp({ database });
    try {
      const partner = new Browser(t.app);
      await partner.signIn('service-user@demo.example.org', DEMO_PASSWORD);
      const meetings = await partner.get('/meetings');
      expect(meetings.statusCode).toBe(200);
      expect(meetings.body).toContain(DEMO_FORUM.name);
      const viewer = new Browser(t.app);
      await viewer.signIn('viewer@demo.example.org', DEMO_PASSWORD);
      const dashboard = await viewer.get('/insights');
      expect(dashboard.statusCode).toBe(200);
      expect(dashboard.body.match(/<svg/g)?.length).toBeGreaterThanOrEqual(2);
    } finally {
      await t.close();
    }
  });

  it('adds rates, settings and a year of the forum attendees\' claims, so the dashboard charts how promptly they were paid', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const h = database.open();
    try {
      const rates = await h.db.selectFrom('time_rates').select(['activity_kind', 'basis', 'amount_pence']).where('activity_kind', '=', 'meeting').orderBy('basis').execute();
      expect(rates).toEqual([
        { activity_kind: 'meeting', basis: 'full_day', amount_pence: 10_000 },
        { activity_kind: 'meeting', basis: 'half_day', amount_pence: 5_000 },
        { activity_kind: 'meeting', basis: 'hour', amount_pence: 2_000 },
      ]);
      const expenses = new Map((await h.db.selectFrom('expense_rates').selectAll().execute()).map((r) => [r.category, r]));
      expect(expenses.get('mileage')?.pence_per_mile).toBe(45);
      expect(expenses.get('parking')?.limit_pence).toBe(1_000);
      expect(expenses.get('taxi')).toMatchObject({ limit_pence: 4_000, needs_approval: 1 });
      expect(expenses.get('public_transport')?.limit_pence).toBeNull();
      expect((await h.db.selectFrom('payment_settings').select('target_days').executeTakeFirstOrThrow()).target_days).toBe(14);
      const trust = await h.db.selectFrom('org_units').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
      expect((await h.db.selectFrom('cost_centres').select('unit_id').execute()).map((c) => c.unit_id)).toEqual([trust.id]);

      const claims = await h.db.selectFrom('claims').selectAll().execute();
      expect(claims.every((c) => c.meeting_id !== null && c.attendance_id !== null)).toBe(true);
      const paid = claims.filter((c) => c.paid_at !== null);
      expect(paid.length).toBeGreaterThan(claims.length / 2);
      const days = (c: (typeof claims)[number]) => (Date.parse((c.paid_at ?? '').slice(0, 10)) - Date.parse(c.activity_date)) / 86_400_000;
      // Mostly within the 14-day target, some late.
      expect(paid.filter((c) => days(c) <= 14).length).toBeGreaterThan(paid.length / 2);
      expect(paid.some((c) => days(c) > 14)).toBe(true);
      expect(claims.some((c) => c.status === 'submitted')).toBe(true);
      // Each claim's total is the sum of its lines; one payment was reversed and paid again.
      for (const c of claims) {
        const lines = await h.db.selectFrom('claim_lines').select('amount_pence').where('claim_id', '=', c.id).execute();
        expect(lines.reduce((s, l) => s + l.amount_pence, 0)).toBe(c.total_pence);
      }
      expect(await h.db.selectFrom('ledger_entries').select('id').where('kind', '=', 'reversal').execute()).toHaveLength(1);
    } finally {
      await h.close();
    }

    const t = await createTestApp({ database });
    try {
      const lead = new Browser(t.app);
      await lead.signIn('lead@demo.example.org', DEMO_PASSWORD);
      const dashboard = await lead.get('/insights');
      expect(dashboard.statusCode).toBe(200);
      expect(dashboard.body).toContain('<title id="insights-days-to-pay-title">');
      expect(dashboard.body).toContain('<title id="insights-paid-within-title">');
      const months = dashboard.body.slice(dashboard.body.indexOf('id="promptness-days-data"'));
      expect(months.match(/href="\/payments\/paid\?month=/g)?.length).toBeGreaterThanOrEqual(24);
      const overdue = await lead.get('/payments/overdue');
      expect(overdue.statusCode).toBe(200);
      expect(overdue.body).toContain('Waiting for approval');
      expect(overdue.body).toContain('Finance, to pay it');
      // The service-user partner has a statement of what she was paid.
      const partner = new Browser(t.app);
      await partner.signIn('service-user@demo.example.org', DEMO_PASSWORD);
      const statement = await partner.get(`/my-claims/statement/${taxYearOf(londonDate()).startYear}`);
      expect(statement.statusCode).toBe(200);
      expect(statement.body).toContain('Rahima Khatun');
      expect(statement.body).toContain('id="statement-data"');
    } finally {
      await t.close();
    }
  });

  it('adds stories told, moderated, answered and discussed, and a staff workshop with its winner and promises', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const count = async (table: 'stories' | 'story_responses' | 'story_discussions' | 'workshops' | 'promises') => {
      const h = database.open();
      try {
        return Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()).n);
      } finally {
        await h.close();
      }
    };
    const h = database.open();
    try {
      const stories = await h.db.selectFrom('stories').selectAll().execute();
      expect(stories).toHaveLength(DEMO_STORIES.length);
      const published = stories.filter((s) => s.status === 'published');
      expect(published.filter((s) => s.consent_publish === 1).length).toBeGreaterThanOrEqual(8);
      // One only for the teams, one held with its reason, two waiting for moderation.
      expect(published.filter((s) => s.consent_publish === 0)).toHaveLength(1);
      expect(stories.filter((s) => s.status === 'held').every((s) => s.status_reason)).toBe(true);
      expect(stories.filter((s) => s.status === 'new')).toHaveLength(2);
      expect(published.every((s) => s.published_at !== null && s.moderated_by !== null && s.published_at > s.received_at)).toBe(true);

      // Changes made because of a story, linked to a demo project; and one planned, linked to a change idea.
      const responses = await h.db.selectFrom('story_responses').selectAll().execute();
      expect(responses.filter((r) => r.change === 'made' && r.project_id !== null).length).toBeGreaterThanOrEqual(2);
      expect(responses.some((r) => r.change === 'planned' && r.change_idea_id !== null && r.change_description)).toBe(true);
      const discussed = await h.db.selectFrom('story_discussion_stories').select('story_id').distinct().execute();
      expect(discussed.length).toBeGreaterThanOrEqual(3);

      const workshop = await h.db
        .selectFrom('workshops')
        .innerJoin('workshop_challenges', 'workshop_challenges.id', 'workshops.winning_challenge_id')
        .select(['workshops.id', 'workshops.voting', 'workshop_challenges.title as winner'])
        .where('workshops.title', '=', DEMO_WORKSHOP.title)
        .executeTakeFirstOrThrow();
      expect(workshop).toMatchObject({ voting: 'closed', winner: DEMO_WINNING_CHALLENGE });
      const participants = await h.db.selectFrom('workshop_participants').select('id').where('workshop_id', '=', workshop.id).execute();
      expect(await h.db.selectFrom('workshop_votes').select('participant_id').where('workshop_id', '=', workshop.id).execute()).toHaveLength(participants.length);
      const promises = await h.db.selectFrom('promises').select('progress').where('workshop_id', '=', workshop.id).execute();
      expect(promises).toHaveLength(participants.length);
      expect(promises.map((p) => p.progress)).toContain('kept');
    } finally {
      await h.close();
    }

    const t = await createTestApp({ database });
    try {
      // Anyone sees the published stories and what changed; nobody sees the ones still waiting.
      const visitor = new Browser(t.app);
      const site = await visitor.get('/stories');
      expect(site.statusCode).toBe(200);
      expect(site.body).toContain(DEMO_STORY.title);
      expect(site.body).not.toContain('Please call me back about my medication');
      const saidDid = await visitor.get('/you-said-we-did');
      expect(saidDid.statusCode).toBe(200);
      expect(saidDid.body).toContain('Quicker first appointments');
      const workshop = await t.db.db.selectFrom('workshops').select('id').where('title', '=', DEMO_WORKSHOP.title).executeTakeFirstOrThrow();
      expect((await visitor.get(`/workshops/${workshop.id}/progress`)).statusCode).toBe(200);

      const lead = new Browser(t.app);
      await lead.signIn('lead@demo.example.org', DEMO_PASSWORD);
      const queue = await lead.get('/feedback/moderation');
      expect(queue.statusCode).toBe(200);
      expect(queue.body).toContain('Please call me back about my medication');
      expect((await lead.get('/feedback/measures')).statusCode).toBe(200);
      const workshops = await lead.get('/workshops');
      expect(workshops.statusCode).toBe(200);
      expect(workshops.body).toContain(DEMO_WORKSHOP.title);
    } finally {
      await t.close();
    }

    // A second run adds no stories and no workshop.
    const before = { stories: await count('stories'), responses: await count('story_responses'), discussions: await count('story_discussions'), workshops: await count('workshops'), promises: await count('promises') };
    const again = await runCli(['seed', '--demo'], { database });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already there');
    expect({ stories: await count('stories'), responses: await count('story_responses'), discussions: await count('story_discussions'), workshops: await count('workshops'), promises: await count('promises') }).toEqual(before);
  });

  it('gives accounts that sign in with the published demo password', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const t = await createTestApp({ database });
    try {
      for (const email of ['admin@demo.example.org', 'service-user@demo.example.org']) {
        const browser = new Browser(t.app);
        const res = await browser.signIn(email, DEMO_PASSWORD);
        expect(res.statusCode, email).toBe(303);
        expect((await browser.get('/')).statusCode, email).toBe(200);
      }
      const qi = new Browser(t.app);
      await qi.signIn('qi@demo.example.org', DEMO_PASSWORD);
      const org = await qi.get('/org');
      expect(org.statusCode).toBe(200);
      expect(org.body).toContain('Tower Hamlets Community Mental Health Team');
      expect(org.body).not.toContain('Luton Memory Service');
    } finally {
      await t.close();
    }
  });

  it('adds nothing the second time', async () => {
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const before = await snapshot();
    const again = await runCli(['seed', '--demo'], { database });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already there');
    expect(await snapshot()).toEqual(before);
    expect(before.involvement.people).toBe(DEMO_PEOPLE.length);
    expect(before.meetings.meetings).toBeGreaterThan(10);
    expect(before.payments.claims).toBeGreaterThan(20);
  });

  it('puts the demo under the trust that is already there', async () => {
    const admin = await runCli(['create-admin', '--email', 'admin@example.org', '--trust-name', 'Riverside NHS Trust'], {
      database,
      env: { ALONGSIDE_ADMIN_PASSWORD: 'a long enough password' },
    });
    expect(admin.code).toBe(0);
    expect((await runCli(['seed', '--demo'], { database })).code).toBe(0);
    const { units } = await snapshot();
    const roots = units.filter((u) => u.parent_id === null);
    expect(roots.map((u) => u.name)).toEqual(['Riverside NHS Trust']);
    expect(units.find((u) => u.name === 'Luton')?.parent_id).toBe(roots[0]?.id);
  });

  it('asks what to seed when --demo is missing, and refuses in production', async () => {
    expect((await runCli(['migrate'], { database })).code).toBe(0);
    const bare = await runCli(['seed'], { database });
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('--demo');
    const production = await runCli(['seed', '--demo'], {
      database,
      env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://alongside.example.org' },
    });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain('refusing to add demo accounts in production');
    expect((await snapshot()).accounts).toEqual([]);
    expect((await snapshot()).qi.projects).toBe(0);
  });
});
