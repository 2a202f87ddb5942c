import { describe, it } from 'vitest';
import { ACTIVITY_KINDS, INVOLVEMENT_LEVELS, STAGES } from '../../platform/db/types.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the dashboard and the pages behind its figures show comes from the catalogue. */
describe('the words of the involvement dashboard', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['insights'], atLeast: 60 }));

  it('has the keys built from values: summary sentences, stages, levels, activity kinds and special causes', () => {
    expectInCatalogue([
      'insights.share.sentence',
      'insights.share.startSentence',
      ...STAGES.map((s) => `stages.${s}.name`),
      ...INVOLVEMENT_LEVELS.map((l) => `involvement.${l}.name`),
      ...ACTIVITY_KINDS.map((k) => `people.activityKinds.${k}`),
      ...['improvement', 'concern', 'neutral_high', 'neutral_low', 'none'].map((c) => `charts.specialCause.${c}`),
      // The promptness charts' captions, named by which chart.
      ...['days', 'within'].map((k) => `insights.promptness.${k}.tableCaption`),
    ]);
  });
});
