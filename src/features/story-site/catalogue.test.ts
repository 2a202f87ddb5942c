import { describe, it } from 'vitest';
import { CHANGE_KINDS, IDEA_STATUSES, STAGES, TELLER_ROLES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the public stories site shows comes from the catalogue (story-site.json). */
describe('the words of the public stories site', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['storySite'], atLeast: 60 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...TELLER_ROLES.map((r) => `storySite.roles.${r}`),
      ...CHANGE_KINDS.map((c) => `storySite.change.${c}`),
      ...STAGES.map((s) => `storySite.stages.${s}`),
      ...IDEA_STATUSES.map((s) => `storySite.ideaStatuses.${s}`),
      ...['from', 'to'].map((f) => `errors.storySite.${f}Invalid`),
      'storySite.yswd.storiesLed_one', 'storySite.yswd.more_other',
    ]);
  });
});
