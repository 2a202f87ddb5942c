import type { Insertable, Selectable, Transaction, Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { AnnotationTable, Database, DataPointTable, MeasureTable } from '../../platform/db/types.ts';

export type Measure = Selectable<MeasureTable>;
export type DataPoint = Selectable<DataPointTable>;
export type Annotation = Selectable<AnnotationTable>;
type Conn = Db | Transaction<Database>;

export async function measuresOfProject(db: Db, projectId: number): Promise<Measure[]> {
  return db.selectFrom('measures').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
}

export async function measureById(db: Conn, id: number): Promise<Measure | undefined> {
  return db.selectFrom('measures').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertMeasure(db: Conn, values: Insertable<MeasureTable>): Promise<Measure> {
  return db.insertInto('measures').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateMeasure(db: Conn, id: number, values: Updateable<MeasureTable>): Promise<void> {
  if (Object.keys(values).length === 0) return;
  await db.updateTable('measures').set(values).where('id', '=', id).execute();
}

export async function deleteMeasure(db: Conn, id: number): Promise<void> {
  // Data points and annotations go with it (ON DELETE CASCADE); delete them explicitly as well so
  // the result does not depend on SQLite's foreign_keys pragma.
  await db.deleteFrom('data_points').where('measure_id', '=', id).execute();
  await db.deleteFrom('annotations').where('measure_id', '=', id).execute();
  await db.deleteFrom('measures').where('id', '=', id).execute();
}

/** A measure's points in date order (the unique index on measure_id, period serves this). */
export async function pointsOf(db: Conn, measureId: number): Promise<DataPoint[]> {
  return db.selectFrom('data_points').selectAll().where('measure_id', '=', measureId).orderBy('period').execute();
}

/** Points of several measures at once, for the list page: one query, not one per measure. */
export async function pointsOfMeasures(db: Db, measureIds: number[]): Promise<Map<number, DataPoint[]>> {
  const byMeasure = new Map<number, DataPoint[]>(measureIds.map((id) => [id, []]));
  if (measureIds.length === 0) return byMeasure;
  const rows = await db.selectFrom('data_points').selectAll().where('measure_id', 'in', measureIds).orderBy('measure_id').orderBy('period').execute();
  for (const row of rows) byMeasure.get(row.measure_id)?.push(row);
  return byMeasure;
}

export async function pointById(db: Conn, id: number): Promise<DataPoint | undefined> {
  return db.selectFrom('data_points').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function pointCount(db: Conn, measureId: number): Promise<number> {
  const row = await db.selectFrom('data_points').select((eb) => eb.fn.countAll<number>().as('n')).where('measure_id', '=', measureId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Which of these dates the measure already has, and their current values. */
export async function pointsOnDates(db: Conn, measureId: number, dates: string[]): Promise<Map<string, DataPoint>> {
  const found = new Map<string, DataPoint>();
  // Chunked so the statement stays well under either database's limit on parameters.
  for (let i = 0; i < dates.length; i += 500) {
    const chunk = dates.slice(i, i + 500);
    const rows = await db.selectFrom('data_points').selectAll().where('measure_id', '=', measureId).where('period', 'in', chunk).execute();
    for (const row of rows) found.set(row.period, row);
  }
  return found;
}

export interface PointValues {
  period: string;
  value: number;
  denominator: number | null;
  note: string | null;
}

/**
 * Adds points, or updates the value, denominator and note of a date the measure already has
 * (keeping an existing note when none is given, and the excluded/rebase flags).
 */
export async function upsertPoints(db: Conn, measureId: number, points: PointValues[]): Promise<void> {
  for (let i = 0; i < points.length; i += 200) {
    const chunk = points.slice(i, i + 200).map((p) => ({ measure_id: measureId, period: p.period, value: p.value, denominator: p.denominator, note: p.note, excluded: 0, rebase: 0 }));
    await db
      .insertInto('data_points')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['measure_id', 'period']).doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          denominator: eb.ref('excluded.denominator'),
          note: eb.fn.coalesce(eb.ref('excluded.note'), eb.ref('data_points.note')),
        })),
      )
      .execute();
  }
}

export async function insertPoint(db: Conn, values: Insertable<DataPointTable>): Promise<DataPoint> {
  return db.insertInto('data_points').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updatePoint(db: Conn, id: number, values: Updateable<DataPointTable>): Promise<void> {
  await db.updateTable('data_points').set(values).where('id', '=', id).execute();
}

export async function deletePoint(db: Conn, id: number): Promise<void> {
  await db.deleteFrom('data_points').where('id', '=', id).execute();
}

export async function annotationsOf(db: Conn, measureId: number): Promise<Annotation[]> {
  return db.selectFrom('annotations').selectAll().where('measure_id', '=', measureId).orderBy('on_date').orderBy('id').execute();
}

export async function insertAnnotation(db: Conn, values: Insertable<AnnotationTable>): Promise<Annotation> {
  return db.insertInto('annotations').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function annotationById(db: Conn, id: number): Promise<Annotation | undefined> {
  return db.selectFrom('annotations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deleteAnnotation(db: Conn, id: number): Promise<void> {
  await db.deleteFrom('annotations').where('id', '=', id).execute();
}

/** Which project a measure, data point or annotation belongs to (for the access check). */
export async function projectOfMeasure(db: Db, measureId: number): Promise<number | undefined> {
  return (await db.selectFrom('measures').select('project_id').where('id', '=', measureId).executeTakeFirst())?.project_id;
}

export async function measureOfPoint(db: Db, pointId: number): Promise<{ measureId: number; projectId: number } | undefined> {
  return db
    .selectFrom('data_points')
    .innerJoin('measures', 'measures.id', 'data_points.measure_id')
    .select(['measures.id as measureId', 'measures.project_id as projectId'])
    .where('data_points.id', '=', pointId)
    .executeTakeFirst();
}
