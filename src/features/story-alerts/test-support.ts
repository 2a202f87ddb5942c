import type { TestApp } from '../../../test/support/app.ts';
import { Browser } from '../../../test/support/app.ts';
import type { ServiceContext } from '../../platform/context.ts';
import type { DigestFrequency } from '../../platform/db/types.ts';
import { insertStory } from '../stories/test-support.ts';

/** Helpers for the story-alerts tests (not a test file itself). */

/** The worker's context: nobody signed in. */
export const jobContext = (t: TestApp): ServiceContext => ({ db: t.db.db, dialect: t.db.dialect, config: t.config, principal: null, ip: null });

export const hoursBefore = (at: Date, hours: number): string => new Date(at.getTime() - hours * 3_600_000).toISOString();

/** A published story about the unit, published at the given time, with optional tagged units and themes. */
export async function publishedStory(
  t: TestApp,
  unitId: number,
  publishedAt: string,
  opts: { title?: string; tags?: string[]; units?: number[]; status?: 'new' | 'held' | 'published' | 'rejected'; consent?: 0 | 1; body?: string } = {},
): Promise<number> {
  const title = opts.title ?? 'A story';
  const id = await insertStory(t.db, unitId, {
    title: `ORIGINAL ${title}`,
    body: 'Original words naming Nurse Smith, call me on 07700 900123',
    public_title: title,
    public_body: opts.body ?? `The moderated story called ${title}. The staff listened and explained what would happen next.`,
    status: opts.status ?? 'published',
    consent_publish: opts.consent ?? 1,
    // Kept even when not published, as if published once and then held or rejected: only the status counts.
    published_at: publishedAt,
  });
  for (const tag of opts.tags ?? []) await t.db.db.insertInto('story_tags').values({ story_id: id, tag }).execute();
  for (const u of opts.units ?? []) await t.db.db.insertInto('story_units').values({ story_id: id, unit_id: u }).execute();
  return id;
}

export async function follow(t: TestApp, userId: number, what: { unitId: number } | { tag: string }): Promise<number> {
  const { id } = await t.db.db
    .insertInto('story_follows')
    .values({ user_id: userId, unit_id: 'unitId' in what ? what.unitId : null, tag: 'tag' in what ? what.tag : null, created_at: new Date().toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function setFrequency(t: TestApp, userId: number, frequency: DigestFrequency, lastSentAt: string | null = null): Promise<void> {
  const now = new Date().toISOString();
  await t.db.db
    .insertInto('story_digest_settings')
    .values({ user_id: userId, frequency, last_sent_at: lastSentAt, last_seen_at: null, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ frequency, last_sent_at: lastSentAt }))
    .execute();
}

/** The digest emails queued, by recipient. */
export async function digests(t: TestApp): Promise<{ recipient: string; subject: string | null; body_text: string; idempotency_key: string }[]> {
  return t.db.db.selectFrom('outbox').select(['recipient', 'subject', 'body_text', 'idempotency_key']).where('idempotency_key', 'like', 'story-digest:%').orderBy('id').execute();
}

export async function signedIn(t: TestApp, email: string): Promise<Browser> {
  const b = new Browser(t.app);
  await b.signIn(email);
  await b.get('/');
  return b;
}
