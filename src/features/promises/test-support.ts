import type { Insertable } from 'kysely';
import { Browser, createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import type { ServiceContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { PromiseTable, WorkshopTable } from '../../platform/db/workshop-types.ts';
import { insertRegisterPerson } from '../minutes/test-support.ts';

/**
 * Records for the promise tests (not a test file itself). Workshops and participants are written
 * straight into their tables (the workshops feature owns their forms).
 */

export async function insertWorkshop(db: DbHandle, unitId: number, over: Partial<Insertable<WorkshopTable>> = {}): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('workshops')
    .values({ unit_id: unitId, title: 'Impact workshop', held_on: '2026-03-10', venue: null, programme: null, voting: 'closed', winning_challenge_id: null, progress_public: 0, created_by: null, created_at: now, updated_at: now, ...over })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Adds a challenge and makes it the workshop's winner. */
export async function setWinner(db: DbHandle, workshopId: number, title: string): Promise<number> {
  const { id } = await db.db.insertInto('workshop_challenges').values({ workshop_id: workshopId, title, description: null, position: 0 }).returning('id').executeTakeFirstOrThrow();
  await db.db.updateTable('workshops').set({ winning_challenge_id: id }).where('id', '=', workshopId).execute();
  return id;
}

export async function addParticipant(db: DbHandle, workshopId: number, userId: number): Promise<number> {
  const { id } = await db.db.insertInto('workshop_participants').values({ workshop_id: workshopId, user_id: userId, added_at: nowIso() }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function insertPromise(db: DbHandle, workshopId: number, participantId: number, over: Partial<Insertable<PromiseTable>> = {}): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('promises')
    .values({ workshop_id: workshopId, participant_id: participantId, text: 'I will share feedback at every team meeting', shared: 0, check_in_on: '2099-01-01', progress: 'not_yet', created_at: now, updated_at: now, ...over })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** An involvement group with the given members (register entries, each linked to an account or not, current or former). */
export async function insertGroup(db: DbHandle, unitId: number, name: string, members: { name: string; userId?: number; leftOn?: string }[] = []): Promise<number> {
  const { id } = await db.db
    .insertInto('groups')
    .values({ unit_id: unitId, name, purpose: null, terms_of_reference: null, cadence: null, created_at: nowIso(), archived_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const m of members) {
    const personId = await insertRegisterPerson(db, unitId, m.name, { user_id: m.userId ?? null });
    await db.db.insertInto('group_members').values({ group_id: id, person_id: personId, role: 'member', joined_on: '2025-01-01', left_on: m.leftOn ?? null }).execute();
  }
  return id;
}

/**
 * An organisation with a North team workshop run by North QI staff (Sam), three participants
 * (Alice, Bob, Cara) with no roles, a named supporter (Sue), a Working Together Group in the North team with
 * Gus (who has an account), a member without an account and a former member with an account (Fay),
 * South QI staff, and an outsider with an account and nothing else.
 */
export async function seedPromises(t: TestApp) {
  const org = await seedOrg(t.db);
  const users = {
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    alice: await createUser(t.db, 'alice@example.org', [], 'Alice Ash'),
    bob: await createUser(t.db, 'bob@example.org', [], 'Bob Birch'),
    cara: await createUser(t.db, 'cara@example.org', [], 'Cara Cole'),
    sue: await createUser(t.db, 'sue@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Sue Supporter'),
    gus: await createUser(t.db, 'gus@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Gus Group'),
    fay: await createUser(t.db, 'fay@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Fay Former'),
    outsider: await createUser(t.db, 'olly@example.org', [], 'Olly Outsider'),
  };
  const workshop = await insertWorkshop(t.db, org.northTeam.id, { created_by: users.staff });
  const participants = {
    alice: await addParticipant(t.db, workshop, users.alice),
    bob: await addParticipant(t.db, workshop, users.bob),
    cara: await addParticipant(t.db, workshop, users.cara),
  };
  const group = await insertGroup(t.db, org.northTeam.id, 'Working Together Group', [
    { name: 'Gus Group', userId: users.gus },
    { name: 'Nia No-account' },
    { name: 'Fay Former', userId: users.fay, leftOn: '2025-06-01' },
  ]);
  const southGroup = await insertGroup(t.db, org.south.id, 'South Voices');
  return { org, users, workshop, participants, group, southGroup };
}

export async function ctxFor(t: TestApp, userId: number | null): Promise<ServiceContext> {
  return { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: userId == null ? null : await loadPrincipal(t.db.db, userId), ip: null };
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}

/** The day, month and year boxes of the promise form for a YYYY-MM-DD date. */
export function dateFields(day: string): { checkInDay: string; checkInMonth: string; checkInYear: string } {
  const [y, m, d] = day.split('-') as [string, string, string];
  return { checkInDay: String(Number(d)), checkInMonth: String(Number(m)), checkInYear: y };
}
