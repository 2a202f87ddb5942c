import { z } from 'zod';
import { day, listOf, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What a team discussion record may hold, and the list's filters. Messages are catalogue keys
 * under errors.storyDiscussions (story-discussions.json).
 */

export const ATTENDEES_MAX = 2000;
export const LEARNING_MAX = 5000;
export const ACTIONS_MAX = 5000;
export const ATTENDEE_COUNT_MAX = 500;
/** Most stories one discussion may cover. */
export const STORIES_MAX = 100;

export const discussionSchema = z.object({
  heldOn: day('errors.storyDiscussions.dateInvalid'),
  attendees: requiredText(ATTENDEES_MAX, { required: 'errors.storyDiscussions.attendeesRequired', tooLong: 'errors.storyDiscussions.attendeesTooLong' }),
  attendeeCount: z.coerce
    .number({ error: 'errors.storyDiscussions.countInvalid' })
    .int('errors.storyDiscussions.countInvalid')
    .min(1, 'errors.storyDiscussions.countInvalid')
    .max(ATTENDEE_COUNT_MAX, 'errors.storyDiscussions.countInvalid'),
  learning: requiredText(LEARNING_MAX, { required: 'errors.storyDiscussions.learningRequired', tooLong: 'errors.storyDiscussions.learningTooLong' }),
  actions: optionalText(ACTIONS_MAX, 'errors.storyDiscussions.actionsTooLong'),
  storyId: listOf(z.string().regex(/^\d{1,10}$/, 'errors.storyDiscussions.storyInvalid'))
    .refine((ids) => ids.length > 0, 'errors.storyDiscussions.storiesRequired')
    .refine((ids) => ids.length <= STORIES_MAX, 'errors.storyDiscussions.tooManyStories'),
});
export type DiscussionInput = z.infer<typeof discussionSchema>;

/** A keyset cursor over discussions: the day held and the id. */
export const discussionCursor = z.string().regex(/^\d{4}-\d{2}-\d{2}_\d{1,10}$/);

export const listQuerySchema = z.object({
  unitId: recordId('errors.storyDiscussions.unitInvalid').optional(),
  after: discussionCursor.optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** A keyset cursor over units on the coverage page: the path of the last unit shown. */
export const coverageQuerySchema = z.object({
  after: z.string().regex(/^(\/\d{1,10})+\/$/).optional(),
});

/** The new-discussion page's unit and how many stories to list. */
export const newQuerySchema = z.object({
  unit: recordId('errors.storyDiscussions.unitRequired'),
});
