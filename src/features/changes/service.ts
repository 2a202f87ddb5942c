import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { nowIso, type Db } from '../../platform/db/index.ts';
import type { IDEA_STATUSES, PDSA_ACTS } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import { projectAccess, type ProjectAccess } from '../projects/access.ts';
import { layoutDiagram, type DiagramDriver, type DiagramLayout } from './diagram.ts';
import * as q from './queries.ts';
import type { ChangeIdea, Driver, PdsaCycle } from './queries.ts';
import { rampOrder, wouldLoop, type RampEntry } from './ramp.ts';
import {
  CHANGES_API,
  changeIdeaJsonSchema,
  changeIdeaListJsonSchema,
  changeIdeaPatchSchema,
  changeIdeaSchema,
  driverSchema,
  ideaListQuerySchema,
  MAX_ID,
  moveDriverSchema,
  pdsaCycleJsonSchema,
  pdsaCycleListJsonSchema,
  pdsaCyclePatchSchema,
  pdsaCycleSchema,
  renameDriverSchema,
  type ChangeIdeaJson,
  type PdsaCycleJson,
} from './schemas.ts';
import { layoutTimeline, type TimelineLayout } from './timeline.ts';

export type { ChangeIdea, Driver, PdsaCycle };
export type IdeaStatus = (typeof IDEA_STATUSES)[number];
export type PdsaAct = (typeof PDSA_ACTS)[number];

/** What the Act of a cycle means for its change idea's status. */
export const ACT_STATUS: Record<PdsaAct, IdeaStatus> = { adopt: 'adopted', adapt: 'adapted', abandon: 'abandoned' };

/** A record id from a URL: anything that is not a whole number an id column can hold becomes "not found". */
export function toId(raw: unknown): number {
  const s = String(raw ?? '');
  if (!/^[1-9][0-9]{0,9}$/.test(s)) return Number.NaN;
  const n = Number(s);
  return n <= MAX_ID ? n : Number.NaN;
}

/** Validates after the permission check, so someone who may not change a project learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const fmtDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** "2025-03-17" → "17 March 2025" (dates without a time are shown as they are). */
export function formatDay(day: string | null | undefined): string {
  if (!day) return '';
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) ? day : fmtDay.format(t);
}

/** Names of the fields whose values differ: audit rows name what changed, never the values. */
function changedFields<T extends object>(before: T, after: Partial<T>): string[] {
  return Object.keys(after).filter((k) => after[k as keyof T] !== undefined && after[k as keyof T] !== before[k as keyof T]);
}

// ---------------------------------------------------------------- driver diagram

export interface DriverNode extends Driver {
  ideas: Pick<ChangeIdea, 'id' | 'title' | 'status' | 'size'>[];
  children: DriverNode[];
  isFirst: boolean;
  isLast: boolean;
}

export interface DriverDiagram {
  access: ProjectAccess;
  primaries: DriverNode[];
  /** Change ideas not yet linked to a driver. */
  unlinked: Pick<ChangeIdea, 'id' | 'title' | 'status' | 'size'>[];
  layout: DiagramLayout;
  counts: { primaries: number; secondaries: number; ideas: number };
}

/** The whole driver diagram of a project: its tree, and its layout as a picture. */
export async function driverDiagram(ctx: ServiceContext, projectId: number): Promise<DriverDiagram> {
  const access = await projectAccess(ctx, projectId, 'view');
  const [drivers, ideas] = await Promise.all([q.driversOf(ctx.db, projectId), q.ideaSummaries(ctx.db, projectId)]);
  const nodes = new Map<number, DriverNode>(drivers.map((d) => [d.id, { ...d, ideas: [], children: [], isFirst: false, isLast: false }]));
  const primaries: DriverNode[] = [];
  for (const d of drivers) {
    const node = nodes.get(d.id) as DriverNode;
    const parent = d.parent_id == null ? undefined : nodes.get(d.parent_id);
    if (parent) parent.children.push(node);
    else primaries.push(node);
  }
  const unlinked: DriverDiagram['unlinked'] = [];
  for (const i of ideas) {
    const node = i.driver_id == null ? undefined : nodes.get(i.driver_id);
    const idea = { id: i.id, title: i.title, status: i.status, size: i.size };
    if (node) node.ideas.push(idea);
    else unlinked.push(idea);
  }
  const mark = (list: DriverNode[]): void => {
    list.forEach((n, i) => {
      n.isFirst = i === 0;
      n.isLast = i === list.length - 1;
      mark(n.children);
    });
  };
  mark(primaries);
  const toDiagram = (n: DriverNode): DiagramDriver => ({ id: n.id, title: n.title, ideas: n.ideas, children: n.children.map(toDiagram) });
  return {
    access,
    primaries,
    unlinked,
    layout: layoutDiagram(access.project.aim, primaries.map(toDiagram)),
    counts: { primaries: primaries.length, secondaries: drivers.length - primaries.length, ideas: ideas.length },
  };
}

/** For the "add a driver" form (only for people who may change the project): the primary drivers a new one may go under. */
export async function newDriverChoices(ctx: ServiceContext, projectId: number): Promise<{ access: ProjectAccess; primaries: Driver[] }> {
  const access = await projectAccess(ctx, projectId, 'edit');
  return { access, primaries: (await q.driversOf(ctx.db, projectId)).filter((d) => d.parent_id == null) };
}

/** One driver of a project; a driver of another project is not found. */
export async function getDriver(ctx: ServiceContext, projectId: number, driverId: number, need: 'view' | 'edit' = 'view'): Promise<{ access: ProjectAccess; driver: Driver }> {
  const access = await projectAccess(ctx, projectId, need);
  const driver = Number.isSafeInteger(driverId) ? await q.driverById(ctx.db, projectId, driverId) : undefined;
  if (!driver) throw new NotFoundError();
  return { access, driver };
}

/** Adds a primary driver, or a secondary driver under a primary one (the diagram has two levels). */
export async function addDriver(ctx: ServiceContext, projectId: number, raw: unknown): Promise<Driver> {
  await projectAccess(ctx, projectId, 'edit');
  const input = parse(driverSchema, raw);
  const parentId = input.parentId ?? null;
  if (parentId != null) {
    const parent = await q.driverById(ctx.db, projectId, parentId);
    if (!parent || parent.parent_id != null) throw ValidationError.one('parentId', 'errors.changes.driverParentInvalid');
  }
  const driver = await q.insertDriver(ctx.db, { projectId, parentId, title: input.title });
  await audit(ctx.db, auditContext(ctx), { action: 'driver.created', entityType: 'driver', entityId: driver.id, details: { projectId, level: parentId == null ? 'primary' : 'secondary' } });
  return driver;
}

export async function renameDriver(ctx: ServiceContext, projectId: number, driverId: number, raw: unknown): Promise<Driver> {
  const { driver } = await getDriver(ctx, projectId, driverId, 'edit');
  const { title } = parse(renameDriverSchema, raw);
  await q.renameDriver(ctx.db, driver.id, title);
  await audit(ctx.db, auditContext(ctx), { action: 'driver.renamed', entityType: 'driver', entityId: driver.id, details: { projectId } });
  return { ...driver, title };
}

/** Moves a driver up or down among its siblings. Returns false when it cannot move further. */
export async function moveDriver(ctx: ServiceContext, projectId: number, driverId: number, raw: unknown): Promise<{ driver: Driver; moved: boolean }> {
  const { driver } = await getDriver(ctx, projectId, driverId, 'edit');
  const { direction } = parse(moveDriverSchema, raw);
  const moved = await q.moveDriver(ctx.db, driver, direction);
  if (moved) await audit(ctx.db, auditContext(ctx), { action: 'driver.moved', entityType: 'driver', entityId: driver.id, details: { projectId, direction } });
  return { driver, moved };
}

/** What removing a driver would take with it, for the confirmation page. */
export async function driverRemoval(ctx: ServiceContext, projectId: number, driverId: number): Promise<{ access: ProjectAccess; driver: Driver; secondaries: number; ideas: number }> {
  const { access, driver } = await getDriver(ctx, projectId, driverId, 'edit');
  return { access, driver, ...(await q.removalCounts(ctx.db, driver.id)) };
}

/**
 * Removes a driver and any secondary drivers under it. Change ideas are kept and lose their link.
 * Removing a driver that has already gone (two people, or a double click) is not an error.
 */
export async function removeDriver(ctx: ServiceContext, projectId: number, driverId: number): Promise<{ removed: Driver | null }> {
  await projectAccess(ctx, projectId, 'edit');
  const driver = Number.isSafeInteger(driverId) ? await q.driverById(ctx.db, projectId, driverId) : undefined;
  if (!driver) return { removed: null };
  const counts = await q.removalCounts(ctx.db, driver.id);
  await q.deleteDriver(ctx.db, driver.id);
  await audit(ctx.db, auditContext(ctx), { action: 'driver.removed', entityType: 'driver', entityId: driver.id, details: { projectId, ...counts } });
  return { removed: driver };
}

// ---------------------------------------------------------------- change ideas

const IDEA_PAGE_SIZE = 50;

/** A page of the project's change ideas (oldest first, 50 at a time). */
export async function listIdeas(ctx: ServiceContext, projectId: number, rawQuery: unknown = {}): Promise<{ access: ProjectAccess; ideas: q.IdeaRow[]; nextAfter: number | null }> {
  const access = await projectAccess(ctx, projectId, 'view');
  const parsed = ideaListQuerySchema.safeParse(rawQuery);
  const after = parsed.success ? parsed.data.after : undefined;
  const rows = await q.ideasPage(ctx.db, projectId, after, IDEA_PAGE_SIZE + 1);
  const ideas = rows.slice(0, IDEA_PAGE_SIZE);
  return { access, ideas, nextAfter: rows.length > IDEA_PAGE_SIZE ? (ideas.at(-1)?.id ?? null) : null };
}

/** Every change idea of a project, for the JSON API. */
export async function allIdeas(ctx: ServiceContext, projectId: number): Promise<ChangeIdea[]> {
  await projectAccess(ctx, projectId, 'view');
  const out: ChangeIdea[] = [];
  let after: number | undefined;
  for (;;) {
    const rows = await q.ideasPage(ctx.db, projectId, after, 500);
    out.push(...rows.map(({ driver_title: _d, cycle_count: _c, ...idea }) => idea));
    if (rows.length < 500) return out;
    after = rows.at(-1)?.id;
  }
}

export interface DriverChoice {
  id: number;
  title: string;
  level: 'primary' | 'secondary';
}

/** For the change idea form (only for people who may change the project): the drivers an idea may be linked to. */
export async function ideaFormChoices(ctx: ServiceContext, projectId: number): Promise<{ access: ProjectAccess; drivers: DriverChoice[] }> {
  const access = await projectAccess(ctx, projectId, 'edit');
  return { access, drivers: await driverChoicesOf(ctx, projectId) };
}

/** Each primary driver, followed by its secondaries. */
async function driverChoicesOf(ctx: ServiceContext, projectId: number): Promise<DriverChoice[]> {
  const drivers = await q.driversOf(ctx.db, projectId);
  const out: DriverChoice[] = [];
  for (const p of drivers.filter((d) => d.parent_id == null)) {
    out.push({ id: p.id, title: p.title, level: 'primary' });
    for (const s of drivers.filter((d) => d.parent_id === p.id)) out.push({ id: s.id, title: s.title, level: 'secondary' });
  }
  return out;
}

/**
 * Finds a change idea and checks the user may see (or change) its project. When the URL names the
 * project too, an idea of another project is not found.
 */
export async function getIdea(ctx: ServiceContext, projectId: number | null, ideaId: number, need: 'view' | 'edit' = 'view'): Promise<{ access: ProjectAccess; idea: ChangeIdea; driver: Driver | null }> {
  // With the project in the URL, check it first: a project you cannot see is a 404 whatever the idea.
  const urlAccess = projectId == null ? null : await projectAccess(ctx, projectId, need);
  const idea = Number.isSafeInteger(ideaId) ? await q.ideaById(ctx.db, ideaId) : undefined;
  if (!idea || (projectId != null && idea.project_id !== projectId)) {
    requireSignedIn(ctx.principal); // not signed in is a 401 (sign in), not a 404
    throw new NotFoundError();
  }
  const access = urlAccess ?? (await projectAccess(ctx, idea.project_id, need));
  const driver = idea.driver_id == null ? null : ((await q.driverById(ctx.db, idea.project_id, idea.driver_id)) ?? null);
  return { access, idea, driver };
}

async function checkDriver(ctx: ServiceContext, projectId: number, driverId: number | null | undefined): Promise<void> {
  if (driverId == null) return;
  if (!(await q.driverById(ctx.db, projectId, driverId))) throw ValidationError.one('driverId', 'errors.changes.driverInvalid');
}

/** The values of a change idea as its form (and the API) would send them. */
function ideaInput(idea: ChangeIdea): Record<string, unknown> {
  return {
    title: idea.title,
    description: idea.description,
    size: idea.size,
    source: idea.source,
    sourceRef: idea.source_ref,
    status: idea.status,
    driverId: idea.driver_id,
  };
}

/** Adds a change idea. Anyone who may change the project may add one, partners included. */
export async function createIdea(ctx: ServiceContext, projectId: number, raw: unknown): Promise<ChangeIdea> {
  await projectAccess(ctx, projectId, 'edit');
  const input = parse(changeIdeaSchema, raw);
  await checkDriver(ctx, projectId, input.driverId);
  return ctx.db.transaction().execute(async (trx) => {
    const idea = await q.insertIdea(trx, {
      project_id: projectId,
      driver_id: input.driverId ?? null,
      title: input.title,
      description: input.description ?? null,
      size: input.size,
      source: input.source,
      source_ref: input.sourceRef ?? null,
      status: input.status ?? 'idea',
      created_at: nowIso(),
    });
    await audit(trx, auditContext(ctx), { action: 'change_idea.created', entityType: 'change_idea', entityId: idea.id, details: { projectId } });
    return idea;
  });
}

/**
 * Changes a change idea. Fields not sent keep their value; a field sent empty (or null) is
 * cleared, or refused if it is required. The HTML form sends every field; the API only what changes.
 */
export async function updateIdea(ctx: ServiceContext, projectId: number | null, ideaId: number, raw: unknown): Promise<ChangeIdea> {
  const { idea } = await getIdea(ctx, projectId, ideaId, 'edit');
  const input = parse(changeIdeaSchema, { ...ideaInput(idea), ...(raw as Record<string, unknown>) });
  await checkDriver(ctx, idea.project_id, input.driverId);
  const changes = {
    title: input.title,
    description: input.description ?? null,
    size: input.size,
    source: input.source,
    source_ref: input.sourceRef ?? null,
    status: input.status ?? idea.status,
    driver_id: input.driverId ?? null,
  };
  const fields = changedFields(idea, changes);
  if (fields.length === 0) return idea;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateIdea(trx, idea.id, changes);
    await audit(trx, auditContext(ctx), { action: 'change_idea.updated', entityType: 'change_idea', entityId: idea.id, details: { projectId: idea.project_id, fields } });
  });
  return { ...idea, ...changes };
}

export interface CycleView extends PdsaCycle {
  startLabel: string;
  endLabel: string;
}

/** A change idea's cycles in ramp order, with dates ready to show. */
export async function ideaRamp(ctx: ServiceContext, projectId: number | null, ideaId: number): Promise<{ access: ProjectAccess; idea: ChangeIdea; driver: Driver | null; ramp: RampEntry<CycleView>[] }> {
  const found = await getIdea(ctx, projectId, ideaId, 'view');
  const cycles = await q.cyclesOf(ctx.db, found.idea.id);
  return { ...found, ramp: rampOrder(cycles.map((c) => ({ ...c, startLabel: formatDay(c.start_on), endLabel: formatDay(c.end_on) }))) };
}

// ---------------------------------------------------------------- PDSA cycles

/**
 * Finds a PDSA cycle and checks the user may see (or change) its project. With the project and
 * idea in the URL, a cycle of another idea is not found.
 */
export async function getCycle(
  ctx: ServiceContext,
  cycleId: number,
  need: 'view' | 'edit' = 'view',
  within?: { projectId: number; ideaId: number },
): Promise<{ access: ProjectAccess; idea: ChangeIdea; cycle: PdsaCycle }> {
  // With the project and idea in the URL, check them first (a project you cannot see is a 404).
  const fromUrl = within ? await getIdea(ctx, within.projectId, within.ideaId, need) : null;
  const cycle = Number.isSafeInteger(cycleId) ? await q.cycleById(ctx.db, cycleId) : undefined;
  if (!cycle || (fromUrl && cycle.change_idea_id !== fromUrl.idea.id)) {
    requireSignedIn(ctx.principal); // not signed in is a 401 (sign in), not a 404
    throw new NotFoundError();
  }
  const { access, idea } = fromUrl ?? (await getIdea(ctx, null, cycle.change_idea_id, need));
  return { access, idea, cycle };
}

/** One cycle's page: the cycle with its place in the ramp, and the cycles either side of it. */
export async function cyclePage(
  ctx: ServiceContext,
  projectId: number,
  ideaId: number,
  cycleId: number,
): Promise<{ access: ProjectAccess; idea: ChangeIdea; entry: RampEntry<CycleView>; previous: RampEntry<CycleView> | null; followers: RampEntry<CycleView>[] }> {
  const { access, idea, ramp } = await ideaRamp(ctx, projectId, ideaId);
  const entry = ramp.find((e) => e.cycle.id === cycleId);
  if (!entry) throw new NotFoundError();
  return {
    access,
    idea,
    entry,
    previous: ramp.find((e) => e.cycle.id === entry.cycle.previous_id) ?? null,
    followers: ramp.filter((e) => e.cycle.previous_id === entry.cycle.id),
  };
}

/**
 * For the cycle form (only for people who may change the project): the idea, the cycle being
 * changed (if any), and the cycles it may follow on from: the idea's other cycles, except ones
 * that follow it (which would make a loop).
 */
export async function cycleForm(
  ctx: ServiceContext,
  projectId: number,
  ideaId: number,
  cycleId?: number,
): Promise<{ access: ProjectAccess; idea: ChangeIdea; cycle: PdsaCycle | null; choices: RampEntry<PdsaCycle>[] }> {
  const { access, idea, cycle } =
    cycleId === undefined ? { ...(await getIdea(ctx, projectId, ideaId, 'edit')), cycle: null } : await getCycle(ctx, cycleId, 'edit', { projectId, ideaId });
  const cycles = await q.cyclesOf(ctx.db, idea.id);
  const ramp = rampOrder(cycles);
  const choices = cycle ? ramp.filter((e) => e.cycle.id !== cycle.id && !wouldLoop(cycles, cycle.id, e.cycle.id)) : ramp;
  return { access, idea, cycle, choices };
}

/** A cycle as form/API field values: what the edit form shows and what a PATCH starts from. */
export function cycleInput(c: PdsaCycle) {
  return {
    title: c.title,
    previousId: c.previous_id,
    question: c.question,
    prediction: c.prediction,
    plan: c.plan,
    dataToCollect: c.data_to_collect,
    startOn: c.start_on,
    whatHappened: c.what_happened,
    observations: c.observations,
    study: c.study,
    act: c.act,
    nextSteps: c.next_steps,
    endOn: c.end_on,
  };
}

function cycleColumns(input: z.infer<typeof pdsaCycleSchema>) {
  return {
    title: input.title,
    previous_id: input.previousId ?? null,
    question: input.question ?? null,
    prediction: input.prediction ?? null,
    plan: input.plan ?? null,
    data_to_collect: input.dataToCollect ?? null,
    start_on: input.startOn ?? null,
    what_happened: input.whatHappened ?? null,
    observations: input.observations ?? null,
    study: input.study ?? null,
    act: input.act ?? null,
    next_steps: input.nextSteps ?? null,
    end_on: input.endOn ?? null,
  };
}

/** Rules zod cannot check alone: the previous cycle belongs to the same idea without a loop, and the dates are in order. */
async function checkCycle(ctx: ServiceContext, ideaId: number, cycleId: number | null, input: z.infer<typeof pdsaCycleSchema>): Promise<void> {
  if (input.previousId != null) {
    const cycles = await q.cyclesOf(ctx.db, ideaId);
    const previous = cycles.find((c) => c.id === input.previousId);
    if (!previous || (cycleId != null && wouldLoop(cycles, cycleId, previous.id))) throw ValidationError.one('previousId', 'errors.changes.previousInvalid');
  }
  if (input.startOn && input.endOn && input.endOn < input.startOn) throw ValidationError.one('endOn', 'errors.changes.endBeforeStart');
}

/**
 * The idea's status follows the cycles: adding the first test moves an idea to "testing"; deciding
 * to adopt, adapt or abandon in the latest cycle of a ramp sets it to adopted, adapted or abandoned.
 * Returns the new status when it changed, so the page can say so.
 */
async function followCycle(trx: Db, ctx: ServiceContext, idea: ChangeIdea, cycle: PdsaCycle, actBefore: PdsaAct | null, isNew: boolean): Promise<IdeaStatus | null> {
  let status: IdeaStatus | null = null;
  if (cycle.act && cycle.act !== actBefore && !(await q.hasFollower(trx, cycle.id))) status = ACT_STATUS[cycle.act];
  else if (isNew && !cycle.act && idea.status === 'idea') status = 'testing';
  if (!status || status === idea.status) return null;
  await q.updateIdea(trx, idea.id, { status });
  await audit(trx, auditContext(ctx), { action: 'change_idea.updated', entityType: 'change_idea', entityId: idea.id, details: { projectId: idea.project_id, fields: ['status'], byCycle: cycle.id } });
  return status;
}

export interface CycleSaved {
  cycle: PdsaCycle;
  idea: ChangeIdea;
  /** Set when saving the cycle changed the change idea's status. */
  ideaStatus: IdeaStatus | null;
}

/** Adds a PDSA cycle to a change idea. */
export async function createCycle(ctx: ServiceContext, ideaId: number, raw: unknown, projectId: number | null = null): Promise<CycleSaved> {
  const { idea } = await getIdea(ctx, projectId, ideaId, 'edit');
  const input = parse(pdsaCycleSchema, raw);
  await checkCycle(ctx, idea.id, null, input);
  return ctx.db.transaction().execute(async (trx) => {
    const cycle = await q.insertCycle(trx, { change_idea_id: idea.id, ...cycleColumns(input), created_at: nowIso() });
    await audit(trx, auditContext(ctx), { action: 'pdsa_cycle.created', entityType: 'pdsa_cycle', entityId: cycle.id, details: { projectId: idea.project_id, changeIdeaId: idea.id } });
    const ideaStatus = await followCycle(trx, ctx, idea, cycle, null, true);
    return { cycle, idea: ideaStatus ? { ...idea, status: ideaStatus } : idea, ideaStatus };
  });
}

/** Changes a PDSA cycle: fields not sent keep their value, fields sent empty (or null) are cleared. */
export async function updateCycle(ctx: ServiceContext, cycleId: number, raw: unknown, within?: { projectId: number; ideaId: number }): Promise<CycleSaved> {
  const { idea, cycle } = await getCycle(ctx, cycleId, 'edit', within);
  const input = parse(pdsaCycleSchema, { ...cycleInput(cycle), ...(raw as Record<string, unknown>) });
  await checkCycle(ctx, idea.id, cycle.id, input);
  const changes = cycleColumns(input);
  const fields = changedFields(cycle, changes);
  if (fields.length === 0) return { cycle, idea, ideaStatus: null };
  return ctx.db.transaction().execute(async (trx) => {
    await q.updateCycle(trx, cycle.id, changes);
    await audit(trx, auditContext(ctx), { action: 'pdsa_cycle.updated', entityType: 'pdsa_cycle', entityId: cycle.id, details: { projectId: idea.project_id, changeIdeaId: idea.id, fields } });
    const saved = { ...cycle, ...changes };
    const ideaStatus = await followCycle(trx, ctx, idea, saved, cycle.act, false);
    return { cycle: saved, idea: ideaStatus ? { ...idea, status: ideaStatus } : idea, ideaStatus };
  });
}

/** A change idea's cycles in ramp order, for the JSON API. */
export async function listCycles(ctx: ServiceContext, ideaId: number): Promise<PdsaCycle[]> {
  const { idea } = await getIdea(ctx, null, ideaId, 'view');
  return rampOrder(await q.cyclesOf(ctx.db, idea.id)).map((e) => e.cycle);
}

// ---------------------------------------------------------------- timeline

export interface ProjectCycle {
  id: number;
  title: string;
  ideaTitle: string;
  start_on: string | null;
  end_on: string | null;
  act: PdsaAct | null;
}

/**
 * Every PDSA cycle of a project, by start date (undated last), with its change idea's title.
 * The measures feature marks these on its charts.
 */
export async function projectCycles(ctx: ServiceContext, projectId: number): Promise<ProjectCycle[]> {
  await projectAccess(ctx, projectId, 'view');
  const rows = await q.projectCycles(ctx.db, projectId);
  return rows.map((r) => ({ id: r.id, title: r.title, ideaTitle: r.idea_title, start_on: r.start_on, end_on: r.end_on, act: r.act }));
}

export interface TimelineGroupView {
  ideaId: number;
  ideaTitle: string;
  cycles: (q.ProjectCycleRow & { startLabel: string; endLabel: string })[];
}

const monthNames = Array.from({ length: 12 }, (_v, m) => new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2000, m, 1)));

/** The project's cycles grouped by change idea (the idea whose first cycle starts first comes first), and a chart of them. */
export async function timeline(ctx: ServiceContext, projectId: number): Promise<{ access: ProjectAccess; groups: TimelineGroupView[]; layout: TimelineLayout | null; total: number }> {
  const access = await projectAccess(ctx, projectId, 'view');
  const rows = await q.projectCycles(ctx.db, projectId);
  const groups = new Map<number, TimelineGroupView>();
  for (const r of rows) {
    const g = groups.get(r.change_idea_id) ?? { ideaId: r.change_idea_id, ideaTitle: r.idea_title, cycles: [] };
    g.cycles.push({ ...r, startLabel: formatDay(r.start_on), endLabel: formatDay(r.end_on) });
    groups.set(r.change_idea_id, g);
  }
  const list = [...groups.values()];
  return { access, groups: list, layout: layoutTimeline(list, monthNames), total: rows.length };
}

// ---------------------------------------------------------------- JSON API shapes

export function ideaJson(idea: ChangeIdea): ChangeIdeaJson {
  return {
    id: idea.id,
    projectId: idea.project_id,
    driverId: idea.driver_id,
    title: idea.title,
    description: idea.description,
    size: idea.size,
    source: idea.source,
    sourceRef: idea.source_ref,
    status: idea.status,
    createdAt: idea.created_at,
  };
}

export function cycleJson(c: PdsaCycle): PdsaCycleJson {
  return {
    id: c.id,
    changeIdeaId: c.change_idea_id,
    ...cycleInput(c),
    createdAt: c.created_at,
  };
}

/** The JSON API and its OpenAPI document use the same schemas as the forms, through this file. */
export {
  CHANGES_API,
  changeIdeaSchema,
  changeIdeaPatchSchema,
  pdsaCycleSchema,
  pdsaCyclePatchSchema,
  changeIdeaJsonSchema,
  changeIdeaListJsonSchema,
  pdsaCycleJsonSchema,
  pdsaCycleListJsonSchema,
};
