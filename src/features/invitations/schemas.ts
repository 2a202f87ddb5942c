import { z } from 'zod';
import { noNul, optionalText, recordId } from '../../platform/http/fields.ts';

/** Longest "anything you need for this meeting" answer. */
export const ACCESS_NEEDS_MAX = 1000;

/** The answers someone can give (RSVP_RESPONSES without "none", which means no answer yet). */
export const ANSWERS = ['in_person', 'online', 'apologies'] as const;
export type Answer = (typeof ANSWERS)[number];

/** Inviting someone to this meeting only: a person from the register, or a staff user. */
export const addPersonSchema = z.object({ personId: recordId('errors.invitations.personRequired') });
export const addUserSchema = z.object({ userId: recordId('errors.invitations.userRequired') });

export const rsvpSchema = z.object({
  response: z.enum(ANSWERS, { error: 'errors.invitations.responseRequired' }),
  accessNeeds: optionalText(ACCESS_NEEDS_MAX, 'errors.invitations.accessNeedsTooLong'),
});

/**
 * The invite list's address: where a page starts (`after=p12` or `u3`: the last invitee of the
 * page before) and the two "find" boxes (q for the register, uq for staff). Bad values are dropped.
 */
export const listQuerySchema = z
  .object({
    after: z
      .string()
      .regex(/^[pu][1-9]\d{0,9}$/)
      .optional()
      .catch(undefined),
    q: z.string().max(100).refine(noNul).optional().catch(undefined),
    uq: z.string().max(100).refine(noNul).optional().catch(undefined),
  })
  .catch({});
