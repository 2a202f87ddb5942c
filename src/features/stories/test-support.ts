import type { Insertable } from 'kysely';
import { createUser, seedOrg, type TestApp } from '../../../test/support/app.ts';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { StoryTable } from '../../platform/db/types.ts';

/**
 * Records for the story tests (not a test file itself): an organisation with a North lead (a
 * moderator), North QI staff on the North team, a South QI staff member, a trust-wide viewer and a
 * North partner.
 */
export async function seedStories(t: TestApp) {
  const org = await seedOrg(t.db);
  const users = {
    lead: await createUser(t.db, 'lead@example.org', [{ unitId: org.north.id, role: 'lead' }], 'Lee Lead'),
    staff: await createUser(t.db, 'staff@example.org', [{ unitId: org.northTeam.id, role: 'qi_staff' }], 'Sam Staff'),
    southStaff: await createUser(t.db, 'south@example.org', [{ unitId: org.southTeam.id, role: 'qi_staff' }], 'Sol South'),
    viewer: await createUser(t.db, 'viewer@example.org', [{ unitId: org.trust.id, role: 'viewer' }], 'Vi Viewer'),
    partner: await createUser(t.db, 'partner@example.org', [{ unitId: org.northTeam.id, role: 'partner' }], 'Pat Partner'),
  };
  return { org, users };
}

/**
 * A story as if told on the public form, about the given unit. Published with consent unless told
 * otherwise; the public version is the original unless overridden.
 */
export async function insertStory(db: DbHandle, unitId: number, over: Partial<Insertable<StoryTable>> = {}): Promise<number> {
  const now = nowIso();
  const title = over.title ?? 'Kind staff on the ward';
  const body = over.body ?? 'The nurses took time to explain my medication to me.';
  const { id } = await db.db
    .insertInto('stories')
    .values({
      unit_id: unitId, source: 'online', teller_role: 'patient', title, body, good: 'Kindness', better: 'Waiting times',
      teller_name: 'Jo Bloggs', contact_email: 'jo.bloggs@example.org', contact_phone: null, consent_publish: 1, naming: 'first_name',
      public_title: over.public_title ?? title, public_body: over.public_body ?? body, public_good: 'Kindness', public_better: 'Waiting times',
      public_name: 'Jo', status: 'published', received_at: now, updated_at: now, published_at: now, ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
