import { describe, it } from 'vitest';
import { PROMISE_PROGRESS } from '../../platform/db/workshop-types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';
import { LIST_FILTERS } from './schemas.ts';

/** Every word the promise pages and emails show comes from the catalogue (promises.json). */
describe('the words of promises', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['promises'], atLeast: 120 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...PROMISE_PROGRESS.flatMap((p) => [`promises.progress.${p}`, `promises.checkIn.options.${p}`]),
      ...LIST_FILTERS.map((f) => `promises.organiser.show.${f}`),
      ...['kept', 'inProgress', 'notYet', 'notMade'].map((k) => `promises.progressPage.rows.${k}`),
      ...['yes', 'yesHint', 'no', 'noHint'].map((k) => `promises.promise.shared.${k}`),
      'promises.links.myPromises', 'promises.flash.made', 'promises.flash.changed', 'promises.organiser.sharedYes', 'promises.organiser.sharedNo',
      'promises.email.prompt.textShared', 'promises.email.prompt.textPrivate',
      'promises.progressPage.headline_one', 'promises.progressPage.headline_other', 'promises.checkIn.weeks_one', 'promises.organiser.everyone_other',
    ]);
  });
});
