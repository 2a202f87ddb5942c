import { describe, it } from 'vitest';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';
import { CSV_COLUMNS } from './service.ts';
import { MEASURE_KEYS } from './present.ts';

/** Every word the story measures page and its CSV show comes from the catalogue. */
describe('the words of the story measures', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['storyMeasures'], atLeast: 25 }));

  it('has the keys built from values: each measure, the chart kinds, the signals and the CSV headings', () => {
    expectInCatalogue([
      ...MEASURE_KEYS.flatMap((k) => [`storyMeasures.${k}.heading`, `storyMeasures.${k}.intro`, `storyMeasures.${k}.caption`, `storyMeasures.${k}.tooFew`]),
      ...['xmr', 'p', 'c', 'run'].map((c) => `storyMeasures.chartKinds.${c}`),
      ...['improvement', 'concern', 'neutral_high', 'neutral_low'].map((c) => `storyMeasures.signal.meaning.${c}`),
      ...['shift', 'trend'].flatMap((rule) =>
        (rule === 'shift' ? ['Above', 'Below'] : ['Up', 'Down']).flatMap((d) => ['Since', 'FromTo'].map((w) => `storyMeasures.signal.${rule}${d}${w}`)),
      ),
      ...['outsideAbove', 'outsideBelow', 'nearAbove', 'nearBelow', 'none', 'noneRun'].map((k) => `storyMeasures.signal.${k}`),
      ...['improvement', 'concern', 'neutral_high', 'neutral_low', 'none'].map((c) => `charts.specialCause.${c}`),
      ...CSV_COLUMNS.map((c) => `storyMeasures.csv.${c}`),
    ]);
  });
});
