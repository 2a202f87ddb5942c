import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/types.ts';
import * as q from './queries.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The unit ids on a materialised path, nearest first: "/1/5/12/" → [12, 5, 1]. */
export function pathIds(path: string): number[] {
  return path.split('/').filter((s) => s !== '').map(Number).reverse();
}

/**
 * The cost centre that applies to each unit: its own code, or else its nearest ancestor's; null
 * when neither it nor any unit above it has one (or the unit does not exist). Two queries
 * whatever the number of units, so a finance export of thousands of lines stays cheap.
 */
export async function costCentresFor(db: Db, unitIds: readonly number[]): Promise<Map<number, string | null>> {
  const result = new Map<number, string | null>();
  const wanted = [...new Set(unitIds)];
  for (const id of wanted) result.set(id, null);
  // Chunked so a very long list stays within SQLite's bound-parameter limit.
  const units: { id: number; path: string }[] = [];
  for (let i = 0; i < wanted.length; i += 500) units.push(...(await q.unitPaths(db, wanted.slice(i, i + 500))));
  const chains = new Map(units.map((u) => [u.id, pathIds(u.path)]));
  const onPaths = [...new Set([...chains.values()].flat())];
  const codes = new Map<number, string>();
  for (let i = 0; i < onPaths.length; i += 500) {
    for (const row of await q.costCentreCodes(db, onPaths.slice(i, i + 500))) codes.set(row.unit_id, row.code);
  }
  for (const [id, chain] of chains) {
    const holder = chain.find((u) => codes.has(u));
    result.set(id, holder === undefined ? null : codes.get(holder)!);
  }
  return result;
}

/** The cost centre that applies to one unit, by its path (see costCentresFor). */
export async function costCentreFor(db: Db, unitPath: string): Promise<string | null> {
  const chain = pathIds(unitPath);
  const codes = new Map((await q.costCentreCodes(db, chain)).map((r) => [r.unit_id, r.code]));
  const holder = chain.find((u) => codes.has(u));
  return holder === undefined ? null : codes.get(holder)!;
}
