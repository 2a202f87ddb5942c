import { describe, it } from 'vitest';
import { NAMINGS, STORY_SOURCES, STORY_STATUSES, TELLER_ROLES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';
import { REDACTION_KINDS } from './redaction.ts';
import { MODERATION_ACTIONS } from './schemas.ts';

/** Every word the story pages show comes from the catalogue (stories.json). */
describe('the words of telling and moderating stories', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['stories'], atLeast: 150 }));

  it('has the keys built from values', () => {
    expectInCatalogue([
      ...STORY_STATUSES.map((s) => `stories.statuses.${s}`),
      ...STORY_SOURCES.map((s) => `stories.sources.${s}`),
      ...TELLER_ROLES.flatMap((r) => ['self', 'other', 'short'].map((w) => `stories.tellerRoles.${w}.${r}`)),
      ...NAMINGS.flatMap((n) => ['self', 'other'].map((w) => `stories.namings.${w}.${n}`)),
      ...['self', 'other'].flatMap((w) => ['question', 'yes', 'no'].map((k) => `stories.form.consent.${w}.${k}`)),
      ...REDACTION_KINDS.flatMap((k) => [`stories.redaction.kinds.${k}`, `stories.redaction.placeholder.${k}`]),
      ...MODERATION_ACTIONS.map((a) => `stories.moderate.done.${a}`),
      ...['publicTitle', 'publicBody', 'publicGood', 'publicBetter', 'publicName'].map((f) => `stories.moderate.fields.${f}`),
      ...['moderation', 'contacts', 'stories', 'enter', 'discussions', 'forYou', 'following', 'measures', 'public', 'youSaid'].map((k) => `stories.hub.links.${k}.heading`),
      'stories.hub.links.moderation.description_one', 'stories.hub.links.moderation.description_other', 'stories.hub.links.measures.description',
      'stories.queue.total_one', 'stories.queue.total_other', 'stories.redaction.applied_one', 'stories.redaction.applied_other',
    ]);
  });
});
