import { Browser, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { VotingState } from '../../platform/db/workshop-types.ts';

/** Records and helpers for the workshop tests (not a test file itself). */

/** The test organisation with an organiser for North, one for South, and staff who take part. */
export async function seedWorkshops(t: TestApp) {
  const org = await seedOrg(t.db);
  const users = {
    organiser: await createUser(t.db, 'organiser@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Olu Organiser'),
    southOrganiser: await createUser(t.db, 'south@example.org', [{ unitId: org.south.id, role: 'qi_staff' }], 'Sol South'),
    nurse: await createUser(t.db, 'nurse@example.org', [{ unitId: org.northTeam.id, role: 'viewer' }], 'Nia Nurse'),
    porter: await createUser(t.db, 'porter@example.org', [{ unitId: org.northTeam.id, role: 'viewer' }], 'Pat Porter'),
    outsider: await createUser(t.db, 'outsider@example.org', [{ unitId: org.northTeam.id, role: 'viewer' }], 'Oz Outsider'),
  };
  return { org, users };
}

/** A workshop straight into the database, with challenges and participants (user ids) if given. */
export async function insertWorkshop(
  db: Db,
  opts: { unitId: number; title?: string; heldOn?: string; voting?: VotingState; challenges?: string[]; participants?: number[]; createdBy?: number | null },
): Promise<{ id: number; challenges: number[]; participants: number[] }> {
  const now = nowIso();
  const { id } = await db
    .insertInto('workshops')
    .values({
      unit_id: opts.unitId, title: opts.title ?? 'Impact workshop', held_on: opts.heldOn ?? '2026-03-15', venue: 'Board room', programme: '10:00 Welcome\n10:30 Stories',
      voting: opts.voting ?? 'not_open', winning_challenge_id: null, progress_public: 0, created_by: opts.createdBy ?? null, created_at: now, updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const challenges: number[] = [];
  for (const [position, title] of (opts.challenges ?? []).entries()) {
    challenges.push((await db.insertInto('workshop_challenges').values({ workshop_id: id, title, description: null, position }).returning('id').executeTakeFirstOrThrow()).id);
  }
  const participants: number[] = [];
  for (const userId of opts.participants ?? []) {
    participants.push((await db.insertInto('workshop_participants').values({ workshop_id: id, user_id: userId, added_at: now }).returning('id').executeTakeFirstOrThrow()).id);
  }
  return { id, challenges, participants };
}

/** A vote straight into the database. */
export async function insertVote(db: Db, workshopId: number, participantId: number, challengeId: number): Promise<void> {
  await db.insertInto('workshop_votes').values({ workshop_id: workshopId, participant_id: participantId, challenge_id: challengeId, voted_at: nowIso() }).execute();
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** What a service call would receive for this user, as if they had signed in. */
export async function contextFor(t: TestApp, userId: number): Promise<ServiceContext> {
  return { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, userId), ip: '127.0.0.1' };
}
