import { describe, it } from 'vitest';
import { CLAIM_ACTIVITIES, EXPENSE_CATEGORIES, LEDGER_KINDS, LINE_KINDS, PAYMENT_METHODS, RATE_BASES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';
import { EXPORT_FILTERS } from './schemas.ts';
import { CSV_COLUMNS } from './service.ts';

/** Every word the finance pages and the export file show comes from the catalogue. */
describe('the words of finance', () => {
  const folder = new URL('./', import.meta.url);

  it('has every key the templates and code name literally', () => expectLiteralKeysInCatalogue([folder], { errorAreas: ['finance'], atLeast: 120 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...CLAIM_ACTIVITIES.map((a) => `finance.activities.${a}`),
      ...LINE_KINDS.map((k) => `finance.kinds.${k}`),
      ...[...RATE_BASES, ...EXPENSE_CATEGORIES].map((c) => `finance.categories.${c}`),
      ...PAYMENT_METHODS.map((m) => `finance.methods.${m}`),
      ...LEDGER_KINDS.map((k) => `finance.ledgerKinds.${k}`),
      ...['money', 'vouchers'].map((h) => `finance.how.${h}`),
      ...EXPORT_FILTERS.map((f) => `finance.list.exportFilter.${f}`),
      ...CSV_COLUMNS.map((c) => `finance.csv.${c}`),
    ]);
  });
});
