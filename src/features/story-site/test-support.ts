import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { StoryResponseTable } from '../../platform/db/types.ts';

/** Records for the public stories site's tests (not a test file itself). */

/** A staff response to a story, inserted directly (the responses feature owns its forms). */
export async function insertResponse(db: DbHandle, storyId: number, over: Partial<Insertable<StoryResponseTable>> = {}): Promise<number> {
  const now = nowIso();
  const { id } = await db.db
    .insertInto('story_responses')
    .values({
      story_id: storyId, user_id: null, responder_role: 'Ward manager', body: 'Thank you for telling us.', change: 'none', change_description: null,
      project_id: null, change_idea_id: null, created_at: now, updated_at: now, ...over,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A change idea on a project, inserted directly. */
export async function insertIdea(db: DbHandle, projectId: number, title: string, status: 'idea' | 'testing' | 'adopted' = 'testing'): Promise<number> {
  const { id } = await db.db
    .insertInto('change_ideas')
    .values({ project_id: projectId, driver_id: null, title, description: null, size: 'small_quick', source: 'service_user', source_ref: null, status, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** An ISO instant this many days before now (for published_at and created_at). */
export const daysAgo = (n: number, from = Date.now()): string => new Date(from - n * 86_400_000).toISOString();
