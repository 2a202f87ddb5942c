import { z } from 'zod';
import { day, noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What a workshop, its challenges, participants and votes may hold. Messages are catalogue keys
 * under errors.workshops (workshops.json).
 */

export const TITLE_MAX = 200;
export const VENUE_MAX = 200;
export const PROGRAMME_MAX = 10_000;
export const CHALLENGE_TITLE_MAX = 200;
export const CHALLENGE_DESCRIPTION_MAX = 2_000;
/** The participant box: many addresses at once, but not without limit. */
export const EMAILS_MAX_CHARS = 20_000;
export const EMAILS_MAX = 300;

/** The workshop form. The date arrives from three boxes, joined by the service (dateFromParts). */
export const workshopSchema = z.object({
  title: requiredText(TITLE_MAX, { required: 'errors.workshops.titleRequired', tooLong: 'errors.workshops.titleTooLong' }),
  unitId: recordId('errors.workshops.unitRequired'),
  heldOn: z.string({ error: 'errors.workshops.dateRequired' }).pipe(day('errors.workshops.dateInvalid')),
  venue: optionalText(VENUE_MAX, 'errors.workshops.venueTooLong'),
  programme: optionalText(PROGRAMME_MAX, 'errors.workshops.programmeTooLong'),
  progressPublic: z.enum(['yes', 'no'], { error: 'errors.workshops.progressPublicRequired' }),
});
export type WorkshopInput = z.infer<typeof workshopSchema>;

export const challengeSchema = z.object({
  challengeTitle: requiredText(CHALLENGE_TITLE_MAX, { required: 'errors.workshops.challengeTitleRequired', tooLong: 'errors.workshops.challengeTitleTooLong' }),
  challengeDescription: optionalText(CHALLENGE_DESCRIPTION_MAX, 'errors.workshops.challengeDescriptionTooLong'),
});
export type ChallengeInput = z.infer<typeof challengeSchema>;

export const participantsSchema = z.object({
  emails: z
    .string({ error: 'errors.workshops.emailsRequired' })
    .min(1, 'errors.workshops.emailsRequired')
    .max(EMAILS_MAX_CHARS, 'errors.workshops.emailsTooLong')
    .refine(noNul, 'errors.fields.badCharacter'),
});

export const votingSchema = z.object({
  action: z.enum(['open', 'close'], { error: 'errors.workshops.votingActionRequired' }),
});

export const voteSchema = z.object({
  challengeId: recordId('errors.workshops.voteRequired'),
});

export const winnerSchema = z.object({
  challengeId: recordId('errors.workshops.winnerRequired'),
});

export const listQuerySchema = z.object({
  /** Keyset cursor: the last row's date and id, "YYYY-MM-DD_id". */
  after: z.string().regex(/^\d{4}-\d{2}-\d{2}_\d{1,10}$/).optional(),
});

/**
 * The addresses typed in the participant box, one per line or separated by commas, semicolons or
 * spaces; lower-cased (accounts are stored so) and without repeats, in the order typed.
 */
export function splitEmails(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean))];
}

/** Enough to look an address up: something@something.something, nothing odd. */
export const looksLikeEmail = (e: string): boolean => e.length <= 254 && /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(e);
