import { z } from 'zod';
import { ACCESS_NEEDS, AVAILABILITY, PAYMENT_PREFERENCES } from '../../platform/db/types.ts';
import { day, listOf, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';
import { tags } from '../people/schemas.ts';

/** Messages are catalogue keys under errors.opportunities (opportunities.json). */

/** The lived experience an opportunity can ask for. */
export const WANTED_RELATIONSHIPS = ['service_user', 'carer'] as const;
export const PLACES_MAX = 100;

export const opportunitySchema = z.object({
  projectId: recordId('errors.opportunities.projectInvalid').nullish(),
  groupId: recordId('errors.opportunities.groupInvalid').nullish(),
  unitId: recordId('errors.opportunities.unitRequired').nullish(),
  title: requiredText(120, { required: 'errors.opportunities.titleRequired', tooLong: 'errors.opportunities.titleTooLong' }),
  description: requiredText(5000, { required: 'errors.opportunities.descriptionRequired', tooLong: 'errors.opportunities.descriptionTooLong' }),
  whenWhere: optionalText(500),
  timeCommitment: optionalText(200),
  places: z.coerce
    .number({ error: 'errors.opportunities.placesInvalid' })
    .int('errors.opportunities.placesInvalid')
    .min(1, 'errors.opportunities.placesInvalid')
    .max(PLACES_MAX, 'errors.opportunities.placesInvalid'),
  livedExperience: optionalText(1000),
  relationships: listOf(z.enum(WANTED_RELATIONSHIPS, { error: 'errors.opportunities.relationshipInvalid' })),
  interests: tags('errors.opportunities.interestInvalid'),
  availability: listOf(z.enum(AVAILABILITY as [string, ...string[]], { error: 'errors.opportunities.availabilityInvalid' })),
  venueAccess: listOf(z.enum(ACCESS_NEEDS, { error: 'errors.opportunities.accessInvalid' })),
  paymentOffered: z.enum(PAYMENT_PREFERENCES, { error: 'errors.opportunities.paymentRequired' }),
  closesOn: day('errors.opportunities.closesOnInvalid').nullish(),
  isPublic: z.enum(['yes', 'no'], { error: 'errors.opportunities.publicRequired' }).transform((v) => v === 'yes'),
});
export type OpportunityInput = z.infer<typeof opportunitySchema>;

const email = z
  .string({ error: 'errors.opportunities.emailInvalid' })
  .max(254, 'errors.opportunities.emailInvalid')
  .pipe(z.email({ error: 'errors.opportunities.emailInvalid' }))
  .transform((e) => e.toLowerCase());
const phone = z
  .string({ error: 'errors.opportunities.phoneInvalid' })
  .max(30, 'errors.opportunities.phoneInvalid')
  .regex(/^\+?[0-9 ()-]{7,}$/, 'errors.opportunities.phoneInvalid')
  .refine((s) => s.replace(/\D/g, '').length >= 7, 'errors.opportunities.phoneInvalid');

/** The short public form: enough to get back in touch, and the two consents that allows. */
export const interestFormSchema = z
  .object({
    name: requiredText(120, { required: 'errors.opportunities.nameRequired', tooLong: 'errors.opportunities.nameTooLong' }),
    email: email.nullish(),
    phone: phone.nullish(),
    contactBy: z.enum(['email', 'phone', 'sms'], { error: 'errors.opportunities.contactByRequired' }),
    relationship: z.enum(['service_user', 'carer', 'both', 'volunteer'], { error: 'errors.opportunities.aboutYouRequired' }),
    why: optionalText(1000, 'errors.opportunities.whyTooLong'),
    consent: z.literal('yes', { error: 'errors.opportunities.consentRequired' }),
  })
  .superRefine((v, ctx) => {
    if (v.contactBy === 'email' && !v.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'errors.opportunities.emailForContact' });
    if (v.contactBy !== 'email' && !v.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'errors.opportunities.phoneForContact' });
  });
export type InterestFormInput = z.infer<typeof interestFormSchema>;

export const addMatchSchema = z.object({ personId: recordId('errors.opportunities.personRequired') });

export const respondSchema = z.object({ action: z.enum(['accept', 'decline'], { error: 'errors.opportunities.respondAction' }) });
