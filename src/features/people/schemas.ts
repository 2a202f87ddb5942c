import { z } from 'zod';
import {
  ACCESS_NEEDS, ANONYMITY, AVAILABILITY, CHANNELS, CONSENT_KINDS, CONSENT_METHODS, FORMATS, HEARD_VIA,
  PAYMENT_PREFERENCES, PERSON_STATUSES, RELATIONSHIPS,
} from '../../platform/db/types.ts';
import { listOf, noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What a person in the involvement register may hold. The register form, the self-service
 * profile, the importer and the JSON API all validate with these. Messages are catalogue keys
 * under errors.people (people.json).
 */

export const NAME_MAX = 120;
export const TAG_MAX = 60;
export const TAGS_MAX = 20;

const email = z
  .string({ error: 'errors.people.emailInvalid' })
  .max(254, 'errors.people.emailInvalid')
  .pipe(z.email({ error: 'errors.people.emailInvalid' }))
  .transform((e) => e.toLowerCase());

/** UK and international numbers: digits with optional +, spaces, brackets and dashes. Stored as typed. */
const phone = z
  .string({ error: 'errors.people.phoneInvalid' })
  .max(30, 'errors.people.phoneInvalid')
  .regex(/^\+?[0-9 ()-]{7,}$/, 'errors.people.phoneInvalid')
  .refine((s) => s.replace(/\D/g, '').length >= 7, 'errors.people.phoneInvalid');

/** A UK postcode, stored in capitals with one space ("LU1 3JU"). */
const postcode = z
  .string({ error: 'errors.people.postcodeInvalid' })
  .transform((s) => s.toUpperCase().replace(/\s+/g, ''))
  .pipe(z.string().regex(/^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$/, 'errors.people.postcodeInvalid'))
  .transform((s) => `${s.slice(0, -3)} ${s.slice(-3)}`);

/** Free tags (interests, skills and training): a comma-separated string or a list; kept in lower case. */
export const tags = (message: string) =>
  z.preprocess(
    (v) => {
      const parts = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,;\n]/) : v == null ? [] : v;
      return Array.isArray(parts) ? parts.map((p) => (typeof p === 'string' ? p.trim().toLowerCase() : p)).filter((p) => p !== '') : parts;
    },
    z
      .array(z.string({ error: message }).max(TAG_MAX, message).refine(noNul, 'errors.fields.badCharacter'), { error: message })
      .max(TAGS_MAX, 'errors.people.tooManyTags')
      .transform((a) => [...new Set(a)]),
  );

export const personFields = z.object({
  unitId: recordId('errors.people.unitRequired').describe('The organisation unit whose register holds the person.'),
  fullName: requiredText(NAME_MAX, { required: 'errors.people.fullNameRequired', tooLong: 'errors.people.fullNameTooLong' }),
  preferredName: optionalText(NAME_MAX).describe('How they like to be addressed.'),
  email: email.nullish(),
  phone: phone.nullish(),
  address: optionalText(500),
  postcode: postcode.nullish(),
  preferredChannel: z.enum(CHANNELS, { error: 'errors.people.channelRequired' }),
  format: z.enum(FORMATS, { error: 'errors.people.formatRequired' }),
  formatLanguage: optionalText(60).describe('Which language, when the format is another language.'),
  accessNeeds: listOf(z.enum(ACCESS_NEEDS, { error: 'errors.people.accessNeedInvalid' })),
  accessNeedsOther: optionalText(500),
  relationship: z.enum(RELATIONSHIPS, { error: 'errors.people.relationshipRequired' }),
  servicesKnown: optionalText(500).describe('Services or teams they know from their own experience.'),
  interests: tags('errors.people.interestInvalid'),
  skills: tags('errors.people.skillInvalid').describe('Skills and training done, e.g. "qi introduction".'),
  availability: listOf(z.enum(AVAILABILITY as [string, ...string[]], { error: 'errors.people.availabilityInvalid' })).describe('Days and times, e.g. tue_pm.'),
  availabilityNotes: optionalText(500),
  anonymity: z.enum(ANONYMITY, { error: 'errors.people.anonymityRequired' }).describe('How their name appears wherever their words or name are shown.'),
  paymentPreference: z.enum(PAYMENT_PREFERENCES, { error: 'errors.people.paymentRequired' }),
  heardVia: z.enum(HEARD_VIA, { error: 'errors.people.heardViaInvalid' }).nullish(),
  outreachEventId: recordId('errors.people.outreachInvalid').nullish(),
  status: z.enum(PERSON_STATUSES, { error: 'errors.people.statusRequired' }),
  notes: optionalText(5000),
});

type PersonFields = z.infer<typeof personFields>;

/** The contact details the preferred channel and format need must be there. */
export function checkReachable(p: Pick<PersonFields, 'preferredChannel' | 'email' | 'phone' | 'address' | 'postcode' | 'format' | 'formatLanguage'>, ctx: z.RefinementCtx): void {
  const need = (ok: unknown, path: string, message: string) => {
    if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
  };
  if (p.preferredChannel === 'email') need(p.email, 'email', 'errors.people.emailForChannel');
  if (p.preferredChannel === 'sms' || p.preferredChannel === 'phone') need(p.phone, 'phone', 'errors.people.phoneForChannel');
  if (p.preferredChannel === 'post') {
    need(p.address, 'address', 'errors.people.addressForChannel');
    need(p.postcode, 'postcode', 'errors.people.postcodeForChannel');
  }
  if (p.format === 'other_language') need(p.formatLanguage, 'formatLanguage', 'errors.people.formatLanguageRequired');
}

/** Adding or editing a person in the register (involvement lead). */
export const personSchema = personFields.superRefine(checkReachable);
export type PersonInput = z.infer<typeof personSchema>;

/** What a partner may change on their own profile: not their unit, status or the lead's notes. */
export const selfProfileSchema = personFields
  .omit({ unitId: true, status: true, notes: true, outreachEventId: true, heardVia: true })
  .superRefine(checkReachable);
export type SelfProfileInput = z.infer<typeof selfProfileSchema>;

export const consentSchema = z.object({
  kind: z.enum(CONSENT_KINDS, { error: 'errors.people.consentKindRequired' }),
  given: z.enum(['yes', 'no'], { error: 'errors.people.consentGivenRequired' }).transform((v) => v === 'yes'),
  method: z.enum(CONSENT_METHODS, { error: 'errors.people.consentMethodRequired' }),
  note: optionalText(500),
});
export type ConsentInput = z.infer<typeof consentSchema>;
