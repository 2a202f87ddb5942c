import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasKey } from '../../platform/i18n/index.ts';
import { DEFAULT_CHOICES, DEFAULTABLE, IMPORT_FIELDS } from './mapping.ts';

/** Every word the import pages show comes from the catalogue: a missing key would show as the key itself. */
describe('the words of the people import', () => {
  const dir = new URL('./', import.meta.url);
  const sources = [
    ...readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')),
    ...readdirSync(new URL('views/', dir)).map((f) => readFileSync(new URL(`views/${f}`, dir), 'utf8')),
  ].join('\n');

  it('has every key the templates and code name literally', () => {
    const keys = new Set([...sources.matchAll(/\bt\(\s*["'`]([a-zA-Z][\w.]*)["'`]/g)].map((m) => m[1] as string));
    for (const m of sources.matchAll(/['"`](errors\.peopleImport\.[\w.]+)['"`]/g)) keys.add(m[1] as string);
    expect(keys.size).toBeGreaterThan(50);
    const missing = [...keys].filter((k) => !k.endsWith('.') && !hasKey(k) && !hasKey(`${k}_other`));
    expect(missing).toEqual([]);
  });

  it('has the keys built from values: fields, default choices, read errors and duplicate reasons', () => {
    const keys = [
      ...IMPORT_FIELDS.map((f) => `peopleImport.fields.${f}`),
      ...DEFAULTABLE.flatMap((f) => DEFAULT_CHOICES[f].map((c) => `peopleImport.choices.${f}.${c}`)),
      ...['noFile', 'fileTooLarge', 'empty', 'noRows', 'tooManyRows', 'tooManyColumns', 'unreadable', 'badSpreadsheet', 'spreadsheetTooBig', 'oldExcel', 'notText'].map((k) => `errors.peopleImport.${k}`),
      ...['email', 'phone', 'namePostcode'].map((r) => `peopleImport.duplicates.reasons.${r}`),
    ];
    expect(keys.filter((k) => !hasKey(k))).toEqual([]);
  });
});
