import { readFileSync } from 'node:fs';
import i18next from 'i18next';

/** All user-facing words come from a catalogue; en-GB first, others added beside it. */
const enGB = JSON.parse(readFileSync(new URL('./locales/en-GB.json', import.meta.url), 'utf8')) as Record<string, unknown>;

export const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en-GB',
  fallbackLng: 'en-GB',
  resources: { 'en-GB': { translation: enGB } },
  initAsync: false,
  interpolation: { escapeValue: false }, // Nunjucks escapes on output.
  returnNull: false,
  showSupportNotice: false,
});

export function t(key: string, options?: Record<string, unknown>): string {
  return (i18n.t as (k: string, o: Record<string, unknown>) => string)(key, options ?? {});
}

/** True when the key exists in the catalogue (used to check templates and error messages). */
export function hasKey(key: string): boolean {
  return i18n.exists(key);
}
