import { readFile } from 'node:fs/promises';
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { analyse, SpcInputError, type ChartKind, type SpcInputPoint, type SpcResult } from '../spc/index.ts';
import { CliError } from './io.ts';

/**
 * `alongside spc`: runs the SPC engine on a CSV series and prints the result as JSON, so the
 * engine can be checked against NHSRplotthedots, qicharts2 or the Making Data Count spreadsheets.
 */

/** Options as commander hands them over: strings, and `screen` from `--no-screen`. */
export interface SpcFlags {
  chart?: string;
  improvement?: string;
  baseline?: string;
  exclude?: string;
  rebase?: string;
  target?: string;
  screen: boolean;
  input?: string;
}

const CHARTS = ['run', 'xmr', 'p', 'c', 'u'] as const;
const DIRECTIONS = ['increase', 'decrease', 'neutral'] as const;
/** A plain decimal number: what a spreadsheet writes. Rejects what Number() would quietly accept ("", "0x1A", "Infinity"). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const rowList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be row numbers separated by commas, e.g. 6,20')
  .transform((s) => s.split(',').map(Number));

const flagsSchema = z.object({
  chart: z.enum(CHARTS, { error: `must be one of ${CHARTS.join(', ')}` }),
  improvement: z.enum(DIRECTIONS, { error: `must be one of ${DIRECTIONS.join(', ')}` }).default('neutral'),
  baseline: z.string().regex(/^\s*\d+\s*$/, 'must be a whole number of points').transform(Number).optional(),
  exclude: rowList.optional(),
  rebase: rowList.optional(),
  target: z.string().trim().regex(NUMBER, 'must be a number').transform(Number).optional(),
  screen: z.boolean(),
  input: z.string().min(1, 'must name a file').optional(),
});

function parseFlags(flags: SpcFlags): z.output<typeof flagsSchema> {
  const parsed = flagsSchema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(`--${String(issue?.path[0] ?? 'options')}: ${issue?.message ?? 'invalid'}`);
}

const COLUMNS: Record<ChartKind, readonly string[]> = {
  run: ['x', 'value'],
  xmr: ['x', 'value'],
  c: ['x', 'value'],
  p: ['x', 'numerator', 'denominator'],
  u: ['x', 'numerator', 'denominator'],
};

/** Reads the CSV into engine points. Rows are numbered from 1 after the header, as in --exclude and --rebase. */
export function parseSeries(text: string, chart: ChartKind): SpcInputPoint[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true });
  } catch (err) {
    // `records` counts the header too, so it is the number of the data row that failed.
    if (err instanceof CsvError) throw new CliError(`row ${err.records}: not valid CSV (${err.message})`);
    throw err;
  }
  const needed = COLUMNS[chart];
  if (records.length === 0) throw new CliError(`the input is empty; expected CSV with the header ${needed.join(',')}`);
  const header = (records[0] as string[]).map((name) => name.toLowerCase());
  const index = needed.map((name) => header.indexOf(name));
  if (index.some((i) => i < 0)) {
    throw new CliError(`the header must name the columns ${needed.join(',')} for a ${chart} chart (found ${header.join(',')})`);
  }
  const [xAt, valueAt, denominatorAt] = index as [number, number, number | undefined];
  const valueName = needed[1] as string;

  return records.slice(1).map((record, i) => {
    const row = i + 1;
    const cell = (at: number, name: string): number => {
      const text = record[at] ?? '';
      if (text === '') throw new CliError(`row ${row}: ${name} is missing`);
      if (!NUMBER.test(text)) throw new CliError(`row ${row}: ${name} ${JSON.stringify(text)} is not a number`);
      return Number(text);
    };
    const x = record[xAt] ?? '';
    if (x === '') throw new CliError(`row ${row}: x is missing`);
    const point: SpcInputPoint = { x, value: cell(valueAt, valueName) };
    if (denominatorAt !== undefined) point.denominator = cell(denominatorAt, 'denominator');
    return point;
  });
}

async function readInput(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : ((err as Error).message.split('\n')[0] ?? code)}`);
    }
  }
  if (process.stdin.isTTY) throw new CliError('no input: pipe CSV into alongside spc, or give --input FILE');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON the issue specifies, field for field (the engine's extra `excluded`/`segment` stay out of it). */
export function toJson(result: SpcResult): unknown {
  return {
    chart: result.chart,
    points: result.points.map(({ x, y, centre, upper, lower, special_cause, rules }) => ({ x, y, centre, upper, lower, special_cause, rules })),
    runs: result.runs,
    variation: result.variation,
    assurance: result.assurance,
  };
}

export async function spcCommand(flags: SpcFlags): Promise<void> {
  const options = parseFlags(flags);
  const series = parseSeries(await readInput(options.input), options.chart);
  let result: SpcResult;
  try {
    result = analyse(series, {
      chart: options.chart,
      improvement: options.improvement,
      baseline: options.baseline,
      exclude: options.exclude,
      rebase: options.rebase,
      target: options.target,
      screen: options.screen,
    });
  } catch (err) {
    if (err instanceof SpcInputError) throw new CliError(err.message);
    throw err;
  }
  process.stdout.write(`${JSON.stringify(toJson(result), null, 2)}\n`);
}
