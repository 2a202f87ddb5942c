import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { ValidationError } from '../../platform/errors/index.ts';
import { castVote, getWorkshopAccess, leaders, percentOf } from './service.ts';
import { contextFor, insertVote, insertWorkshop, seedWorkshops, signedIn } from './test-support.ts';

const form = (extra: Record<string, string> = {}) => ({ title: 'Impact workshop', dateDay: '15', dateMonth: '3', dateYear: '2026', venue: 'Board room', programme: '10:00 Welcome\n10:30 Stories', progressPublic: 'no', ...extra });

describe('workshops', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof seedWorkshops>>;
  beforeEach(async () => {
    t = await createTestApp();
    s = await seedWorkshops(t);
  });
  afterEach(() => t.close());

  const workshopOf = (id: number) => t.db.db.selectFrom('workshops').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const votesOf = (id: number) => t.db.db.selectFrom('workshop_votes').selectAll().where('workshop_id', '=', id).orderBy('participant_id').execute();
  const auditOf = (id: number) =>
    t.db.db.selectFrom('audit_log').select(['action', 'actor_user_id', 'subject_user_id', 'details']).where('entity_type', '=', 'workshop').where('entity_id', '=', String(id)).orderBy('id').execute();

  it('an organiser creates a workshop in a unit they organise for, and changes it; both are audited', async () => {
    const organiser = await signedIn(t, 'organiser@example.org');
    const page = await organiser.get('/workshops/new');
    expect(page.statusCode).toBe(200);
    // Only units in the organiser's scope are offered.
    expect(page.body).toContain('North Community Team');
    expect(page.body).not.toContain('South Community Team');
    const res = await organiser.post('/workshops/new', form({ unitId: String(s.org.northTeam.id), progressPublic: 'yes' }));
    expect(res.statusCode).toBe(303);
    const id = Number(/\/workshops\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    expect(await workshopOf(id)).toMatchObject({ title: 'Impact workshop', unit_id: s.org.northTeam.id, held_on: '2026-03-15', venue: 'Board room', voting: 'not_open', progress_public: 1, created_by: s.users.organiser });
    const shown = await organiser.get(`/workshops/${id}`);
    expect(shown.body).toContain('Workshop created');
    expect(shown.body).toContain('15 Mar 2026');
    expect(shown.body).toContain('<li>10:30 Stories</li>');
    expect(shown.body).toContain(`href="/workshops/${id}/promises"`);
    expect(shown.body).toContain(`href="/workshops/${id}/progress"`);

    const edit = await organiser.get(`/workshops/${id}/edit`);
    expect(edit.body).toContain('value="Board room"');
    expect((await organiser.post(`/workshops/${id}/edit`, form({ unitId: String(s.org.northTeam.id), venue: 'Library', progressPublic: 'yes' }))).statusCode).toBe(303);
    expect((await workshopOf(id)).venue).toBe('Library');
    expect((await auditOf(id)).map((a) => [a.action, a.actor_user_id, a.details])).toEqual([
      ['workshop.created', s.users.organiser, JSON.stringify({ unitId: s.org.northTeam.id })],
      ['workshop.updated', s.users.organiser, JSON.stringify({ changed: ['venue'] })],
    ]);
  });

  it('refuses a bad workshop form with each problem named and the input kept', async () => {
    const organiser = await signedIn(t, 'organiser@example.org');
    const empty = await organiser.post('/workshops/new', {});
    expect(empty.statusCode).toBe(400);
    for (const words of ['Enter the workshop name', 'Choose a team or service you organise workshops for', 'Enter the date of the workshop', 'Choose whether to show progress publicly']) {
      expect(empty.body).toContain(words);
    }
    const bad = await organiser.post('/workshops/new', form({ unitId: String(s.org.northTeam.id), dateDay: '31', dateMonth: '2', title: 'Kept title' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a real date');
    expect(bad.body).toContain('value="Kept title"');
    expect(bad.body).toContain('href="#heldOn"');
    // A unit outside the organiser's scope is refused as a bad choice, not created.
    const south = await organiser.post('/workshops/new', form({ unitId: String(s.org.southTeam.id) }));
    expect(south.statusCode).toBe(400);
    expect(south.body).toContain('Choose a team or service you organise workshops for');
    const tooLong = await organiser.post('/workshops/new', form({ unitId: String(s.org.northTeam.id), title: 'x'.repeat(201) }));
    expect(tooLong.statusCode).toBe(400);
    expect(await t.db.db.selectFrom('workshops').select('id').execute()).toEqual([]);
  });

  it('shows a workshop to its organisers in scope and its participants only; the list has what each may see', async () => {
    const w = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, title: 'North workshop', participants: [s.users.nurse] });
    const southOnly = await insertWorkshop(t.db.db, { unitId: s.org.southTeam.id, title: 'South workshop' });
    const organiser = await signedIn(t, 'organiser@example.org');
    const nurse = await signedIn(t, 'nurse@example.org');
    const south = await signedIn(t, 'south@example.org');
    const outsider = await signedIn(t, 'outsider@example.org');

    expect((await organiser.get(`/workshops/${w.id}`)).statusCode).toBe(200);
    const asNurse = await nurse.get(`/workshops/${w.id}`);
    expect(asNurse.statusCode).toBe(200);
    expect(asNurse.body).toContain('Nia Nurse');
    expect(asNurse.body).not.toContain('Change the workshop');
    // A participant may not manage it (403); others do not learn it exists (404).
    expect((await nurse.get(`/workshops/${w.id}/edit`)).statusCode).toBe(403);
    expect((await nurse.post(`/workshops/${w.id}/challenges`, { challengeTitle: 'Sneaky' })).statusCode).toBe(403);
    expect((await south.get(`/workshops/${w.id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/workshops/${w.id}`)).statusCode).toBe(404);
    expect((await organiser.get(`/workshops/${southOnly.id}`)).statusCode).toBe(404);
    expect((await organiser.get('/workshops/99999999999')).statusCode).toBe(404);
    expect((await organiser.get('/workshops/abc')).statusCode).toBe(404);
    // Viewers cannot create workshops.
    expect((await nurse.get('/workshops/new')).statusCode).toBe(403);

    const list = (await organiser.get('/workshops')).body;
    expect(list).toContain('North workshop');
    expect(list).not.toContain('South workshop');
    expect(list).toContain('Create a workshop');
    const nurseList = (await nurse.get('/workshops')).body;
    expect(nurseList).toContain('North workshop');
    expect(nurseList).toContain('Taking part');
    expect(nurseList).not.toContain('Create a workshop');
    expect((await outsider.get('/workshops')).body).toContain('You do not organise or take part in any workshops yet.');

    const access = await getWorkshopAccess(await contextFor(t, s.users.nurse), w.id);
    expect(access).toMatchObject({ isOrganiser: false, participantId: expect.any(Number) });
    expect(await getWorkshopAccess(await contextFor(t, s.users.organiser), w.id)).toMatchObject({ isOrganiser: true, participantId: null });
    await expect(getWorkshopAccess(await contextFor(t, s.users.outsider), w.id)).rejects.toMatchObject({ status: 404 });
  });

  it('pages through the list, latest first', async () => {
    for (let i = 1; i <= 27; i++) await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, title: `Workshop number ${i}`, heldOn: `2025-01-${String(i).padStart(2, '0')}` });
    const organiser = await signedIn(t, 'organiser@example.org');
    const first = (await organiser.get('/workshops')).body;
    expect(first).toContain('Workshop number 27');
    expect(first).toContain('Workshop number 3<');
    expect(first).not.toContain('Workshop number 2<');
    const next = /href="(\/workshops\?after=[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = (await organiser.get(next as string)).body;
    expect(second).toContain('Workshop number 2<');
    expect(second).toContain('Workshop number 1<');
    expect(second).not.toContain('Workshop number 3<');
    expect((await organiser.get('/workshops?after=nonsense')).statusCode).toBe(200);
  });

  it('challenges are added, changed and removed before voting opens, and not after', async () => {
    const w = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['First'] });
    const organiser = await signedIn(t, 'organiser@example.org');
    const empty = await organiser.post(`/workshops/${w.id}/challenges`, { challengeDescription: 'Kept words' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the challenge');
    expect(empty.body).toContain('Kept words</textarea>');
    expect((await organiser.post(`/workshops/${w.id}/challenges`, { challengeTitle: 'Share feedback with every team member' })).statusCode).toBe(303);
    const [first, second] = await t.db.db.selectFrom('workshop_challenges').selectAll().where('workshop_id', '=', w.id).orderBy('position').execute();
    expect(second).toMatchObject({ title: 'Share feedback with every team member', position: 1 });
    expect((await organiser.get(`/workshops/${w.id}/challenges/${first!.id}/edit`)).body).toContain('value="First"');
    expect((await organiser.post(`/workshops/${w.id}/challenges/${first!.id}/edit`, { challengeTitle: 'First, reworded' })).statusCode).toBe(303);
    expect((await organiser.post(`/workshops/${w.id}/challenges/${second!.id}/remove`, {})).statusCode).toBe(303);
    expect((await t.db.db.selectFrom('workshop_challenges').select('title').where('workshop_id', '=', w.id).execute()).map((c) => c.title)).toEqual(['First, reworded']);
    // Another workshop's challenge is not found through this one.
    const other = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['Elsewhere'] });
    expect((await organiser.post(`/workshops/${w.id}/challenges/${other.challenges[0]}/remove`, {})).statusCode).toBe(404);

    await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
    const late = await organiser.post(`/workshops/${w.id}/challenges`, { challengeTitle: 'Too late' });
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('Voting has opened, so the challenges cannot change now');
    expect((await organiser.post(`/workshops/${w.id}/challenges/${first!.id}/remove`, {})).statusCode).toBe(400);
    expect((await organiser.post(`/workshops/${w.id}/challenges/${first!.id}/edit`, { challengeTitle: 'Changed' })).statusCode).toBe(400);
    expect((await organiser.get(`/workshops/${w.id}/challenges/${first!.id}/edit`)).statusCode).toBe(303);
    expect((await auditOf(w.id)).map((a) => a.action)).toEqual(['workshop.challenge_added', 'workshop.challenge_updated', 'workshop.challenge_removed']);
  });

  it('moves challenges up and down the list before voting opens, and not after', async () => {
    const w = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['Alpha', 'Bravo', 'Charlie'] });
    const [alpha, bravo, charlie] = w.challenges as [number, number, number];
    const titles = async () => (await t.db.db.selectFrom('workshop_challenges').select('title').where('workshop_id', '=', w.id).orderBy('position').orderBy('id').execute()).map((c) => c.title);
    const organiser = await signedIn(t, 'organiser@example.org');
    const page = (await organiser.get(`/workshops/${w.id}`)).body;
    // The first has no "Move up" and the last no "Move down".
    expect(page.match(/>Move up</g)).toHaveLength(2);
    expect(page.match(/>Move down</g)).toHaveLength(2);

    expect((await organiser.post(`/workshops/${w.id}/challenges/${charlie}/move`, { direction: 'up' })).statusCode).toBe(303);
    expect(await titles()).toEqual(['Alpha', 'Charlie', 'Bravo']);
    await organiser.post(`/workshops/${w.id}/challenges/${alpha}/move`, { direction: 'down' });
    expect(await titles()).toEqual(['Charlie', 'Alpha', 'Bravo']);
    // At the end already: nothing changes, and the page says so.
    await organiser.post(`/workshops/${w.id}/challenges/${bravo}/move`, { direction: 'down' });
    expect(await titles()).toEqual(['Charlie', 'Alpha', 'Bravo']);
    expect((await organiser.get(`/workshops/${w.id}`)).body).toContain('That challenge is already at the end of the list');
    const sideways = await organiser.post(`/workshops/${w.id}/challenges/${bravo}/move`, { direction: 'sideways' });
    expect(sideways.statusCode).toBe(400);
    expect(sideways.body).toContain('Choose to move the challenge up or down');
    const other = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['Elsewhere'] });
    expect((await organiser.post(`/workshops/${w.id}/challenges/${other.challenges[0]}/move`, { direction: 'up' })).statusCode).toBe(404);

    await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
    expect((await organiser.post(`/workshops/${w.id}/challenges/${alpha}/move`, { direction: 'up' })).statusCode).toBe(400);
    expect(await titles()).toEqual(['Charlie', 'Alpha', 'Bravo']);
    expect((await organiser.get(`/workshops/${w.id}`)).body).not.toContain('>Move up<');
    expect((await auditOf(w.id)).map((a) => a.action)).toEqual(['workshop.challenge_moved', 'workshop.challenge_moved']);
  });

  it('adds participants by email all or nothing, names the addresses not found and keeps the input', async () => {
    const w = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, participants: [s.users.porter] });
    const organiser = await signedIn(t, 'organiser@example.org');
    const typed = 'Nurse@Example.org\nnobody@example.org, porter@example.org; not-an-address';
    const res = await organiser.post(`/workshops/${w.id}/participants`, { emails: typed });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('These email addresses do not belong to anyone on Alongside: nobody@example.org, not-an-address');
    expect(res.body).toContain('Nurse@Example.org\nnobody@example.org, porter@example.org; not-an-address</textarea>');
    expect(await t.db.db.selectFrom('workshop_participants').select('user_id').where('workshop_id', '=', w.id).execute()).toEqual([{ user_id: s.users.porter }]);

    const ok = await organiser.post(`/workshops/${w.id}/participants`, { emails: 'Nurse@Example.org\nporter@example.org' });
    expect(ok.statusCode).toBe(303);
    const page = await organiser.get(`/workshops/${w.id}`);
    expect(page.body).toContain('1 participant added. 1 was already taking part.');
    expect(page.body).toContain('Nia Nurse');
    const rows = await t.db.db.selectFrom('workshop_participants').select(['id', 'user_id']).where('workshop_id', '=', w.id).orderBy('id').execute();
    expect(rows.map((r) => r.user_id)).toEqual([s.users.porter, s.users.nurse]);
    const nurseRow = rows[1]!;
    expect((await organiser.post(`/workshops/${w.id}/participants`, {})).statusCode).toBe(400);

    expect((await organiser.post(`/workshops/${w.id}/participants/${nurseRow.id}/remove`, {})).statusCode).toBe(303);
    expect((await auditOf(w.id)).map((a) => [a.action, a.subject_user_id])).toEqual([
      ['workshop.participant_added', s.users.nurse],
      ['workshop.participant_removed', s.users.nurse],
    ]);
    // Once voting has closed, the people who voted stay.
    await t.db.db.updateTable('workshops').set({ voting: 'closed' }).where('id', '=', w.id).execute();
    const porterRow = rows[0]!;
    const locked = await organiser.post(`/workshops/${w.id}/participants/${porterRow.id}/remove`, {});
    expect(locked.statusCode).toBe(400);
    expect(locked.body).toContain('Voting has closed, so participants cannot be removed now');
  });

  it('answers anything typed into its forms without a server error', { timeout: 120_000 }, async () => {
    const w = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['One', 'Two'], participants: [s.users.organiser] });
    await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
    const organiser = await signedIn(t, 'organiser@example.org');
    const typed = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('', '0', '-1', '1e309', '99999999999', '\u0000', '2026-02-31', 'a'.repeat(3000), `${s.org.northTeam.id}`));
    const fields = ['title', 'unitId', 'dateDay', 'dateMonth', 'dateYear', 'venue', 'programme', 'progressPublic', 'challengeTitle', 'challengeDescription', 'emails', 'action', 'challengeId'];
    const routes = ['/workshops/new', `/workshops/${w.id}/edit`, `/workshops/${w.id}/challenges`, `/workshops/${w.id}/participants`, `/workshops/${w.id}/voting`, `/workshops/${w.id}/vote`, `/workshops/${w.id}/winner`];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.record(Object.fromEntries(fields.map((f) => [f, typed])), { requiredKeys: [] }), async (route, body) => {
        const res = await organiser.post(route, body as Record<string, string>);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    for (const url of ['/workshops?after=2026-01-01_99999999999', '/workshops/0', '/workshops/1.5/results', `/workshops/${w.id}/challenges/abc/edit`, `/workshops/${w.id}/challenges/99999999999/edit`]) {
      expect((await organiser.get(url)).statusCode).toBeLessThan(500);
    }
  });

  describe('voting', () => {
    let w: Awaited<ReturnType<typeof insertWorkshop>>;
    beforeEach(async () => {
      w = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['Share feedback', 'Learn names', 'Tidy rota'], participants: [s.users.nurse, s.users.porter] });
    });

    it('opens only with two challenges; a participant votes once and may change it while open', async () => {
      const organiser = await signedIn(t, 'organiser@example.org');
      const nurse = await signedIn(t, 'nurse@example.org');
      // Before voting opens there is nothing to vote on.
      expect((await nurse.get(`/workshops/${w.id}/vote`)).body).toContain('Voting has not opened yet');
      const early = await nurse.post(`/workshops/${w.id}/vote`, { challengeId: String(w.challenges[0]) });
      expect(early.statusCode).toBe(400);
      expect(early.body).toContain('Voting is not open, so your vote was not counted');

      const lonely = await insertWorkshop(t.db.db, { unitId: s.org.northTeam.id, challenges: ['Only one'] });
      const refused = await organiser.post(`/workshops/${lonely.id}/voting`, { action: 'open' });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('Add at least 2 challenges before opening voting');

      expect((await organiser.post(`/workshops/${w.id}/voting`, { action: 'open' })).statusCode).toBe(303);
      expect((await workshopOf(w.id)).voting).toBe('open');
      const again = await organiser.post(`/workshops/${w.id}/voting`, { action: 'open' });
      expect(again.statusCode).toBe(400);

      const votePage = await nurse.get(`/workshops/${w.id}/vote`);
      expect(votePage.body).toContain('Which challenge should we work on?');
      expect((await nurse.post(`/workshops/${w.id}/vote`, {})).statusCode).toBe(400);
      // A challenge of another workshop is not a choice here.
      expect((await nurse.post(`/workshops/${w.id}/vote`, { challengeId: String(lonely.challenges[0]) })).statusCode).toBe(400);
      const first = await nurse.post(`/workshops/${w.id}/vote`, { challengeId: String(w.challenges[0]) });
      expect(first.statusCode).toBe(303);
      expect(first.headers.location).toBe(`/workshops/${w.id}/results`);
      expect((await nurse.get(`/workshops/${w.id}/results`)).body).toContain('Your vote has been counted');
      expect((await nurse.post(`/workshops/${w.id}/vote`, { challengeId: String(w.challenges[1]) })).statusCode).toBe(303);
      const votes = await votesOf(w.id);
      expect(votes.map((v) => v.challenge_id)).toEqual([w.challenges[1]]);
      expect((await nurse.get(`/workshops/${w.id}/vote`)).body).toMatch(new RegExp(`value="${w.challenges[1]}" checked`));
      expect((await auditOf(w.id)).map((a) => [a.action, a.details])).toEqual([
        ['workshop.voting_opened', null],
        ['workshop.vote_cast', JSON.stringify({ participantId: w.participants[0] })],
        ['workshop.vote_changed', JSON.stringify({ participantId: w.participants[0] })],
      ]);
    });

    it('keeps one vote per participant when the same participant posts many votes at once', async () => {
      await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
      const nurse = await signedIn(t, 'nurse@example.org');
      const porter = await signedIn(t, 'porter@example.org');
      const posts = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => nurse.post(`/workshops/${w.id}/vote`, { challengeId: String(w.challenges[i % 3]) })),
        ...Array.from({ length: 4 }, () => porter.post(`/workshops/${w.id}/vote`, { challengeId: String(w.challenges[2]) })),
      ]);
      expect(posts.map((p) => p.statusCode)).toEqual(Array(12).fill(303));
      const votes = await votesOf(w.id);
      expect(votes.map((v) => v.participant_id)).toEqual([...w.participants].sort((a, b) => a - b));
      // Straight through the service too, as fast as the database allows.
      const ctx = await contextFor(t, s.users.nurse);
      await Promise.all(w.challenges.flatMap((c) => [castVote(ctx, w.id, { challengeId: String(c) }), castVote(ctx, w.id, { challengeId: String(c) })]));
      expect((await votesOf(w.id)).length).toBe(2);
      // And the primary key itself refuses a second row for a participant.
      await expect(insertVote(t.db.db, w.id, w.participants[0]!, w.challenges[0]!)).rejects.toThrow();
    });

    it('refuses votes from people who are not participants, and once voting has closed', async () => {
      await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
      const organiser = await signedIn(t, 'organiser@example.org');
      const outsider = await signedIn(t, 'outsider@example.org');
      const south = await signedIn(t, 'south@example.org');
      const nurse = await signedIn(t, 'nurse@example.org');
      const vote = { challengeId: String(w.challenges[0]) };
      // An organiser who is not a participant sees the workshop but may not vote.
      expect((await organiser.get(`/workshops/${w.id}/vote`)).statusCode).toBe(403);
      expect((await organiser.post(`/workshops/${w.id}/vote`, vote)).statusCode).toBe(403);
      expect((await outsider.post(`/workshops/${w.id}/vote`, vote)).statusCode).toBe(404);
      expect((await south.post(`/workshops/${w.id}/vote`, vote)).statusCode).toBe(404);
      expect(await votesOf(w.id)).toEqual([]);

      await t.db.db.updateTable('workshops').set({ voting: 'closed' }).where('id', '=', w.id).execute();
      const late = await nurse.post(`/workshops/${w.id}/vote`, vote);
      expect(late.statusCode).toBe(400);
      expect(late.body).toContain('Voting is not open, so your vote was not counted');
      expect(await votesOf(w.id)).toEqual([]);
      // Even past the page's check, the statement itself refuses a vote once voting has closed.
      await expect(castVote(await contextFor(t, s.users.nurse), w.id, vote)).rejects.toBeInstanceOf(ValidationError);
      expect(await votesOf(w.id)).toEqual([]);
    });

    it('closing records the challenge with most votes as the winner; results show counts and shares', async () => {
      await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
      const third = (await t.db.db.insertInto('workshop_participants').values({ workshop_id: w.id, user_id: s.users.outsider, added_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow()).id;
      await insertVote(t.db.db, w.id, w.participants[0]!, w.challenges[1]!);
      await insertVote(t.db.db, w.id, w.participants[1]!, w.challenges[1]!);
      await insertVote(t.db.db, w.id, third, w.challenges[0]!);
      const organiser = await signedIn(t, 'organiser@example.org');
      const live = await organiser.get(`/workshops/${w.id}/results`);
      expect(live.statusCode).toBe(200);
      expect(live.body).toContain('3 of 3 participants have voted.');
      expect(live.body).toContain('67%');
      expect(live.body).toContain('33%');
      expect(live.body).toContain('app-bar__fill--67');
      expect(live.body).toContain('Refresh results');
      expect(live.body).toContain(`data-live-results="/workshops/${w.id}/results"`);
      expect(live.body).not.toContain('http-equiv="refresh"');

      const closed = await organiser.post(`/workshops/${w.id}/voting`, { action: 'close' });
      expect(closed.statusCode).toBe(303);
      expect(closed.headers.location).toBe(`/workshops/${w.id}/results`);
      expect(await workshopOf(w.id)).toMatchObject({ voting: 'closed', winning_challenge_id: w.challenges[1] });
      const final = (await organiser.get(`/workshops/${w.id}/results`)).body;
      expect(final).toContain('The winning challenge is: Learn names');
      expect(final).not.toContain('Refresh results');
      // No tie, so nothing to choose.
      expect((await organiser.get(`/workshops/${w.id}/winner`)).statusCode).toBe(303);
      expect((await organiser.post(`/workshops/${w.id}/winner`, { challengeId: String(w.challenges[0]) })).statusCode).toBe(400);
      expect((await workshopOf(w.id)).winning_challenge_id).toBe(w.challenges[1]);
      expect((await auditOf(w.id)).map((a) => [a.action, a.details]).at(-1)).toEqual(['workshop.voting_closed', JSON.stringify({ winnerChallengeId: w.challenges[1], tied: 0 })]);
    });

    it('on a tie no winner is recorded and the organiser chooses one of the tied challenges', async () => {
      await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
      await insertVote(t.db.db, w.id, w.participants[0]!, w.challenges[0]!);
      await insertVote(t.db.db, w.id, w.participants[1]!, w.challenges[2]!);
      const organiser = await signedIn(t, 'organiser@example.org');
      const nurse = await signedIn(t, 'nurse@example.org');
      const closed = await organiser.post(`/workshops/${w.id}/voting`, { action: 'close' });
      expect(closed.headers.location).toBe(`/workshops/${w.id}/winner`);
      expect(await workshopOf(w.id)).toMatchObject({ voting: 'closed', winning_challenge_id: null });
      const page = await organiser.get(`/workshops/${w.id}/winner`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Share feedback');
      expect(page.body).toContain('Tidy rota');
      expect(page.body).not.toContain('Learn names');
      expect((await nurse.get(`/workshops/${w.id}/results`)).body).toContain('Voting ended in a tie');
      expect((await nurse.get(`/workshops/${w.id}/winner`)).statusCode).toBe(403);
      expect((await organiser.post(`/workshops/${w.id}/winner`, {})).statusCode).toBe(400);
      // A challenge that was not tied for the most votes cannot win.
      const notTied = await organiser.post(`/workshops/${w.id}/winner`, { challengeId: String(w.challenges[1]) });
      expect(notTied.statusCode).toBe(400);
      expect(notTied.body).toContain('Choose the winning challenge');
      expect((await organiser.post(`/workshops/${w.id}/winner`, { challengeId: String(w.challenges[2]) })).statusCode).toBe(303);
      expect((await workshopOf(w.id)).winning_challenge_id).toBe(w.challenges[2]);
      expect((await nurse.get(`/workshops/${w.id}`)).body).toContain('The winning challenge is: Tidy rota');
      expect((await auditOf(w.id)).map((a) => a.action).slice(-2)).toEqual(['workshop.voting_closed', 'workshop.winner_chosen']);
    });

    it('a participant sees the results once they have voted; organisers at any time', async () => {
      await t.db.db.updateTable('workshops').set({ voting: 'open' }).where('id', '=', w.id).execute();
      await insertVote(t.db.db, w.id, w.participants[1]!, w.challenges[0]!);
      const nurse = await signedIn(t, 'nurse@example.org');
      const before = await nurse.get(`/workshops/${w.id}/results`);
      expect(before.statusCode).toBe(200);
      expect(before.body).toContain('You will see the results after you vote.');
      expect(before.body).not.toContain('Votes for each challenge');
      await nurse.post(`/workshops/${w.id}/vote`, { challengeId: String(w.challenges[0]) });
      const after = (await nurse.get(`/workshops/${w.id}/results`)).body;
      expect(after).toContain('Votes for each challenge');
      expect(after).toContain('2 of 2 participants have voted.');
      expect(after).toContain('100%');
      expect((await (await signedIn(t, 'outsider@example.org')).get(`/workshops/${w.id}/results`)).statusCode).toBe(404);
    });
  });

});

describe('the winner and the shares', () => {
  it('works out the leaders and whole percentages', () => {
    expect(leaders([{ id: 1, votes: 2 }, { id: 2, votes: 3 }, { id: 3, votes: 3 }])).toEqual([2, 3]);
    expect(leaders([{ id: 1, votes: 0 }, { id: 2, votes: 0 }])).toEqual([1, 2]);
    expect(leaders([{ id: 1, votes: 1 }, { id: 2, votes: 0 }])).toEqual([1]);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(2, 3)).toBe(67);
    expect(percentOf(0, 0)).toBe(0);
  });
});
