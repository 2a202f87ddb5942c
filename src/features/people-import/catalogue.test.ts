import { describe, it } from 'vitest';
import { DEFAULT_CHOICES, DEFAULTABLE, IMPORT_FIELDS } from './mapping.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the import pages show comes from the catalogue: a missing key would show as the key itself. */
describe('the words of the people import', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['peopleImport'], atLeast: 50 }));

  it('has the keys built from values: fields, default choices, read errors and duplicate reasons', () => {
    const keys = [
      ...IMPORT_FIELDS.map((f) => `peopleImport.fields.${f}`),
      ...DEFAULTABLE.flatMap((f) => DEFAULT_CHOICES[f].map((c) => `peopleImport.choices.${f}.${c}`)),
      ...['noFile', 'fileTooLarge', 'empty', 'noRows', 'tooManyRows', 'tooManyColumns', 'unreadable', 'badSpreadsheet', 'spreadsheetTooBig', 'oldExcel', 'notText'].map((k) => `errors.peopleImport.${k}`),
      ...['email', 'phone', 'namePostcode'].map((r) => `peopleImport.duplicates.reasons.${r}`),
    ];
    expectInCatalogue(keys);
  });
});
