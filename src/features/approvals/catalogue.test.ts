import { describe, it } from 'vitest';
import { CLAIM_ACTIVITIES, EXPENSE_CATEGORIES, LINE_STATUSES, PAYMENT_PREFERENCES, RATE_BASES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';
import { DECISIONS } from './schemas.ts';

/** Every word the approvals pages and the outcome messages show comes from the catalogue. */
describe('the words of approvals', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['approvals'], atLeast: 60 }));

  it('has the keys built from values', () => {
    const outcomes = ['approved', 'partly_approved', 'rejected'] as const;
    expectInCatalogue([
      ...CLAIM_ACTIVITIES.flatMap((a) => [`approvals.activities.${a}`, `approvals.activityPhrases.${a}`]),
      ...[...RATE_BASES, ...EXPENSE_CATEGORIES].map((c) => `approvals.categories.${c}`),
      ...LINE_STATUSES.map((s) => `approvals.lineStatuses.${s}`),
      ...PAYMENT_PREFERENCES.flatMap((p) => [`approvals.preferences.${p}`, `approvals.preferenceHints.${p}`]),
      ...DECISIONS.flatMap((d) => [`approvals.decisions.${d}`, `approvals.secondDecisions.${d}`]),
      ...[...outcomes, 'second_approval'].map((o) => `approvals.done.${o}`),
      ...(['sms', 'post', 'phone'] as const).map((c) => `approvals.channels.${c}`),
      ...(['near', 'over'] as const).flatMap((l) => [`approvals.tax.${l}.heading`, `approvals.tax.${l}.text`]),
      ...(['plain', 'easyRead'] as const).flatMap((style) => [
        ...outcomes.flatMap((o) => [`approvals.message.${style}.subject.${o}`, `approvals.message.${style}.intro.${o}`, `approvals.message.${style}.sms.${o}`]),
        `approvals.message.${style}.howPaid.money`, `approvals.message.${style}.howPaid.vouchers`,
        `approvals.message.${style}.tax.near`, `approvals.message.${style}.tax.over`, `approvals.message.${style}.sms.tax`,
        ...['greeting', 'reasonsPartly', 'reasonsRejected', 'reasonLine', 'questions', 'thanks'].map((k) => `approvals.message.${style}.${k}`),
      ]),
      'approvals.queue.days_one', 'approvals.queue.days_other', 'approvals.quantity.hours_one', 'approvals.quantity.minutes_other',
      'approvals.quantity.halfDays_one', 'approvals.quantity.days_other', 'approvals.quantity.times_other',
    ]);
  });
});
