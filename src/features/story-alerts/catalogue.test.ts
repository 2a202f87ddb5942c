import { describe, it } from 'vitest';
import { DIGEST_FREQUENCIES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the following and "for you" pages and the digest email show comes from the catalogue. */
describe('the words of story alerts', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['storyAlerts'], atLeast: 40 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...DIGEST_FREQUENCIES.flatMap((f) => [`storyAlerts.frequencies.${f}`, `storyAlerts.frequencyHints.${f}`, `storyAlerts.flash.frequency.${f}`, `storyAlerts.forYou.frequency.${f}`]),
      ...(['unit', 'tag'] as const).map((k) => `storyAlerts.following.kinds.${k}`),
      ...['subject', 'intro', 'more'].flatMap((k) => [`storyAlerts.digest.${k}_one`, `storyAlerts.digest.${k}_other`]),
      'storyAlerts.forYou.newCount_one', 'storyAlerts.forYou.newCount_other',
    ]);
  });
});
