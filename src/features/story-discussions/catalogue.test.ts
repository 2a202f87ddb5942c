import { describe, it } from 'vitest';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the team discussion pages show comes from the catalogue (story-discussions.json). */
describe('the words of team discussions', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['storyDiscussions'], atLeast: 70 }));

  it('has the counted keys in each plural form', () => {
    expectInCatalogue([
      'storyDiscussions.new.storiesHint_one', 'storyDiscussions.new.storiesHint_other',
      'storyDiscussions.detail.stories_one', 'storyDiscussions.detail.stories_other',
    ]);
  });
});
