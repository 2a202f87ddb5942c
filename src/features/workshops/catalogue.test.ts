import { describe, it } from 'vitest';
import { VOTING_STATES } from '../../platform/db/workshop-types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the workshop pages show comes from the catalogue. */
describe('the words of workshops', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['workshops'], atLeast: 100 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...VOTING_STATES.map((s) => `workshops.voting.states.${s}`),
      ...['yes', 'no'].map((v) => `workshops.form.progressPublic.${v}`),
      'workshops.list.organising', 'workshops.list.taking_part',
      'workshops.results.votes_one', 'workshops.results.votes_other',
      'errors.workshops.emailsNotFound_one', 'errors.workshops.emailsNotFound_other',
    ]);
  });
});
