import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { PersonTable } from '../../platform/db/types.ts';
import { storeFile } from '../../platform/files/index.ts';

/** Records for tests of invitations (not a test file itself). */

/** Someone in the register; with consent (the default) their written consent to be contacted. */
export async function addInvitee(
  db: DbHandle,
  unitId: number,
  name: string,
  over: Partial<Insertable<PersonTable>> = {},
  consent: 'given' | 'none' | 'withdrawn' = 'given',
): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('people')
    .values({
      unit_id: unitId,
      full_name: name,
      preferred_channel: 'email',
      email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`,
      format: 'standard',
      relationship: 'service_user',
      anonymity: 'full_name',
      payment_preference: 'involvement_rate',
      status: 'active',
      created_at: now,
      updated_at: now,
      ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const consentRow = (given: number) => ({ person_id: id, kind: 'contact' as const, given, method: 'written' as const, note: null, recorded_at: now, recorded_by: null });
  if (consent !== 'none') await db.db.insertInto('consents').values(consentRow(1)).execute();
  if (consent === 'withdrawn') await db.db.insertInto('consents').values(consentRow(0)).execute();
  return id;
}

/** A paper on an agenda item, its bytes stored as a file. */
export async function addPaper(db: DbHandle, agendaItemId: number, filename: string, content: Buffer, contentType = 'application/pdf'): Promise<number> {
  const sha = await storeFile(db.db, content);
  const { id } = await db.db
    .insertInto('meeting_papers')
    .values({ agenda_item_id: agendaItemId, filename, content_type: contentType, size: content.length, file_sha256: sha, uploaded_by: null, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** The answer link in a message's text. */
export function rsvpLink(text: string): string {
  const m = /https?:\/\/\S+\/rsvp\/[A-Za-z0-9_-]+/.exec(text);
  if (!m) throw new Error('no answer link in the message');
  return m[0];
}

/** The path of the answer link in a message's text (tests call the app, not the configured host). */
export const rsvpPath = (text: string): string => new URL(rsvpLink(text)).pathname;
