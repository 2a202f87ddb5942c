import { readdirSync, readFileSync } from 'node:fs';
import i18next from 'i18next';

type Catalogue = { [key: string]: string | string[] | Catalogue };

function deepMerge(into: Catalogue, from: Catalogue): Catalogue {
  for (const [k, v] of Object.entries(from)) {
    const existing = into[k];
    if (existing && typeof existing === 'object' && !Array.isArray(existing) && typeof v === 'object' && !Array.isArray(v)) deepMerge(existing, v);
    else into[k] = v;
  }
  return into;
}

/**
 * All user-facing words come from catalogues: one JSON file per area under locales/<language>/,
 * merged into one namespace. en-GB first; other languages are added as sibling folders.
 */
function loadCatalogue(lang: string): Catalogue {
  const dir = new URL(`./locales/${lang}/`, import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .reduce<Catalogue>((acc, f) => deepMerge(acc, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Catalogue), {});
}

const enGB = loadCatalogue('en-GB');

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
