import { describe, expect, it } from 'vitest';
import { CHART_TYPES, DIRECTIONS, MEASURE_KINDS } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import { MEASURES_API } from './schemas.ts';
import { expectInCatalogue, expectLiteralKeysInCatalogue } from '../../../test/support/catalogue.ts';

/** Every word the measures pages show comes from the catalogue: a missing key would show as the key itself. */
describe('the words of the measures feature', () => {
  it('has every key the templates and code name literally', () =>
    expectLiteralKeysInCatalogue([new URL('./', import.meta.url)], { errorAreas: ['measures'], atLeast: 100 }));

  it('has the keys built from values: kinds, directions, chart types, rules, causes, icons and reasons', () => {
    const keys = [
      ...MEASURE_KINDS.flatMap((k) => [`measures.kinds.${k}.name`, `measures.kinds.${k}.hint`]),
      ...DIRECTIONS.map((d) => `measures.directions.${d}.name`),
      ...CHART_TYPES.flatMap((c) => [`measures.chartTypes.${c}.name`, `measures.chartTypes.${c}.hint`]),
      ...['outside_limits', 'trend', 'two_of_three', 'shift'].map((r) => `charts.rules.${r}`),
      ...['improvement', 'concern', 'neutral_high', 'neutral_low', 'none'].map((s) => `charts.specialCause.${s}`),
      ...['common_cause', 'special_cause_improvement', 'special_cause_concern', 'special_cause_neutral_high', 'special_cause_neutral_low'].map((v) => `charts.summary.variation.${v}`),
      ...['consistent_pass', 'consistent_fail', 'inconsistent'].flatMap((a) => [`charts.summary.assurance.${a}`, `charts.icons.assurance.${a}`]),
      ...['common_cause', 'special_cause_improvement_high', 'special_cause_improvement_low', 'special_cause_concern_high', 'special_cause_concern_low', 'special_cause_neutral_high', 'special_cause_neutral_low'].map((v) => `charts.icons.variation.${v}`),
      ...['date', 'value', 'denominator', 'note'].map((c) => `import.columns.${c}`),
      ...[
        'dateRequired',
        'dateInvalid',
        'duplicateDate',
        'valueRequired',
        'valueInvalid',
        'valueNegative',
        'denominatorRequired',
        'denominatorInvalid',
        'denominatorZero',
        'numeratorAboveDenominator',
        'noteInvalid',
        'noteTooLong',
      ].map((r) => `errors.measures.point.${r}`),
      ...['empty', 'noRows', 'tooManyRows', 'tooLong', 'unreadable', 'badSpreadsheet', 'spreadsheetTooBig', 'noFile', 'uploadBroken', 'fileTooLarge', 'oldExcel', 'notText'].map((r) => `errors.measures.import.${r}`),
      ...Object.keys(MEASURES_API.endpoints).flatMap((op) => [`api.openapi.operations.${op}.summary`, `api.openapi.operations.${op}.response`]),
    ];
    expectInCatalogue(keys);
  });

  it('counts in words, one or many', () => {
    expect(t('measures.list.points', { count: 1 })).toBe('1 data point');
    expect(t('measures.list.points', { count: 3 })).toBe('3 data points');
    expect(t('errors.measures.import.hasBadRows', { count: 1 })).toContain('1 row has a problem');
  });
});
