import { z } from 'zod';
import { recordId } from '../../platform/http/fields.ts';
import { SEARCH_MAX } from './search.ts';

/**
 * The filters of the public stories list, from the address (GET form). Messages are catalogue
 * keys under errors.storySite (story-site.json). The page and cursor are not checked here: one
 * that makes no sense simply means the first page.
 */

export const TAG_MAX = 60;

const text = (max: number, tooLong: string) =>
  z.string({ error: tooLong }).max(max, tooLong).refine((s) => !s.includes('\u0000'), 'errors.storySite.badCharacter');

export const listQuerySchema = z.object({
  q: text(SEARCH_MAX, 'errors.storySite.searchTooLong').optional(),
  unit: recordId('errors.storySite.unitInvalid').optional(),
  tag: text(TAG_MAX, 'errors.storySite.tagTooLong').optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** A date typed in three boxes: YYYY-MM-DD, "invalid", or undefined when all three are empty. */
export function dateFromParts(day: unknown, month: unknown, year: unknown): string | undefined {
  const parts = [day, month, year].map((v) => (typeof v === 'string' ? v.trim() : ''));
  if (parts.every((p) => p === '')) return undefined;
  const [d, m, y] = parts as [string, string, string];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** A page number for ranked results: 1 to max, anything else is page 1. */
export function pageNumber(raw: unknown, max: number): number {
  const n = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 && n <= max ? n : 1;
}

/** A keyset cursor "2026-03-01T10:00:00.000Z~123" (an instant and an id or key), or undefined when it is not one. */
export function cursor(raw: unknown, allowNegative = false): { at: string; id: number } | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)~(-?\d{1,10})$/.exec(raw);
  if (!m) return undefined;
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id) || id === 0 || (!allowNegative && id < 0) || Math.abs(id) > 2_147_483_647 || Number.isNaN(Date.parse(m[1] as string))) return undefined;
  return { at: m[1] as string, id };
}
