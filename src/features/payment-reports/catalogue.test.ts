import { describe, it } from 'vitest';
import { CLAIM_ACTIVITIES, CLAIM_STATUSES, PAYMENT_METHODS } from '../../platform/db/types.ts';
import { PAYMENT_PREFERENCES } from '../../platform/db/involvement-types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the payment reports show comes from the catalogue. */
describe('the words of the payment reports', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['paymentReports'], atLeast: 60 }));

  it('has the keys built from values: activities, statuses, who a claim waits on, payment methods, preferences and warnings', () => {
    expectInCatalogue([
      ...CLAIM_ACTIVITIES.map((a) => `paymentReports.activities.${a}`),
      ...[...CLAIM_STATUSES, 'paid'].map((s) => `paymentReports.statuses.${s}`),
      ...['approval', 'secondApproval', 'payment'].map((w) => `paymentReports.waitingOn.${w}`),
      ...PAYMENT_METHODS.map((m) => `paymentReports.methods.${m}`),
      ...PAYMENT_PREFERENCES.map((p) => `paymentReports.preferences.${p}`),
      ...['near', 'over'].map((l) => `paymentReports.person.warning.${l}`),
    ]);
  });
});
