import { z } from 'zod';
import { MAX_ID } from '../../platform/db/index.ts';
import { PROMISE_PROGRESS } from '../../platform/db/workshop-types.ts';
import { noNul, optionalText, recordId, requiredText } from '../../platform/http/fields.ts';

/**
 * What the promise forms may hold. Messages are catalogue keys under errors.promises
 * (promises.json). Dates arrive in three boxes (day, month, year); whether a check-in date is in
 * the future is checked by the service, which knows today's date in London.
 */

export const TEXT_MAX = 1000;
export const NOTE_MAX = 1000;
export const MESSAGE_MAX = 1000;
/** A check-in date further ahead than this is a typing mistake. */
export const MAX_DAYS_AHEAD = 2 * 366;
/** How soon the next check-in comes after one, in weeks; four unless the participant says. */
export const INTERVALS = ['1', '2', '4', '8', '12'] as const;
export const DEFAULT_INTERVAL = '4';
/** What the organiser's list can be narrowed to: each progress, or "not made yet". */
export const LIST_FILTERS = ['none', ...PROMISE_PROGRESS] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** A date typed in three boxes as YYYY-MM-DD, or null when it is not a real date (31 February). */
export function dateFromParts(day: unknown, month: unknown, year: unknown): string | null {
  const parts = [day, month, year].map((v) => (typeof v === 'string' ? v.trim() : ''));
  const [d, m, y] = parts as [string, string, string];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return null;
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const at = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === iso ? iso : null;
}

export const promiseSchema = z.object({
  text: requiredText(TEXT_MAX, { required: 'errors.promises.textRequired', tooLong: 'errors.promises.textTooLong' }),
  shared: z.enum(['yes', 'no'], { error: 'errors.promises.sharedRequired' }),
  checkInDay: z.string().max(10).optional(),
  checkInMonth: z.string().max(10).optional(),
  checkInYear: z.string().max(10).optional(),
});
export type PromiseInput = z.infer<typeof promiseSchema>;

export const checkInSchema = z.object({
  progress: z.enum(PROMISE_PROGRESS, { error: 'errors.promises.progressRequired' }),
  note: optionalText(NOTE_MAX, 'errors.promises.noteTooLong'),
  nextInWeeks: z.enum(INTERVALS, { error: 'errors.promises.intervalRequired' }).default(DEFAULT_INTERVAL),
});
export type CheckInInput = z.infer<typeof checkInSchema>;

export const encouragementSchema = z.object({
  message: requiredText(MESSAGE_MAX, { required: 'errors.promises.messageRequired', tooLong: 'errors.promises.messageTooLong' }),
});

/**
 * Assigning supporters. Two forms post here: an involvement group (groupParticipant, groupId) or a
 * named person by email (personParticipant, email); either to one participant or to "all".
 */
const participantChoice = z.union([z.literal('all'), recordId('errors.promises.participantRequired')], { error: 'errors.promises.participantRequired' });
export const supporterSchema = z
  .object({
    kind: z.enum(['group', 'person'], { error: 'errors.promises.kindRequired' }),
    groupParticipant: participantChoice.optional(),
    groupId: recordId('errors.promises.groupRequired').optional(),
    personParticipant: participantChoice.optional(),
    email: z.string().max(254, 'errors.promises.emailInvalid').refine(noNul, 'errors.fields.badCharacter').optional(),
  })
  .superRefine((v, ctx) => {
    const need = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.kind === 'group') {
      if (v.groupParticipant === undefined) need('groupParticipant', 'errors.promises.participantRequired');
      if (v.groupId === undefined) need('groupId', 'errors.promises.groupRequired');
    } else if (v.kind === 'person') {
      if (v.personParticipant === undefined) need('personParticipant', 'errors.promises.participantRequired');
      if (!v.email) need('email', 'errors.promises.emailRequired');
      else if (!z.email().safeParse(v.email).success) need('email', 'errors.promises.emailInvalid');
    }
  });
export type SupporterInput = z.infer<typeof supporterSchema>;

/** The organiser list's filter and keyset cursor (the last participant id shown); nonsense is dropped. */
export const listQuerySchema = z.object({
  show: z.enum(LIST_FILTERS).optional().catch(undefined),
  after: z.coerce.number().int().positive().max(MAX_ID).optional().catch(undefined),
});

/** /my-promises cursors: the last participant id of mine, the last promise id I support. */
export const myQuerySchema = z.object({
  after: z.coerce.number().int().positive().max(MAX_ID).optional().catch(undefined),
  supportingAfter: z.coerce.number().int().positive().max(MAX_ID).optional().catch(undefined),
});
