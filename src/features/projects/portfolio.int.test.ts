import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { addMember, createProject, involvementShare, monthEnd, removeMember, updateProject } from './service.ts';
import { contextFor, projectForm, seedPeople } from './test-support.ts';

describe('projects: the portfolio', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPeople>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPeople(t);
  });
  afterEach(() => t.close());

  const signedIn = async (email: string): Promise<Browser> => {
    const b = new Browser(t.app);
    await b.signIn(email);
    return b;
  };
  /** Project titles in the "All projects you can see" table, in order. */
  const titles = (html: string): string[] => {
    const table = html.split('All projects you can see')[1] ?? '';
    return [...table.matchAll(/<a class="nhsuk-link" href="\/projects\/\d+">\s*([^<]+?)\s*<\/a>/g)].map((m) => m[1] ?? '');
  };

  it('filters in SQL by unit (and the units inside it), stage, programme, involvement level and words in the title', async () => {
    const ctx = await contextFor(t, s.admin);
    const make = (unitId: number, title: string, extra: Record<string, string>) => createProject(ctx, projectForm(unitId, { title, ...extra }));
    await make(s.org.northTeam.id, 'Faster crisis response', { stage: 'testing', programme: 'Reshaping Community Services', involvementLevel: 'co_produced' });
    await make(s.org.north.id, 'Borough-wide 100% discharge letters', { stage: 'planning', involvementLevel: 'none' });
    await make(s.org.southTeam.id, 'South crisis cafe', { stage: 'testing', programme: 'Reshaping Community Services', involvementLevel: 'user_led' });
    await make(s.org.south.id, 'Carers assessment', { stage: 'closed', programme: 'Carers first', involvementLevel: 'involved' });

    const admin = await signedIn('admin@example.org');
    const all = await admin.get('/projects');
    expect(all.statusCode).toBe(200);
    expect(titles(all.body)).toEqual(['Carers assessment', 'South crisis cafe', 'Borough-wide 100% discharge letters', 'Faster crisis response']);

    expect(titles((await admin.get(`/projects?unitId=${s.org.north.id}`)).body)).toEqual(['Borough-wide 100% discharge letters', 'Faster crisis response']);
    expect(titles((await admin.get(`/projects?unitId=${s.org.southTeam.id}`)).body)).toEqual(['South crisis cafe']);
    expect(titles((await admin.get('/projects?stage=testing')).body)).toEqual(['South crisis cafe', 'Faster crisis response']);
    expect(titles((await admin.get('/projects?programme=Reshaping+Community+Services')).body)).toEqual(['South crisis cafe', 'Faster crisis response']);
    expect(titles((await admin.get('/projects?involvementLevel=user_led')).body)).toEqual(['South crisis cafe']);
    expect(titles((await admin.get('/projects?q=CRISIS')).body)).toEqual(['South crisis cafe', 'Faster crisis response']);
    // What is typed is looked for as it is: "%" is not a wildcard.
    expect(titles((await admin.get('/projects?q=100%25')).body)).toEqual(['Borough-wide 100% discharge letters']);
    expect(titles((await admin.get('/projects?q=0%25+d')).body)).toEqual(['Borough-wide 100% discharge letters']);
    expect(titles((await admin.get('/projects?q=%25')).body)).toEqual(['Borough-wide 100% discharge letters']);
    const combined = await admin.get(`/projects?unitId=${s.org.south.id}&stage=testing&programme=Reshaping+Community+Services&q=cafe`);
    expect(titles(combined.body)).toEqual(['South crisis cafe']);
    expect(combined.body).toContain('Clear filters');
    const none = await admin.get('/projects?stage=sustaining');
    expect(none.body).toContain('No projects match what you chose');
    // The filters offer the programmes in use.
    expect(all.body).toContain('<option value="Carers first"');
    // A made-up filter value is ignored, not an error.
    expect(titles((await admin.get('/projects?stage=flying&unitId=abc')).body)).toHaveLength(4);

    // Staff see their own units only; a unit outside them is not found.
    const north = await signedIn('lead@example.org');
    expect(titles((await north.get('/projects')).body)).toEqual(['Borough-wide 100% discharge letters', 'Faster crisis response']);
    expect((await north.get(`/projects?unitId=${s.org.south.id}`)).statusCode).toBe(404);
  });

  it('pages through many projects newest first, keeping the filters', async () => {
    const ctx = await contextFor(t, s.staff);
    for (let i = 1; i <= 30; i++) {
      await createProject(ctx, projectForm(s.org.northTeam.id, { title: `Project ${String(i).padStart(2, '0')}`, stage: i % 2 ? 'testing' : 'planning' }));
    }
    const b = await signedIn('staff@example.org');
    const first = await b.get('/projects');
    const firstTitles = titles(first.body);
    expect(firstTitles).toHaveLength(25);
    expect(firstTitles[0]).toBe('Project 30');
    expect(firstTitles[24]).toBe('Project 06');
    const next = /href="(\/projects\?before=\d+)"/.exec(first.body)?.[1];
    expect(next).toBeDefined();
    const second = await b.get(next as string);
    expect(titles(second.body)).toEqual(['Project 05', 'Project 04', 'Project 03', 'Project 02', 'Project 01']);
    expect(second.body).toContain('Newest projects');
    expect(second.body).not.toContain('Older projects');

    const testing = await b.get('/projects?stage=testing');
    expect(titles(testing.body)).toHaveLength(15);
    expect(testing.body).not.toContain('Older projects');

    const searched = await b.get('/projects?q=project&involvementLevel=consulted');
    const nextSearched = /href="(\/projects\?[^"]*before=\d+)"/.exec(searched.body)?.[1]?.replace(/&amp;/g, '&');
    expect(nextSearched).toMatch(/^\/projects\?involvementLevel=consulted&q=project&before=\d+$/);
    expect(titles((await b.get(nextSearched as string)).body)).toHaveLength(5);
  });

  it('shows the figure for projects with service-user or carer input for the chosen unit and month', async () => {
    const ctx = await contextFor(t, s.staff);
    const a = await createProject(ctx, projectForm(s.org.northTeam.id, { title: 'With partners', involvementLevel: 'none' }));
    await createProject(ctx, projectForm(s.org.northTeam.id, { title: 'Co-produced', involvementLevel: 'co_produced' }));
    await createProject(ctx, projectForm(s.org.northTeam.id, { title: 'Consulted only', involvementLevel: 'consulted' }));
    await createProject(ctx, projectForm(s.org.northTeam.id, { title: 'Informed only', involvementLevel: 'informed' }));
    await addMember(ctx, a.id, { role: 'carer_partner', displayName: 'Jean' });
    const b = await signedIn('staff@example.org');
    const page = await b.get('/projects');
    expect(page.body).toContain('Projects with service-user or carer input');
    expect(page.body).toContain('50%');
    expect(page.body).toContain('2 of 4 open projects had service-user or carer input');
    const past = await b.get('/projects?month=2020-01');
    expect(past.body).toContain('There were no open projects at the end of January 2020');
  });
});

describe('involvementShare: projects with service-user or carer input, as at the end of a month', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedPeople>>;
  let staff: ServiceContext;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedPeople(t);
    staff = await contextFor(t, s.staff);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await t.close();
  });

  /** Runs what follows as if it were this moment (only Date is faked; timers run as normal). */
  const at = (iso: string) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(iso));
  };
  const share = (ctx: ServiceContext, month: string, unitId?: number) => involvementShare(ctx, { month, unitId });

  it('reads each month as it was then: 1 of 10 in January, 8 of 10 in June', async () => {
    at('2025-01-10T10:00:00Z');
    const ids: number[] = [];
    for (let i = 1; i <= 10; i++) {
      const level = i === 1 ? 'co_produced' : i % 2 ? 'consulted' : 'none';
      ids.push((await createProject(staff, projectForm(s.org.northTeam.id, { title: `Project ${i}`, involvementLevel: level }))).id);
    }
    const p = (n: number) => ids[n - 1] as number;
    // A project closed in January is not counted; one in another borough is not in the North team.
    const closed = (await createProject(staff, projectForm(s.org.northTeam.id, { title: 'Closed early', involvementLevel: 'user_led' }))).id;
    await createProject(await contextFor(t, s.admin), projectForm(s.org.southTeam.id, { title: 'South', involvementLevel: 'co_produced' }));
    at('2025-01-20T10:00:00Z');
    await updateProject(staff, closed, { stage: 'closed' }, 'patch');

    at('2025-03-05T10:00:00Z');
    for (const n of [2, 3, 4, 5]) await updateProject(staff, p(n), { involvementLevel: 'involved' }, 'patch');
    at('2025-04-01T10:00:00Z');
    await addMember(staff, p(6), { role: 'service_user_partner', displayName: 'Rahima' });
    await addMember(staff, p(7), { role: 'carer_partner', email: 'partner@example.org' });
    // Staff members are not partners.
    await addMember(staff, p(9), { role: 'lead', email: 'staff@example.org' });
    at('2025-04-20T10:00:00Z');
    const leaver = await addMember(staff, p(10), { role: 'carer_partner', displayName: 'Leaves in May' });
    at('2025-05-02T10:00:00Z');
    await addMember(staff, p(8), { role: 'carer_partner', displayName: 'David' });
    at('2025-05-15T10:00:00Z');
    await removeMember(staff, p(10), leaver);
    // 00:30 on 1 July in London is still 30 June in UTC: this change belongs to July.
    at('2025-06-30T23:30:00Z');
    await updateProject(staff, p(9), { involvementLevel: 'user_led' }, 'patch');
    at('2025-07-03T10:00:00Z');
    await createProject(staff, projectForm(s.org.northTeam.id, { title: 'New in July', involvementLevel: 'none' }));
    at('2025-08-05T10:00:00Z');

    const north = s.org.northTeam.id;
    expect(await share(staff, '2024-12')).toEqual({ month: '2024-12', unitId: null, total: 0, withInput: 0, percentage: null });
    expect(await share(staff, '2025-01')).toEqual({ month: '2025-01', unitId: null, total: 10, withInput: 1, percentage: 10 });
    expect(await share(staff, '2025-03', north)).toMatchObject({ total: 10, withInput: 5, percentage: 50 });
    expect(await share(staff, '2025-04')).toMatchObject({ total: 10, withInput: 8, percentage: 80 });
    expect(await share(staff, '2025-05')).toMatchObject({ total: 10, withInput: 8, percentage: 80 });
    expect(await share(staff, '2025-06')).toEqual({ month: '2025-06', unitId: null, total: 10, withInput: 8, percentage: 80 });
    expect(await share(staff, '2025-07')).toMatchObject({ total: 11, withInput: 9, percentage: 81.8 });
    // The default is this month (August): as July.
    expect(await involvementShare(staff, {})).toMatchObject({ month: '2025-08', total: 11, withInput: 9 });

    // The trust admin sees the South project too; a unit narrows it to that unit and the units inside it.
    const admin = await contextFor(t, s.admin);
    expect(await share(admin, '2025-06')).toMatchObject({ total: 11, withInput: 9, percentage: 81.8 });
    expect(await share(admin, '2025-06', s.org.south.id)).toEqual({ month: '2025-06', unitId: s.org.south.id, total: 1, withInput: 1, percentage: 100 });
    expect(await share(admin, '2025-06', s.org.north.id)).toMatchObject({ total: 10, withInput: 8 });
  });

  it('refuses a bad or future month, a unit outside the user’s units, and partners', async () => {
    at('2025-08-05T10:00:00Z');
    await expect(share(staff, '2025-13')).rejects.toMatchObject({ status: 400, fields: [{ field: 'month', message: 'errors.projects.monthInvalid' }] });
    await expect(share(staff, '2025-09')).rejects.toMatchObject({ status: 400, fields: [{ field: 'month', message: 'errors.projects.monthInFuture' }] });
    await expect(share(staff, '2025-06', s.org.south.id)).rejects.toMatchObject({ status: 404 });
    await expect(share(await contextFor(t, s.partner), '2025-06')).rejects.toMatchObject({ status: 403 });
  });

  it('finds the end of a month in London time', () => {
    expect(monthEnd('2025-06')).toEqual({ endInstant: '2025-06-30T23:00:00.000Z', endDate: '2025-07-01' });
    expect(monthEnd('2025-01')).toEqual({ endInstant: '2025-02-01T00:00:00.000Z', endDate: '2025-02-01' });
    expect(monthEnd('2024-12')).toEqual({ endInstant: '2025-01-01T00:00:00.000Z', endDate: '2025-01-01' });
    expect(monthEnd('2025-03')).toEqual({ endInstant: '2025-03-31T23:00:00.000Z', endDate: '2025-04-01' });
    expect(monthEnd('2025-10')).toEqual({ endInstant: '2025-11-01T00:00:00.000Z', endDate: '2025-11-01' });
  });
});
