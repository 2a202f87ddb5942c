import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { indexesOn } from '../../test/support/db.ts';
import { nowIso } from '../platform/db/index.ts';
import * as m018 from './018_outbox_story.ts';

describe('018_outbox_story', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const message = (key: string, storyId?: number) => {
    const now = nowIso();
    return {
      idempotency_key: key, channel: 'sms' as const, recipient: '07700 900123', subject: 'S', body_text: 'B', status: 'pending' as const,
      attempts: 0, next_attempt_at: now, created_at: now, ...(storyId === undefined ? {} : { story_id: storyId }),
    };
  };

  it('names the story a message is for, refuses a story that does not exist, and goes down and up again cleanly', async () => {
    expect(await indexesOn(t.db, 'outbox')).toContain('outbox_story');
    await expect(t.db.db.insertInto('outbox').values(message('no-such-story', 999_999)).execute()).rejects.toThrow();
    await m018.down(t.db.db as never);
    expect(await indexesOn(t.db, 'outbox')).not.toContain('outbox_story');
    await t.db.db.insertInto('outbox').values(message('without-story')).execute();
    await m018.up(t.db.db as never);
    expect(await indexesOn(t.db, 'outbox')).toContain('outbox_story');
    expect(await t.db.db.selectFrom('outbox').select(['idempotency_key', 'story_id']).execute()).toEqual([{ idempotency_key: 'without-story', story_id: null }]);
  });
});
