import type { Transaction } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { ChangeKind, Database, OrgUnit, StoryResponse } from '../../platform/db/types.ts';
import { CHANGE_KINDS } from '../../platform/db/types.ts';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { parseFilters } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail, enqueueText } from '../../platform/outbox/index.ts';
import { can, requirePermission, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { allIdeas, getIdea } from '../changes/service.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import { listProjects, projectAccess } from '../projects/service.ts';
import * as q from './queries.ts';
import { listQuerySchema, responseSchema, type ListQuery } from './schemas.ts';

/**
 * Staff responses to published stories (issue 7, item 4).
 *
 * - Staff who read stories (stories:view) list the published stories about their units, with how
 *   many responses each has and whether a team has shared and discussed it, and open one. They see
 *   the moderated public version only: never what the teller first wrote, nor how to reach them
 *   (only that the teller asked to hear back).
 * - Staff who respond (stories:respond, for a unit the story is about) answer publicly under their
 *   role; a story may have several responses. A response may record a change planned or made,
 *   described, and link it to a QI project the responder can see and one of its change ideas.
 * - The author (or a moderator for the story's unit) may edit a response, e.g. from planned to made.
 * - When the teller left an email address, each new response, and each change newly planned or
 *   made, is sent to them through the outbox in the same transaction, with a link to the story on
 *   the public site when it is there. The outbox has no generic text-message channel for someone
 *   outside the register, so a teller who left only a phone number is not messaged (yet).
 * - Every response written or changed, and every story opened, is audited (ids and kinds only).
 */

export const PAGE_SIZE = 25;
const TAGS_MAX = 200;
const PROJECTS_MAX = 100;

export { CHANGE_KINDS };
export type { ListQuery };

/** Reads /feedback/stories filters from the query string; a value that makes no sense is left out. */
export function parseListQuery(raw: Record<string, unknown>): ListQuery {
  return parseFilters(listQuerySchema, raw);
}

const cursorOf = (after: string | undefined): { at: string; id: number } | undefined => {
  if (!after) return undefined;
  const i = after.lastIndexOf('_');
  return { at: after.slice(0, i), id: Number(after.slice(i + 1)) };
};

// ---- The list

/** Published stories about the user's units, newest first, filtered in SQL; the total matching. */
export async function listStories(ctx: ServiceContext, filter: ListQuery) {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const paths = scopePaths(principal, 'stories:view');
  let unitPath: string | undefined;
  if (filter.unitId != null) {
    const unit = await unitById(ctx.db, filter.unitId);
    // A unit that does not exist, or is not the user's, matches nothing rather than everything.
    unitPath = unit && can(principal, 'stories:view', unit) ? unit.path : '\u0001';
  }
  const f: q.ListFilter = {
    paths, unitPath, tag: filter.tag, search: filter.q,
    answered: filter.answered === undefined ? undefined : filter.answered === 'yes',
    discussed: filter.discussed === undefined ? undefined : filter.discussed === 'yes',
  };
  const [rows, total, units, tags] = await Promise.all([
    q.listStories(ctx.db, { ...f, after: cursorOf(filter.after) }, PAGE_SIZE + 1),
    q.countStories(ctx.db, f),
    unitsUnder(ctx.db, paths),
    q.tagsInUse(ctx.db, paths, TAGS_MAX),
  ]);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return { stories: page, total, units, tags, next: rows.length > PAGE_SIZE && last?.published_at ? `${last.published_at}_${last.id}` : null };
}

// ---- One story

/** A published story the user may see (stories:view for a unit it is about); anything else is a 404. */
async function visibleStory(ctx: ServiceContext, principal: Principal, storyId: number): Promise<q.StoryRow> {
  const story = isRecordId(storyId) ? await q.publishedStory(ctx.db, storyId, scopePaths(principal, 'stories:view')) : undefined;
  if (!story) throw new NotFoundError();
  return story;
}

export interface StoryPage {
  story: q.StoryRow;
  tags: string[];
  taggedUnits: { id: number; name: string }[];
  responses: (q.ResponseRow & { mayEdit: boolean })[];
  discussions: q.DiscussionRow[];
  mayRespond: boolean;
  /** The role the user last responded under, to fill in the form. */
  lastRole: string | undefined;
}

/** A published story as staff see it: the public version, its responses and discussions. Audited as a view. */
export async function storyPage(ctx: ServiceContext, storyId: number): Promise<StoryPage> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const story = await visibleStory(ctx, principal, storyId);
  const [mayRespond, mayModerate, tags, taggedUnits, responses, discussions, lastRole] = await Promise.all([
    q.storyUnder(ctx.db, story.id, scopePaths(principal, 'stories:respond')),
    q.storyUnder(ctx.db, story.id, scopePaths(principal, 'stories:moderate')),
    q.tagsOf(ctx.db, story.id),
    q.taggedUnitsOf(ctx.db, story.id),
    q.responsesOf(ctx.db, story.id),
    q.discussionsOf(ctx.db, story.id),
    q.lastRoleOf(ctx.db, principal.userId),
  ]);
  await audit(ctx.db, auditContext(ctx), { action: 'story.viewed', entityType: 'story', entityId: story.id, details: { as: 'staff' } });
  return {
    story,
    tags,
    taggedUnits,
    responses: responses.map((r) => ({ ...r, mayEdit: mayModerate || (mayRespond && r.user_id === principal.userId) })),
    discussions,
    mayRespond,
    lastRole,
  };
}

// ---- The response form's choices

export interface ResponseChoices {
  projects: { id: number; title: string }[];
  /** The change ideas of the chosen project (none until one is chosen). */
  ideas: { id: number; title: string }[];
}

/**
 * Projects the user can see, newest first, to link a response to; and the change ideas of the
 * project chosen on the form. A project linked already stays a choice even if it is not listed.
 */
export async function responseChoices(ctx: ServiceContext, projectId: unknown, keep?: { id: number; title: string | null }): Promise<ResponseChoices> {
  requireSignedIn(ctx.principal);
  const { projects } = await listProjects(ctx, { limit: PROJECTS_MAX });
  const choices = projects.map((p) => ({ id: p.id, title: p.title }));
  if (keep?.title && !choices.some((p) => p.id === keep.id)) choices.push({ id: keep.id, title: keep.title });
  const id = Number(projectId);
  let ideas: { id: number; title: string }[] = [];
  if (projectId != null && projectId !== '' && isRecordId(id)) {
    try {
      ideas = (await allIdeas(ctx, id)).map((i) => ({ id: i.id, title: i.title }));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return { projects: choices, ideas };
}

// ---- Writing a response

const needsDescription = (change: unknown): boolean => change === 'planned' || change === 'made';

/**
 * Checks the form: the fields, a description when a change is planned or made, a change idea only
 * with its project, a project the user can see and an idea that belongs to it. Links left as they
 * were on an edited response are not checked again (a moderator may not see the author's project).
 */
async function readResponse(ctx: ServiceContext, raw: Record<string, unknown>, existing?: StoryResponse): Promise<q.ResponseValues> {
  const parsed = responseSchema.safeParse(raw);
  const errors: FieldError[] = parsed.success ? [] : ValidationError.fromZod(parsed.error).fields;
  const has = (field: string) => errors.some((e) => e.field === field);
  if (needsDescription(raw.change) && (raw.changeDescription == null || raw.changeDescription === '') && !has('changeDescription')) {
    errors.push({ field: 'changeDescription', message: `errors.storyResponses.changeDescriptionRequired.${String(raw.change)}` });
  }
  if (raw.changeIdeaId != null && raw.projectId == null && !has('projectId')) errors.push({ field: 'projectId', message: 'errors.storyResponses.ideaNeedsProject' });
  if (errors.length > 0 || !parsed.success) throw new ValidationError(errors);
  const input = parsed.data;
  const projectId = input.projectId ?? null;
  const changeIdeaId = input.changeIdeaId ?? null;
  if (projectId != null && projectId !== existing?.project_id) {
    try {
      await projectAccess(ctx, projectId, 'view');
    } catch (err) {
      if (err instanceof NotFoundError) throw ValidationError.one('projectId', 'errors.storyResponses.projectInvalid');
      throw err;
    }
  }
  const ideaUnchanged = existing != null && changeIdeaId === existing.change_idea_id && projectId === existing.project_id;
  if (changeIdeaId != null && projectId != null && !ideaUnchanged) {
    try {
      await getIdea(ctx, projectId, changeIdeaId, 'view');
    } catch (err) {
      if (err instanceof NotFoundError) throw ValidationError.one('changeIdeaId', 'errors.storyResponses.ideaNotInProject');
      throw err;
    }
  }
  return {
    responderRole: input.responderRole,
    body: input.body,
    change: input.change,
    // "No change" has nothing to describe.
    changeDescription: input.change === 'none' ? null : (input.changeDescription ?? null),
    projectId,
    changeIdeaId,
  };
}

/** The idempotency key of the message telling the teller of a response, or of its change once planned or made. */
export const responseMessageKey = (responseId: number, change?: ChangeKind): string =>
  change ? `story-response:${responseId}:change:${change}` : `story-response:${responseId}`;

/** What the teller reads: the response, any change, and where to read the story. Plain words. */
export function responseMessage(m: {
  kind: 'new' | 'change';
  name: string | null;
  title: string;
  role: string;
  body: string;
  change: ChangeKind;
  changeDescription: string | null;
  link: string | null;
  /** A text ends by saying it is a text. */
  by?: 'email' | 'sms';
}): { subject: string; text: string } {
  const k = (key: string) => `storyResponses.message.${key}`;
  const first = m.name?.trim().split(/\s+/)[0];
  const parts = [first ? t(k('greetingNamed'), { name: first }) : t(k('greeting'))];
  if (m.kind === 'new') {
    parts.push(t(k('thanks'), { title: m.title }), `${t(k('replied'), { role: m.role })}\n\n${m.body}`);
    if (m.change !== 'none' && m.changeDescription) parts.push(`${t(k(`change.${m.change}`))}\n${m.changeDescription}`);
  } else {
    parts.push(t(k('update'), { title: m.title }), `${t(k(`changeUpdate.${m.change}`), { role: m.role })}\n${m.changeDescription ?? ''}`);
  }
  parts.push(m.link ? t(k('readOnline'), { link: m.link }) : t(k('notOnline')), t(k(m.by === 'sms' ? 'whyText' : 'why')));
  return { subject: t(k(m.kind === 'new' ? 'subjectNew' : `subjectChange.${m.change}`)), text: parts.join('\n\n') };
}

/**
 * Tells the teller, in the caller's transaction: by email when they left an email address, else by
 * a text waiting for a moderator to send by hand when they left a phone number. Answers how they
 * were told, or null when they left neither.
 */
async function tellTeller(ctx: ServiceContext, trx: Transaction<Database>, storyId: number, key: string, m: Omit<Parameters<typeof responseMessage>[0], 'name' | 'title' | 'link' | 'by'>): Promise<Told> {
  const contact = await q.tellerContact(trx, storyId);
  const by: Told = contact?.contact_email ? 'email' : contact?.contact_phone ? 'sms' : null;
  if (!contact || !by) return null;
  const link = contact.on_site ? `${ctx.config.baseUrl.replace(/\/$/, '')}/stories/${storyId}` : null;
  const message = responseMessage({ ...m, name: contact.teller_name, title: contact.public_title, link, by });
  if (by === 'email') await enqueueEmail(trx, { idempotencyKey: key, to: contact.contact_email as string, storyId, ...message });
  else await enqueueText(trx, { idempotencyKey: key, to: contact.contact_phone as string, storyId, ...message });
  return by;
}

/** How the teller was told of a response: by email, by a text to send by hand, or not at all. */
export type Told = 'email' | 'sms' | null;

export interface Saved {
  id: number;
  told: Told;
}

/** Adds a response to a published story the user may respond to (stories:respond for a unit it is about). Audited. */
export async function addResponse(ctx: ServiceContext, storyId: number, raw: Record<string, unknown>): Promise<Saved> {
  const principal = requirePermission(ctx.principal, 'stories:respond');
  const story = isRecordId(storyId) ? await q.publishedStory(ctx.db, storyId, scopePaths(principal, 'stories:respond')) : undefined;
  if (!story) throw new NotFoundError();
  const v = await readResponse(ctx, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertResponse(trx, story.id, principal.userId, v, nowIso());
    const told = await tellTeller(ctx, trx, story.id, responseMessageKey(id), { kind: 'new', role: v.responderRole, body: v.body, change: v.change, changeDescription: v.changeDescription });
    await audit(trx, auditContext(ctx), {
      action: 'story_response.created', entityType: 'story', entityId: story.id,
      details: { responseId: id, change: v.change, projectId: v.projectId, changeIdeaId: v.changeIdeaId, told },
    });
    return { id, told };
  });
}

export interface ResponseAccess {
  story: q.StoryRow;
  response: StoryResponse;
  /** The project and idea titles linked now, to keep them on the form. */
  projectTitle: string | null;
}

/**
 * A response the user may edit: its author (while they may respond to the story) or a moderator for
 * a unit the story is about. A story or response the user cannot see is a 404; anyone else who can
 * see it gets a 403.
 */
export async function responseForEdit(ctx: ServiceContext, storyId: number, responseId: number): Promise<ResponseAccess> {
  const principal = requireSignedIn(ctx.principal);
  const story = await visibleStory(ctx, principal, storyId);
  const response = isRecordId(responseId) ? await q.responseOf(ctx.db, story.id, responseId) : undefined;
  if (!response) throw new NotFoundError();
  const [mayRespond, mayModerate] = await Promise.all([
    q.storyUnder(ctx.db, story.id, scopePaths(principal, 'stories:respond')),
    q.storyUnder(ctx.db, story.id, scopePaths(principal, 'stories:moderate')),
  ]);
  if (!mayModerate && !(mayRespond && response.user_id === principal.userId)) throw new ForbiddenError();
  const linked = (await q.responsesOf(ctx.db, story.id)).find((r) => r.id === response.id);
  return { story, response, projectTitle: linked?.project_title ?? null };
}

/** The form's values for a response. */
export function responseFormValues(r: StoryResponse): Record<string, unknown> {
  return {
    responderRole: r.responder_role, body: r.body, change: r.change, changeDescription: r.change_description ?? undefined,
    projectId: r.project_id ?? undefined, changeIdeaId: r.change_idea_id ?? undefined,
  };
}

/**
 * Changes a response, by its author or a moderator. When its change is newly planned or made, the
 * teller is told (once for each). Audited.
 */
export async function updateResponse(ctx: ServiceContext, storyId: number, responseId: number, raw: Record<string, unknown>): Promise<Saved> {
  const { story, response } = await responseForEdit(ctx, storyId, responseId);
  const v = await readResponse(ctx, raw, response);
  return ctx.db.transaction().execute(async (trx) => {
    await q.updateResponse(trx, response.id, v, nowIso());
    const changed = v.change !== response.change && v.change !== 'none';
    const told = changed
      ? await tellTeller(ctx, trx, story.id, responseMessageKey(response.id, v.change), { kind: 'change', role: v.responderRole, body: v.body, change: v.change, changeDescription: v.changeDescription })
      : null;
    await audit(trx, auditContext(ctx), {
      action: 'story_response.updated', entityType: 'story', entityId: story.id,
      details: { responseId: response.id, change: v.change, changeBefore: response.change, projectId: v.projectId, changeIdeaId: v.changeIdeaId, told, byAuthor: response.user_id === ctx.principal?.userId },
    });
    return { id: response.id, told };
  });
}

export type { OrgUnit };
