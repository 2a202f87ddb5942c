import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { Person, PersonTable } from '../../platform/db/types.ts';
import type { Insertable } from 'kysely';

/** Inserts a person in the register with plain defaults; tests override what they are about. */
export async function insertPerson(db: DbHandle, unitId: number, over: Partial<Insertable<PersonTable>> = {}): Promise<Person> {
  const now = nowIso();
  return db.db
    .insertInto('people')
    .values({
      unit_id: unitId,
      full_name: 'Test Person',
      preferred_channel: 'email',
      email: 'person@example.org',
      format: 'standard',
      relationship: 'service_user',
      anonymity: 'full_name',
      payment_preference: 'involvement_rate',
      status: 'active',
      created_at: now,
      updated_at: now,
      ...over,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
