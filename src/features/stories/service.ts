import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { Database, Naming, OrgUnit, StorySource } from '../../platform/db/types.ts';
import { HttpError, NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { databaseRateLimitStore } from '../../platform/http/rate-limit-store.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail } from '../../platform/outbox/index.ts';
import { can, requireInScope, requirePermission, scopePaths, type Permission, type Principal } from '../../platform/rbac/index.ts';
import * as q from './queries.ts';
import { findPersonalDetails, ukPhoneDigits, type RedactionKind } from './redaction.ts';
import {
  contactSchema, moderationSchema, publicStorySchema, queueQuerySchema, redactionChoice, safeguardingSchema, STAFF_SOURCES, staffStorySchema, tellerLookupSchema,
  unitSearchSchema, type ModerationAction, type PublicStoryInput, type QueueQuery,
} from './schemas.ts';

/*
 * Feedback stories. This file is the one way other features reach stories (DESIGN: a feature
 * imports another only through its service.ts). The rules every story feature shares are here:
 * how a teller is named, what the public may see, and which stories a member of staff may see.
 */

/**
 * The name shown with a story, from how the teller asked to be named. A moderator may still edit
 * the result (public_name) before publishing.
 */
export function publicNameFor(naming: Naming, tellerName: string | null | undefined, anonymous: string): string {
  const words = (tellerName ?? '').trim().split(/\s+/).filter(Boolean);
  if (naming === 'anonymous' || words.length === 0) return anonymous;
  if (naming === 'full_name') return words.join(' ');
  if (naming === 'first_name') return words[0] as string;
  return words.map((w) => `${w.charAt(0).toUpperCase()}.`).join(' ');
}

/**
 * The public site shows a story only when it is published and the teller agreed to publication.
 * A published story without that consent still goes to the teams it is about. Erasure withdraws
 * consent, so an erased story leaves the public site too.
 */
export function onPublicSite(eb: ExpressionBuilder<Database, 'stories'>): Expression<SqlBool> {
  return eb.and([eb('stories.status', '=', 'published'), eb('stories.consent_publish', '=', 1)]);
}

/**
 * Stories about a unit in the principal's scope for the permission: the story's own unit or any
 * unit the moderator tagged it with, at or below one of the principal's units.
 */
export function storyInScope(eb: ExpressionBuilder<Database, 'stories'>, principal: Principal, permission: Permission): Expression<SqlBool> {
  return storyUnderPaths(eb, scopePaths(principal, permission));
}

/** Stories about a unit at or below any of these unit paths (see storyInScope). */
export function storyUnderPaths(eb: ExpressionBuilder<Database, 'stories'>, paths: string[]): Expression<SqlBool> {
  // SQLite cannot bind a boolean, so "nothing" is written as 1 = 0.
  if (paths.length === 0) return sql<SqlBool>`1 = 0`;
  return eb.or([
    eb.exists(
      eb.selectFrom('org_units as main_u').select('main_u.id').whereRef('main_u.id', '=', 'stories.unit_id')
        .where((u) => u.or(paths.map((p) => u('main_u.path', 'like', `${p}%`)))),
    ),
    eb.exists(
      eb.selectFrom('story_units as su').innerJoin('org_units as su_u', 'su_u.id', 'su.unit_id').select('su.story_id')
        .whereRef('su.story_id', '=', 'stories.id')
        .where((u) => u.or(paths.map((p) => u('su_u.path', 'like', `${p}%`)))),
    ),
  ]);
}

/*
 * ---- Telling and moderating stories (issue 7, points 1 and 2)
 *
 * - Anyone may tell a story on the public form (/stories/new), signed in or not. A honeypot field
 *   that people never see catches most robots: what they send is dropped without a word. Each
 *   address may send STORY_RATE_MAX stories in STORY_RATE_WINDOW_MS (counted in the database, so it
 *   holds across instances); past that the form comes back with a 429 and everything typed kept.
 * - Staff (stories:respond) enter a story for someone from paper, a call, an email or a workshop,
 *   with the same consent questions. Every story arrives 'new', its public version a copy of what
 *   was told, named as the teller asked (publicNameFor).
 * - Moderators (stories:moderate, for a unit the story is about) see the original (audited: it is
 *   personal data), edit the public version with the redaction suggester's help, tag it with themes
 *   and further units, and publish, hold or reject it (a reason for the last two). They can flag a
 *   safeguarding concern, which emails the nearest safeguarding contact at once through the outbox,
 *   and erase the teller's personal data on request.
 */

export const STORY_RATE_WINDOW_MS = 10 * 60_000;
/** Stories one address may send in the window: the app's per-minute allowance for public forms. */
const storyRateMax = (ctx: ServiceContext): number => ctx.config.rateLimitPerMinute;
/** The field robots fill in and people never see. */
export const HONEYPOT = 'website';
export const UNIT_CHOICES = 25;
export const QUEUE_PAGE = 25;
export const CONTACTS_PAGE = 50;
const POPULAR_TAGS = 20;

export { STAFF_SOURCES, type ModerationAction, type QueueQuery };

/** Too many stories from one address in a short time: the form comes back with what was typed. */
export class TooManyStoriesError extends HttpError {
  constructor() {
    super(429, 'Too many stories');
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const anonymousName = (): string => t('stories.anonymous');

// ---- The service picker

export interface UnitPicker {
  search: string | undefined;
  searchError: string | undefined;
  choices: q.UnitChoice[];
  /** More units matched than are shown: the teller should type more of the name. */
  more: boolean;
  /** The trust: "I am not sure". */
  rootId: number | null;
}

/**
 * The units to choose from: those whose name contains what was typed, or the trust and the units
 * just below it; the ones already chosen are always there too. Anyone may ask (the names of
 * services are public).
 */
export async function unitPicker(ctx: ServiceContext, rawSearch: unknown, chosen: readonly number[] = []): Promise<UnitPicker> {
  const searched = unitSearchSchema.safeParse(typeof rawSearch === 'string' ? rawSearch : '');
  const search = searched.success ? searched.data || undefined : undefined;
  const [root, found, kept] = await Promise.all([
    q.rootUnit(ctx.db),
    q.unitChoices(ctx.db, search, UNIT_CHOICES + 1),
    q.unitChoicesByIds(ctx.db, chosen.filter(isRecordId)),
  ]);
  const shown = found.slice(0, UNIT_CHOICES).filter((u) => u.id !== root?.id);
  const choices = [...kept.filter((k) => k.id !== root?.id && !shown.some((s) => s.id === k.id)), ...shown];
  return {
    search: searched.success ? search : String(rawSearch),
    searchError: searched.success ? undefined : (searched.error.issues[0]?.message ?? 'errors.stories.searchTooLong'),
    choices,
    more: found.length > UNIT_CHOICES,
    rootId: root?.id ?? null,
  };
}

// ---- Telling

async function withinRateLimit(ctx: ServiceContext): Promise<boolean> {
  const Store = databaseRateLimitStore(ctx.db);
  const { current } = await new Store().count(`stories:new:${ctx.ip ?? 'unknown'}`, STORY_RATE_WINDOW_MS);
  return current <= storyRateMax(ctx);
}

type StoryAnswers = PublicStoryInput & { source?: string };

async function storeStory(ctx: ServiceContext, input: StoryAnswers, source: StorySource, enteredBy: number | null): Promise<number> {
  const unit = await q.activeUnit(ctx.db, input.unitId);
  if (!unit) throw ValidationError.one('unitId', 'errors.stories.unitRequired');
  const now = nowIso();
  const tellerName = input.naming === 'anonymous' ? null : (input.tellerName ?? null);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertStory(trx, {
      unit_id: unit.id,
      source,
      entered_by: enteredBy,
      teller_role: input.tellerRole,
      title: input.title,
      body: input.body,
      good: input.good ?? null,
      better: input.better ?? null,
      teller_name: tellerName,
      contact_email: input.contactEmail ?? null,
      contact_phone: input.contactPhone ?? null,
      consent_publish: input.consentPublish ? 1 : 0,
      naming: input.naming,
      public_title: input.title,
      public_body: input.body,
      public_good: input.good ?? null,
      public_better: input.better ?? null,
      public_name: publicNameFor(input.naming, tellerName, anonymousName()),
      status: 'new',
      received_at: now,
      updated_at: now,
    });
    await audit(trx, auditContext(ctx), { action: 'story.received', entityType: 'story', entityId: id, details: { source, contact: Boolean(input.contactEmail || input.contactPhone) } });
    return id;
  });
}

/**
 * A story from the public form. A robot that filled in the honeypot is told it worked and nothing
 * is kept (answers { kept: false }); too many from one address is a TooManyStoriesError.
 */
export async function tellStory(ctx: ServiceContext, raw: Record<string, unknown>): Promise<{ kept: boolean }> {
  if (raw[HONEYPOT] != null && raw[HONEYPOT] !== '') {
    await withinRateLimit(ctx);
    return { kept: false };
  }
  const input = parse(publicStorySchema, raw);
  if (!(await q.activeUnit(ctx.db, input.unitId))) throw ValidationError.one('unitId', 'errors.stories.unitRequired');
  if (!(await withinRateLimit(ctx))) throw new TooManyStoriesError();
  await storeStory(ctx, input, 'online', ctx.principal?.userId ?? null);
  return { kept: true };
}

/** May the principal enter stories for others? (403 otherwise.) */
export function mayEnterStories(ctx: ServiceContext): void {
  requirePermission(ctx.principal, 'stories:respond');
}

/** A story entered by staff for someone, from paper, a call, an email or a workshop. */
export async function enterStory(ctx: ServiceContext, raw: Record<string, unknown>): Promise<number> {
  const principal = requirePermission(ctx.principal, 'stories:respond');
  const input = parse(staffStorySchema, raw);
  return storeStory(ctx, input, input.source as StorySource, principal.userId);
}

// ---- The staff hub

export interface FeedbackHub {
  mayModerate: boolean;
  mayRespond: boolean;
  /** New stories waiting for moderation in the user's units. */
  newCount: number;
  /** Texts to tellers waiting to be sent by hand, for stories the user moderates. */
  textCount: number;
}

export async function feedbackHub(ctx: ServiceContext): Promise<FeedbackHub> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const mayModerate = can(principal, 'stories:moderate');
  return {
    mayModerate,
    mayRespond: can(principal, 'stories:respond'),
    newCount: mayModerate ? await q.countInScope(ctx.db, principal, 'new') : 0,
    textCount: mayModerate ? await q.countPendingTexts(ctx.db, principal) : 0,
  };
}

// ---- The moderation queue

export function parseQueueQuery(raw: Record<string, unknown>): QueueQuery {
  return queueQuerySchema.parse(raw);
}

export interface Queue {
  stories: q.QueueRow[];
  total: number;
  next: string | undefined;
}

/** Stories in the moderator's units with this status, oldest first, a page at a time. */
export async function moderationQueue(ctx: ServiceContext, query: QueueQuery): Promise<Queue> {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  const after = query.after ? { at: query.after.slice(0, query.after.lastIndexOf('_')), id: Number(query.after.slice(query.after.lastIndexOf('_') + 1)) } : undefined;
  const [rows, total] = await Promise.all([
    q.queue(ctx.db, principal, query.status, after && isRecordId(after.id) ? after : undefined, QUEUE_PAGE + 1),
    q.countInScope(ctx.db, principal, query.status),
  ]);
  const stories = rows.slice(0, QUEUE_PAGE);
  const last = stories[stories.length - 1];
  return { stories, total, next: rows.length > QUEUE_PAGE && last ? `${last.received_at}_${last.id}` : undefined };
}

// ---- One story, for its moderator

/** The story, when the principal moderates a unit it is about: 403 without the permission, 404 outside scope. */
async function moderatedStory(ctx: ServiceContext, id: number) {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  const story = isRecordId(id) ? await q.storyForModerator(ctx.db, principal, id) : undefined;
  if (!story) throw new NotFoundError();
  return story;
}

export type ModeratedStory = Awaited<ReturnType<typeof moderatedStory>>;

export interface ModerationPage {
  story: ModeratedStory;
  tags: string[];
  units: q.UnitChoice[];
  popularTags: string[];
  enteredBy: string | null;
  moderatedBy: string | null;
  safeguardingBy: string | null;
  /** Who the safeguarding email went to, if one was sent. */
  safeguardingSentTo: string | null;
}

const safeguardingKey = (storyId: number): string => `story-safeguarding:${storyId}`;

/** The story as told and as it will be shown, for its moderator. Seeing the original is audited. */
export async function moderationPage(ctx: ServiceContext, id: number): Promise<ModerationPage> {
  const story = await moderatedStory(ctx, id);
  const [tags, units, popular, enteredBy, moderatedBy, safeguardingBy, sent] = await Promise.all([
    q.tagsOf(ctx.db, story.id),
    q.unitsOf(ctx.db, story.id),
    q.popularTags(ctx.db, POPULAR_TAGS),
    q.userName(ctx.db, story.entered_by),
    q.userName(ctx.db, story.moderated_by),
    q.userName(ctx.db, story.safeguarding_by),
    story.safeguarding_at ? q.sentMessage(ctx.db, safeguardingKey(story.id)) : Promise.resolve(undefined),
  ]);
  await audit(ctx.db, auditContext(ctx), { action: 'story.original_viewed', entityType: 'story', entityId: story.id });
  return { story, tags, units, popularTags: popular, enteredBy, moderatedBy, safeguardingBy, safeguardingSentTo: sent?.recipient ?? null };
}

export const PUBLIC_FIELDS = ['publicTitle', 'publicBody', 'publicGood', 'publicBetter'] as const;
export type PublicField = (typeof PUBLIC_FIELDS)[number];

export interface Suggestion {
  kind: RedactionKind;
  text: string;
  /** The public fields it was found in. */
  fields: PublicField[];
  /** The checkbox value: kind|text. */
  value: string;
}

/** What the suggester proposes to remove from the public version, each detail once. */
export function redactionSuggestions(values: Partial<Record<PublicField, unknown>>, tellerName: string | null): Suggestion[] {
  const byKey = new Map<string, Suggestion>();
  for (const field of PUBLIC_FIELDS) {
    const text = values[field];
    if (typeof text !== 'string') continue;
    for (const s of findPersonalDetails(text, { names: [tellerName] })) {
      const value = `${s.kind}|${s.text}`;
      const seen = byKey.get(value);
      if (seen) {
        if (!seen.fields.includes(field)) seen.fields.push(field);
      } else byKey.set(value, { kind: s.kind, text: s.text, fields: [field], value });
    }
  }
  return [...byKey.values()];
}

/**
 * The public version with the ticked details replaced by words saying what was removed ("[name
 * removed]"). Nothing is saved: the moderator sees the result and then saves, publishes or holds.
 */
export function applyRedactions<V extends Partial<Record<PublicField, unknown>>>(values: V, chosen: unknown): V {
  const list = chosen == null ? [] : Array.isArray(chosen) ? chosen : [chosen];
  const out: Record<string, unknown> = { ...values };
  for (const raw of list) {
    const choice = redactionChoice.safeParse(raw);
    if (!choice.success) continue;
    const { kind, text } = choice.data;
    const placeholder = t(`stories.redaction.placeholder.${kind}`);
    for (const field of PUBLIC_FIELDS) {
      const current = out[field];
      if (typeof current === 'string') out[field] = current.split(text).join(placeholder);
    }
  }
  return out as V;
}

/** Saves the public version, themes and further units, and publishes, holds or rejects. Audited. */
export async function moderate(ctx: ServiceContext, id: number, raw: Record<string, unknown>): Promise<ModerationAction> {
  const story = await moderatedStory(ctx, id);
  const input = parse(moderationSchema, raw);
  const units: number[] = [];
  for (const unitId of input.units) {
    if (unitId === story.unit_id) continue;
    if (!(await q.activeUnit(ctx.db, unitId))) throw ValidationError.one('units', 'errors.stories.unitInvalid');
    units.push(unitId);
  }
  const now = nowIso();
  const decided = input.action !== 'save';
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateStory(trx, story.id, {
      public_title: input.publicTitle,
      public_body: input.publicBody,
      public_good: input.publicGood ?? null,
      public_better: input.publicBetter ?? null,
      public_name: input.publicName,
      updated_at: now,
      ...(decided
        ? {
            status: input.action === 'publish' ? 'published' : input.action === 'hold' ? 'held' : 'rejected',
            status_reason: input.action === 'publish' ? null : (input.reason ?? null),
            moderated_by: ctx.principal?.userId ?? null,
            moderated_at: now,
            ...(input.action === 'publish' ? { published_at: story.published_at ?? now } : {}),
          }
        : {}),
    });
    await q.replaceTags(trx, story.id, input.tags);
    await q.replaceUnits(trx, story.id, units);
    await audit(trx, auditContext(ctx), {
      action: 'story.moderated',
      entityType: 'story',
      entityId: story.id,
      details: { action: input.action, tags: input.tags.length, units: units.length },
    });
  });
  return input.action;
}

// ---- Safeguarding

export interface SafeguardingOutcome {
  /** Who was emailed; null when no unit up to the trust has a safeguarding contact. */
  contact: { name: string; email: string; unitName: string } | null;
}

/**
 * Flags a safeguarding concern with a note and, in the same transaction, emails the safeguarding
 * contact of the story's unit or its nearest ancestor that has one. The email names the unit and
 * carries the note and a link; never the teller's name or contact details.
 */
export async function flagSafeguarding(ctx: ServiceContext, id: number, raw: Record<string, unknown>): Promise<SafeguardingOutcome> {
  const story = await moderatedStory(ctx, id);
  const { note } = parse(safeguardingSchema, raw);
  if (story.safeguarding_at) throw ValidationError.one('note', 'errors.stories.alreadyFlagged');
  const now = nowIso();
  return ctx.db.transaction().execute(async (trx) => {
    await q.updateStory(trx, story.id, { safeguarding_at: now, safeguarding_note: note, safeguarding_by: ctx.principal?.userId ?? null, updated_at: now });
    const contact = await q.nearestContact(trx, story.unit_path);
    if (contact) {
      const params = {
        name: contact.name,
        unit: story.unit_name,
        note,
        link: `${ctx.config.baseUrl}/feedback/moderation/${story.id}`,
        by: ctx.principal?.name ?? '',
        story: story.id,
      };
      await enqueueEmail(trx, {
        idempotencyKey: safeguardingKey(story.id),
        to: contact.email,
        subject: t('stories.safeguarding.email.subject', params),
        text: t('stories.safeguarding.email.body', params),
      });
    }
    await audit(trx, auditContext(ctx), { action: 'story.safeguarding_flagged', entityType: 'story', entityId: story.id, details: { emailed: Boolean(contact) } });
    return { contact: contact ? { name: contact.name, email: contact.email, unitName: contact.unit_name } : null };
  });
}

// ---- Erasure

/** The story, for the confirmation step of erasure (moderators in scope only). */
export async function storyToErase(ctx: ServiceContext, id: number): Promise<ModeratedStory> {
  return moderatedStory(ctx, id);
}

/**
 * Erases the teller's personal data on request: what they wrote as they wrote it, their name and
 * contact details; consent to publish is withdrawn, so the story leaves the public site. A story
 * nobody has moderated yet still has the teller's words as its public version, so those go too and
 * it is closed (rejected, with the reason). Answers false when it was already erased.
 */
export async function eraseTeller(ctx: ServiceContext, id: number): Promise<boolean> {
  const story = await moderatedStory(ctx, id);
  if (story.erased_at) return false;
  const now = nowIso();
  const unmoderated = story.moderated_at == null;
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateStory(trx, story.id, {
      title: null,
      body: null,
      good: null,
      better: null,
      teller_name: null,
      contact_email: null,
      contact_phone: null,
      consent_publish: 0,
      naming: 'anonymous',
      public_name: anonymousName(),
      erased_at: now,
      updated_at: now,
      ...(unmoderated
        ? {
            public_title: t('stories.erase.removedTitle'),
            public_body: t('stories.erase.removedBody'),
            public_good: null,
            public_better: null,
            status: 'rejected',
            status_reason: t('stories.erase.reason'),
          }
        : {}),
    });
    await q.eraseTellerMessages(trx, story.id, t('stories.erase.erasedMessage'));
    await audit(trx, auditContext(ctx), { action: 'story.erased', entityType: 'story', entityId: story.id, details: { unmoderated } });
  });
  return true;
}

// ---- Texts to tellers who left only a phone number

export const TEXTS_PAGE = 25;

export interface TextsPage {
  texts: q.TextRow[];
  total: number;
  nextAfter: number | null;
}

/**
 * Texts telling tellers of responses, for stories the moderator moderates, oldest first, a page at
 * a time. The worker sends email only: a moderator sends each text by hand and marks it sent.
 */
export async function textsToSend(ctx: ServiceContext, rawAfter: unknown): Promise<TextsPage> {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  const after = Number(rawAfter);
  const rows = await q.pendingTexts(ctx.db, principal, isRecordId(after) ? after : undefined, TEXTS_PAGE + 1);
  const texts = rows.slice(0, TEXTS_PAGE);
  return { texts, total: await q.countPendingTexts(ctx.db, principal), nextAfter: rows.length > TEXTS_PAGE ? (texts.at(-1)?.id ?? null) : null };
}

/** Marks a text sent by hand (a 404 for one the user does not moderate). False when it was already sent. Audited. */
export async function markTextSent(ctx: ServiceContext, id: number): Promise<boolean> {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  const text = isRecordId(id) ? await q.textForModerator(ctx.db, principal, id) : undefined;
  if (!text) throw new NotFoundError();
  return ctx.db.transaction().execute(async (trx) => {
    const done = await q.markTextSent(trx, text.id, nowIso());
    if (done) await audit(trx, auditContext(ctx), { action: 'story.text_sent_by_hand', entityType: 'story', entityId: text.story_id, details: { messageId: text.id } });
    return done;
  });
}

// ---- What we hold about a teller (subject access)

export interface TellerStory {
  id: number;
  public_title: string;
  unit_name: string;
  status: string;
  received_at: string;
  erased_at: string | null;
}

export interface TellerLookup {
  stories: TellerStory[];
}

/** Only moderators look up tellers (a 403 for anyone else). */
export function mayLookUpTellers(ctx: ServiceContext): void {
  requirePermission(ctx.principal, 'stories:moderate');
}

/** The ids of stories in the moderator's units told with the email address or phone number typed. */
async function tellerStoryIds(ctx: ServiceContext, raw: Record<string, unknown>): Promise<number[]> {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  const { contact } = parse(tellerLookupSchema, raw);
  if ('email' in contact) return q.storyIdsByEmail(ctx.db, principal, contact.email);
  const phones = await q.phonesInScope(ctx.db, principal);
  return phones.filter((p) => ukPhoneDigits(p.contact_phone) === contact.phoneDigits).map((p) => p.id);
}

/**
 * When a teller asks what we hold about them, or asks for it to be erased: the stories in the
 * moderator's units they told, found by the email address or phone number they left. The lookup is
 * audited (how many were found; never the address typed).
 */
export async function findTellerStories(ctx: ServiceContext, raw: Record<string, unknown>): Promise<TellerLookup> {
  const ids = await tellerStoryIds(ctx, raw);
  const stories = (await q.storiesByIds(ctx.db, ids)).map((s) => ({
    id: s.id, public_title: s.public_title, unit_name: s.unit_name, status: s.status, received_at: s.received_at, erased_at: s.erased_at,
  }));
  await audit(ctx.db, auditContext(ctx), { action: 'story.teller_searched', entityType: 'story', entityId: null, details: { found: ids.length } });
  return { stories };
}

/**
 * Everything we hold about a teller, as JSON for a subject-access reply: each story they told as
 * they told it and as it is shown, its status, tags and services, the public responses and the
 * messages we wrote to them. A safeguarding flag is said (when) but its note is left out: whether to
 * disclose it is a decision for the trust's data protection officer. Audited with the story ids.
 */
export async function tellerExport(ctx: ServiceContext, raw: Record<string, unknown>): Promise<{ filename: string; body: string; count: number }> {
  const ids = await tellerStoryIds(ctx, raw);
  const [rows, tags, units, responses, messages] = await Promise.all([
    q.storiesByIds(ctx.db, ids), q.tagsOfStories(ctx.db, ids), q.unitsOfStories(ctx.db, ids), q.responsesOfStories(ctx.db, ids), q.messagesOfStories(ctx.db, ids),
  ]);
  const of = <T extends { story_id: number | null }>(list: T[], id: number) => list.filter((x) => x.story_id === id).map(({ story_id: _, ...rest }) => rest);
  const stories = rows.map((s) => ({
    id: s.id,
    receivedAt: s.received_at,
    howItCame: s.source,
    tellerRole: s.teller_role,
    about: s.unit_name,
    asTold: { title: s.title, story: s.body, good: s.good, better: s.better, name: s.teller_name, email: s.contact_email, phone: s.contact_phone },
    consentToPublish: s.consent_publish === 1,
    naming: s.naming,
    asShown: { title: s.public_title, story: s.public_body, good: s.public_good, better: s.public_better, name: s.public_name },
    status: s.status,
    statusReason: s.status_reason,
    publishedAt: s.published_at,
    safeguardingFlaggedAt: s.safeguarding_at,
    erasedAt: s.erased_at,
    themes: of(tags, s.id).map((x) => x.tag),
    services: of(units, s.id).map((x) => x.name),
    responses: of(responses, s.id),
    messagesToYou: of(messages, s.id),
  }));
  await audit(ctx.db, auditContext(ctx), { action: 'story.teller_exported', entityType: 'story', entityId: null, details: { stories: ids } });
  return {
    filename: `stories-teller-${new Date().toISOString().slice(0, 10)}.json`,
    body: `${JSON.stringify({ exportedAt: nowIso(), stories }, null, 2)}\n`,
    count: stories.length,
  };
}

// ---- Safeguarding contacts

export interface ContactUnit {
  id: number;
  name: string;
  depth: number;
  contact: { name: string; email: string } | null;
  /** The ancestor whose contact applies when the unit has none of its own. */
  inherited: { unitName: string; name: string; email: string } | null;
}

export interface ContactsPage {
  units: ContactUnit[];
  next: string | undefined;
  editing: (OrgUnit & { contact: { name: string; email: string } | null }) | null;
}

/** The units the moderator looks after, each with its contact or the one it inherits; and the unit being edited. */
export async function contactsPage(ctx: ServiceContext, query: { unit?: unknown; after?: unknown }): Promise<ContactsPage> {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  const paths = scopePaths(principal, 'stories:moderate');
  const after = typeof query.after === 'string' && /^(\/\d{1,10})+\/$/.test(query.after) ? query.after : undefined;
  const rows = await q.unitsWithContacts(ctx.db, paths, after, CONTACTS_PAGE + 1);
  const shown = rows.slice(0, CONTACTS_PAGE);
  const ancestors = await q.contactsFor(ctx.db, shown.flatMap((r) => q.pathIds(r.path)));
  // Indented from the moderator's own units, which have none.
  const top = Math.min(...paths.map((p) => q.pathIds(p).length));
  const units = shown.map((r) => {
    const above = ancestors
      .filter((c) => c.unit_id !== r.id && r.path.startsWith(c.unit_path))
      .sort((a, b) => b.unit_path.length - a.unit_path.length)[0];
    return {
      id: r.id,
      name: r.name,
      depth: q.pathIds(r.path).length - top,
      contact: r.contact_name && r.contact_email ? { name: r.contact_name, email: r.contact_email } : null,
      inherited: above ? { unitName: above.unit_name, name: above.name, email: above.email } : null,
    };
  });
  let editing: ContactsPage['editing'] = null;
  if (query.unit !== undefined) {
    const unitId = Number(query.unit);
    const unit = isRecordId(unitId) ? await q.activeUnit(ctx.db, unitId) : undefined;
    requireInScope(principal, 'stories:moderate', unit);
    const [own] = await q.contactsFor(ctx.db, [unitId]);
    editing = { ...(unit as OrgUnit), contact: own ? { name: own.name, email: own.email } : null };
  }
  const last = shown[shown.length - 1];
  return { units, next: rows.length > CONTACTS_PAGE && last ? last.path : undefined, editing };
}

/** Sets (or, with clear, removes) a unit's safeguarding contact. Audited. */
export async function setContact(ctx: ServiceContext, raw: Record<string, unknown>, clear: boolean): Promise<OrgUnit> {
  const principal = requirePermission(ctx.principal, 'stories:moderate');
  if (raw.unitId == null) throw ValidationError.one('unitId', 'errors.stories.unitInvalid');
  const unitId = Number(raw.unitId);
  const unit = isRecordId(unitId) ? await q.activeUnit(ctx.db, unitId) : undefined;
  requireInScope(principal, 'stories:moderate', unit);
  const target = unit as OrgUnit;
  if (clear) {
    await ctx.db.transaction().execute(async (trx) => {
      if (await q.deleteContact(trx, target.id)) {
        await audit(trx, auditContext(ctx), { action: 'safeguarding_contact.cleared', entityType: 'org_unit', entityId: target.id });
      }
    });
    return target;
  }
  const input = parse(contactSchema, raw);
  await ctx.db.transaction().execute(async (trx) => {
    await q.upsertContact(trx, { unit_id: target.id, name: input.name, email: input.email, updated_by: principal.userId, updated_at: nowIso() });
    await audit(trx, auditContext(ctx), { action: 'safeguarding_contact.set', entityType: 'org_unit', entityId: target.id });
  });
  return target;
}
