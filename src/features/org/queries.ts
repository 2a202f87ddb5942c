import type { Db } from '../../platform/db/index.ts';
import type { OrgUnit, UnitKind } from '../../platform/db/types.ts';

/** Units whose path starts with any of the prefixes (a unit and everything below it). */
export async function unitsUnder(db: Db, prefixes: string[], includeArchived = false): Promise<OrgUnit[]> {
  if (prefixes.length === 0) return [];
  let q = db
    .selectFrom('org_units')
    .selectAll()
    .where((eb) => eb.or(prefixes.map((p) => eb('path', 'like', `${p}%`))));
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  return q.orderBy('path').execute();
}

export async function unitById(db: Db, id: number): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function rootUnit(db: Db): Promise<OrgUnit | undefined> {
  return db.selectFrom('org_units').selectAll().where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
}

export async function childCount(db: Db, id: number): Promise<number> {
  const row = await db
    .selectFrom('org_units')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_id', '=', id)
    .where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a unit and sets its materialised path from its parent's. */
export async function insertUnit(db: Db, unit: { name: string; kind: UnitKind; parentId: number | null }, now: string): Promise<OrgUnit> {
  return db.transaction().execute(async (trx) => {
    const parent = unit.parentId == null ? undefined : await trx.selectFrom('org_units').select('path').where('id', '=', unit.parentId).executeTakeFirst();
    const { id } = await trx
      .insertInto('org_units')
      .values({ name: unit.name, kind: unit.kind, parent_id: unit.parentId, path: '', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const path = `${parent?.path ?? '/'}${id}/`;
    await trx.updateTable('org_units').set({ path }).where('id', '=', id).execute();
    return trx.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
}
