import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { can, requirePermission, scopePaths, type Permission, type Principal } from '../../platform/rbac/index.ts';
import { dateFromParts } from '../meetings/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { londonDate } from '../projects/service.ts';
import * as q from './queries.ts';
import { coverageQuerySchema, discussionSchema, listQuerySchema, STORIES_MAX, type ListQuery } from './schemas.ts';

/**
 * Teams sharing and discussing stories (issue 7, item 5): the workshop challenge "each team shares
 * and discusses its feedback with all team members", measured.
 *
 * - Staff who respond to stories (stories:respond) record that a team discussed a set of its
 *   published stories at a team meeting: the unit, the day (not in the future), who was there and
 *   how many, what they took from it and any actions. At least one story.
 * - Staff who read stories (stories:view) list the discussions of their units and open one, and see
 *   each unit's coverage: its published stories, how many a team in the unit has discussed, and the
 *   oldest none has.
 * - Recording is audited; so is opening a record (it names who was there).
 */

export const PAGE_SIZE = 25;
export const COVERAGE_PAGE_SIZE = 50;
/** Stories listed on the form at first, and how many more each "Show more stories" adds. */
export const STORIES_SHOWN = 20;

export type { ListQuery };

/** Reads the filters from the query string; a value that makes no sense is left out. */
export function parseListQuery(raw: Record<string, unknown>): ListQuery {
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(listQuerySchema.shape)) {
    const r = schema.safeParse(raw[k]);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out as ListQuery;
}

/** A unit where the user has the permission; anything else (or nothing) is a 404. */
async function unitInScope(ctx: ServiceContext, principal: Principal, permission: Permission, unitId: unknown): Promise<OrgUnit> {
  const id = Number(unitId);
  const unit = unitId != null && unitId !== '' && isRecordId(id) ? await unitById(ctx.db, id) : undefined;
  if (!unit || unit.archived_at != null || !can(principal, permission, unit)) throw new NotFoundError();
  return unit;
}

// ---- The list

/** Discussions held by the user's units, latest first; the units to filter by. */
export async function listDiscussions(ctx: ServiceContext, filter: ListQuery) {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const paths = scopePaths(principal, 'stories:view');
  let unitPath: string | undefined;
  if (filter.unitId != null) {
    const unit = await unitById(ctx.db, filter.unitId);
    unitPath = unit && can(principal, 'stories:view', unit) ? unit.path : '\u0001';
  }
  let after: { on: string; id: number } | undefined;
  if (filter.after) {
    const [on, id] = filter.after.split('_') as [string, string];
    after = { on, id: Number(id) };
  }
  const [rows, units] = await Promise.all([q.listDiscussions(ctx.db, { paths, unitPath, after }, PAGE_SIZE + 1), unitsUnder(ctx.db, paths)]);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    discussions: page,
    units,
    mayRecord: can(principal, 'stories:respond'),
    next: rows.length > PAGE_SIZE && last ? `${last.held_on}_${last.id}` : null,
  };
}

// ---- One discussion

/** A discussion held by one of the user's units (stories:view); anything else is a 404. Audited as a view. */
export async function getDiscussion(ctx: ServiceContext, id: number) {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const discussion = isRecordId(id) ? await q.discussionById(ctx.db, id) : undefined;
  if (!discussion || !can(principal, 'stories:view', { path: discussion.unit_path })) throw new NotFoundError();
  const stories = await q.storiesOf(ctx.db, discussion.id);
  await audit(ctx.db, auditContext(ctx), { action: 'story_discussion.viewed', entityType: 'story_discussion', entityId: discussion.id });
  return { discussion, stories };
}

// ---- Recording one

/** Units where the user may record discussions, for the "which team?" step. */
export async function unitsForNew(ctx: ServiceContext): Promise<OrgUnit[]> {
  const principal = requirePermission(ctx.principal, 'stories:respond');
  return unitsUnder(ctx.db, scopePaths(principal, 'stories:respond'));
}

export interface NewDiscussionForm {
  unit: OrgUnit;
  /** The unit's published stories to choose from: not yet discussed first; the chosen ones always among them. */
  stories: q.StoryChoice[];
  total: number;
  shown: number;
  more: boolean;
}

/** How many stories the form lists: at least the first page, at most all of one discussion's limit. */
export function shownCount(raw: unknown): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > STORIES_SHOWN ? Math.min(n, 10 * STORIES_MAX) : STORIES_SHOWN;
}

/** The form for a unit where the user may record discussions (stories:respond); another unit is a 404. */
export async function newDiscussionForm(ctx: ServiceContext, unitId: unknown, opts: { shown?: unknown; chosen?: unknown } = {}): Promise<NewDiscussionForm> {
  const principal = requirePermission(ctx.principal, 'stories:respond');
  const unit = await unitInScope(ctx, principal, 'stories:respond', unitId);
  const shown = shownCount(opts.shown);
  const chosen = chosenIds(opts.chosen);
  const [listed, total, extra] = await Promise.all([
    q.storiesForUnit(ctx.db, unit.path, { limit: shown }),
    q.countStoriesForUnit(ctx.db, unit.path),
    q.storiesForUnit(ctx.db, unit.path, { limit: STORIES_MAX, ids: chosen }),
  ]);
  const stories = [...listed, ...extra.filter((s) => !listed.some((l) => l.id === s.id))];
  return { unit, stories, total, shown, more: total > listed.length };
}

/** Story ids ticked on the form (one string, or several), as numbers; anything else left out. */
function chosenIds(raw: unknown): number[] {
  const list = Array.isArray(raw) ? raw : raw == null ? [] : [raw];
  return [...new Set(list.map(Number).filter((n) => isRecordId(n)))].slice(0, STORIES_MAX);
}

/**
 * Records that the unit's team discussed the chosen stories: each must be one of the unit's
 * published stories. Audited. Returns the new record's id.
 */
export async function recordDiscussion(ctx: ServiceContext, unitId: unknown, raw: Record<string, unknown>): Promise<number> {
  const principal = requirePermission(ctx.principal, 'stories:respond');
  const unit = await unitInScope(ctx, principal, 'stories:respond', unitId);
  const heldOn = dateFromParts(raw.heldOnDay, raw.heldOnMonth, raw.heldOnYear);
  const parsed = discussionSchema.safeParse({ ...raw, heldOn });
  const errors: FieldError[] = parsed.success ? [] : ValidationError.fromZod(parsed.error).fields;
  const dateError = errors.find((e) => e.field === 'heldOn');
  if (dateError && heldOn === undefined) dateError.message = 'errors.storyDiscussions.dateRequired';
  if (!dateError && heldOn && heldOn > londonDate()) errors.push({ field: 'heldOn', message: 'errors.storyDiscussions.dateInFuture' });
  const countError = errors.find((e) => e.field === 'attendeeCount');
  if (countError && raw.attendeeCount == null) countError.message = 'errors.storyDiscussions.countRequired';
  if (errors.length > 0 || !parsed.success) throw new ValidationError(errors);
  const input = parsed.data;
  const ids = [...new Set(input.storyId.map(Number))];
  const found = await q.storiesForUnit(ctx.db, unit.path, { limit: STORIES_MAX, ids });
  if (found.length !== ids.length) throw ValidationError.one('storyId', 'errors.storyDiscussions.storyInvalid');
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertDiscussion(
      trx,
      {
        unitId: unit.id, heldOn: input.heldOn, attendees: input.attendees, attendeeCount: input.attendeeCount, learning: input.learning,
        actions: input.actions ?? null, recordedBy: principal.userId, storyIds: ids,
      },
      nowIso(),
    );
    await audit(trx, auditContext(ctx), { action: 'story_discussion.created', entityType: 'story_discussion', entityId: id, details: { unitId: unit.id, stories: ids.length } });
    return id;
  });
}

// ---- Coverage

export interface CoverageLine extends q.CoverageRow {
  /** Whole per cent of published stories discussed; null when there are none. */
  percent: number | null;
  oldest: { id: number; public_title: string; published_at: string | null } | null;
}

/** Each of the user's units (a page of them, in tree order) with its stories discussed and the oldest waiting. */
export async function coverage(ctx: ServiceContext, raw: Record<string, unknown>): Promise<{ lines: CoverageLine[]; next: string | null; first: boolean }> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const parsed = coverageQuerySchema.safeParse(raw);
  const after = parsed.success ? parsed.data.after : undefined;
  const rows = await q.coverage(ctx.db, scopePaths(principal, 'stories:view'), after, COVERAGE_PAGE_SIZE + 1);
  const page = rows.slice(0, COVERAGE_PAGE_SIZE);
  const oldest = await q.storiesByIds(ctx.db, page.map((r) => r.oldest_id).filter((id): id is number => id != null));
  const lines = page.map((r) => ({
    ...r,
    percent: r.published > 0 ? Math.round((100 * r.discussed) / r.published) : null,
    oldest: oldest.find((s) => s.id === r.oldest_id) ?? null,
  }));
  return { lines, next: rows.length > COVERAGE_PAGE_SIZE ? (page[page.length - 1]?.path ?? null) : null, first: after === undefined };
}
