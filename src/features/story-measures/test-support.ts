import type { DbHandle } from '../../platform/db/index.ts';
import type { ChangeKind } from '../../platform/db/types.ts';

/**
 * Records for the story measures tests (not a test file itself). Responses and team discussions
 * belong to other features; these write the rows directly, with only what the measures read.
 */

/** A staff response to a story at a moment, recording a change (none by default). */
export async function insertResponse(db: DbHandle, storyId: number, createdAt: string, change: ChangeKind = 'none'): Promise<number> {
  const { id } = await db.db
    .insertInto('story_responses')
    .values({
      story_id: storyId, user_id: null, responder_role: 'Ward manager', body: 'Thank you for telling us.', change,
      change_description: change === 'none' ? null : 'We changed how we explain medicines.', project_id: null, change_idea_id: null,
      created_at: createdAt, updated_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A team meeting of the unit on a day at which these stories were shared and discussed. */
export async function insertDiscussion(db: DbHandle, unitId: number, heldOn: string, storyIds: number[]): Promise<number> {
  const { id } = await db.db
    .insertInto('story_discussions')
    .values({ unit_id: unitId, held_on: heldOn, attendees: 'The ward team', attendee_count: 6, learning: 'Explain medicines slowly.', actions: null, recorded_by: null, created_at: `${heldOn}T12:00:00.000Z` })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (storyIds.length) await db.db.insertInto('story_discussion_stories').values(storyIds.map((story_id) => ({ discussion_id: id, story_id }))).execute();
  return id;
}

/** Milliseconds in a day, for building response times. */
export const DAY = 86_400_000;
/** An ISO timestamp some milliseconds after another. */
export const after = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
