import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { ChangeIdeaTable, DriverTable, PdsaCycleTable } from '../../platform/db/types.ts';

export type Driver = Selectable<DriverTable>;
export type ChangeIdea = Selectable<ChangeIdeaTable>;
export type PdsaCycle = Selectable<PdsaCycleTable>;

// ---- drivers

/** Every driver of one project (a driver diagram has tens, not thousands), in display order. */
export async function driversOf(db: Db, projectId: number): Promise<Driver[]> {
  return db.selectFrom('drivers').selectAll().where('project_id', '=', projectId).orderBy('position').orderBy('id').execute();
}

export async function driverById(db: Db, projectId: number, driverId: number): Promise<Driver | undefined> {
  return db.selectFrom('drivers').selectAll().where('project_id', '=', projectId).where('id', '=', driverId).executeTakeFirst();
}

/** Adds a driver at the end of its siblings. */
export async function insertDriver(db: Db, driver: { projectId: number; parentId: number | null; title: string }): Promise<Driver> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('drivers')
      .select((eb) => eb.fn.max('position').as('last'))
      .where('project_id', '=', driver.projectId);
    q = driver.parentId == null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', driver.parentId);
    const { last } = await q.executeTakeFirstOrThrow();
    return trx
      .insertInto('drivers')
      .values({ project_id: driver.projectId, parent_id: driver.parentId, title: driver.title, position: last == null ? 0 : Number(last) + 1 })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function renameDriver(db: Db, driverId: number, title: string): Promise<void> {
  await db.updateTable('drivers').set({ title }).where('id', '=', driverId).execute();
}

/**
 * Swaps a driver with its neighbour above or below, and renumbers its siblings 0, 1, 2… so
 * positions stay tidy. Returns false when it is already first (or last).
 */
export async function moveDriver(db: Db, driver: Driver, direction: 'up' | 'down'): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('drivers').select(['id']).where('project_id', '=', driver.project_id);
    q = driver.parent_id == null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', driver.parent_id);
    const ids = (await q.orderBy('position').orderBy('id').execute()).map((r) => r.id);
    const at = ids.indexOf(driver.id);
    const to = direction === 'up' ? at - 1 : at + 1;
    if (at < 0 || to < 0 || to >= ids.length) return false;
    [ids[at], ids[to]] = [ids[to] as number, ids[at] as number];
    for (const [position, id] of ids.entries()) await trx.updateTable('drivers').set({ position }).where('id', '=', id).execute();
    return true;
  });
}

/** How much a removal takes with it: secondary drivers below, and change ideas that lose their link. */
export async function removalCounts(db: Db, driverId: number): Promise<{ secondaries: number; ideas: number }> {
  const children = await db.selectFrom('drivers').select('id').where('parent_id', '=', driverId).execute();
  const ids = [driverId, ...children.map((c) => c.id)];
  const { n } = await db
    .selectFrom('change_ideas')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('driver_id', 'in', ids)
    .executeTakeFirstOrThrow();
  return { secondaries: children.length, ideas: Number(n) };
}

/** Removes a driver and the secondary drivers under it; change ideas are kept, unlinked. */
export async function deleteDriver(db: Db, driverId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const children = await trx.selectFrom('drivers').select('id').where('parent_id', '=', driverId).execute();
    const ids = [driverId, ...children.map((c) => c.id)];
    await trx.updateTable('change_ideas').set({ driver_id: null }).where('driver_id', 'in', ids).execute();
    if (children.length) await trx.deleteFrom('drivers').where('parent_id', '=', driverId).execute();
    await trx.deleteFrom('drivers').where('id', '=', driverId).execute();
  });
}

// ---- change ideas

export interface IdeaRow extends ChangeIdea {
  driver_title: string | null;
  cycle_count: number;
}

/** One page of a project's change ideas, oldest first, after the given id (keyset). */
export async function ideasPage(db: Db, projectId: number, after: number | undefined, limit: number): Promise<IdeaRow[]> {
  let q = db
    .selectFrom('change_ideas')
    .leftJoin('drivers', 'drivers.id', 'change_ideas.driver_id')
    .selectAll('change_ideas')
    .select('drivers.title as driver_title')
    .select((eb) =>
      eb
        .selectFrom('pdsa_cycles')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('pdsa_cycles.change_idea_id', '=', 'change_ideas.id')
        .as('cycle_count'),
    )
    .where('change_ideas.project_id', '=', projectId);
  if (after !== undefined) q = q.where('change_ideas.id', '>', after);
  const rows = await q.orderBy('change_ideas.id').limit(limit).execute();
  return rows.map((r) => ({ ...r, cycle_count: Number(r.cycle_count ?? 0) }));
}

/** Every change idea of one project, short form, for the driver diagram and the timeline. */
export async function ideaSummaries(db: Db, projectId: number): Promise<Pick<ChangeIdea, 'id' | 'title' | 'driver_id' | 'status' | 'size'>[]> {
  return db.selectFrom('change_ideas').select(['id', 'title', 'driver_id', 'status', 'size']).where('project_id', '=', projectId).orderBy('id').execute();
}

export async function ideaById(db: Db, ideaId: number): Promise<ChangeIdea | undefined> {
  return db.selectFrom('change_ideas').selectAll().where('id', '=', ideaId).executeTakeFirst();
}

export async function insertIdea(db: Db, idea: Insertable<ChangeIdeaTable>): Promise<ChangeIdea> {
  return db.insertInto('change_ideas').values(idea).returningAll().executeTakeFirstOrThrow();
}

export async function updateIdea(db: Db, ideaId: number, changes: Updateable<ChangeIdeaTable>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('change_ideas').set(changes).where('id', '=', ideaId).execute();
}

// ---- PDSA cycles

/** The cycles of one change idea (tens at most), oldest first; the service puts them in ramp order. */
export async function cyclesOf(db: Db, ideaId: number): Promise<PdsaCycle[]> {
  return db.selectFrom('pdsa_cycles').selectAll().where('change_idea_id', '=', ideaId).orderBy('id').execute();
}

export async function cycleById(db: Db, cycleId: number): Promise<PdsaCycle | undefined> {
  return db.selectFrom('pdsa_cycles').selectAll().where('id', '=', cycleId).executeTakeFirst();
}

export async function insertCycle(db: Db, cycle: Insertable<PdsaCycleTable>): Promise<PdsaCycle> {
  return db.insertInto('pdsa_cycles').values(cycle).returningAll().executeTakeFirstOrThrow();
}

export async function updateCycle(db: Db, cycleId: number, changes: Updateable<PdsaCycleTable>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('pdsa_cycles').set(changes).where('id', '=', cycleId).execute();
}

/** Does another cycle follow on from this one? */
export async function hasFollower(db: Db, cycleId: number): Promise<boolean> {
  const row = await db.selectFrom('pdsa_cycles').select('id').where('previous_id', '=', cycleId).limit(1).executeTakeFirst();
  return row !== undefined;
}

export interface ProjectCycleRow {
  id: number;
  title: string;
  change_idea_id: number;
  idea_title: string;
  start_on: string | null;
  end_on: string | null;
  act: PdsaCycle['act'];
}

/** Every PDSA cycle of a project with its change idea's title, by start date (undated last), then end date. */
export async function projectCycles(db: Db, projectId: number): Promise<ProjectCycleRow[]> {
  const rows = await db
    .selectFrom('pdsa_cycles')
    .innerJoin('change_ideas', 'change_ideas.id', 'pdsa_cycles.change_idea_id')
    .select([
      'pdsa_cycles.id',
      'pdsa_cycles.title',
      'pdsa_cycles.change_idea_id',
      'change_ideas.title as idea_title',
      'pdsa_cycles.start_on',
      'pdsa_cycles.end_on',
      'pdsa_cycles.act',
    ])
    .where('change_ideas.project_id', '=', projectId)
    .orderBy('pdsa_cycles.id')
    .execute();
  // Sorted here so NULL dates go last the same way on both databases.
  const key = (d: string | null): string => d ?? '9999-12-31';
  return rows.sort((a, b) => key(a.start_on).localeCompare(key(b.start_on)) || key(a.end_on).localeCompare(key(b.end_on)) || a.id - b.id);
}
