import { z } from 'zod';
import {
  ACCESS_NEEDS, ACTIVITY_KINDS, ANONYMITY, AVAILABILITY, CHANNELS, CONSENT_KINDS, CONSENT_METHODS, FORMATS, HEARD_VIA,
  PAYMENT_PREFERENCES, PERSON_STATUSES, RELATIONSHIPS,
} from '../../platform/db/types.ts';
import { day, listOf, noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

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

// ---- The register's filters, saved filters, linking an account, equality monitoring, erasure

/** The register's filters, as they appear in its address (and in a saved filter). */
export const REGISTER_FILTER_KEYS = ['q', 'status', 'interest', 'unitId', 'availability', 'accessNeed', 'channel', 'format', 'relationship', 'contactable'] as const;

export const registerQuerySchema = z.object({
  q: z.string().max(120).refine(noNul).optional(),
  status: z.enum(PERSON_STATUSES).optional(),
  interest: z.string().max(TAG_MAX).refine(noNul).transform((s) => s.toLowerCase()).optional(),
  unitId: recordId('errors.people.unitRequired').optional(),
  availability: z.enum(AVAILABILITY as [string, ...string[]]).optional(),
  accessNeed: z.enum(ACCESS_NEEDS).optional(),
  channel: z.enum(CHANNELS).optional(),
  format: z.enum(FORMATS).optional(),
  relationship: z.enum(RELATIONSHIPS).optional(),
  contactable: z.literal('yes').optional(),
  before: recordId('errors.people.pageInvalid').optional(),
});
export type RegisterQuery = z.infer<typeof registerQuerySchema>;

export const savedFilterSchema = z.object({
  name: requiredText(80, { required: 'errors.people.filterNameRequired', tooLong: 'errors.people.filterNameTooLong' }),
  query: z.string().max(2000, 'errors.people.filterInvalid').refine(noNul, 'errors.people.filterInvalid').nullish(),
});

/** The register form: the person's fields, and optionally the partner account that is theirs. */
export const registerEntrySchema = personFields
  .extend({
    accountEmail: email.nullish().describe('The Alongside account of the person, so they can see and change their own record.'),
  })
  .superRefine(checkReachable);
export type RegisterEntryInput = z.infer<typeof registerEntrySchema>;

/** What a partner may record about their own consents: always "online". */
export const selfConsentSchema = consentSchema.omit({ method: true, note: true });

/**
 * Equality-monitoring questions and their answers. Every question may be left blank (not
 * answered) or answered "prefer not to say". Reported only in aggregate, never per person.
 */
export const EQUALITY_QUESTIONS = {
  age_band: ['under_18', '18_24', '25_34', '35_44', '45_54', '55_64', '65_74', '75_plus'],
  gender: ['woman', 'man', 'non_binary', 'other'],
  ethnicity: ['asian', 'black', 'mixed', 'white', 'other'],
  disability: ['yes', 'no'],
  sexual_orientation: ['heterosexual', 'gay_lesbian', 'bisexual', 'other'],
  religion: ['none', 'christian', 'muslim', 'hindu', 'sikh', 'jewish', 'buddhist', 'other'],
} as const;
export type EqualityQuestion = keyof typeof EQUALITY_QUESTIONS;
export const EQUALITY_FIELDS = Object.keys(EQUALITY_QUESTIONS) as EqualityQuestion[];
export const PREFER_NOT_TO_SAY = 'prefer_not_to_say';

const answer = (q: EqualityQuestion) =>
  z.enum([...EQUALITY_QUESTIONS[q], PREFER_NOT_TO_SAY] as [string, ...string[]], { error: 'errors.people.equalityInvalid' }).nullish();

export const equalitySchema = z.object({
  age_band: answer('age_band'),
  gender: answer('gender'),
  ethnicity: answer('ethnicity'),
  disability: answer('disability'),
  sexual_orientation: answer('sexual_orientation'),
  religion: answer('religion'),
  /** Remove every answer held (a blank question otherwise keeps the answer already given). */
  clear: z.literal('yes', { error: 'errors.people.equalityInvalid' }).optional(),
});
export type EqualityInput = z.infer<typeof equalitySchema>;

/** Erasure cannot be undone: the lead ticks that they understand. */
export const eraseSchema = z.object({ confirm: z.literal('yes', { error: 'errors.people.eraseConfirm' }) });

// ---- Involvement activities recorded by hand (the hours that feed payments later)

export const ACTIVITY_DESCRIPTION_MAX = 500;
/** The most time one activity may take: a whole day. */
export const ACTIVITY_MINUTES_MAX = 24 * 60;

const wholeNumber = (max: number) =>
  z.coerce.number({ error: 'errors.people.activityTimeInvalid' }).int('errors.people.activityTimeInvalid').min(0, 'errors.people.activityTimeInvalid').max(max, 'errors.people.activityTimeInvalid');

/**
 * One activity and the time it took. `today` is the date in London: an activity cannot be in the
 * future. Which project, group or opportunity it was for is optional and checked by the service
 * against the person's own links.
 */
export const activitySchema = (today: string) =>
  z
    .object({
      onDate: day('errors.people.activityDateInvalid').refine((d) => d <= today, 'errors.people.activityDateFuture'),
      kind: z.enum(ACTIVITY_KINDS, { error: 'errors.people.activityKindRequired' }),
      description: requiredText(ACTIVITY_DESCRIPTION_MAX, { required: 'errors.people.activityDescriptionRequired', tooLong: 'errors.people.activityDescriptionTooLong' }),
      hours: wholeNumber(24).optional(),
      minutes: wholeNumber(59).optional(),
      projectId: recordId('errors.people.activityProjectInvalid').optional(),
      groupId: recordId('errors.people.activityGroupInvalid').optional(),
      opportunityId: recordId('errors.people.activityOpportunityInvalid').optional(),
    })
    .transform((a, ctx) => {
      const minutes = (a.hours ?? 0) * 60 + (a.minutes ?? 0);
      if (minutes === 0) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'errors.people.activityTimeRequired' });
      else if (minutes > ACTIVITY_MINUTES_MAX) ctx.addIssue({ code: 'custom', path: ['hours'], message: 'errors.people.activityTimeTooLong' });
      return { ...a, totalMinutes: minutes };
    });
export type ActivityInput = z.output<ReturnType<typeof activitySchema>>;
