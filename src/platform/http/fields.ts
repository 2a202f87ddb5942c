import { z } from 'zod';
import { MAX_ID } from '../db/index.ts';

/**
 * Field rules shared by every feature's zod schemas. Messages are catalogue keys; a feature passes
 * its own keys so the words can say what the field is.
 */

/** A NUL character cannot be stored (PostgreSQL refuses it) and is never meant: it is named, not dropped. */
export const noNul = (s: string): boolean => !s.includes('\u0000');

/** Required free text: trimmed by cleanForm, at least one character, length-limited. */
export function requiredText(max: number, messages: { required: string; tooLong: string; badCharacter?: string }) {
  return z
    .string({ error: messages.required })
    .min(1, messages.required)
    .max(max, messages.tooLong)
    .refine(noNul, messages.badCharacter ?? 'errors.fields.badCharacter');
}

/** Optional free text: missing, "" (made missing by cleanForm) or null all mean "none". */
export function optionalText(max: number, tooLong = 'errors.fields.textTooLong') {
  return z.string({ error: 'errors.fields.textInvalid' }).max(max, tooLong).refine(noNul, 'errors.fields.badCharacter').nullish();
}

/** A positive 32-bit record id, from a form string or a JSON number. */
export function recordId(message: string) {
  return z.coerce.number({ error: message }).int(message).positive(message).max(MAX_ID, message);
}

/** A calendar date, YYYY-MM-DD. */
export function day(message: string) {
  return z.iso.date({ error: message });
}

/**
 * A many-valued field: a form sends one string for one ticked box and an array for several; JSON
 * sends an array. Either way the result is a list without repeats.
 */
export function listOf<T extends z.ZodType<string>>(item: T) {
  return z.preprocess(
    (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v.filter((x) => x !== '') : [v]),
    z.array(item).transform((a) => [...new Set(a)] as z.infer<T>[]),
  );
}
