import { z } from 'zod';
import { CHART_TYPES, DIRECTIONS, MEASURE_KINDS } from '../../platform/db/types.ts';
import { NOTE_MAX } from './points.ts';

/**
 * Measures, data points and annotations: the same schemas check the HTML forms, the JSON API and
 * (through the API) the OpenAPI document. Messages are catalogue keys.
 */

const optionalText = (max: number, key: string) => z.string({ error: key }).max(max, key).nullable().optional();

export const measureFields = {
  name: z.string({ error: 'errors.measures.nameRequired' }).min(2, 'errors.measures.nameTooShort').max(150, 'errors.measures.nameTooLong').describe('What is measured, e.g. "Days from referral to first appointment".'),
  kind: z.enum(MEASURE_KINDS, { error: 'errors.measures.kindRequired' }).describe('outcome, process or balancing.'),
  definition: optionalText(2000, 'errors.measures.definitionTooLong').describe('The operational definition: exactly what is counted, from where, how often.'),
  unitLabel: optionalText(60, 'errors.measures.unitLabelTooLong').describe('The unit shown beside values, e.g. "days" or "patients".'),
  direction: z.enum(DIRECTIONS, { error: 'errors.measures.directionRequired' }).describe('Which way is better: increase, decrease or neutral.'),
  chart: z.enum(CHART_TYPES, { error: 'errors.measures.chartRequired' }).describe('run, xmr, p, c or u. p and u charts need a denominator for every data point.'),
  target: z.coerce.number({ error: 'errors.measures.targetInvalid' }).nullable().optional().describe('Optional target on the plotted scale; for p charts a percentage from 0 to 100.'),
  baselinePoints: z.coerce
    .number({ error: 'errors.measures.baselineInvalid' })
    .int('errors.measures.baselineWhole')
    .min(2, 'errors.measures.baselineTooFew')
    .max(1000, 'errors.measures.baselineTooMany')
    .nullable()
    .optional()
    .describe('Optional: fix the centre line and limits after this many points.'),
  screenMovingRanges: z.boolean({ error: 'errors.measures.screenInvalid' }).optional().describe('XmR charts: leave out very large moving ranges when working out the limits (default true).'),
};

export const createMeasureSchema = z.object(measureFields);
export const updateMeasureSchema = z.object(measureFields).partial();
export type MeasureInput = z.infer<typeof updateMeasureSchema>;

/** A data point as the API takes it. The date, value, denominator and note are checked by points.ts, row by row. */
export const dataPointInputSchema = z.object({
  date: z.string().describe('The date of the data: YYYY-MM-DD (31/03/2024 and 2024-03 are also understood).'),
  value: z.number().describe('The value; for p and u charts the count (numerator).'),
  denominator: z.number().nullable().optional().describe('Required for p and u charts: the number of opportunities. Above 0, and for p charts at least the value.'),
  note: z.string().max(NOTE_MAX).nullable().optional(),
  excluded: z.boolean({ error: 'errors.measures.point.flagInvalid' }).optional().describe('Keep the point on the chart but leave it out of the centre line and limits.'),
  rebase: z.boolean({ error: 'errors.measures.point.flagInvalid' }).optional().describe('Start new limits from this point (e.g. when a change was adopted).'),
});
export const dataPointListInputSchema = z.array(dataPointInputSchema).describe('One or more data points. Every row is checked; if any is wrong nothing is saved. A date the measure already has is updated.');

/** The flags a data point carries besides its value. */
export const pointFlagsSchema = z.object({
  excluded: z.boolean({ error: 'errors.measures.point.flagInvalid' }).optional(),
  rebase: z.boolean({ error: 'errors.measures.point.flagInvalid' }).optional(),
});

export const annotationSchema = z.object({
  date: z.string({ error: 'errors.measures.annotation.dateRequired' }),
  text: z.string({ error: 'errors.measures.annotation.textRequired' }).min(1, 'errors.measures.annotation.textRequired').max(300, 'errors.measures.annotation.textTooLong'),
});

export const importModeSchema = z.enum(['all', 'good'], { error: 'errors.measures.import.modeRequired' });

/** Rows carried from the preview to the import, as raw cells: they are checked again. */
export const carriedRowsSchema = z
  .array(
    z.object({
      row: z.number().int().positive(),
      date: z.string().max(100).optional(),
      value: z.string().max(100).optional(),
      denominator: z.string().max(100).optional(),
      note: z.string().max(NOTE_MAX * 2).optional(),
    }),
  )
  .max(5000);

// ---- what the API answers

export const measureJsonSchema = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  name: z.string(),
  kind: z.enum(MEASURE_KINDS),
  definition: z.string().nullable(),
  unitLabel: z.string().nullable(),
  direction: z.enum(DIRECTIONS),
  chart: z.enum(CHART_TYPES),
  target: z.number().nullable(),
  baselinePoints: z.number().int().nullable(),
  screenMovingRanges: z.boolean(),
  createdAt: z.string(),
});
export type MeasureJson = z.infer<typeof measureJsonSchema>;

export const measureListJsonSchema = z.object({ items: z.array(measureJsonSchema).describe('The project’s measures, oldest first.') });

export const dataPointJsonSchema = z.object({
  id: z.number().int(),
  measureId: z.number().int(),
  date: z.string().describe('YYYY-MM-DD'),
  value: z.number(),
  denominator: z.number().nullable(),
  excluded: z.boolean(),
  rebase: z.boolean(),
  note: z.string().nullable(),
});
export type DataPointJson = z.infer<typeof dataPointJsonSchema>;

export const dataPointListJsonSchema = z.object({ items: z.array(dataPointJsonSchema).describe('Every data point, in date order.') });

export const dataPointsSavedJsonSchema = z.object({
  added: z.number().int().describe('Rows for dates the measure did not have.'),
  updated: z.number().int().describe('Rows for dates it had: their value, denominator and note were replaced.'),
  items: z.array(dataPointJsonSchema).describe('The saved data points, in date order.'),
});

const rule = z.enum(['outside_limits', 'trend', 'two_of_three', 'shift']);
export const spcResultJsonSchema = z.object({
  chart: z.enum(CHART_TYPES),
  points: z.array(
    z.object({
      x: z.string(),
      y: z.number().describe('The plotted value: a proportion for p charts, a rate for u charts.'),
      centre: z.number(),
      upper: z.number().nullable(),
      lower: z.number().nullable(),
      special_cause: z.enum(['improvement', 'concern', 'neutral_high', 'neutral_low']).nullable(),
      rules: z.array(rule),
      excluded: z.boolean(),
      segment: z.number().int(),
    }),
  ),
  runs: z.object({
    useful: z.number().int(),
    longest_run: z.number().int(),
    longest_run_max: z.number().int(),
    crossings: z.number().int(),
    crossings_min: z.number().int(),
    signal: z.boolean(),
  }),
  variation: z.enum(['common_cause', 'special_cause_improvement', 'special_cause_concern', 'special_cause_neutral']).describe('What the last point shows.'),
  assurance: z.enum(['consistent_pass', 'consistent_fail', 'inconsistent']).nullable(),
});

/**
 * The measures part of the JSON API: schemas and endpoints, described in the OpenAPI document
 * (src/features/api/openapi.ts spreads these) and registered by api.ts with the API's conventions.
 */
export const MEASURES_API = {
  requestSchemas: {
    CreateMeasure: createMeasureSchema,
    UpdateMeasure: updateMeasureSchema,
    DataPointInputList: dataPointListInputSchema,
  },
  responseSchemas: {
    Measure: measureJsonSchema,
    MeasureList: measureListJsonSchema,
    DataPointList: dataPointListJsonSchema,
    DataPointsSaved: dataPointsSavedJsonSchema,
    SpcChart: spcResultJsonSchema,
  },
  endpoints: {
    listMeasures: { method: 'GET', path: '/projects/:id/measures', scope: 'projects:read', response: { status: 200, schema: 'MeasureList' } },
    createMeasure: { method: 'POST', path: '/projects/:id/measures', scope: 'projects:write', request: 'CreateMeasure', response: { status: 201, schema: 'Measure' } },
    getMeasure: { method: 'GET', path: '/measures/:id', scope: 'projects:read', response: { status: 200, schema: 'Measure' } },
    updateMeasure: { method: 'PATCH', path: '/measures/:id', scope: 'projects:write', request: 'UpdateMeasure', response: { status: 200, schema: 'Measure' } },
    listDataPoints: { method: 'GET', path: '/measures/:id/data-points', scope: 'projects:read', response: { status: 200, schema: 'DataPointList' } },
    saveDataPoints: { method: 'POST', path: '/measures/:id/data-points', scope: 'projects:write', request: 'DataPointInputList', response: { status: 200, schema: 'DataPointsSaved' } },
    deleteDataPoint: { method: 'DELETE', path: '/data-points/:id', scope: 'projects:write', response: { status: 204 } },
    getMeasureChart: { method: 'GET', path: '/measures/:id/chart', scope: 'projects:read', response: { status: 200, schema: 'SpcChart' } },
  },
} as const;

/** Largest body for POST /measures/:id/data-points: about 5,000 rows. */
export const DATA_POINTS_BODY_LIMIT = 1024 * 1024;
