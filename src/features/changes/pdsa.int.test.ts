import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { projectCycles } from './service.ts';
import { changesWorld, type ChangesWorld } from './testing.ts';

describe('PDSA cycles and the timeline', () => {
  let w: ChangesWorld;
  let staff: Browser;
  let ideaId: number;
  let base: string;
  beforeEach(async () => {
    w = await changesWorld();
    staff = await w.signedIn('staff');
    await staff.post(`/projects/${w.projectId}/ideas`, { title: 'Text reminder', size: 'small_quick', source: 'carer' });
    ideaId = (await w.t.db.db.selectFrom('change_ideas').select('id').executeTakeFirstOrThrow()).id;
    base = `/projects/${w.projectId}/ideas/${ideaId}`;
  });
  afterEach(() => w.t.close());

  const cycleId = async (title: string): Promise<number> => (await w.t.db.db.selectFrom('pdsa_cycles').select('id').where('title', '=', title).executeTakeFirstOrThrow()).id;
  const ideaStatus = async (): Promise<string> => (await w.t.db.db.selectFrom('change_ideas').select('status').where('id', '=', ideaId).executeTakeFirstOrThrow()).status;
  /** The cycle names in the idea page's ramp table, in order. */
  const ramp = async (): Promise<string[]> => {
    const page = (await staff.get(base)).body;
    const table = page.slice(page.indexOf('id="cycles"'));
    return [...table.matchAll(/\/cycles\/\d+">([^<]+)<\/a>/g)].map((m) => m[1] as string);
  };

  it('plans a cycle with every Plan field, shows it, and moves the idea to testing', async () => {
    const form = await staff.get(`${base}/cycles/new`);
    expect(form.statusCode).toBe(200);
    for (const legend of ['Plan', 'Do', 'Study', 'Act']) expect(form.body).toContain(`${legend}\n`);
    expect(form.body).toContain('type="date"');
    const res = await staff.post(`${base}/cycles`, {
      title: 'One week of reminders',
      question: 'Will a text the day before help people come?',
      prediction: 'Half as many missed appointments',
      plan: 'Reception sends texts, Monday to Friday, 3 to 7 March',
      dataToCollect: 'Missed appointments each day',
      startOn: '2025-03-03',
    });
    expect(res.statusCode).toBe(303);
    const id = await cycleId('One week of reminders');
    expect(res.headers.location).toBe(`${base}/cycles/${id}`);
    const page = await staff.get(res.headers.location as string);
    expect(page.body).toContain('The change idea is now marked as &quot;Testing&quot;');
    expect(page.body).toContain('Will a text the day before help people come?');
    expect(page.body).toContain('3 March 2025');
    expect(page.body).toContain('Not decided yet');
    expect(await ideaStatus()).toBe('testing');
    const audit = await w.t.db.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity_type', '=', 'pdsa_cycle').execute();
    expect(audit).toEqual([{ action: 'pdsa_cycle.created', entity_id: String(id) }]);
  });

  it('edits a cycle through Do, Study and Act, and the idea’s status follows the decision', async () => {
    await staff.post(`${base}/cycles`, { title: 'Cycle one', startOn: '2025-03-03' });
    const id = await cycleId('Cycle one');
    const form = await staff.get(`${base}/cycles/${id}/edit`);
    expect(form.body).toContain('value="Cycle one"');
    expect(form.body).toContain('value="2025-03-03"');
    const res = await staff.post(`${base}/cycles/${id}`, {
      title: 'Cycle one',
      startOn: '2025-03-03',
      whatHappened: 'Texts went out every day',
      observations: 'Two people replied to cancel',
      study: 'Missed appointments fell from 6 to 2',
      act: 'adopt',
      nextSteps: 'Use it for every first appointment',
      endOn: '2025-03-07',
    });
    expect(res.statusCode).toBe(303);
    const page = await staff.get(res.headers.location as string);
    expect(page.body).toContain('has been saved. The change idea is now marked as &quot;Adopted&quot;');
    expect(page.body).toContain('Missed appointments fell from 6 to 2');
    expect(await ideaStatus()).toBe('adopted');
    const row = await w.t.db.db.selectFrom('pdsa_cycles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ what_happened: 'Texts went out every day', act: 'adopt', end_on: '2025-03-07' });

    // Saving again without changing the decision leaves a status someone set by hand alone.
    await staff.post(base, { title: 'Text reminder', size: 'small_quick', source: 'carer', status: 'testing' });
    await staff.post(`${base}/cycles/${id}`, { title: 'Cycle one', act: 'adopt', study: 'Missed appointments fell from 6 to 1', startOn: '2025-03-03', endOn: '2025-03-07' });
    expect(await ideaStatus()).toBe('testing');
    // Changing the decision does change it.
    await staff.post(`${base}/cycles/${id}`, { title: 'Cycle one', act: 'abandon', startOn: '2025-03-03', endOn: '2025-03-07' });
    expect(await ideaStatus()).toBe('abandoned');
    await staff.post(`${base}/cycles/${id}`, { title: 'Cycle one', act: 'adapt', startOn: '2025-03-03', endOn: '2025-03-07' });
    expect(await ideaStatus()).toBe('adapted');
  });

  it('chains cycles into a ramp and shows the ramp in order, whatever order they were added in', async () => {
    await staff.post(`${base}/cycles`, { title: 'One receptionist, one day', startOn: '2025-03-03', endOn: '2025-03-03', act: 'adapt' });
    const first = await cycleId('One receptionist, one day');
    // The "plan the next cycle" button fills in which cycle this follows.
    expect((await staff.get(`${base}/cycles/new?after=${first}`)).body).toContain(`<option value="${first}" selected>`);
    await staff.post(`${base}/cycles`, { title: 'All reception, one week', previousId: String(first), startOn: '2025-03-10' });
    const second = await cycleId('All reception, one week');
    // A separate test of the same idea, dated before the ramp's second step but not part of it.
    await staff.post(`${base}/cycles`, { title: 'Letters instead of texts', startOn: '2025-03-05' });
    await staff.post(`${base}/cycles`, { title: 'Whole team, one month', previousId: String(second), startOn: '2025-04-01' });

    expect(await ramp()).toEqual(['One receptionist, one day', 'All reception, one week', 'Whole team, one month', 'Letters instead of texts']);
    const page = (await staff.get(base)).body;
    expect(page).toContain('Starts a new ramp');
    expect(page).toContain('Cycle 2\n');

    // The second cycle's page names the cycles either side of it.
    const middle = (await staff.get(`${base}/cycles/${second}`)).body;
    expect(middle).toContain('cycle 1: One receptionist, one day');
    expect(middle).toContain('cycle 3: Whole team, one month');
    expect(middle).toContain('Cycle 2 of Text reminder');
  });

  it('only lets the latest cycle of a ramp set the idea’s status', async () => {
    await staff.post(`${base}/cycles`, { title: 'First' });
    await staff.post(`${base}/cycles`, { title: 'Second', previousId: String(await cycleId('First')) });
    await staff.post(`${base}/cycles/${await cycleId('First')}`, { title: 'First', act: 'abandon' });
    expect(await ideaStatus()).toBe('testing');
    await staff.post(`${base}/cycles/${await cycleId('Second')}`, { title: 'Second', act: 'adopt' });
    expect(await ideaStatus()).toBe('adopted');
  });

  it('refuses a loop, a cycle of another idea, bad dates and an end before the start, keeping what was typed', async () => {
    await staff.post(`${base}/cycles`, { title: 'A' });
    await staff.post(`${base}/cycles`, { title: 'B', previousId: String(await cycleId('A')) });
    const a = await cycleId('A');
    const b = await cycleId('B');
    // A cannot follow B, which follows A; the form does not even offer it.
    expect((await staff.get(`${base}/cycles/${a}/edit`)).body).not.toContain(`<option value="${b}"`);
    const loop = await staff.post(`${base}/cycles/${a}`, { title: 'A', previousId: String(b) });
    expect(loop.statusCode).toBe(400);
    expect(loop.body).toContain('Choose an earlier cycle of this change idea from the list');
    expect((await staff.post(`${base}/cycles/${a}`, { title: 'A', previousId: String(a) })).statusCode).toBe(400);

    await staff.post(`/projects/${w.projectId}/ideas`, { title: 'Other idea', size: 'big', source: 'staff' });
    const otherIdea = (await w.t.db.db.selectFrom('change_ideas').select('id').where('title', '=', 'Other idea').executeTakeFirstOrThrow()).id;
    const cross = await staff.post(`/projects/${w.projectId}/ideas/${otherIdea}/cycles`, { title: 'Cross', previousId: String(a) });
    expect(cross.statusCode).toBe(400);

    const dates = await staff.post(`${base}/cycles`, { title: 'Dated', startOn: '2025-02-30', endOn: 'next week', prediction: 'Keep me' });
    expect(dates.statusCode).toBe(400);
    expect(dates.body).toContain('Enter the start date as year-month-day');
    expect(dates.body).toContain('Enter the end date as year-month-day');
    expect(dates.body).toContain('href="#startOn"');
    expect(dates.body).toContain('Keep me</textarea>');
    expect(dates.body).toContain('value="Dated"');

    const order = await staff.post(`${base}/cycles`, { title: 'Backwards', startOn: '2025-03-10', endOn: '2025-03-01' });
    expect(order.statusCode).toBe(400);
    expect(order.body).toContain('The end date must be the same as or after the start date');
    expect(await w.t.db.db.selectFrom('pdsa_cycles').select('title').orderBy('id').execute()).toEqual([{ title: 'A' }, { title: 'B' }]);
  });

  it('gives 404 for a cycle reached through the wrong idea, and to a viewer who tries to change one', async () => {
    await staff.post(`${base}/cycles`, { title: 'Mine' });
    const id = await cycleId('Mine');
    await staff.post(`/projects/${w.projectId}/ideas`, { title: 'Other idea', size: 'big', source: 'staff' });
    const otherIdea = (await w.t.db.db.selectFrom('change_ideas').select('id').where('title', '=', 'Other idea').executeTakeFirstOrThrow()).id;
    expect((await staff.get(`/projects/${w.projectId}/ideas/${otherIdea}/cycles/${id}`)).statusCode).toBe(404);
    expect((await staff.post(`/projects/${w.projectId}/ideas/${otherIdea}/cycles/${id}`, { title: 'Moved' })).statusCode).toBe(404);

    const viewer = await w.signedIn('viewer');
    expect((await viewer.get(`${base}/cycles/${id}`)).statusCode).toBe(200);
    expect((await viewer.get(`${base}/cycles/${id}`)).body).not.toContain('Change this cycle');
    expect((await viewer.get(`${base}/cycles/${id}/edit`)).statusCode).toBe(404);
    expect((await viewer.get(`${base}/cycles/new`)).statusCode).toBe(404);
    expect((await viewer.post(`${base}/cycles/${id}`, { title: 'Changed', act: 'abandon' })).statusCode).toBe(404);
    expect((await viewer.post(`${base}/cycles`, { title: 'New' })).statusCode).toBe(404);
    expect(await w.t.db.db.selectFrom('pdsa_cycles').select('title').execute()).toEqual([{ title: 'Mine' }]);
    expect(await ideaStatus()).toBe('testing');
  });

  it('shows every cycle of the project on the timeline, grouped by idea, and gives the measures feature the same list', async () => {
    await staff.post(`${base}/cycles`, { title: 'Reminders, week 1', startOn: '2025-03-03', endOn: '2025-03-07', act: 'adapt' });
    await staff.post(`${base}/cycles`, { title: 'Reminders, week 2', startOn: '2025-03-10', previousId: String(await cycleId('Reminders, week 1')) });
    await staff.post(`/projects/${w.projectId}/ideas`, { title: 'Peer welcome', size: 'small_quick', source: 'service_user' });
    const peer = (await w.t.db.db.selectFrom('change_ideas').select('id').where('title', '=', 'Peer welcome').executeTakeFirstOrThrow()).id;
    await staff.post(`/projects/${w.projectId}/ideas/${peer}/cycles`, { title: 'Welcome on Mondays', startOn: '2025-02-17', endOn: '2025-02-28', act: 'adopt' });
    await staff.post(`/projects/${w.projectId}/ideas/${peer}/cycles`, { title: 'Not planned yet' });

    const page = await staff.get(`/projects/${w.projectId}/timeline`);
    expect(page.statusCode).toBe(200);
    const body = page.body;
    // The idea with the earliest cycle comes first; each group's table is in date order.
    const order = ['Peer welcome', 'Welcome on Mondays', 'Not planned yet', 'Text reminder', 'Reminders, week 1', 'Reminders, week 2'].map((s) => body.lastIndexOf(`>${s}</a>`));
    expect(order.every((i, n) => i > 0 && (n === 0 || i > (order[n - 1] as number)))).toBe(true);
    expect(body).toContain('17 February 2025');
    expect(body).toContain('aria-labelledby="timeline-title timeline-desc"');
    expect(body).toContain('Feb 2025');

    const cycles = await projectCycles(await ctxFor(w, 'staff'), w.projectId);
    expect(cycles.map((c) => [c.title, c.ideaTitle, c.start_on, c.end_on, c.act])).toEqual([
      ['Welcome on Mondays', 'Peer welcome', '2025-02-17', '2025-02-28', 'adopt'],
      ['Reminders, week 1', 'Text reminder', '2025-03-03', '2025-03-07', 'adapt'],
      ['Reminders, week 2', 'Text reminder', '2025-03-10', null, null],
      ['Not planned yet', 'Peer welcome', null, null, null],
    ]);
    expect(Object.keys(cycles[0] ?? {}).sort()).toEqual(['act', 'end_on', 'id', 'ideaTitle', 'start_on', 'title']);
    await expect(projectCycles(await ctxFor(w, 'otherStaff'), w.projectId)).rejects.toMatchObject({ status: 404 });
  });

  it('says so when there is nothing on the timeline yet', async () => {
    const page = await staff.get(`/projects/${w.projectId}/timeline`);
    expect(page.body).toContain('There are no PDSA cycles yet.');
    expect(page.body).not.toContain('timeline-title');
  });
});

/** A service context for one of the world's users, as a request would have. */
async function ctxFor(w: ChangesWorld, who: keyof ChangesWorld['users']): Promise<ServiceContext> {
  return { db: w.t.db.db, dialect: w.t.db.dialect, config: w.t.config, principal: await loadPrincipal(w.t.db.db, w.users[who]), ip: null };
}
