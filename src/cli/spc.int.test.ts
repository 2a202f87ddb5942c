import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { collect, runCli, type CliResult } from './testing.ts';

/** `alongside spc`, run as the real command. It needs no database, so these run the same on both dialects. */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'alongside.js');
const dir = mkdtempSync(join(tmpdir(), 'alongside-spc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function csvFile(text: string): string {
  const file = join(dir, `input-${++files}.csv`);
  writeFileSync(file, text);
  return file;
}

/** Runs `alongside spc …` with `text` on standard input (testing.ts's helpers leave stdin closed). */
function runWithStdin(args: string[], text: string): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, 'spc', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: 'sqlite::memory:', DATA_DIR: tmpdir() },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(text);
  return collect(child);
}

const spc = (args: string[], text: string): Promise<CliResult> => runCli(['spc', '--input', csvFile(text), ...args]);

// Worked by hand: mean 12, mean moving range 4/3, limits 12 ± 3.5467; the last point (20) is far above.
const XMR_CSV = ['x,value', ...[10, 12, 11, 13, 12, 14, 13, 12, 11, 12].map((v, i) => `2024-${String(i + 1).padStart(2, '0')}-01,${v}`), '2024-11-01,20', ''].join('\n');

interface Output {
  chart: string;
  points: Array<Record<string, unknown>>;
  runs: Record<string, unknown>;
  variation: string;
  assurance: string | null;
}

/** A failure is exactly one line on standard error and a non-zero exit code. */
function expectOneLineError(result: CliResult, ...fragments: string[]): void {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
}

describe.concurrent('alongside spc', { timeout: 60_000 }, () => {
  it('prints the issue\'s JSON for an XmR chart read from a file', async () => {
    const result = await spc(['--chart', 'xmr', '--improvement', 'increase', '--baseline', '10', '--target', '30'], XMR_CSV);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Output;
    expect(Object.keys(out)).toEqual(['chart', 'points', 'runs', 'variation', 'assurance']);
    expect(out.chart).toBe('xmr');
    expect(out.points).toHaveLength(11);
    expect(Object.keys(out.points[0] ?? {})).toEqual(['x', 'y', 'centre', 'upper', 'lower', 'special_cause', 'rules']);
    expect(out.points[0]).toMatchObject({ x: '2024-01-01', y: 10, centre: 12, special_cause: null, rules: [] });
    expect(out.points[0]?.upper as number).toBeCloseTo(15.546667, 6);
    expect(out.points[10]).toMatchObject({ x: '2024-11-01', y: 20, special_cause: 'improvement', rules: ['outside_limits'] });
    expect(Object.keys(out.runs)).toEqual(['useful', 'longest_run', 'longest_run_max', 'crossings', 'crossings_min', 'signal']);
    expect(out.variation).toBe('special_cause_improvement');
    expect(out.assurance).toBe('consistent_fail');
  });

  it('reads standard input when there is no --input, with the same result', async () => {
    const args = ['--chart', 'xmr', '--improvement', 'decrease'];
    const [piped, fromFile] = await Promise.all([runWithStdin(args, XMR_CSV), spc(args, XMR_CSV)]);
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(fromFile.stdout);
    expect((JSON.parse(piped.stdout) as Output).points[10]?.special_cause).toBe('concern');
  });

  it('a p chart with --exclude and --rebase: proportions, per-point limits, a new segment', async () => {
    const rows = [[5, 50], [10, 100], [8, 80], [12, 120], [40, 100], [30, 100], [31, 100], [29, 100]];
    const csv = ['x,numerator,denominator', ...rows.map(([n, d], i) => `week ${i + 1},${n},${d}`)].join('\n');
    const result = await spc(['--chart', 'p', '--exclude', '5', '--rebase', '6'], csv);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Output;
    expect(out.points.map((p) => p.y)).toEqual([0.1, 0.1, 0.1, 0.1, 0.4, 0.3, 0.31, 0.29]);
    // Segment 1 leaves week 5 out: 35/350 = 0.1, and week 5 is far above its limit.
    expect(out.points[4]).toMatchObject({ centre: 0.1, rules: ['outside_limits'], special_cause: 'neutral_high' });
    expect(out.points[1]?.upper as number).toBeCloseTo(0.19, 12);
    expect(out.points[7]?.centre as number).toBeCloseTo(0.3, 12);
  });

  it('--no-screen keeps large moving ranges in the limits', async () => {
    const csv = ['x,value', ...[10, 12, 11, 13, 12, 30, 13, 12, 11, 12].map((v, i) => `${i + 1},${v}`)].join('\n');
    const [screened, unscreened] = await Promise.all([spc(['--chart', 'xmr'], csv), spc(['--chart', 'xmr', '--no-screen'], csv)]);
    const upper = (r: CliResult) => (JSON.parse(r.stdout) as Output).points[0]?.upper as number;
    expect(upper(screened)).toBeCloseTo(13.6 + 2.66 * (9 / 7), 10);
    expect(upper(unscreened)).toBeCloseTo(13.6 + 2.66 * (44 / 9), 10);
  });

  it('run charts print null limits', async () => {
    const result = await spc(['--chart', 'run'], 'x,value\na,1\nb,3\nc,2\n');
    const out = JSON.parse(result.stdout) as Output;
    expect(out.points.map((p) => [p.centre, p.upper, p.lower])).toEqual([[2, null, null], [2, null, null], [2, null, null]]);
  });

  it.each([
    ['a value that is not a number', ['--chart', 'xmr'], 'x,value\na,1\nb,2\nc,abc\n', ['row 3', '"abc" is not a number']],
    ['a missing value', ['--chart', 'c'], 'x,value\na,1\nb,\n', ['row 2: value is missing']],
    ['a negative count', ['--chart', 'c'], 'x,value\na,1\nb,-3\n', ['row 2', 'cannot be negative']],
    ['a zero denominator on a p chart', ['--chart', 'p'], 'x,numerator,denominator\na,1,10\nb,0,0\n', ['row 2: denominator must be a number above 0']],
    ['a numerator above the denominator', ['--chart', 'p'], 'x,numerator,denominator\na,1,10\nb,2,10\nc,11,10\n', ['row 3: numerator (11) is more than the denominator (10)']],
    ['fewer than 2 points', ['--chart', 'xmr'], 'x,value\na,1\n', ['at least 2 points']],
    ['an empty input', ['--chart', 'xmr'], '', ['the input is empty']],
    ['the wrong header for the chart', ['--chart', 'u'], 'x,value\na,1\nb,2\n', ['header must name the columns x,numerator,denominator']],
    ['a row with too many fields', ['--chart', 'xmr'], 'x,value\na,1\nb,2,3\n', ['row 2', 'not valid CSV']],
    ['an exclusion past the end', ['--chart', 'xmr', '--exclude', '2,9'], 'x,value\na,1\nb,2\nc,3\n', ['exclude: row 9']],
    ['a malformed exclusion list', ['--chart', 'xmr', '--exclude', '2;3'], 'x,value\na,1\nb,2\nc,3\n', ['--exclude: must be row numbers']],
    ['a rebase at row 1', ['--chart', 'xmr', '--rebase', '1'], 'x,value\na,1\nb,2\nc,3\n', ['rebase: row 1']],
    ['a baseline that is not a number', ['--chart', 'xmr', '--baseline', 'ten'], 'x,value\na,1\nb,2\n', ['--baseline: must be a whole number']],
    ['an unknown chart', ['--chart', 'pie'], 'x,value\na,1\nb,2\n', ['--chart: must be one of run, xmr, p, c, u']],
    ['no chart at all', [], 'x,value\na,1\nb,2\n', ['--chart: must be one of']],
    ['an unknown direction', ['--chart', 'xmr', '--improvement', 'up'], 'x,value\na,1\nb,2\n', ['--improvement: must be one of increase, decrease, neutral']],
    ['a target that is not a number', ['--chart', 'xmr', '--target', '1O'], 'x,value\na,1\nb,2\n', ['--target: must be a number']],
    ['an unknown option', ['--chart', 'xmr', '--colour', 'blue'], 'x,value\na,1\nb,2\n', ["unknown option '--colour'"]],
  ])('refuses %s with one line on stderr', async (_what, args, csv, fragments) => {
    expectOneLineError(await spc(args, csv), ...fragments);
  });

  it('refuses bad input on standard input the same way', async () => {
    expectOneLineError(await runWithStdin(['--chart', 'xmr'], 'x,value\na,1\nb,two\n'), 'row 2', '"two" is not a number');
  });

  it('says so when --input names a file that is not there', async () => {
    expectOneLineError(await runCli(['spc', '--chart', 'xmr', '--input', join(dir, 'missing.csv')]), 'cannot read', 'no such file');
  });
});
