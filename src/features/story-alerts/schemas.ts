import { z } from 'zod';
import { MAX_ID } from '../../platform/db/index.ts';
import { DIGEST_FREQUENCIES } from '../../platform/db/types.ts';
import { recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What the following and "for you" forms may hold. Messages are catalogue keys under
 * errors.storyAlerts (story-alerts.json).
 */

export const TAG_MAX = 60;
/** How many units and themes one person may follow (keeps the routing query short). */
export const FOLLOW_MAX = 50;

/** Follow a unit (and everything below it), chosen from the units in the user's scope. */
export const followUnitSchema = z.object({
  unitId: recordId('errors.storyAlerts.unitRequired'),
});

/** Follow a theme: stored lower case with single spaces, as moderators tag stories. */
export const followTagSchema = z.object({
  tag: requiredText(TAG_MAX, { required: 'errors.storyAlerts.tagRequired', tooLong: 'errors.storyAlerts.tagTooLong' })
    .transform((s) => s.toLowerCase().replace(/\s+/g, ' ')),
});

export const frequencySchema = z.object({
  frequency: z.enum(DIGEST_FREQUENCIES, { error: 'errors.storyAlerts.frequencyRequired' }),
});

/** The "for you" list's keyset cursor: the last story's published time and id ("2026-03-02T09:00:00.000Z_12"). */
export const cursorSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_[1-9]\d{0,9}$/)
  .refine((s) => Number(s.slice(s.lastIndexOf('_') + 1)) <= MAX_ID && !Number.isNaN(Date.parse(s.slice(0, s.lastIndexOf('_')))))
  .transform((s) => ({ at: s.slice(0, s.lastIndexOf('_')), id: Number(s.slice(s.lastIndexOf('_') + 1)) }));

/** When the reader last looked, carried from the first page to the next so "new" stays the same. */
export const seenSchema = z.iso.datetime();
