import { describe, it } from 'vitest';
import { CHANGE_KINDS, STORY_SOURCES, TELLER_ROLES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the story response pages and messages show comes from the catalogue (story-responses.json). */
describe('the words of story responses', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['storyResponses'], atLeast: 90 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...CHANGE_KINDS.flatMap((c) => [`storyResponses.changes.${c}`, `storyResponses.form.changes.${c}`]),
      ...STORY_SOURCES.map((s) => `storyResponses.sources.${s}`),
      ...TELLER_ROLES.map((r) => `storyResponses.tellerRoles.${r}`),
      ...['answered', 'discussed'].flatMap((f) => ['any', 'yes', 'no'].map((v) => `storyResponses.list.${f}.${v}`)),
      ...['planned', 'made'].flatMap((c) => [
        `storyResponses.message.change.${c}`, `storyResponses.message.changeUpdate.${c}`, `storyResponses.message.subjectChange.${c}`,
        `errors.storyResponses.changeDescriptionRequired.${c}`,
      ]),
      ...['added', 'updated'].map((k) => `storyResponses.flash.${k}`),
      ...['greeting', 'greetingNamed', 'thanks', 'replied', 'update', 'readOnline', 'notOnline', 'why', 'subjectNew'].map((k) => `storyResponses.message.${k}`),
      'storyResponses.list.total_one', 'storyResponses.list.total_other', 'storyResponses.story.responsesHeading_other',
    ]);
  });
});
