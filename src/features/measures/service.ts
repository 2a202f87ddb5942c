import type { Updateable } from 'kysely';
import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { MeasureTable } from '../../platform/db/types.ts';
import { HttpError, NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import type { SpcResult } from '../../spc/index.ts';
import { projectCycles } from '../changes/service.ts';
import { projectAccess, type Project } from '../projects/access.ts';
import { analyseMeasure, chartView, displayDate, type ChartView } from './chart.ts';
import { ImportReadError, readDelimitedText, readUpload } from './import.ts';
import { checkRow, checkRows, MAX_IMPORT_ROWS, needsDenominator, parseDate, type GoodRow, type PointColumn, type RawRow, type RowProblem } from './points.ts';
import * as q from './queries.ts';
import {
  annotationSchema,
  carriedRowsSchema,
  createMeasureSchema,
  importModeSchema,
  pointFlagsSchema,
  updateMeasureSchema,
  type DataPointJson,
  type MeasureInput,
  type MeasureJson,
} from './schemas.ts';

export type Measure = q.Measure;
export type DataPoint = q.DataPoint;
export type Annotation = q.Annotation;

/** Validates after the permission check, so someone who may not change a project learns nothing from errors. */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const isId = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

/** The project (checked first) and one of its measures; a measure of another project is a 404. */
async function measureInProject(ctx: ServiceContext, projectId: number, measureId: number, need: 'view' | 'edit') {
  const access = await projectAccess(ctx, projectId, need);
  const measure = isId(measureId) ? await q.measureById(ctx.db, measureId) : undefined;
  if (!measure || measure.project_id !== access.project.id) throw new NotFoundError();
  return { access, measure };
}

/** For the API, which names a measure without its project: find the project, then check access to it. */
async function measureAlone(ctx: ServiceContext, measureId: number, need: 'view' | 'edit') {
  requireSignedIn(ctx.principal);
  const projectId = isId(measureId) ? await q.projectOfMeasure(ctx.db, measureId) : undefined;
  if (projectId === undefined) throw new NotFoundError();
  return measureInProject(ctx, projectId, measureId, need);
}

// ---- measures

function measureValues(input: MeasureInput): Updateable<MeasureTable> {
  const values: Updateable<MeasureTable> = {};
  if (input.name !== undefined) values.name = input.name;
  if (input.kind !== undefined) values.kind = input.kind;
  if (input.definition !== undefined) values.definition = input.definition;
  if (input.unitLabel !== undefined) values.unit_label = input.unitLabel;
  if (input.direction !== undefined) values.direction = input.direction;
  if (input.chart !== undefined) values.chart = input.chart;
  if (input.target !== undefined) values.target = input.target;
  if (input.baselinePoints !== undefined) values.baseline_points = input.baselinePoints;
  if (input.screenMovingRanges !== undefined) values.screen_moving_ranges = input.screenMovingRanges ? 1 : 0;
  return values;
}

/** Rules across fields: a p chart's target is a percentage. */
function checkMeasure(chart: string, target: number | null | undefined): void {
  if (chart === 'p' && target !== null && target !== undefined && (target < 0 || target > 100)) throw ValidationError.one('target', 'errors.measures.targetPercent');
}

/** The form sends every field; a blank optional field means "none", an unticked box means off. */
export function measureFromForm(input: Record<string, unknown>): Record<string, unknown> {
  return {
    ...input,
    definition: input.definition ?? null,
    unitLabel: input.unitLabel ?? null,
    target: input.target ?? null,
    baselinePoints: input.baselinePoints ?? null,
    screenMovingRanges: input.screenMovingRanges === 'true',
  };
}

export async function createMeasure(ctx: ServiceContext, projectId: number, raw: unknown): Promise<Measure> {
  const access = await projectAccess(ctx, projectId, 'edit');
  const input = parse(createMeasureSchema, raw);
  checkMeasure(input.chart, input.target);
  return ctx.db.transaction().execute(async (trx) => {
    const measure = await q.insertMeasure(trx, {
      project_id: access.project.id,
      name: input.name,
      kind: input.kind,
      definition: input.definition ?? null,
      unit_label: input.unitLabel ?? null,
      direction: input.direction,
      chart: input.chart,
      target: input.target ?? null,
      baseline_points: input.baselinePoints ?? null,
      screen_moving_ranges: input.screenMovingRanges === false ? 0 : 1,
      created_at: nowIso(),
    });
    await audit(trx, auditContext(ctx), { action: 'measure.created', entityType: 'measure', entityId: measure.id, details: { projectId: access.project.id } });
    return measure;
  });
}

async function applyUpdate(ctx: ServiceContext, measure: Measure, raw: unknown, partial: boolean): Promise<Measure> {
  const input = parse(partial ? updateMeasureSchema : createMeasureSchema, raw);
  checkMeasure(input.chart ?? measure.chart, input.target === undefined ? measure.target : input.target);
  const values = measureValues(input);
  const changed = Object.keys(values).filter((k) => values[k as keyof typeof values] !== measure[k as keyof Measure]);
  return ctx.db.transaction().execute(async (trx) => {
    await q.updateMeasure(trx, measure.id, values);
    if (changed.length) await audit(trx, auditContext(ctx), { action: 'measure.updated', entityType: 'measure', entityId: measure.id, details: { fields: changed } });
    return (await q.measureById(trx, measure.id)) as Measure;
  });
}

/** The edit form: every field, blanks clear optional ones. */
export async function updateMeasure(ctx: ServiceContext, projectId: number, measureId: number, raw: unknown): Promise<Measure> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  return applyUpdate(ctx, measure, raw, false);
}

export async function deleteMeasure(ctx: ServiceContext, projectId: number, measureId: number): Promise<Measure> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  await ctx.db.transaction().execute(async (trx) => {
    const points = await q.pointCount(trx, measure.id);
    await q.deleteMeasure(trx, measure.id);
    await audit(trx, auditContext(ctx), { action: 'measure.deleted', entityType: 'measure', entityId: measure.id, details: { projectId, dataPoints: points } });
  });
  return measure;
}

export interface MeasureSummary {
  measure: Measure;
  pointCount: number;
  chart: ChartView;
}

/** A project's measures, each with a small chart. */
export async function listMeasures(ctx: ServiceContext, projectId: number): Promise<{ project: Project; canEdit: boolean; measures: MeasureSummary[] }> {
  const access = await projectAccess(ctx, projectId, 'view');
  const measures = await q.measuresOfProject(ctx.db, projectId);
  const points = await q.pointsOfMeasures(ctx.db, measures.map((m) => m.id));
  return {
    project: access.project,
    canEdit: access.canEdit,
    measures: measures.map((measure) => {
      const list = points.get(measure.id) ?? [];
      return { measure, pointCount: list.length, chart: chartView(measure, list, { id: `measure-${measure.id}-chart`, size: 'small' }) };
    }),
  };
}

/**
 * The project's latest chart, for a page elsewhere (a project slot on a forum agenda): the measure
 * whose data was most recently added to (by the latest date it has), drawn small with its summary
 * and table rows; null when no measure has data. A project the user may not see is a 404.
 */
export async function latestChart(ctx: ServiceContext, projectId: number, chartId = `project-${projectId}-latest-chart`): Promise<{ measure: Measure; chart: ChartView; href: string } | null> {
  const access = await projectAccess(ctx, projectId, 'view');
  const measures = await q.measuresOfProject(ctx.db, access.project.id);
  const points = await q.pointsOfMeasures(ctx.db, measures.map((m) => m.id));
  let latest: { measure: Measure; last: string } | undefined;
  for (const measure of measures) {
    const last = points.get(measure.id)?.at(-1)?.period;
    if (last && (!latest || last > latest.last)) latest = { measure, last };
  }
  if (!latest) return null;
  const { measure } = latest;
  return { measure, chart: chartView(measure, points.get(measure.id) ?? [], { id: chartId, size: 'small' }), href: `/projects/${access.project.id}/measures/${measure.id}` };
}

/**
 * A project's outcome measure drawn small with its summary and table rows, for the public "You said,
 * we did" page (story-site): the first outcome measure with data; null when there is none. No
 * access check: the caller shows only projects that a change made because of a public story links.
 */
export async function publicOutcomeChart(ctx: ServiceContext, projectId: number, chartId: string): Promise<{ measure: Measure; chart: ChartView } | null> {
  const measures = (await q.measuresOfProject(ctx.db, projectId)).filter((m) => m.kind === 'outcome');
  const points = await q.pointsOfMeasures(ctx.db, measures.map((m) => m.id));
  const measure = measures.find((m) => (points.get(m.id)?.length ?? 0) > 0);
  return measure ? { measure, chart: chartView(measure, points.get(measure.id) ?? [], { id: chartId, size: 'small' }) } : null;
}

/** Only the project and whether the user may change it (for the "add a measure" form). */
export async function projectForMeasures(ctx: ServiceContext, projectId: number, need: 'view' | 'edit'): Promise<{ project: Project; canEdit: boolean }> {
  const access = await projectAccess(ctx, projectId, need);
  return { project: access.project, canEdit: access.canEdit };
}

export async function getMeasure(ctx: ServiceContext, projectId: number, measureId: number, need: 'view' | 'edit' = 'view'): Promise<{ project: Project; canEdit: boolean; measure: Measure }> {
  const { access, measure } = await measureInProject(ctx, projectId, measureId, need);
  return { project: access.project, canEdit: access.canEdit, measure };
}

export interface MeasurePage {
  project: Project;
  canEdit: boolean;
  measure: Measure;
  points: DataPoint[];
  chart: ChartView;
}

/** One measure with its chart, summary, data table, PDSA cycles and annotations. */
export async function measurePage(ctx: ServiceContext, projectId: number, measureId: number): Promise<MeasurePage> {
  const { access, measure } = await measureInProject(ctx, projectId, measureId, 'view');
  const [points, annotations, cycles] = await Promise.all([q.pointsOf(ctx.db, measure.id), q.annotationsOf(ctx.db, measure.id), projectCycles(ctx, projectId)]);
  return {
    project: access.project,
    canEdit: access.canEdit,
    measure,
    points,
    chart: chartView(measure, points, {
      id: `measure-${measure.id}-chart`,
      size: 'full',
      cycles: cycles.map((c) => ({ title: c.title, changeIdeaTitle: c.ideaTitle, startOn: c.start_on, endOn: c.end_on })),
      annotations,
    }),
  };
}

// ---- data points entered by hand

/** Words for a row problem, e.g. "Enter a real date". */
export function problemText(p: RowProblem): string {
  return t(`errors.measures.point.${p.reason}`, p.params ?? {});
}

function rowErrors(problems: RowProblem[]): ValidationError {
  const seen = new Set<string>();
  const fields: FieldError[] = [];
  for (const p of problems) {
    if (seen.has(p.column)) continue;
    seen.add(p.column);
    fields.push({ field: p.column, message: `errors.measures.point.${p.reason}` });
  }
  return new ValidationError(fields);
}

/** A date typed in three boxes (day, month, year) as one string for the date rules. */
export function dateFromParts(day: unknown, month: unknown, year: unknown): string | undefined {
  const parts = [day, month, year].map((v) => (typeof v === 'string' ? v.trim() : ''));
  if (parts.every((p) => p === '')) return undefined;
  const [d, m, y] = parts as [string, string, string];
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return 'invalid';
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** A point form's fields (date in three boxes, flags as ticked boxes) as the row rules take them. */
export function pointFromForm(input: Record<string, unknown>): Record<string, unknown> {
  return {
    date: dateFromParts(input.dateDay, input.dateMonth, input.dateYear),
    value: input.value,
    denominator: input.denominator,
    note: input.note,
    excluded: input.excluded === 'true',
    rebase: input.rebase === 'true',
  };
}

function checkOne(raw: Record<string, unknown>, measure: Measure): GoodRow & { excluded?: boolean; rebase?: boolean } {
  const checked = checkRow({ row: 1, date: raw.date, value: raw.value, denominator: raw.denominator, note: raw.note }, measure.chart);
  const flags = pointFlagsSchema.safeParse({ excluded: raw.excluded, rebase: raw.rebase });
  if (!checked.ok) throw rowErrors(checked.problems);
  if (!flags.success) throw ValidationError.fromZod(flags.error);
  return { ...checked.row, ...flags.data };
}

export async function addPoint(ctx: ServiceContext, projectId: number, measureId: number, raw: Record<string, unknown>): Promise<DataPoint> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const row = checkOne(raw, measure);
  const existing = await q.pointsOnDates(ctx.db, measure.id, [row.date]);
  if (existing.size > 0) throw ValidationError.one('date', 'errors.measures.point.dateTaken');
  return ctx.db.transaction().execute(async (trx) => {
    const point = await q.insertPoint(trx, {
      measure_id: measure.id,
      period: row.date,
      value: row.value,
      denominator: row.denominator,
      note: row.note,
      excluded: row.excluded ? 1 : 0,
      rebase: row.rebase ? 1 : 0,
    });
    await audit(trx, auditContext(ctx), { action: 'data_point.created', entityType: 'data_point', entityId: point.id, details: { measureId: measure.id } });
    return point;
  });
}

async function pointOf(ctx: ServiceContext, measure: Measure, pointId: number): Promise<DataPoint> {
  const point = isId(pointId) ? await q.pointById(ctx.db, pointId) : undefined;
  if (!point || point.measure_id !== measure.id) throw new NotFoundError();
  return point;
}

export async function getPoint(ctx: ServiceContext, projectId: number, measureId: number, pointId: number): Promise<{ project: Project; measure: Measure; point: DataPoint }> {
  const { access, measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  return { project: access.project, measure, point: await pointOf(ctx, measure, pointId) };
}

export async function updatePoint(ctx: ServiceContext, projectId: number, measureId: number, pointId: number, raw: Record<string, unknown>): Promise<DataPoint> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const point = await pointOf(ctx, measure, pointId);
  const row = checkOne(raw, measure);
  if (row.date !== point.period && (await q.pointsOnDates(ctx.db, measure.id, [row.date])).size > 0) throw ValidationError.one('date', 'errors.measures.point.dateTaken');
  return ctx.db.transaction().execute(async (trx) => {
    await q.updatePoint(trx, point.id, {
      period: row.date,
      value: row.value,
      denominator: needsDenominator(measure.chart) ? row.denominator : point.denominator,
      note: row.note,
      excluded: row.excluded ? 1 : 0,
      rebase: row.rebase ? 1 : 0,
    });
    await audit(trx, auditContext(ctx), { action: 'data_point.updated', entityType: 'data_point', entityId: point.id, details: { measureId: measure.id } });
    return (await q.pointById(trx, point.id)) as DataPoint;
  });
}

async function removePoint(ctx: ServiceContext, measure: Measure, point: DataPoint): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await q.deletePoint(trx, point.id);
    await audit(trx, auditContext(ctx), { action: 'data_point.deleted', entityType: 'data_point', entityId: point.id, details: { measureId: measure.id } });
  });
}

export async function deletePoint(ctx: ServiceContext, projectId: number, measureId: number, pointId: number): Promise<DataPoint> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const point = await pointOf(ctx, measure, pointId);
  await removePoint(ctx, measure, point);
  return point;
}

// ---- import: paste, upload, preview, then import

export interface PreviewGoodRow {
  row: number;
  date: string;
  value: string;
  denominator: string | null;
  note: string | null;
  /** The value it replaces, when the measure already has this date. */
  previous: string | null;
}

export interface PreviewBadRow {
  row: number;
  column: string;
  reason: string;
  given: string;
}

export interface ImportPreview {
  total: number;
  good: PreviewGoodRow[];
  bad: PreviewBadRow[];
  badRowCount: number;
  addCount: number;
  updateCount: number;
  /** The rows as read, carried to the import step (checked again there). */
  carried: string;
}

export type ImportSource = { kind: 'text'; text: string } | { kind: 'file'; buffer: Buffer };

/** Raw cells as text, so they can be carried through a form and checked again. */
function carry(rows: RawRow[]): string {
  const text = (v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (v instanceof Date) return parseDate(v) ?? String(v);
    return String(v);
  };
  return JSON.stringify(rows.map((r) => ({ row: r.row, date: text(r.date), value: text(r.value), denominator: text(r.denominator), note: text(r.note) })));
}

function readError(err: unknown, field: string): never {
  if (err instanceof ImportReadError) throw new ValidationError([{ field, message: t(`errors.measures.import.${err.key}`, err.params) }]);
  throw err;
}

async function readSource(source: ImportSource, measure: Measure): Promise<RawRow[]> {
  try {
    return source.kind === 'text' ? readDelimitedText(source.text, measure.chart).rows : (await readUpload(source.buffer, measure.chart)).rows;
  } catch (err) {
    return readError(err, source.kind === 'text' ? 'data' : 'file');
  }
}

function readCarried(carried: unknown): RawRow[] {
  try {
    if (typeof carried !== 'string') throw new Error('missing');
    return carriedRowsSchema.parse(JSON.parse(carried));
  } catch {
    throw ValidationError.one('data', 'errors.measures.import.lost');
  }
}

const columnName = (c: PointColumn): string => t(`import.columns.${c}`);

async function buildPreview(ctx: ServiceContext, measure: Measure, rows: RawRow[]): Promise<ImportPreview & { checked: ReturnType<typeof checkRows> }> {
  const checked = checkRows(rows, measure.chart);
  const existing = await q.pointsOnDates(ctx.db, measure.id, checked.good.map((g) => g.date));
  const fmt = (n: number) => String(n);
  const byRow = new Map(rows.map((r) => [r.row, r]));
  return {
    checked,
    total: rows.length,
    good: checked.good.map((g) => {
      const before = existing.get(g.date);
      return {
        row: g.row,
        date: displayDate(g.date),
        value: fmt(g.value),
        denominator: g.denominator === null ? null : fmt(g.denominator),
        note: g.note,
        previous: before ? (before.denominator !== null && needsDenominator(measure.chart) ? `${fmt(before.value)} / ${fmt(before.denominator)}` : fmt(before.value)) : null,
      };
    }),
    bad: checked.problems.map((p) => {
      const cell = byRow.get(p.row)?.[p.column];
      return { row: p.row, column: columnName(p.column), reason: problemText(p), given: cell === undefined || cell === null ? '' : cell instanceof Date ? (parseDate(cell) ?? '') : String(cell) };
    }),
    badRowCount: checked.badRows.length,
    addCount: checked.good.filter((g) => !existing.has(g.date)).length,
    updateCount: checked.good.filter((g) => existing.has(g.date)).length,
    carried: carry(rows),
  };
}

/** Reads pasted text or a file and says what an import would do, row by row. Nothing is saved. */
export async function previewImport(ctx: ServiceContext, projectId: number, measureId: number, source: ImportSource): Promise<{ measure: Measure; project: Project; preview: ImportPreview }> {
  const { access, measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const rows = await readSource(source, measure);
  const { checked: _checked, ...preview } = await buildPreview(ctx, measure, rows);
  return { measure, project: access.project, preview };
}

export interface ImportResult {
  added: number;
  updated: number;
  skipped: number;
}

/**
 * Imports the rows carried from the preview. "all": every row or nothing (any bad row refuses the
 * lot); "good": only the rows without problems. A date the measure has is updated, not repeated.
 */
export async function commitImport(
  ctx: ServiceContext,
  projectId: number,
  measureId: number,
  raw: { data?: unknown; mode?: unknown },
): Promise<{ result: ImportResult } | { refused: ImportPreview; message: string }> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const rows = readCarried(raw.data);
  const mode = importModeSchema.safeParse(raw.mode);
  if (!mode.success) throw ValidationError.one('mode', 'errors.measures.import.modeRequired');
  const { checked, ...preview } = await buildPreview(ctx, measure, rows);
  if (mode.data === 'all' && checked.badRows.length > 0) return { refused: preview, message: t('errors.measures.import.hasBadRows', { count: checked.badRows.length }) };
  if (checked.good.length === 0) return { refused: preview, message: t('errors.measures.import.noGoodRows') };
  const result = await saveRows(ctx, measure, checked.good, 'measure.data_imported', checked.badRows.length);
  return { result };
}

async function saveRows(ctx: ServiceContext, measure: Measure, good: GoodRow[], action: string, skipped: number, flags?: Map<string, { excluded?: boolean; rebase?: boolean }>): Promise<ImportResult> {
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await q.pointsOnDates(trx, measure.id, good.map((g) => g.date));
    await q.upsertPoints(
      trx,
      measure.id,
      good.map((g) => ({ period: g.date, value: g.value, denominator: needsDenominator(measure.chart) ? g.denominator : null, note: g.note })),
    );
    if (flags?.size) {
      const saved = await q.pointsOnDates(trx, measure.id, [...flags.keys()]);
      for (const [date, f] of flags) {
        const point = saved.get(date);
        const values = { ...(f.excluded !== undefined ? { excluded: f.excluded ? 1 : 0 } : {}), ...(f.rebase !== undefined ? { rebase: f.rebase ? 1 : 0 } : {}) };
        if (point && Object.keys(values).length) await q.updatePoint(trx, point.id, values);
      }
    }
    const result = { added: good.filter((g) => !existing.has(g.date)).length, updated: good.filter((g) => existing.has(g.date)).length, skipped };
    await audit(trx, auditContext(ctx), { action, entityType: 'measure', entityId: measure.id, details: { ...result } });
    return result;
  });
}

// ---- annotations

export async function addAnnotation(ctx: ServiceContext, projectId: number, measureId: number, raw: Record<string, unknown>): Promise<Annotation> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const given = dateFromParts(raw.dateDay, raw.dateMonth, raw.dateYear) ?? raw.date;
  const checked = annotationSchema.safeParse({ date: given, text: raw.text });
  const date = parseDate(given);
  // Every problem at once: the date rule is not one zod can check.
  const errors = checked.success ? [] : ValidationError.fromZod(checked.error).fields;
  if (given !== undefined && !date) errors.unshift({ field: 'date', message: 'errors.measures.annotation.dateInvalid' });
  if (errors.length || !checked.success || !date) throw new ValidationError(errors);
  const input = checked.data;
  return ctx.db.transaction().execute(async (trx) => {
    const annotation = await q.insertAnnotation(trx, { measure_id: measure.id, on_date: date, text: input.text });
    await audit(trx, auditContext(ctx), { action: 'annotation.created', entityType: 'annotation', entityId: annotation.id, details: { measureId: measure.id } });
    return annotation;
  });
}

export async function deleteAnnotation(ctx: ServiceContext, projectId: number, measureId: number, annotationId: number): Promise<void> {
  const { measure } = await measureInProject(ctx, projectId, measureId, 'edit');
  const annotation = isId(annotationId) ? await q.annotationById(ctx.db, annotationId) : undefined;
  if (!annotation || annotation.measure_id !== measure.id) throw new NotFoundError();
  await ctx.db.transaction().execute(async (trx) => {
    await q.deleteAnnotation(trx, annotation.id);
    await audit(trx, auditContext(ctx), { action: 'annotation.deleted', entityType: 'annotation', entityId: annotation.id, details: { measureId: measure.id } });
  });
}

// ---- the JSON API (used by src/features/api)

export function measureJson(m: Measure): MeasureJson {
  return {
    id: m.id,
    projectId: m.project_id,
    name: m.name,
    kind: m.kind,
    definition: m.definition,
    unitLabel: m.unit_label,
    direction: m.direction,
    chart: m.chart,
    target: m.target,
    baselinePoints: m.baseline_points,
    screenMovingRanges: Boolean(m.screen_moving_ranges),
    createdAt: m.created_at,
  };
}

export function dataPointJson(p: DataPoint): DataPointJson {
  return { id: p.id, measureId: p.measure_id, date: p.period, value: p.value, denominator: p.denominator, excluded: Boolean(p.excluded), rebase: Boolean(p.rebase), note: p.note };
}

export async function apiListMeasures(ctx: ServiceContext, projectId: number): Promise<{ items: MeasureJson[] }> {
  const access = await projectAccess(ctx, projectId, 'view');
  return { items: (await q.measuresOfProject(ctx.db, access.project.id)).map(measureJson) };
}

export async function apiGetMeasure(ctx: ServiceContext, measureId: number): Promise<MeasureJson> {
  return measureJson((await measureAlone(ctx, measureId, 'view')).measure);
}

export async function apiCreateMeasure(ctx: ServiceContext, projectId: number, raw: unknown): Promise<MeasureJson> {
  return measureJson(await createMeasure(ctx, projectId, raw));
}

export async function apiUpdateMeasure(ctx: ServiceContext, measureId: number, raw: unknown): Promise<MeasureJson> {
  const { measure } = await measureAlone(ctx, measureId, 'edit');
  return measureJson(await applyUpdate(ctx, measure, raw, true));
}

export async function apiListPoints(ctx: ServiceContext, measureId: number): Promise<{ items: DataPointJson[] }> {
  const { measure } = await measureAlone(ctx, measureId, 'view');
  return { items: (await q.pointsOf(ctx.db, measure.id)).map(dataPointJson) };
}

/**
 * Adds or updates many points at once. Every row is checked first; a 400 names each bad row
 * (field "<index>.<column>", index from 0) and nothing is saved.
 */
export async function apiSavePoints(ctx: ServiceContext, measureId: number, body: unknown): Promise<{ added: number; updated: number; items: DataPointJson[] }> {
  const { measure } = await measureAlone(ctx, measureId, 'edit');
  if (!Array.isArray(body)) throw ValidationError.one('body', 'errors.measures.api.arrayRequired');
  if (body.length === 0) throw ValidationError.one('body', 'errors.measures.api.arrayEmpty');
  if (body.length > MAX_IMPORT_ROWS) throw ValidationError.one('body', t('errors.measures.api.tooMany', { max: MAX_IMPORT_ROWS }));
  const errors: FieldError[] = [];
  const flags = new Map<string, { excluded?: boolean; rebase?: boolean }>();
  const rows: RawRow[] = [];
  body.forEach((item: unknown, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ field: String(i), message: t('errors.measures.api.rowMessage', { row: i + 1, message: t('errors.measures.api.rowObject') }) });
      return;
    }
    const r = item as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
    rows.push({ row: i + 1, date: text(r.date), value: text(r.value), denominator: text(r.denominator), note: text(r.note) });
    const f = pointFlagsSchema.safeParse({ excluded: r.excluded, rebase: r.rebase });
    if (!f.success) {
      for (const issue of f.error.issues) errors.push({ field: `${i}.${issue.path.join('.')}`, message: t('errors.measures.api.rowMessage', { row: i + 1, message: t(issue.message) }) });
    } else if (f.data.excluded !== undefined || f.data.rebase !== undefined) {
      const date = parseDate(text(r.date));
      if (date) flags.set(date, f.data);
    }
  });
  const checked = checkRows(rows, measure.chart);
  for (const p of checked.problems) errors.push({ field: `${p.row - 1}.${p.column}`, message: t('errors.measures.api.rowMessage', { row: p.row, message: problemText(p) }) });
  if (errors.length) throw new ValidationError(errors.sort((a, b) => Number.parseInt(a.field, 10) - Number.parseInt(b.field, 10)));
  const result = await saveRows(ctx, measure, checked.good, 'measure.data_saved', 0, flags);
  const saved = await q.pointsOnDates(ctx.db, measure.id, checked.good.map((g) => g.date));
  const items = [...saved.values()].sort((a, b) => (a.period < b.period ? -1 : 1)).map(dataPointJson);
  return { added: result.added, updated: result.updated, items };
}

export async function apiDeletePoint(ctx: ServiceContext, pointId: number): Promise<void> {
  requireSignedIn(ctx.principal);
  const owner = isId(pointId) ? await q.measureOfPoint(ctx.db, pointId) : undefined;
  if (!owner) throw new NotFoundError();
  const { measure } = await measureInProject(ctx, owner.projectId, owner.measureId, 'edit');
  await removePoint(ctx, measure, await pointOf(ctx, measure, pointId));
}

/** The SPC analysis as JSON; 422 with the reason in words when the chart cannot be drawn. */
export async function apiChart(ctx: ServiceContext, measureId: number): Promise<SpcResult> {
  const { measure } = await measureAlone(ctx, measureId, 'view');
  const analysis = analyseMeasure(measure, await q.pointsOf(ctx.db, measure.id));
  if (!analysis.ok) throw new HttpError(422, analysis.problem);
  return analysis.result;
}

/** The schemas and endpoints the API and its OpenAPI document use. */
export { createMeasureSchema, DATA_POINTS_BODY_LIMIT, MEASURES_API, updateMeasureSchema } from './schemas.ts';

// The chart helpers, for other features that draw SPC or run charts of their own figures (the
// involvement dashboard): analyse, summarise and draw exactly as the measure pages do.
export { analyseMeasure, ruleWords, summarise, type MeasureForChart, type PointForChart } from './chart.ts';
export { chartSvg, formatValue } from './chart-svg.ts';
