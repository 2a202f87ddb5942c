import { z } from 'zod';
import { OUTREACH_KINDS } from '../../platform/db/types.ts';
import { day, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';
import { personFields } from '../people/schemas.ts';

/** What an outreach event and a quick enquiry may hold. Messages are catalogue keys (outreach.json). */

export const TITLE_MAX = 200;
export const PLACE_MAX = 200;
export const WHO_MAX = 500;
export const NOTES_MAX = 5000;
export const SPOKEN_MAX = 100_000;

/** Channels a quick enquiry may choose: post needs an address, which is taken in the full register form. */
export const ENQUIRY_CHANNELS = ['email', 'sms', 'phone'] as const;

export const eventSchema = z.object({
  unitId: recordId('errors.outreach.unitRequired'),
  onDate: day('errors.outreach.dateInvalid'),
  kind: z.enum(OUTREACH_KINDS, { error: 'errors.outreach.kindRequired' }),
  title: requiredText(TITLE_MAX, { required: 'errors.outreach.titleRequired', tooLong: 'errors.outreach.titleTooLong' }),
  place: optionalText(PLACE_MAX, 'errors.outreach.placeTooLong'),
  whoWent: optionalText(WHO_MAX, 'errors.outreach.whoWentTooLong'),
  peopleSpokenTo: z.coerce
    .number({ error: 'errors.outreach.spokenInvalid' })
    .int('errors.outreach.spokenInvalid')
    .min(0, 'errors.outreach.spokenInvalid')
    .max(SPOKEN_MAX, 'errors.outreach.spokenInvalid')
    .optional(),
  notes: optionalText(NOTES_MAX, 'errors.outreach.notesTooLong'),
  campaignId: recordId('errors.outreach.campaignInvalid').optional(),
});
export type EventInput = z.infer<typeof eventSchema>;

/** A new enquiry taken down quickly: a name and one way to reach them. The register form holds the rest. */
export const enquirySchema = personFields
  .pick({ fullName: true, email: true, phone: true })
  .extend({ preferredChannel: z.enum(ENQUIRY_CHANNELS, { error: 'errors.outreach.channelRequired' }) })
  .superRefine((p, ctx) => {
    if (p.preferredChannel === 'email' && !p.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'errors.people.emailForChannel' });
    if (p.preferredChannel !== 'email' && !p.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'errors.people.phoneForChannel' });
  });
export type EnquiryInput = z.infer<typeof enquirySchema>;

export const listQuerySchema = z.object({
  from: day('errors.outreach.fromInvalid').optional(),
  to: day('errors.outreach.toInvalid').optional(),
  kind: z.enum(OUTREACH_KINDS, { error: 'errors.outreach.kindInvalid' }).optional(),
  before: recordId('errors.outreach.pageInvalid').optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
