import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { MeetingActionTable, PersonTable, RsvpResponse } from '../../platform/db/types.ts';

/** Records for tests of attendance, minutes and actions (not a test file itself). */

/** Someone in the register of a unit: a service user shown by full name unless told otherwise. */
export async function insertRegisterPerson(db: DbHandle, unitId: number, fullName: string, over: Partial<Insertable<PersonTable>> = {}): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('people')
    .values({
      unit_id: unitId, full_name: fullName, preferred_channel: 'email', email: `${fullName.toLowerCase().replace(/\W+/g, '.')}@example.org`,
      phone: '07700 900456', format: 'standard', relationship: 'service_user', anonymity: 'full_name', payment_preference: 'involvement_rate',
      status: 'active', created_at: now, updated_at: now, ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** An invitation to a meeting, with the reply given (none by default). */
export async function invite(db: DbHandle, meetingId: number, who: { userId: number } | { personId: number }, response: RsvpResponse = 'none'): Promise<number> {
  const { id } = await db.db
    .insertInto('invitations')
    .values({
      meeting_id: meetingId, user_id: 'userId' in who ? who.userId : null, person_id: 'personId' in who ? who.personId : null,
      response, responded_at: response === 'none' ? null : nowIso(), created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** An open action of a series, due on the day given. */
export async function insertAction(db: DbHandle, seriesId: number, over: Partial<Insertable<MeetingActionTable>> = {}): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('meeting_actions')
    .values({ series_id: seriesId, description: 'Send the poster to the print room', due_on: '2025-01-31', status: 'open', created_at: now, updated_at: now, ...over })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** The day before or after a YYYY-MM-DD day. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
