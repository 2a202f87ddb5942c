import { z } from 'zod';
import { CHANGE_KINDS } from '../../platform/db/types.ts';
import { noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What a response to a story and the staff story list's filters may hold. Messages are catalogue
 * keys under errors.storyResponses (story-responses.json).
 */

export const ROLE_MAX = 100;
export const BODY_MAX = 5000;
export const CHANGE_DESCRIPTION_MAX = 2000;
export const SEARCH_MAX = 100;
export const TAG_MAX = 60;

/** The fields of the response form. Whether a change needs describing is checked with them, in the service. */
export const responseSchema = z.object({
  responderRole: requiredText(ROLE_MAX, { required: 'errors.storyResponses.roleRequired', tooLong: 'errors.storyResponses.roleTooLong' }),
  body: requiredText(BODY_MAX, { required: 'errors.storyResponses.bodyRequired', tooLong: 'errors.storyResponses.bodyTooLong' }),
  change: z.enum(CHANGE_KINDS, { error: 'errors.storyResponses.changeRequired' }),
  changeDescription: optionalText(CHANGE_DESCRIPTION_MAX, 'errors.storyResponses.changeDescriptionTooLong'),
  projectId: recordId('errors.storyResponses.projectInvalid').optional(),
  changeIdeaId: recordId('errors.storyResponses.ideaInvalid').optional(),
});
export type ResponseInput = z.infer<typeof responseSchema>;

/** A keyset cursor over published stories: when it was published and its id. */
export const storyCursor = z.string().regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_\d{1,10}$/, 'errors.storyResponses.pageInvalid');

export const YES_NO = ['yes', 'no'] as const;

/** The filters of /feedback/stories; one that makes no sense is dropped (lenient parsing). */
export const listQuerySchema = z.object({
  unitId: recordId('errors.storyResponses.unitInvalid').optional(),
  answered: z.enum(YES_NO).optional(),
  discussed: z.enum(YES_NO).optional(),
  tag: z.string().max(TAG_MAX).refine(noNul).transform((s) => s.toLowerCase()).optional(),
  q: z.string().max(SEARCH_MAX).refine(noNul).optional(),
  after: storyCursor.optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
