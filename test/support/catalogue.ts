import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { hasKey } from '../../src/platform/i18n/index.ts';

/**
 * Checks on a feature's words: every word its pages show comes from the catalogue, so a missing
 * key would show as the key itself. Each feature's catalogue.test.ts calls these.
 */

/** The code (not the tests) and the templates (views/) of each feature folder, as one text. */
export function featureSources(dirs: readonly URL[]): string {
  return dirs
    .flatMap((dir) => [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => readFileSync(new URL(f, dir), 'utf8')),
      ...readdirSync(new URL('views/', dir)).map((f) => readFileSync(new URL(`views/${f}`, dir), 'utf8')),
    ])
    .join('\n');
}

/**
 * The keys the sources name literally: every t('…'), and every quoted "errors.<area>.…" for the
 * areas given (keys handed to zod and to ValidationError as messages).
 */
export function literalKeys(sources: string, errorAreas: readonly string[] = []): Set<string> {
  const keys = new Set([...sources.matchAll(/\bt\(\s*["'`]([a-zA-Z][\w.]*)["'`]/g)].map((m) => m[1] as string));
  if (errorAreas.length > 0) {
    const errors = new RegExp(`['"\`](errors\\.(?:${errorAreas.join('|')})\\.[\\w.]+)['"\`]`, 'g');
    for (const m of sources.matchAll(errors)) keys.add(m[1] as string);
  }
  return keys;
}

/**
 * The keys not in the catalogue. A key ending in "." is the start of one built from a value (check
 * those with expectInCatalogue); a counted key may be there only as its plural forms.
 */
export function missingKeys(keys: Iterable<string>): string[] {
  return [...keys].filter((k) => !k.endsWith('.') && !hasKey(k) && !hasKey(`${k}_other`));
}

/**
 * Every key the code and templates of these feature folders name literally is in the catalogue.
 * More than `atLeast` keys must be found, so a search that finds nothing cannot pass.
 */
export function expectLiteralKeysInCatalogue(dirs: readonly URL[], opts: { errorAreas?: readonly string[]; atLeast: number }): void {
  const keys = literalKeys(featureSources(dirs), opts.errorAreas);
  expect(keys.size).toBeGreaterThan(opts.atLeast);
  expect(missingKeys(keys)).toEqual([]);
}

/** Every one of these keys (built from values) is in the catalogue. */
export function expectInCatalogue(keys: readonly string[]): void {
  expect(keys.filter((k) => !hasKey(k))).toEqual([]);
}
