import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createUser, seedOrg, type TestApp } from '../../test/support/app.ts';
import { nowIso } from '../platform/db/index.ts';
import { addSeriesMember, insertMeeting, insertSeries } from '../features/meetings/test-support.ts';
import { insertPerson } from '../features/involvement/test-support.ts';

describe('012_meeting_people_once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses a second attendance, invitation or membership for the same person, and allows walk-ins and other people', async () => {
    const org = await seedOrg(t.db);
    const user = await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }]);
    const person = await insertPerson(t.db, org.northTeam.id);
    const series = await insertSeries(t.db, org.northTeam.id);
    const meeting = await insertMeeting(t.db, series.id);
    const db = t.db.db;
    const attend = (v: { user_id?: number; person_id?: number; walk_in_name?: string }) =>
      db.insertInto('attendance').values({ meeting_id: meeting.id, role: 'service_user', status: 'present', recorded_at: nowIso(), ...v }).execute();
    await attend({ person_id: person.id });
    await expect(attend({ person_id: person.id })).rejects.toThrow();
    await attend({ user_id: user });
    await expect(attend({ user_id: user })).rejects.toThrow();
    // Walk-ins name neither a user nor a person: any number of them.
    await attend({ walk_in_name: 'Sam' });
    await attend({ walk_in_name: 'Kim' });
    const invite = (v: { user_id?: number; person_id?: number }) => db.insertInto('invitations').values({ meeting_id: meeting.id, created_at: nowIso(), ...v }).execute();
    await invite({ person_id: person.id });
    await expect(invite({ person_id: person.id })).rejects.toThrow();
    await addSeriesMember(t.db, series.id, { personId: person.id });
    await expect(addSeriesMember(t.db, series.id, { personId: person.id })).rejects.toThrow();
    // The same person may attend another meeting.
    const next = await insertMeeting(t.db, series.id, { starts_at: new Date(Date.now() + 40 * 86_400_000).toISOString() });
    await db.insertInto('attendance').values({ meeting_id: next.id, person_id: person.id, role: 'service_user', status: 'present', recorded_at: nowIso() }).execute();
  });
});
