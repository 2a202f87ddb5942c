/**
 * SPC engine throughput: points per second through `analyse` for XmR charts with every rule on
 * (screening, outside limits, trend, two of three, shift, runs analysis), in this process.
 *
 * Run on its own with `npx tsx bench/spc.ts [--series 1000] [--points 1000]`; `npm run bench` runs
 * it first, before starting any server, so nothing else competes for the CPU. Budget: bench/README.md.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { analyse, type SpcInputPoint } from '../src/spc/index.ts';
import { random } from './random.ts';

/** XmR points per second the engine must manage, all rules on. */
export const SPC_BUDGET_POINTS_PER_SECOND = 1_000_000;

export interface SpcBenchResult {
  series: number;
  points: number;
  seconds: number;
  pointsPerSecond: number;
  /** Points flagged by some rule: proof the rules had work to do, and a check the optimiser cannot skip it. */
  flagged: number;
}

/** Noisy series with the occasional step change and drift, so shifts, trends and outliers all occur. */
export function syntheticSeries(count: number, length: number, seed = 1): SpcInputPoint[][] {
  const next = random(seed);
  const all: SpcInputPoint[][] = [];
  for (let s = 0; s < count; s++) {
    let level = 50 + next() * 50;
    const series: SpcInputPoint[] = new Array<SpcInputPoint>(length);
    for (let i = 0; i < length; i++) {
      if (next() < 0.003) level += (next() - 0.5) * 20;
      const noise = (next() + next() + next() - 1.5) * 6;
      const spike = next() < 0.005 ? (next() - 0.5) * 80 : 0;
      series[i] = { x: `p${i + 1}`, value: Math.round((level + noise + spike) * 10) / 10 };
    }
    all.push(series);
  }
  return all;
}

export function benchSpc(count = 1000, length = 1000): SpcBenchResult {
  const data = syntheticSeries(count, length);
  const options = { chart: 'xmr', improvement: 'increase', target: 60, screen: true } as const;
  // Warm-up: let the JIT settle (and the Anhøj limits for this length be computed) before timing.
  for (const series of data.slice(0, Math.min(50, count))) analyse(series, options);
  let flagged = 0;
  const start = process.hrtime.bigint();
  for (const series of data) {
    const result = analyse(series, options);
    for (const p of result.points) if (p.special_cause !== null) flagged++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const points = count * length;
  return { series: count, points, seconds, pointsPerSecond: points / seconds, flagged };
}

export function describeSpcBench(r: SpcBenchResult): string[] {
  const verdict = r.pointsPerSecond >= SPC_BUDGET_POINTS_PER_SECOND ? 'within budget' : 'BELOW BUDGET';
  return [
    `SPC engine: ${r.series} XmR series × ${r.points / r.series} points, all rules on: ${r.seconds.toFixed(2)} s`,
    `  ${Math.round(r.pointsPerSecond).toLocaleString('en-GB')} points/s (budget >= ${SPC_BUDGET_POINTS_PER_SECOND.toLocaleString('en-GB')}: ${verdict}); ${r.flagged.toLocaleString('en-GB')} points flagged`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { series: { type: 'string', default: '1000' }, points: { type: 'string', default: '1000' } } });
  const result = benchSpc(Number(values.series), Number(values.points));
  for (const line of describeSpcBench(result)) process.stdout.write(`${line}\n`);
  if (result.pointsPerSecond < SPC_BUDGET_POINTS_PER_SECOND) process.exitCode = 1;
}
