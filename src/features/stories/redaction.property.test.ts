import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPersonalDetails, nhsCheckDigit, type RedactionKind } from './redaction.ts';

/**
 * Property tests of the redaction suggester: whatever prose surrounds them, generated email
 * addresses, UK phone numbers and valid NHS numbers are always found, exactly; a 10-digit number
 * whose check digit is wrong is never taken for an NHS number.
 */

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Prose without digits or @: words, some capitalised, and punctuation. */
const prose = fc
  .array(
    fc.oneof(
      fc.constantFrom('the', 'nurse', 'was', 'kind', 'and', 'I', 'waited', 'ward', 'for', 'hours', 'my', 'mum', 'Tuesday', 'clinic', 'phone', 'email', 'number', 'NHS', 'is', 'on'),
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), minLength: 1, maxLength: 8 }),
      fc.constantFrom(',', '.', '!', '?', ';', ':', '-', '(', ')', '"', "'", '\n'),
    ),
    { maxLength: 12 },
  )
  .map((words) => words.join(' '));

/** Splits a string of digits into groups at random points, joined by a space or a dash. */
function grouped(d: string, cuts: number[], sep: string): string {
  const points = [...new Set(cuts.map((c) => 1 + (c % (d.length - 1))))].sort((a, b) => a - b);
  let out = '';
  let at = 0;
  for (const p of points) {
    out += d.slice(at, p) + sep;
    at = p;
  }
  return out + d.slice(at);
}

/** A UK mobile (07…), landline or non-geographic number (01, 02, 03; 10 or 11 digits), as people write them. */
const ukPhone = fc
  .record({
    national: fc.oneof(
      digits(9).map((d) => `07${d}`),
      fc.tuple(fc.constantFrom('1', '2', '3'), fc.oneof(digits(8), digits(9))).map(([a, d]) => `0${a}${d}`),
    ),
    cuts: fc.array(fc.nat(), { maxLength: 3 }),
    sep: fc.constantFrom(' ', '-'),
    style: fc.constantFrom('national', 'bracketed', 'intl', 'intlZero', 'intlCompact', 'double0'),
  })
  .map(({ national, cuts, sep, style }) => {
    const rest = national.slice(1);
    switch (style) {
      case 'bracketed': {
        const area = national.startsWith('07') ? 5 : national.length === 10 ? 5 : 3;
        return `(${national.slice(0, area)}) ${grouped(national.slice(area), cuts, sep)}`;
      }
      case 'intl':
        return `+44 ${grouped(rest, cuts, sep)}`;
      case 'intlZero':
        return `+44 (0)${grouped(rest, cuts, sep)}`;
      case 'intlCompact':
        return `+44${rest}`;
      case 'double0':
        return `0044 ${grouped(rest, cuts, sep)}`;
      default:
        return grouped(national, cuts, sep);
    }
  });

/** Nine digits (the first not 0, as for every NHS number) with a check digit, if they have one. */
const nhsNine = fc.tuple(fc.integer({ min: 1, max: 9 }), digits(8)).map(([a, d]) => `${a}${d}`);
const layout = (ten: string, spaced: boolean) => (spaced ? `${ten.slice(0, 3)} ${ten.slice(3, 6)} ${ten.slice(6)}` : ten);

const validNhs = fc
  .record({ nine: nhsNine.filter((n) => nhsCheckDigit(n) !== null), spaced: fc.boolean() })
  .map(({ nine, spaced }) => layout(`${nine}${nhsCheckDigit(nine)}`, spaced));

const invalidNhs = fc
  .record({ nine: nhsNine, wrong: fc.integer({ min: 0, max: 9 }), spaced: fc.boolean() })
  .filter(({ nine, wrong }) => nhsCheckDigit(nine) !== wrong)
  .map(({ nine, wrong, spaced }) => layout(`${nine}${wrong}`, spaced));

/** The detail in prose, and whether a span of that kind is exactly where it was put. */
function foundExactly(before: string, detail: string, after: string, kind: RedactionKind): boolean {
  const text = `${before} ${detail} ${after}`;
  const start = before.length + 1;
  return findPersonalDetails(text).some((s) => s.kind === kind && s.start === start && s.end === start + detail.length && s.text === detail);
}

describe('the redaction suggester, for any surrounding prose', () => {
  it('finds every generated email address', () => {
    fc.assert(fc.property(prose, fc.emailAddress(), prose, (before, email, after) => foundExactly(before, email, after, 'email')), { numRuns: 500 });
  });

  it('finds every generated UK phone number', () => {
    fc.assert(fc.property(prose, ukPhone, prose, (before, phone, after) => foundExactly(before, phone, after, 'phone')), { numRuns: 1000 });
  });

  it('finds every valid NHS number', () => {
    fc.assert(fc.property(prose, validNhs, prose, (before, nhs, after) => foundExactly(before, nhs, after, 'nhs_number')), { numRuns: 1000 });
  });

  it('never reports a number with the wrong check digit as an NHS number', () => {
    fc.assert(
      fc.property(prose, invalidNhs, prose, (before, nhs, after) => {
        expect(findPersonalDetails(`${before} ${nhs} ${after}`).filter((s) => s.kind === 'nhs_number')).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
