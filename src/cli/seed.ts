import type { Config } from '../config.ts';
import { insertUnit, rootUnit } from '../features/org/service.ts';
import { currentMonth } from '../features/projects/service.ts';
import { audit } from '../platform/audit/index.ts';
import { hashPassword } from '../platform/auth/crypto.ts';
import { nowIso, type Db } from '../platform/db/index.ts';
import type { InvolvementLevel, MemberRole, OrgUnit, Role, Stage, UnitKind } from '../platform/db/types.ts';
import { withDatabase } from './database.ts';
import { seedInvolvementDemo } from './seed-involvement.ts';
import { seedMeetingsDemo } from './seed-meetings.ts';
import { seedPaymentsDemo } from './seed-payments.ts';
import { seedStoriesDemo } from './seed-stories.ts';
import { CliError, describeDatabase, say } from './io.ts';

/** One published password for every demo account: the demo is for trying Alongside, never for real data. */
export const DEMO_PASSWORD = 'alongside-demo-password';

/** Used only when the database has no trust yet; otherwise the demo goes under the existing trust. */
export const DEMO_TRUST_NAME = 'Alongside Demo NHS Foundation Trust';

const TRUST = '(trust)';

export const DEMO_UNITS: readonly { name: string; kind: UnitKind; parent: string }[] = [
  { name: 'Tower Hamlets', kind: 'borough', parent: TRUST },
  { name: 'Tower Hamlets Community Mental Health Team', kind: 'team', parent: 'Tower Hamlets' },
  { name: 'Tower Hamlets Home Treatment Team', kind: 'team', parent: 'Tower Hamlets' },
  { name: 'Tower Hamlets Early Intervention Service', kind: 'service', parent: 'Tower Hamlets' },
  { name: 'Luton', kind: 'borough', parent: TRUST },
  { name: 'Luton Community Mental Health Team', kind: 'team', parent: 'Luton' },
  { name: 'Luton Memory Service', kind: 'service', parent: 'Luton' },
  { name: 'Luton Perinatal Mental Health Service', kind: 'service', parent: 'Luton' },
];

export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role; unit: string; who: string }[] = [
  { email: 'admin@demo.example.org', name: 'Alex Morgan', role: 'admin', unit: TRUST, who: 'trust admin' },
  { email: 'lead@demo.example.org', name: 'Priya Shah', role: 'lead', unit: TRUST, who: 'involvement lead' },
  { email: 'qi@demo.example.org', name: 'Tom Okafor', role: 'qi_staff', unit: 'Tower Hamlets Community Mental Health Team', who: 'QI staff' },
  { email: 'viewer@demo.example.org', name: 'Jo Evans', role: 'viewer', unit: TRUST, who: 'viewer (trust leadership)' },
  { email: 'service-user@demo.example.org', name: 'Rahima Khatun', role: 'partner', unit: 'Tower Hamlets Community Mental Health Team', who: 'service user partner' },
  { email: 'carer@demo.example.org', name: 'David Clarke', role: 'partner', unit: 'Luton Memory Service', who: 'carer partner' },
];

const SYSTEM = { actorUserId: null, ip: null };

async function ensureUnit(db: Db, name: string, kind: UnitKind, parentId: number): Promise<{ unit: OrgUnit; created: boolean }> {
  const existing = await db
    .selectFrom('org_units')
    .selectAll()
    .where('parent_id', '=', parentId)
    .where('name', '=', name)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (existing) return { unit: existing, created: false };
  const unit = await insertUnit(db, { name, kind, parentId }, nowIso());
  await audit(db, SYSTEM, { action: 'org_unit.created', entityType: 'org_unit', entityId: unit.id, details: { source: 'seed --demo' } });
  return { unit, created: true };
}

// ---- Demo QI projects

/** A month counted back from this one (0 = this month, 1 = last month), as YYYY-MM. */
function monthsAgo(n: number, from = currentMonth()): string {
  const [y, m] = from.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** An instant in the middle of a past month (n >= 1, so never in the future). */
const midMonth = (n: number): string => `${monthsAgo(n)}-14T10:00:00.000Z`;

interface DemoMember {
  /** A demo account's email, or a name for a partner without an account. */
  email?: string;
  name?: string;
  role: MemberRole;
  /** Joined this many months ago. */
  since: number;
}

interface DemoProject {
  unit: string;
  title: string;
  aim: string;
  programme: string | null;
  /** Months ago the project started, with its first stage and involvement level. */
  started: number;
  stage: Stage;
  level: InvolvementLevel;
  /** Later changes: months ago, field, value, note. */
  changes?: { ago: number; field: 'stage' | 'involvement_level'; value: string; note?: string }[];
  members?: DemoMember[];
  /** The worked example: driver diagram, change ideas with PDSA cycles, and a measure with 24 monthly points. */
  detailed?: boolean;
}

const FORUM = 'After the Luton service user and carer forum asked to be part of every project';

/**
 * The demo portfolio. Luton tells the forum story: a year ago 1 in 10 of its open projects had
 * service-user or carer input; after the forum it is 8 in 10 (the portfolio's "projects with
 * service-user or carer input", read as at each month). Tower Hamlets has the worked example.
 */
export const DEMO_PROJECTS: readonly DemoProject[] = [
  {
    unit: 'Tower Hamlets Community Mental Health Team',
    title: 'Quicker first appointments',
    aim: 'Cut the time from referral to first appointment from 6 weeks to 3 weeks by the end of the year',
    programme: 'Waiting well',
    started: 24,
    stage: 'planning',
    level: 'involved',
    changes: [
      { ago: 16, field: 'stage', value: 'testing' },
      { ago: 14, field: 'involvement_level', value: 'co_produced', note: 'Rahima and Maryam now co-lead the PDSA cycles' },
      { ago: 6, field: 'stage', value: 'implementing' },
    ],
    members: [
      { email: 'qi@demo.example.org', role: 'lead', since: 24 },
      { email: 'lead@demo.example.org', role: 'coach', since: 24 },
      { email: 'service-user@demo.example.org', role: 'service_user_partner', since: 20 },
      { name: 'Maryam Begum', role: 'carer_partner', since: 14 },
    ],
    detailed: true,
  },
  {
    unit: 'Luton Memory Service',
    title: 'Carers know who to call between appointments',
    aim: 'Every carer of someone on the memory service caseload can name who to call between appointments by March',
    programme: 'Carers count',
    started: 13,
    stage: 'planning',
    level: 'consulted',
    changes: [
      { ago: 9, field: 'involvement_level', value: 'co_produced', note: FORUM },
      { ago: 7, field: 'stage', value: 'testing' },
    ],
    members: [
      { email: 'lead@demo.example.org', role: 'sponsor', since: 13 },
      { email: 'carer@demo.example.org', role: 'carer_partner', since: 9 },
    ],
  },
  ...(
    [
      ['Luton Community Mental Health Team', 'Safer discharge from the community team', 'co_produced', null],
      ['Luton Community Mental Health Team', 'Care plans written with the person', 'informed', 10],
      ['Luton Community Mental Health Team', 'Fewer missed first appointments', 'none', 8],
      ['Luton Community Mental Health Team', 'Physical health checks for people on antipsychotics', 'informed', 7],
      ['Luton Memory Service', 'Shorter waits for a memory assessment', 'consulted', 6],
      ['Luton Perinatal Mental Health Service', 'Partners included in perinatal care', 'consulted', 5],
      ['Luton Perinatal Mental Health Service', 'Peer support groups for new mothers', 'informed', 4],
      ['Luton Perinatal Mental Health Service', 'Easier referrals from health visitors', 'none', null],
      ['Luton Community Mental Health Team', 'Letters people can understand', 'none', null],
    ] as const
  ).map(([unit, title, level, involvedAgo], i): DemoProject => ({
    unit,
    title,
    aim: `${title}: a measurable improvement within a year, agreed with the people who use the service`,
    programme: i % 2 === 0 ? 'Safer care' : null,
    started: 13,
    stage: i % 3 === 0 ? 'testing' : 'planning',
    level,
    changes: involvedAgo === null ? [] : [{ ago: involvedAgo, field: 'involvement_level', value: 'involved', note: FORUM }],
    members: involvedAgo === null ? [] : [{ name: `Forum member ${i + 1}`, role: i % 2 === 0 ? 'service_user_partner' : 'carer_partner', since: involvedAgo }],
  })),
];

/** Days from referral to first appointment, by month: about 42 for a year, then about 24 once the changes were adopted. */
export const DEMO_MEASURE_VALUES: readonly number[] = [
  44, 40, 43, 46, 41, 39, 45, 42, 44, 40, 43, 41, // baseline year
  37, 33, 29, 26, 25, 23, 24, 22, 25, 23, 21, 22, // after the reminder texts and the welcome pack
];

async function ensureDemoProject(db: Db, p: DemoProject, unit: OrgUnit, users: Map<string, number>): Promise<boolean> {
  const exists = await db.selectFrom('projects').select('id').where('unit_id', '=', unit.id).where('title', '=', p.title).executeTakeFirst();
  if (exists) return false;
  const changes = p.changes ?? [];
  const latest = (field: 'stage' | 'involvement_level', first: string) =>
    [...changes].filter((c) => c.field === field).sort((a, b) => b.ago - a.ago).reduce((_, c) => c.value, first);
  const createdAt = midMonth(p.started);
  const updatedAt = changes.length > 0 ? midMonth(Math.min(...changes.map((c) => c.ago))) : createdAt;
  const createdBy = users.get('qi@demo.example.org') ?? null;
  await db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('projects')
      .values({
        unit_id: unit.id,
        title: p.title,
        aim: p.aim,
        background: p.detailed ? 'Service users told us the wait, and not knowing what happens next, is the hardest part of being referred.' : null,
        stage: latest('stage', p.stage) as Stage,
        programme: p.programme,
        involvement_level: latest('involvement_level', p.level) as InvolvementLevel,
        created_by: createdBy,
        created_at: createdAt,
        updated_at: updatedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The starting values and every change, so the portfolio can be read "as at" any month.
    await trx
      .insertInto('project_history')
      .values([
        { project_id: id, field: 'stage', value: p.stage, changed_at: createdAt, changed_by: createdBy, note: null },
        { project_id: id, field: 'involvement_level', value: p.level, changed_at: createdAt, changed_by: createdBy, note: null },
        ...changes.map((c) => ({ project_id: id, field: c.field, value: c.value, changed_at: midMonth(c.ago), changed_by: createdBy, note: c.note ?? null })),
      ])
      .execute();
    for (const m of p.members ?? []) {
      const userId = m.email ? users.get(m.email) : undefined;
      if (m.email && userId === undefined) throw new Error(`demo project member ${m.email} has no account`);
      await trx
        .insertInto('project_members')
        .values({ project_id: id, user_id: userId ?? null, display_name: userId === undefined ? (m.name ?? null) : null, role: m.role, joined_on: `${monthsAgo(m.since)}-14`, left_on: null })
        .execute();
    }
    if (p.detailed) await addWorkedExample(trx, id);
    await audit(trx, SYSTEM, { action: 'project.created', entityType: 'project', entityId: id, details: { unitId: unit.id, source: 'seed --demo' } });
  });
  return true;
}

/** Driver diagram, change ideas with PDSA cycles, and a measure whose chart shows the improvement as special cause. */
async function addWorkedExample(db: Db, projectId: number): Promise<void> {
  const driver = async (title: string, position: number, parentId: number | null = null) =>
    (await db.insertInto('drivers').values({ project_id: projectId, parent_id: parentId, title, position }).returning('id').executeTakeFirstOrThrow()).id;
  const know = await driver('People know what to expect before their first appointment', 0);
  const letters = await driver('Clear, friendly first contact', 0, know);
  const times = await driver('Appointments are offered at times that suit people', 1);
  const slots = await driver('Enough first-appointment slots each week', 0, times);
  await driver('Fewer missed appointments, so slots are not wasted', 1, times);

  const idea = async (driverId: number, title: string, source: 'service_user' | 'carer' | 'staff' | 'forum', status: 'testing' | 'adopted' | 'adapted' | 'idea', ago: number) =>
    (
      await db
        .insertInto('change_ideas')
        .values({ project_id: projectId, driver_id: driverId, title, description: null, size: 'small_quick', source, source_ref: null, status, created_at: midMonth(ago) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const texts = await idea(slots, 'Text reminders two days before the appointment', 'service_user', 'adopted', 15);
  const pack = await idea(letters, 'A welcome pack written with service users', 'carer', 'adapted', 14);
  await idea(slots, 'Evening clinic one day a week', 'forum', 'idea', 3);

  const cycle = async (ideaId: number, previousId: number | null, c: { title: string; ago: number; act: 'adopt' | 'adapt' | null; question: string; prediction: string; study: string | null }) =>
    (
      await db
        .insertInto('pdsa_cycles')
        .values({
          change_idea_id: ideaId,
          previous_id: previousId,
          title: c.title,
          question: c.question,
          prediction: c.prediction,
          plan: 'Tom sends the texts; Rahima checks the wording with three service users first',
          data_to_collect: 'Missed first appointments each week',
          what_happened: c.study ? 'Ran as planned for four weeks' : null,
          observations: null,
          study: c.study,
          act: c.act,
          next_steps: c.act === 'adapt' ? 'Add the clinician’s name and a map to the text' : null,
          start_on: `${monthsAgo(c.ago)}-01`,
          end_on: c.study ? `${monthsAgo(c.ago)}-28` : null,
          created_at: midMonth(c.ago),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const first = await cycle(texts, null, {
    title: 'PDSA 1: texts for one clinician’s new referrals',
    ago: 14,
    act: 'adapt',
    question: 'Do reminder texts cut missed first appointments?',
    prediction: 'Missed first appointments fall from 1 in 5 to 1 in 10',
    study: 'Missed appointments fell to 1 in 8; two people asked who they would be seeing',
  });
  await cycle(texts, first, {
    title: 'PDSA 2: texts with the clinician’s name, whole team',
    ago: 13,
    act: 'adopt',
    question: 'Does naming the clinician help further?',
    prediction: 'Missed first appointments fall to 1 in 10',
    study: 'Missed appointments fell to 1 in 12 across the team',
  });
  await cycle(pack, null, {
    title: 'PDSA 1: welcome pack posted with the appointment letter',
    ago: 12,
    act: null,
    question: 'Do people feel they know what to expect?',
    prediction: 'Most people say they knew what to expect',
    study: null,
  });

  const { id: measureId } = await db
    .insertInto('measures')
    .values({
      project_id: projectId,
      name: 'Days from referral to first appointment',
      kind: 'outcome',
      definition: 'Median days from referral received to first appointment attended, for referrals seen that month',
      unit_label: 'days',
      direction: 'decrease',
      chart: 'xmr',
      target: 21,
      baseline_points: 12,
      screen_moving_ranges: 1,
      created_at: midMonth(24),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const n = DEMO_MEASURE_VALUES.length;
  await db
    .insertInto('data_points')
    .values(DEMO_MEASURE_VALUES.map((value, i) => ({ measure_id: measureId, period: `${monthsAgo(n - i)}-01`, value, denominator: null, excluded: 0, rebase: 0, note: null })))
    .execute();
  await db.insertInto('annotations').values({ measure_id: measureId, on_date: `${monthsAgo(n - 12)}-01`, text: 'Text reminders adopted across the team' }).execute();
}

export interface SeedReport {
  trust: string;
  unitsCreated: number;
  accountsCreated: number;
  projectsCreated: number;
  /** People added to the demo involvement register (0 when it was already there). */
  peopleCreated: number;
  /** Meetings of the demo forum added (0 when it was already there). */
  meetingsCreated: number;
  /** Expense and payment claims for the forum's attendees added (0 when they were already there). */
  claimsCreated: number;
  /** Feedback stories, with their responses and team discussions, added (0 when they were already there). */
  storiesCreated: number;
  /** The staff workshop with its votes and promises (0 when it was already there). */
  workshopsCreated: number;
}

/** Adds what is missing of the demo organisation; running it again adds nothing. */
export async function seedDemo(db: Db): Promise<SeedReport> {
  const report = { trust: '', unitsCreated: 0, accountsCreated: 0, projectsCreated: 0, peopleCreated: 0, meetingsCreated: 0, claimsCreated: 0, storiesCreated: 0, workshopsCreated: 0 };
  let trust = await rootUnit(db);
  if (!trust) {
    trust = await insertUnit(db, { name: DEMO_TRUST_NAME, kind: 'trust', parentId: null }, nowIso());
    await audit(db, SYSTEM, { action: 'org_unit.created', entityType: 'org_unit', entityId: trust.id, details: { source: 'seed --demo' } });
    report.unitsCreated++;
  }
  report.trust = trust.name;

  const units = new Map<string, OrgUnit>([[TRUST, trust]]);
  for (const u of DEMO_UNITS) {
    const parent = units.get(u.parent);
    if (!parent) throw new Error(`demo unit ${u.name} listed before its parent ${u.parent}`);
    const { unit, created } = await ensureUnit(db, u.name, u.kind, parent.id);
    units.set(u.name, unit);
    if (created) report.unitsCreated++;
  }

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const a of DEMO_ACCOUNTS) {
    const exists = await db.selectFrom('users').select('id').where('email', '=', a.email).executeTakeFirst();
    if (exists) continue;
    const unit = units.get(a.unit);
    if (!unit) throw new Error(`demo account ${a.email} names an unknown unit ${a.unit}`);
    const now = nowIso();
    await db.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('users')
        .values({ email: a.email, name: a.name, password_hash: passwordHash, failed_sign_ins: 0, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('role_grants').values({ user_id: id, unit_id: unit.id, role: a.role, created_at: now }).execute();
      await audit(trx, SYSTEM, { action: 'user.created', entityType: 'user', entityId: id, subjectUserId: id, details: { role: a.role, unitId: unit.id, source: 'seed --demo' } });
    });
    report.accountsCreated++;
  }

  const users = new Map(
    (await db.selectFrom('users').select(['id', 'email']).where('email', 'in', DEMO_ACCOUNTS.map((a) => a.email)).execute()).map((u) => [u.email, u.id]),
  );
  for (const p of DEMO_PROJECTS) {
    const unit = units.get(p.unit);
    if (!unit) throw new Error(`demo project ${p.title} names an unknown unit ${p.unit}`);
    if (await ensureDemoProject(db, p, unit, users)) report.projectsCreated++;
  }
  // The involvement register, its group, recruitment, outreach and opportunities (seed-involvement.ts).
  report.peopleCreated = await seedInvolvementDemo(db, units, users);
  // The Tower Hamlets QI Forum: a year of meetings, attendance, minutes and actions (seed-meetings.ts).
  report.meetingsCreated = await seedMeetingsDemo(db, units, users);
  // Rates, settings and a year of the forum attendees' claims, paid, late, waiting and reversed (seed-payments.ts).
  report.claimsCreated = await seedPaymentsDemo(db, units, users, trust);
  // Stories told, answered and discussed, and a staff workshop with its promises (seed-stories.ts).
  const feedback = await seedStoriesDemo(db, units, users);
  report.storiesCreated = feedback.stories;
  report.workshopsCreated = feedback.workshops;
  return report;
}

export async function seedCommand(config: Config, flags: { demo?: boolean }): Promise<void> {
  if (!flags.demo) throw new CliError('say what to seed: the only choice is --demo (alongside seed --demo)');
  if (config.env === 'production') {
    throw new CliError('refusing to add demo accounts in production: they all share a published password');
  }
  await withDatabase(config, async ({ db }) => {
    const report = await seedDemo(db);
    say(`Database: ${describeDatabase(config.databaseUrl)}`);
    if (report.unitsCreated === 0 && report.accountsCreated === 0 && report.projectsCreated === 0 && report.peopleCreated === 0 && report.meetingsCreated === 0 && report.claimsCreated === 0 && report.storiesCreated === 0 && report.workshopsCreated === 0) {
      say(`The demo organisation is already there under ${report.trust}; nothing was added.`);
    } else {
      say(`Added the demo organisation under ${report.trust}: ${report.unitsCreated} unit(s), ${report.accountsCreated} account(s), ${report.projectsCreated} QI project(s), ${report.peopleCreated} people in the involvement register, ${report.meetingsCreated} forum meeting(s), ${report.claimsCreated} expense claim(s), ${report.storiesCreated} feedback ${report.storiesCreated === 1 ? 'story' : 'stories'}, ${report.workshopsCreated} workshop(s).`);
    }
    say('');
    say('Demo accounts:');
    const width = Math.max(...DEMO_ACCOUNTS.map((a) => a.email.length));
    for (const a of DEMO_ACCOUNTS) {
      say(`  ${a.email.padEnd(width)}  ${a.who} — ${a.unit === TRUST ? report.trust : a.unit}`);
    }
    say('');
    say(`Every demo account has the password: ${DEMO_PASSWORD}`);
    say(`Sign in at ${config.baseUrl}/sign-in`);
  });
}
