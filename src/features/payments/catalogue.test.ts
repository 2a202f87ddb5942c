import { describe, it } from 'vitest';
import { CLAIM_ACTIVITIES, CLAIM_STATUSES, EXPENSE_CATEGORIES, LEDGER_KINDS, LINE_KINDS, LINE_STATUSES, PAYMENT_METHODS, RATE_BASES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the payments hub, rates, settings and cost centre pages show comes from the catalogue. */
describe('the words of payments', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['payments'], atLeast: 80 }));

  it('has the shared payment words every payments feature builds from values', () => {
    expectInCatalogue([
      ...CLAIM_ACTIVITIES.map((k) => `payments.activities.${k}`),
      ...RATE_BASES.flatMap((b) => [`payments.bases.${b}`, `payments.rates.basisShort.${b}`]),
      ...EXPENSE_CATEGORIES.map((c) => `payments.categories.${c}`),
      ...CLAIM_STATUSES.map((s) => `payments.claimStatuses.${s}`),
      ...LINE_KINDS.map((k) => `payments.lineKinds.${k}`),
      ...LINE_STATUSES.map((s) => `payments.lineStatuses.${s}`),
      ...LEDGER_KINDS.map((k) => `payments.ledgerKinds.${k}`),
      ...PAYMENT_METHODS.map((m) => `payments.methods.${m}`),
      ...['ok', 'near', 'over'].map((l) => `payments.taxLevels.${l}`),
      ...['past', 'current', 'future'].map((s) => `payments.rates.status.${s}`),
      ...['claims', 'finance', 'rules'].map((s) => `payments.hub.sections.${s}`),
      ...['claims', 'approvals', 'finance', 'overdue', 'rates', 'settings', 'costCentres'].flatMap((l) => [`payments.hub.links.${l}.heading`, `payments.hub.links.${l}.description`]),
    ]);
  });
});
