/**
 * The redaction suggester: finds what may identify someone in a story, for the moderator to remove
 * before it is published. Pure: no I/O, no catalogue. It only proposes; the moderator decides.
 *
 * - Email addresses.
 * - UK phone numbers: mobiles (07…, 11 digits), landlines and non-geographic numbers (01…, 02…,
 *   03…, 10 or 11 digits), in +44 and 0044 forms too (with or without "(0)"), written with spaces,
 *   dashes or brackets.
 * - NHS numbers: 10 digits, together or spaced 3-3-4, whose last digit is the right mod-11 check
 *   digit. NHS (and Health and Care) numbers never start with 0, so a 10-digit number starting 0
 *   is left to the phone rules. A 10-digit number that fails the check is not an NHS number.
 * - Names: the teller's own name (the whole of it and each part), a title before a capitalised
 *   word ("Dr Patel", "Nurse Jones", "Sister Mary Green"), and the name after "my name is",
 *   "called" or "named".
 *
 * Where findings overlap, the first of email, phone, NHS number, name wins.
 */

export const REDACTION_KINDS = ['email', 'phone', 'nhs_number', 'name'] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface RedactionSpan {
  kind: RedactionKind;
  /** Offsets in the text: text.slice(start, end) === text. */
  start: number;
  end: number;
  text: string;
}

export interface RedactionOptions {
  /** Names known to belong to someone in the story (the teller's own). */
  names?: readonly (string | null | undefined)[];
}

// ---- Email addresses

const ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~.\\-";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const EMAIL = new RegExp(`(?<![${ATEXT}])[${ATEXT}]+@${LABEL}(?:\\.${LABEL})+`, 'g');

function emails(text: string): RedactionSpan[] {
  return [...text.matchAll(EMAIL)].map((m) => span('email', text, m.index, m.index + m[0].length));
}

// ---- UK phone numbers

/** Does this string of national digits (starting 0) have the shape of a UK phone number? */
export function isUkNationalNumber(digits: string): boolean {
  return /^07\d{9}$/.test(digits) || /^0[123]\d{8,9}$/.test(digits);
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const SEPARATORS = new Set([' ', '-', '(', ')', '\u00a0']);

/** The phone number starting at offset i, if there is one: where it ends and its national digits. */
function phoneFrom(text: string, i: number): { end: number; digits: string } | null {
  let pos = i;
  let digits = '';
  const rest = text.slice(i, i + 9);
  const intl = /^(?:\+44|0044)[ \u00a0]?(?:\(0\)[ \u00a0]?)?/.exec(rest);
  if (intl) {
    if (text.charAt(i) === '0' && isDigit(text.charAt(i - 1))) return null;
    pos += intl[0].length;
    digits = '0';
    if (text.charAt(pos) === '0') return null; // "+44 0…" is not a number
  } else if (text.charAt(i) === '(' && text.charAt(i + 1) === '0') {
    pos += 1;
  } else if (text.charAt(i) !== '0' || /[\p{L}\p{N}+]/u.test(text.charAt(i - 1))) {
    return null;
  }
  let best: { end: number; digits: string } | null = null;
  let seps = 0;
  while (pos < text.length) {
    const c = text.charAt(pos);
    if (isDigit(c)) {
      digits += c;
      seps = 0;
      pos += 1;
      if (digits.length > 11) break;
      if (digits.length >= 10 && isUkNationalNumber(digits) && !isDigit(text.charAt(pos))) best = { end: pos, digits };
    } else if (SEPARATORS.has(c) && seps < 2 && digits.length > 0) {
      seps += 1;
      pos += 1;
    } else break;
  }
  return best;
}

/** The national digits of a UK phone number written on its own ("+44 (0)20 7946 0018" → "02079460018"), or null. */
export function ukPhoneDigits(value: string): string | null {
  const s = value.trim();
  const found = phoneFrom(s, 0);
  return found && found.end === s.length ? found.digits : null;
}

function phones(text: string): RedactionSpan[] {
  const out: RedactionSpan[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (c !== '0' && c !== '+' && c !== '(') continue;
    const found = phoneFrom(text, i);
    if (found) {
      out.push(span('phone', text, i, found.end));
      i = found.end - 1;
    }
  }
  return out;
}

// ---- NHS numbers

/** The mod-11 check digit for the first nine digits of an NHS number, or null when none is valid (10). */
export function nhsCheckDigit(nine: string): number | null {
  let sum = 0;
  for (let k = 0; k < 9; k += 1) sum += Number(nine.charAt(k)) * (10 - k);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

/** Ten digits whose last is the right check digit for the first nine. */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits.charAt(9));
}

const NHS = /(?<![\d+])([1-9]\d{2})([ \u00a0-]?)(\d{3})\2(\d{4})(?!\d)/g;

function nhsNumbers(text: string): RedactionSpan[] {
  return [...text.matchAll(NHS)]
    .filter((m) => isValidNhsNumber(`${m[1]}${m[3]}${m[4]}`))
    .map((m) => span('nhs_number', text, m.index, m.index + m[0].length));
}

// ---- Names

const WORD = "\\p{Lu}[\\p{L}'’-]*\\p{L}";
const TITLES = ['Dr', 'Doctor', 'Nurse', 'Sister', 'Matron', 'Mr', 'Mrs', 'Ms', 'Miss', 'Mx', 'Prof', 'Professor', 'Consultant', 'Midwife', 'Sr'];
const TITLED = new RegExp(`(?<![\\p{L}])(?:${TITLES.join('|')})\\.?\\s+${WORD}(?:\\s+${WORD})?`, 'gu');
const INTRODUCED = new RegExp(`(?<![\\p{L}])(?:[Mm]y [Nn]ame [Ii]s|[Cc]alled|[Nn]amed)\\s+(${WORD}(?:\\s+${WORD})?)`, 'gu');

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function names(text: string, options: RedactionOptions): RedactionSpan[] {
  const out: RedactionSpan[] = [];
  for (const m of text.matchAll(TITLED)) out.push(span('name', text, m.index, m.index + m[0].length));
  for (const m of text.matchAll(INTRODUCED)) {
    const name = m[1] as string;
    const start = m.index + m[0].length - name.length;
    out.push(span('name', text, start, start + name.length));
  }
  const known = new Set<string>();
  for (const n of options.names ?? []) {
    const whole = (n ?? '').trim().replace(/\s+/g, ' ');
    if (!whole) continue;
    known.add(whole);
    for (const part of whole.split(' ')) if ([...part].length >= 2) known.add(part);
  }
  // Longest first, so "Jo Bloggs" is found as one name before "Jo" and "Bloggs".
  for (const n of [...known].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'giu');
    for (const m of text.matchAll(re)) out.push(span('name', text, m.index, m.index + m[0].length));
  }
  return out;
}

// ---- Together

function span(kind: RedactionKind, text: string, start: number, end: number): RedactionSpan {
  return { kind, start, end, text: text.slice(start, end) };
}

/** Everything in the text that may identify someone, in order, without overlaps. */
export function findPersonalDetails(text: string, options: RedactionOptions = {}): RedactionSpan[] {
  const taken: RedactionSpan[] = [];
  const overlaps = (s: RedactionSpan) => taken.some((t) => s.start < t.end && t.start < s.end);
  for (const found of [emails(text), phones(text), nhsNumbers(text), names(text, options)]) {
    for (const s of found) if (!overlaps(s)) taken.push(s);
  }
  return taken.sort((a, b) => a.start - b.start);
}

/** Replaces each span with the words for its kind ("[name removed]"). Spans must not overlap. */
export function redact(text: string, spans: readonly RedactionSpan[], placeholder: (kind: RedactionKind) => string): string {
  let out = '';
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + placeholder(s.kind);
    at = s.end;
  }
  return out + text.slice(at);
}
