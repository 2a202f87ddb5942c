import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { loadPrincipal } from '../../platform/auth/sessions.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId } from '../../platform/db/index.ts';
import { ROLES, type DigestFrequency, type OrgUnit } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail } from '../../platform/outbox/index.ts';
import { can, requireInScope, requirePermission, roleAllows, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import type { ScheduledJob } from '../../platform/worker.ts';
import { unitById, unitsUnder } from '../org/service.ts';
import * as q from './queries.ts';
import { cursorSchema, FOLLOW_MAX, followTagSchema, followUnitSchema, frequencySchema, seenSchema, TAG_MAX } from './schemas.ts';

/*
 * Routing and alerts for feedback stories (issue 7, point 3). A published story (with or without
 * consent to the public site) goes to:
 *   (a) staff who follow its unit, a unit it is tagged with, or any unit above those (a follow
 *       covers the unit and everything below it);
 *   (b) staff who follow one of its themes (tags);
 *   (c) the team itself: whoever holds a role with stories:view directly on its unit or on a unit
 *       it is tagged with, without following anything (they can turn the emails off).
 * Nobody ever receives a story they may not see (stories:view in scope): a follow outside your
 * units gives you nothing. Only the moderated public version is sent or shown here, never the
 * original words or the teller's contact details.
 *
 * Each reader hears of them in one email a day or a week (weekly unless they choose; or never), and
 * in the app on "For you", where stories published since they last looked are marked new.
 */

export const PAGE_SIZE = 20;
/** Stories listed in one email; the rest are counted and linked. */
export const DIGEST_MAX = 50;
/** How far back a reader's first digest (and first look at "for you") goes. */
const FIRST_WINDOW_DAYS: Record<Exclude<DigestFrequency, 'off'>, number> = { daily: 1, weekly: 7 };
const DAY_MS = 86_400_000;
/** Digests go out from this hour, London time. */
export const DIGEST_HOUR = 7;
/** Roles that may read stories: their holders' own teams' stories come to them. */
export const VIEW_ROLES = ROLES.filter((r) => roleAllows(r, 'stories:view'));

export { FOLLOW_MAX, TAG_MAX };

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

// ---- Words

const excerptLength = 200;

/** The start of the public text, cut at a word, for lists and emails. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= excerptLength) return flat;
  const cut = flat.slice(0, excerptLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > excerptLength / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

const whenFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric' });
const dayText = (iso: string): string => whenFormat.format(new Date(iso));

export const storyHref = (id: number): string => `/feedback/stories/${id}`;
export const FOLLOWING_HREF = '/feedback/following';
export const FOR_YOU_HREF = '/feedback/for-you';

// ---- Who gets what

/** The reader's routing: their scope, their follows and the units they work in. */
async function routingFor(ctx: ServiceContext, principal: Principal): Promise<q.Routing> {
  const follows = await q.followsOf(ctx.db, principal.userId);
  return {
    scopePaths: scopePaths(principal, 'stories:view'),
    followPaths: follows.flatMap((f) => (f.unit_path ? [f.unit_path] : [])),
    followTags: follows.flatMap((f) => (f.unit_id === null && f.tag ? [f.tag] : [])),
    teamUnitIds: teamUnitIds(principal),
    dialect: ctx.dialect,
  };
}

function teamUnitIds(principal: Principal): number[] {
  return [...new Set(principal.grants.filter((g) => roleAllows(g.role, 'stories:view')).map((g) => g.unitId))];
}

// ---- Following

/** Units for a select list (sorted by path), indented below the reader's highest unit. */
function indented(units: OrgUnit[]): { id: number; name: string }[] {
  const depth = (u: OrgUnit): number => u.path.split('/').length;
  const top = Math.min(...units.map(depth));
  return units.map((u) => ({ id: u.id, name: `${'— '.repeat(depth(u) - top)}${u.name}` }));
}

export interface FollowItem {
  id: number;
  kind: 'unit' | 'tag';
  name: string;
  /** A unit the reader no longer sees stories for: the follow brings nothing. */
  outOfScope: boolean;
}

export interface FollowingPage {
  follows: FollowItem[];
  units: { id: number; name: string }[];
  teamUnits: string[];
  tags: string[];
  frequency: DigestFrequency;
}

export async function followingPage(ctx: ServiceContext): Promise<FollowingPage> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const paths = scopePaths(principal, 'stories:view');
  const follows = await q.followsOf(ctx.db, principal.userId);
  const units: OrgUnit[] = await unitsUnder(ctx.db, paths);
  const settings = await q.settingsOf(ctx.db, principal.userId);
  const teams = new Set(teamUnitIds(principal));
  return {
    follows: follows.map((f) => ({
      id: f.id,
      kind: f.unit_id === null ? 'tag' : 'unit',
      name: f.unit_name ?? f.tag ?? '',
      outOfScope: f.unit_path !== null && !can(principal, 'stories:view', { path: f.unit_path }),
    })),
    units: indented(units),
    teamUnits: units.filter((u) => teams.has(u.id)).map((u) => u.name),
    tags: await q.tagSuggestions(ctx.db),
    frequency: settings?.frequency ?? 'weekly',
  };
}

export interface FollowResult {
  name: string;
  already: boolean;
}

/**
 * Follows a unit in the reader's scope (kind "unit", unitId) or a theme (kind "tag", tag). A unit
 * that does not exist, is archived or is outside their units is a 404.
 */
export async function addFollow(ctx: ServiceContext, raw: Record<string, unknown>, now = new Date()): Promise<FollowResult> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  let follow: { unitId: number } | { tag: string };
  let name: string;
  let field: string;
  if (raw.kind === 'tag') {
    const { tag } = parse(followTagSchema, raw);
    follow = { tag };
    name = tag;
    field = 'tag';
  } else {
    const { unitId } = parse(followUnitSchema, raw);
    const unit = await unitById(ctx.db, unitId);
    if (!unit || unit.archived_at) throw new NotFoundError();
    requireInScope(principal, 'stories:view', unit);
    follow = { unitId };
    name = unit.name;
    field = 'unitId';
  }
  if (await q.followExists(ctx.db, principal.userId, follow)) return { name, already: true };
  if ((await q.countFollows(ctx.db, principal.userId)) >= FOLLOW_MAX) throw ValidationError.one(field, 'errors.storyAlerts.tooMany');
  const id = await q.insertFollow(ctx.db, principal.userId, follow, now.toISOString());
  await audit(ctx.db, auditContext(ctx), {
    action: 'story_follow.created', entityType: 'story_follow', entityId: id, subjectUserId: principal.userId,
    details: 'unitId' in follow ? { unitId: follow.unitId } : { kind: 'tag' },
  });
  return { name, already: false };
}

/** Stops following; someone else's follow (or none) is a 404. Answers what was followed. */
export async function removeFollow(ctx: ServiceContext, id: number): Promise<string> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const follow = isRecordId(id) ? await q.followById(ctx.db, principal.userId, id) : undefined;
  if (!follow) throw new NotFoundError();
  await q.deleteFollow(ctx.db, principal.userId, id);
  await audit(ctx.db, auditContext(ctx), { action: 'story_follow.deleted', entityType: 'story_follow', entityId: id, subjectUserId: principal.userId });
  return follow.unit_name ?? follow.tag ?? '';
}

export async function setDigestFrequency(ctx: ServiceContext, raw: Record<string, unknown>, now = new Date()): Promise<DigestFrequency> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const { frequency } = parse(frequencySchema, raw);
  await q.saveFrequency(ctx.db, principal.userId, frequency, now.toISOString());
  await audit(ctx.db, auditContext(ctx), { action: 'story_digest.frequency_set', entityType: 'story_digest_settings', entityId: principal.userId, subjectUserId: principal.userId, details: { frequency } });
  return frequency;
}

// ---- For you

export interface StoryItem {
  id: number;
  title: string;
  href: string;
  excerpt: string;
  units: string[];
  published: string;
  isNew: boolean;
}

export interface ForYouPage {
  newCount: number;
  newStories: StoryItem[];
  earlierStories: StoryItem[];
  /** Query string of the next page (newest first), when there is one. */
  next?: Record<string, string> | undefined;
  paged: boolean;
  nothingFollowed: boolean;
  frequency: DigestFrequency;
}

async function storyItems(ctx: ServiceContext, rows: q.RoutedStory[], seen: string): Promise<StoryItem[]> {
  const tagged = await q.taggedUnits(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    title: r.public_title,
    href: storyHref(r.id),
    excerpt: excerpt(r.excerpt),
    units: [r.unit_name, ...(tagged.get(r.id) ?? []).filter((n) => n !== r.unit_name)],
    published: dayText(r.published_at),
    isNew: r.published_at > seen,
  }));
}

/**
 * The stories routed to the reader, newest first, those published since they last looked marked
 * new; opening the first page records that they have looked now. Later pages carry `seen` so the
 * same stories stay marked. On a first look, the last week's stories are new.
 */
export async function forYouPage(ctx: ServiceContext, query: Record<string, unknown>, now = new Date()): Promise<ForYouPage> {
  const principal = requirePermission(ctx.principal, 'stories:view');
  const cursor = cursorSchema.safeParse(query.after);
  const seenParam = seenSchema.safeParse(query.seen);
  const settings = await q.settingsOf(ctx.db, principal.userId);
  const firstLook = new Date(now.getTime() - FIRST_WINDOW_DAYS.weekly * DAY_MS).toISOString();
  const lastLooked = settings?.last_seen_at ?? firstLook;
  const seen = cursor.success && seenParam.success ? new Date(seenParam.data).toISOString() : lastLooked;
  const routing = await routingFor(ctx, principal);
  const rows = await q.routedStories(ctx.db, routing, { cursor: cursor.success ? cursor.data : undefined, limit: PAGE_SIZE + 1 });
  const shown = rows.slice(0, PAGE_SIZE);
  const items = await storyItems(ctx, shown, seen);
  const newCount = await q.countRouted(ctx.db, routing, { publishedAfter: seen });
  await q.markSeen(ctx.db, principal.userId, now.toISOString());
  const last = shown.at(-1);
  return {
    newCount,
    newStories: items.filter((i) => i.isNew),
    earlierStories: items.filter((i) => !i.isNew),
    next: rows.length > PAGE_SIZE && last ? { after: `${last.published_at}_${last.id}`, seen } : undefined,
    paged: cursor.success,
    nothingFollowed: routing.followPaths.length + routing.followTags.length === 0,
    frequency: settings?.frequency ?? 'weekly',
  };
}

// ---- Digests

export interface DigestPeriod {
  /** The London day the digest is for (YYYY-MM-DD), in its idempotency key. */
  day: string;
  /** 07:00 that day in London, as UTC: readers told before this are due. */
  boundary: string;
  /** Who is due: daily readers every day, weekly readers too on Mondays. */
  frequencies: Exclude<DigestFrequency, 'off'>[];
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short', hourCycle: 'h23',
});

function inLondon(at: Date): { y: number; m: number; d: number; h: number; min: number; s: number; weekday: string } {
  const p = Object.fromEntries(londonParts.formatToParts(at).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), min: Number(p.minute), s: Number(p.second), weekday: String(p.weekday) };
}

/** London's offset from UTC at this instant, in ms (0 in winter, an hour in summer). */
function londonOffsetMs(at: Date): number {
  const p = inLondon(at);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * Which digests are due at this instant: none before 07:00 London time; after it, daily readers
 * not yet told since 07:00 today, and on Mondays weekly readers too. A worker down for the whole of
 * a Monday skips that week's email; the next one covers both weeks (nothing is lost).
 */
export function digestPeriod(now: Date): DigestPeriod | undefined {
  const p = inLondon(now);
  const naive = Date.UTC(p.y, p.m - 1, p.d, DIGEST_HOUR, 0, 0);
  const boundary = naive - londonOffsetMs(new Date(naive));
  if (now.getTime() < boundary) return undefined;
  const day = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
  return { day, boundary: new Date(boundary).toISOString(), frequencies: p.weekday === 'Mon' ? ['daily', 'weekly'] : ['daily'] };
}

/** One email per reader per London day at most: a second run, or a second worker, queues nothing new. */
export const digestKey = (userId: number, day: string): string => `story-digest:${userId}:${day}`;

function digestText(ctx: ServiceContext, name: string, stories: StoryItem[], total: number): string {
  const base = ctx.config.baseUrl;
  const lines = [t('storyAlerts.digest.greeting', { name }), '', t('storyAlerts.digest.intro', { count: total }), ''];
  stories.forEach((s, i) => {
    lines.push(`${i + 1}. ${s.title}`);
    lines.push(`   ${t('storyAlerts.digest.about', { units: s.units.join(', '), date: s.published })}`);
    lines.push(`   ${s.excerpt}`);
    lines.push(`   ${t('storyAlerts.digest.read', { url: `${base}${s.href}` })}`, '');
  });
  if (total > stories.length) lines.push(t('storyAlerts.digest.more', { count: total - stories.length, url: `${base}${FOR_YOU_HREF}` }), '');
  lines.push(t('storyAlerts.digest.why'), t('storyAlerts.digest.manage', { url: `${base}${FOLLOWING_HREF}` }));
  return lines.join('\n');
}

/** One reader's digest: queued when there is something new, then they are marked told up to now. */
async function digestFor(ctx: ServiceContext, r: q.Recipient, period: DigestPeriod, now: Date): Promise<boolean> {
  const principal = await loadPrincipal(ctx.db, r.id);
  if (!principal) return false;
  const frequency = r.frequency === 'daily' ? 'daily' : 'weekly';
  const until = now.toISOString();
  const since = r.last_sent_at ?? new Date(now.getTime() - FIRST_WINDOW_DAYS[frequency] * DAY_MS).toISOString();
  const routing = await routingFor(ctx, principal);
  const rows = await q.routedStories(ctx.db, routing, { publishedAfter: since, until, limit: DIGEST_MAX + 1 });
  let queued = false;
  if (rows.length > 0) {
    const total = rows.length > DIGEST_MAX ? await q.countRouted(ctx.db, routing, { publishedAfter: since, until }) : rows.length;
    const stories = await storyItems(ctx, rows.slice(0, DIGEST_MAX), since);
    // Queued before the reader is marked told: should the worker stop in between, the next run
    // queues the same key again, which does nothing, and then marks them.
    await enqueueEmail(ctx.db, {
      idempotencyKey: digestKey(r.id, period.day),
      to: r.email,
      subject: t('storyAlerts.digest.subject', { count: total }),
      text: digestText(ctx, r.name, stories, total),
    });
    queued = true;
  }
  const hasSettings = r.has_settings === true || Number(r.has_settings) === 1;
  const marked = await q.markSent(ctx.db, r.id, { exists: hasSettings, lastSentAt: r.last_sent_at }, until);
  return queued && marked;
}

const BATCH = 200;

/**
 * Sends each reader whose digest is due one email listing the stories routed to them since their
 * last one (none when there is nothing new), then marks them told up to `now`. Safe to run again
 * and on several workers at once: a reader already marked is no longer due, and the outbox's
 * idempotency key (reader and London day) stops a second email for the same day.
 */
export async function sendStoryDigests(ctx: ServiceContext, now: Date = new Date()): Promise<{ digests: number }> {
  const period = digestPeriod(now);
  if (!period) return { digests: 0 };
  let digests = 0;
  let after = 0;
  for (;;) {
    const batch = await q.dueRecipients(ctx.db, { frequencies: period.frequencies, boundary: period.boundary, viewRoles: VIEW_ROLES, afterUserId: after, limit: BATCH });
    for (const r of batch) if (await digestFor(ctx, r, period, now)) digests += 1;
    const last = batch.at(-1);
    if (batch.length < BATCH || !last) break;
    after = last.id;
  }
  return { digests };
}

/** The worker's job (src/features/jobs.ts): looks every five minutes; each reader is due once a day or week. */
export const storyDigestJob: ScheduledJob = {
  name: 'story digests',
  everyMs: 5 * 60_000,
  run: (ctx, now) => sendStoryDigests(ctx, now),
};
