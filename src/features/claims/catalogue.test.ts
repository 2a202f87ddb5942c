import { describe, it } from 'vitest';
import { CLAIM_ACTIVITIES, CLAIM_STATUSES, EXPENSE_CATEGORIES, LINE_STATUSES, PAYMENT_PREFERENCES, RATE_BASES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the claim pages show comes from the catalogue (claims.json). */
describe('the words of claims', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['claims'], atLeast: 120 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...CLAIM_ACTIVITIES.map((a) => `claims.activities.${a}`),
      ...RATE_BASES.map((b) => `claims.bases.${b}`),
      ...EXPENSE_CATEGORIES.map((c) => `claims.categories.${c}`),
      ...CLAIM_STATUSES.map((s) => `claims.statuses.${s}`),
      ...LINE_STATUSES.map((s) => `claims.lineStatuses.${s}`),
      ...PAYMENT_PREFERENCES.map((p) => `claims.preferences.${p}`),
      ...['near', 'over', 'advice'].flatMap((k) => [`claims.tax.self.${k}`, `claims.tax.staff.${k}`]),
      ...['noFile', 'empty', 'tooLarge', 'typeNotAllowed', 'expenseOnly', 'uploadBroken'].map((k) => `errors.claims.receipt.${k}`),
      'claims.quantity.hours_one', 'claims.quantity.minutes_other', 'claims.quantity.halfDays_one', 'claims.quantity.fullDays_other', 'claims.list.total_one', 'claims.new.resultsHeading_other',
    ]);
  });
});
