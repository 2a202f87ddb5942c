/**
 * Money is integer pence from the form to the database and back; pounds exist only as text.
 * Parsing works on the digits, never through floating point, so "0.29" is 29p exactly.
 */

const POUNDS = /^£?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/;

/** "12", "12.5", "£1,234.56" → pence; null when it is not an amount of money. */
export function parsePounds(text: string): number | null {
  const m = POUNDS.exec(text.trim());
  if (!m) return null;
  const pounds = Number(m[1]!.replaceAll(',', ''));
  const pence = Number((m[2] ?? '0').padEnd(2, '0'));
  const total = pounds * 100 + pence;
  return Number.isSafeInteger(total) ? total : null;
}

/** 1234 → "£12.34"; −50 → "−£0.50". */
export function formatPence(pence: number): string {
  const sign = pence < 0 ? '−' : '';
  const abs = Math.abs(pence);
  const pounds = Math.floor(abs / 100).toLocaleString('en-GB');
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, '0')}`;
}

/** Pence as the plain "12.34" a form field shows back. */
export function penceAsPounds(pence: number): string {
  return `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
}

/** a × b / c rounded half up, in integers: time and mileage at a rate never go through floats. */
export function mulDivRound(a: number, b: number, c: number): number {
  return Math.floor((a * b * 2 + c) / (2 * c));
}
