import { describe, expect, it } from 'vitest';
import { ACCESS_NEEDS, AVAILABILITY, MATCH_STATUSES, OPPORTUNITY_STATUSES, PAYMENT_PREFERENCES, PERSON_STATUSES, RELATIONSHIPS } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import { reasonText, timeName } from './routes.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the opportunities pages show comes from the catalogue: a missing key would show as the key itself. */
describe('the words of the opportunities feature', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['opportunities'], atLeast: 80 }));

  it('has the keys built from values', () => {
    const keys = [
      ...OPPORTUNITY_STATUSES.map((s) => `opportunities.statuses.${s}`),
      ...MATCH_STATUSES.map((s) => `opportunities.matchStatuses.${s}`),
      ...PAYMENT_PREFERENCES.map((p) => `opportunities.payment.${p}`),
      ...RELATIONSHIPS.map((r) => `opportunities.relationships.${r}`),
      ...ACCESS_NEEDS.map((a) => `opportunities.accessNeeds.${a}`),
      ...PERSON_STATUSES.map((s) => `opportunities.personStatuses.${s}`),
      ...['email', 'sms', 'post', 'phone'].map((c) => `opportunities.channels.${c}`),
      ...['interest', 'suggestion', 'public_form'].map((s) => `opportunities.matches.from.${s}`),
      ...['offer', 'start', 'end', 'withdraw'].map((s) => `opportunities.matches.done.${s}`),
      ...['offer', 'accept', 'decline', 'start', 'end', 'withdraw'].map((s) => `errors.opportunities.transition.${s}`),
      ...['accept', 'decline'].flatMap((a) => [`opportunities.respond.${a}Title`, `opportunities.respond.${a}Body`]),
      ...['plain', 'easyRead'].flatMap((s) => [`opportunities.message.${s}.subject`, `opportunities.message.${s}.body`]),
    ];
    expectInCatalogue(keys);
  });

  it('says times and reasons in words', () => {
    expect(AVAILABILITY.map(timeName)).toContain('Tuesday afternoon');
    expect(reasonText({ code: 'accessUnmet', values: ['hearing_loop'] })).toBe('venue does not meet: hearing loop');
    expect(reasonText({ code: 'busy', count: 2 })).toBe('Already involved in 2 things');
    expect(reasonText({ code: 'busy', count: 0 })).toBe('Not involved in anything else now');
    expect(t('opportunities.matches.withoutConsent', { count: 1 })).toContain('1 more person');
  });
});
