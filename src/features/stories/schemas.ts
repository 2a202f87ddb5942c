import { z } from 'zod';
import { NAMINGS, STORY_SOURCES, STORY_STATUSES, TELLER_ROLES } from '../../platform/db/types.ts';
import { noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';
import { REDACTION_KINDS, ukPhoneDigits } from './redaction.ts';

/**
 * What a story, its moderation and a safeguarding contact may hold. Messages are catalogue keys
 * under errors.stories (stories.json).
 */

export const TITLE_MAX = 120;
export const BODY_MAX = 5000;
export const PART_MAX = 2000;
export const NAME_MAX = 100;
export const REASON_MAX = 500;
export const NOTE_MAX = 1000;
export const SEARCH_MAX = 100;
export const TAG_MAX = 40;
export const TAGS_MAX = 15;

/** Sources staff choose from: everything but the public form itself. */
export const STAFF_SOURCES = STORY_SOURCES.filter((s) => s !== 'online');

const email = (message: string) => z.string({ error: message }).max(254, message).pipe(z.email({ error: message })).transform((s) => s.toLowerCase());

/** A UK phone number, kept as typed (trimmed) once it has the shape of one. */
const ukPhone = z
  .string({ error: 'errors.stories.phoneInvalid' })
  .max(30, 'errors.stories.phoneInvalid')
  .refine((s) => ukPhoneDigits(s) != null, 'errors.stories.phoneInvalid');

const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message }).transform((v) => v === 'yes');

/** The questions on the public form and the staff form alike. */
const storyFields = {
  unitId: recordId('errors.stories.unitRequired'),
  title: requiredText(TITLE_MAX, { required: 'errors.stories.titleRequired', tooLong: 'errors.stories.titleTooLong' }),
  body: requiredText(BODY_MAX, { required: 'errors.stories.bodyRequired', tooLong: 'errors.stories.bodyTooLong' }),
  tellerRole: z.enum(TELLER_ROLES, { error: 'errors.stories.tellerRoleRequired' }),
  good: optionalText(PART_MAX, 'errors.stories.partTooLong'),
  better: optionalText(PART_MAX, 'errors.stories.partTooLong'),
  contactEmail: email('errors.stories.emailInvalid').optional(),
  contactPhone: ukPhone.optional(),
  consentPublish: yesNo('errors.stories.consentRequired'),
  naming: z.enum(NAMINGS, { error: 'errors.stories.namingRequired' }),
  tellerName: optionalText(NAME_MAX, 'errors.stories.nameTooLong'),
};

/** Someone who wants to be named must say their name. */
const nameWhenNamed = <T extends { naming: string; tellerName?: string | null }>(v: T, ctx: z.RefinementCtx) => {
  if (v.naming !== 'anonymous' && !v.tellerName) ctx.addIssue({ code: 'custom', path: ['tellerName'], message: 'errors.stories.nameRequired' });
};

export const publicStorySchema = z.object(storyFields).superRefine(nameWhenNamed);
export type PublicStoryInput = z.infer<typeof publicStorySchema>;

export const staffStorySchema = z
  .object({ ...storyFields, source: z.enum(STAFF_SOURCES as [string, ...string[]], { error: 'errors.stories.sourceRequired' }) })
  .superRefine(nameWhenNamed);
export type StaffStoryInput = z.infer<typeof staffStorySchema>;

/** The search box of the service picker. */
export const unitSearchSchema = z.string().max(SEARCH_MAX, 'errors.stories.searchTooLong').refine(noNul, 'errors.fields.badCharacter');

/** Themes typed as "waiting times, Kindness": lower case, trimmed, without repeats. */
export const tagsSchema = z
  .string({ error: 'errors.stories.tagsInvalid' })
  .max(1000, 'errors.stories.tagsTooMany')
  .refine(noNul, 'errors.fields.badCharacter')
  .nullish()
  .transform((s) => [...new Set((s ?? '').split(',').map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))])
  .refine((tags) => tags.every((t) => t.length <= TAG_MAX), 'errors.stories.tagTooLong')
  .refine((tags) => tags.length <= TAGS_MAX, 'errors.stories.tagsTooMany');

export const MODERATION_ACTIONS = ['save', 'publish', 'hold', 'reject'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

/** The moderator's public version, tags, further units and decision. */
export const moderationSchema = z
  .object({
    action: z.enum(MODERATION_ACTIONS, { error: 'errors.stories.actionInvalid' }),
    publicTitle: requiredText(TITLE_MAX, { required: 'errors.stories.titleRequired', tooLong: 'errors.stories.titleTooLong' }),
    publicBody: requiredText(BODY_MAX, { required: 'errors.stories.bodyRequired', tooLong: 'errors.stories.bodyTooLong' }),
    publicGood: optionalText(PART_MAX, 'errors.stories.partTooLong'),
    publicBetter: optionalText(PART_MAX, 'errors.stories.partTooLong'),
    publicName: requiredText(NAME_MAX, { required: 'errors.stories.publicNameRequired', tooLong: 'errors.stories.nameTooLong' }),
    tags: tagsSchema,
    units: z
      .preprocess((v) => (v == null || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(recordId('errors.stories.unitInvalid')).max(50, 'errors.stories.unitInvalid'))
      .transform((ids) => [...new Set(ids)]),
    reason: optionalText(REASON_MAX, 'errors.stories.reasonTooLong'),
  })
  .superRefine((v, ctx) => {
    if ((v.action === 'hold' || v.action === 'reject') && !v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.stories.reasonRequired' });
  });
export type ModerationInput = z.infer<typeof moderationSchema>;

/** A ticked suggestion: "kind|the text to remove". */
export const redactionChoice = z
  .string()
  .max(300)
  .transform((v) => {
    const bar = v.indexOf('|');
    return { kind: v.slice(0, bar), text: v.slice(bar + 1) };
  })
  .pipe(z.object({ kind: z.enum(REDACTION_KINDS), text: z.string().min(1).refine(noNul) }));

export const safeguardingSchema = z.object({
  note: requiredText(NOTE_MAX, { required: 'errors.stories.noteRequired', tooLong: 'errors.stories.noteTooLong' }),
});

export const contactSchema = z.object({
  unitId: recordId('errors.stories.unitInvalid'),
  name: requiredText(NAME_MAX, { required: 'errors.stories.contactNameRequired', tooLong: 'errors.stories.nameTooLong' }),
  email: email('errors.stories.contactEmailInvalid'),
});

/** A keyset cursor over the queue: received_at and id of the last story shown. */
export const queueCursor = z.string().max(60).regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_\d{1,10}$/);

export const queueQuerySchema = z.object({
  status: z.enum(STORY_STATUSES).catch('new').default('new'),
  after: queueCursor.optional().catch(undefined),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

/**
 * A teller's email address or UK phone number, to find what we hold about them: an email address
 * is compared lower-case, a phone number by its national digits (however it was typed).
 */
export const tellerLookupSchema = z.object({
  contact: requiredText(254, { required: 'errors.stories.tellerContactRequired', tooLong: 'errors.stories.tellerContactInvalid' })
    .transform((v): { email: string } | { phoneDigits: string | null } => (v.includes('@') ? { email: v.trim().toLowerCase() } : { phoneDigits: ukPhoneDigits(v) }))
    .refine((c) => ('email' in c ? z.email().safeParse(c.email).success : c.phoneDigits != null), 'errors.stories.tellerContactInvalid'),
});
