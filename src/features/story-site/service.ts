import type { z } from 'zod';
import type { ServiceContext } from '../../platform/context.ts';
import { isRecordId } from '../../platform/db/index.ts';
import type { ChangeKind, TellerRole } from '../../platform/db/types.ts';
import type { FieldError } from '../../platform/errors/index.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { publicOutcomeChart } from '../measures/service.ts';
import { londonToUtc } from '../meetings/service.ts';
import * as q from './queries.ts';
import { cursor, dateFromParts, listQuerySchema, pageNumber, type ListQuery } from './schemas.ts';
import { parseSearch, searchFor } from './search.ts';

/*
 * The public stories site (issue 7, point 6): the list of public stories with search and filters,
 * one public story with its responses and what happened next, and "You said, we did". Anyone may
 * read these pages, signed in or not: they show only stories on the public site (onPublicSite in
 * stories/service.ts), only their moderated public version, and never contact details. Nothing is
 * written, so nothing is audited: no page here shows a person's record.
 *
 * Paging: newest first is keyset-paginated on (published_at, id). Search results are ranked by
 * relevance, which each database works out over every match, so they are paged by offset and
 * capped at RANKED_PAGES pages (the best 200): a person who has not found it by then is better
 * served by more words or a filter, and a deeper offset would cost as much as the whole search.
 */

export const PAGE_SIZE = 20;
export const RANKED_PAGES = 10;
export const ENTRIES_PER_PAGE = 10;
/** An excerpt is about this many characters, cut at a word. */
export const EXCERPT_CHARS = 180;

const dayFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
/** "3 March 2026", in London. */
export const dayText = (at: string): string => dayFormat.format(new Date(at));

/** The start of a text up to about `chars` characters, cut at a word, with an ellipsis when cut. */
export function excerpt(text: string, chars = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= chars) return flat;
  const cut = flat.slice(0, chars + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > chars / 2 ? cut.slice(0, space) : flat.slice(0, chars)).replace(/[\s.,;:!?–-]+$/u, '')}…`;
}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

// ---- The list

export interface ListValues {
  q?: string;
  unit?: string;
  tag?: string;
  fromDay?: string;
  fromMonth?: string;
  fromYear?: string;
  toDay?: string;
  toMonth?: string;
  toYear?: string;
}
const VALUE_KEYS = ['q', 'unit', 'tag', 'fromDay', 'fromMonth', 'fromYear', 'toDay', 'toMonth', 'toYear'] as const;

export interface ListItem {
  id: number;
  title: string;
  excerpt: string;
  unitName: string;
  publicName: string;
  tellerRole: TellerRole;
  dayText: string;
  responded: boolean;
  changeMade: boolean;
}

export interface StoriesList {
  /** What was typed, to fill the form again (only strings, trimmed). */
  values: ListValues;
  /** Catalogue keys; the list is still shown, with the filters that made sense. */
  errors: FieldError[];
  searching: boolean;
  /** Words parsed from the search box, shown back ("stories with these words"). */
  searchWords: string[];
  stories: ListItem[];
  page: number;
  /** The query string of the filters, for paging links (without page or cursor). */
  filterQuery: string;
  nextQuery?: string;
  previousQuery?: string;
  /** True on the last page of ranked results when more matched than are shown. */
  capped: boolean;
  units: { id: number; name: string; path: string }[];
}

/** The filters from the address: each that makes sense is used, each that does not is named in errors. */
async function readFilters(ctx: ServiceContext, raw: Record<string, unknown>) {
  const values: ListValues = {};
  for (const k of VALUE_KEYS) {
    const v = first(raw[k]);
    if (typeof v === 'string' && v.trim() !== '') values[k] = v.trim();
  }
  const errors: FieldError[] = [];
  const filter: q.ListFilter = {};
  let chunks: string[] = [];

  const data: ListQuery = {};
  for (const key of ['q', 'unit', 'tag'] as const) {
    if (values[key] === undefined) continue;
    const r = (listQuerySchema.shape[key] as z.ZodType).safeParse(values[key]);
    if (r.success) Object.assign(data, { [key]: r.data });
    else errors.push({ field: key, message: r.error.issues[0]?.message ?? 'errors.storySite.searchTooLong' });
  }
  if (data.q !== undefined) chunks = parseSearch(data.q);
  if (data.unit !== undefined) {
    const path = await q.unitPathOf(ctx.db, data.unit);
    if (path) filter.unitPath = path;
    else errors.push({ field: 'unit', message: 'errors.storySite.unitInvalid' });
  }
  if (data.tag !== undefined) filter.tag = data.tag.toLowerCase();

  const day = (prefix: 'from' | 'to'): string | undefined => {
    const d = dateFromParts(values[`${prefix}Day`], values[`${prefix}Month`], values[`${prefix}Year`]);
    if (d === undefined) return undefined;
    const at = d === 'invalid' ? null : londonToUtc(d, '00:00');
    if (!at || d < '1900-01-01') {
      errors.push({ field: prefix, message: `errors.storySite.${prefix}Invalid` });
      return undefined;
    }
    return d;
  };
  const from = day('from');
  const to = day('to');
  if (from && to && to < from) errors.push({ field: 'to', message: 'errors.storySite.toBeforeFrom' });
  else {
    if (from) filter.from = londonToUtc(from, '00:00') as string;
    if (to) {
      // Up to the end of that London day: before midnight at the start of the next.
      const next = new Date(Date.parse(`${to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      filter.before = londonToUtc(next, '00:00') ?? undefined;
    }
  }
  return { values, errors, filter, chunks };
}

/** The public stories, newest first or (when searching) best matches first, with the filters in the address. */
export async function storiesList(ctx: ServiceContext, raw: Record<string, unknown>): Promise<StoriesList> {
  const { values, errors, filter, chunks } = await readFilters(ctx, raw);
  const valid = Object.fromEntries(Object.entries(values).filter(([k]) => !errors.some((e) => e.field === k || (k.startsWith(e.field) && ['from', 'to'].includes(e.field)))));
  const filterQuery = new URLSearchParams(valid as Record<string, string>).toString();
  const withFilters = (extra: Record<string, string>) => new URLSearchParams({ ...(valid as Record<string, string>), ...extra }).toString();
  const searching = chunks.length > 0;

  let rows: q.StoryRow[];
  let page = 1;
  let nextQuery: string | undefined;
  let previousQuery: string | undefined;
  let capped = false;
  if (searching) {
    page = pageNumber(first(raw.page), RANKED_PAGES);
    rows = await q.matchingStories(ctx.db, searchFor(ctx.dialect).matching(chunks), filter, (page - 1) * PAGE_SIZE, PAGE_SIZE);
    const more = rows.length > PAGE_SIZE;
    if (more && page < RANKED_PAGES) nextQuery = withFilters({ page: String(page + 1) });
    capped = more && page === RANKED_PAGES;
    if (page > 1) previousQuery = withFilters(page === 2 ? {} : { page: String(page - 1) });
  } else {
    const after = cursor(first(raw.after));
    rows = await q.newestStories(ctx.db, filter, after, PAGE_SIZE);
    const last = rows[PAGE_SIZE - 1];
    if (rows.length > PAGE_SIZE && last) nextQuery = withFilters({ after: `${last.published_at}~${last.id}` });
    // Keyset paging goes forward; the way back is to the newest.
    if (after) previousQuery = filterQuery;
  }
  rows = rows.slice(0, PAGE_SIZE);
  const markers = await q.markersOf(ctx.db, rows.map((r) => r.id));
  return {
    values,
    errors,
    searching,
    searchWords: chunks,
    stories: rows.map((r) => ({
      id: r.id,
      title: r.public_title,
      excerpt: excerpt(r.excerpt),
      unitName: r.unit_name,
      publicName: r.public_name,
      tellerRole: r.teller_role,
      dayText: dayText(r.published_at),
      responded: markers.get(r.id)?.responded ?? false,
      changeMade: markers.get(r.id)?.changeMade ?? false,
    })),
    page,
    filterQuery,
    nextQuery,
    previousQuery,
    capped,
    units: await q.unitChoices(ctx.db),
  };
}

// ---- One story

export interface ResponseItem {
  id: number;
  responderRole: string;
  body: string;
  dayText: string;
  change: ChangeKind;
  changeDescription: string | null;
  project: { title: string; aim: string | null; stage: string | null } | null;
  idea: { title: string; status: string | null } | null;
}

function responseItem(r: q.ResponseRow): ResponseItem {
  return {
    id: r.id,
    responderRole: r.responder_role,
    body: r.body,
    dayText: dayText(r.created_at),
    change: r.change,
    changeDescription: r.change_description,
    project: r.project_title ? { title: r.project_title, aim: r.project_aim, stage: r.project_stage } : null,
    idea: r.idea_title ? { title: r.idea_title, status: r.idea_status } : null,
  };
}

export interface StoryPage {
  story: q.PublicStory & { dayText: string };
  tags: string[];
  otherUnits: { id: number; name: string }[];
  responses: ResponseItem[];
  /** Responses that record a change planned or made, newest first. */
  whatHappenedNext: ResponseItem[];
}

/** A story on the public site, or a 404 (for anyone, signed in or not, whatever their role). */
export async function storyPage(ctx: ServiceContext, id: number): Promise<StoryPage> {
  const story = isRecordId(id) ? await q.publicStory(ctx.db, id) : undefined;
  if (!story) throw new NotFoundError();
  const [tags, otherUnits, responses] = await Promise.all([q.tagsOf(ctx.db, id), q.otherUnitsOf(ctx.db, id), q.responsesOf(ctx.db, id)]);
  const items = responses.map(responseItem);
  return {
    story: { ...story, dayText: dayText(story.published_at) },
    tags,
    otherUnits,
    responses: items,
    whatHappenedNext: items.filter((r) => r.change !== 'none').reverse(),
  };
}

// ---- You said, we did

export interface ChangeItem {
  storyId: number;
  storyTitle: string;
  youSaid: string;
  weDid: string;
  responderRole: string;
  dayText: string;
  idea: { title: string; status: string | null } | null;
}

export interface Entry {
  key: number;
  project: { id: number; title: string; aim: string | null; stage: string | null } | null;
  chart: Awaited<ReturnType<typeof publicOutcomeChart>>;
  changes: ChangeItem[];
  /** How many changes the entry has in all (more than are shown when large). */
  changeCount: number;
}

export async function youSaidWeDid(ctx: ServiceContext, raw: Record<string, unknown>): Promise<{ entries: Entry[]; nextQuery?: string; previousQuery?: string }> {
  const afterRaw = cursor(first(raw.after), true);
  const after = afterRaw ? { at: afterRaw.at, key: afterRaw.id } : undefined;
  const found = await q.changeEntries(ctx.db, after, ENTRIES_PER_PAGE);
  const page = found.slice(0, ENTRIES_PER_PAGE);
  const rows = await q.changesFor(ctx.db, page.map((e) => e.key));
  const entries: Entry[] = [];
  for (const e of page) {
    const mine = rows.filter((r) => r.entry_key === e.key);
    const top = mine[0];
    if (!top) continue;
    const project = e.key > 0 && top.project_title ? { id: e.key, title: top.project_title, aim: top.project_aim, stage: top.project_stage } : null;
    entries.push({
      key: e.key,
      project,
      chart: project ? await publicOutcomeChart(ctx, project.id, `you-said-we-did-project-${project.id}-chart`) : null,
      changes: mine.map((r) => ({
        storyId: r.story_id,
        storyTitle: r.story_title,
        youSaid: excerpt(r.story_excerpt, 140),
        weDid: r.change_description ?? r.body,
        responderRole: r.responder_role,
        dayText: dayText(r.created_at),
        idea: r.idea_title ? { title: r.idea_title, status: r.idea_status } : null,
      })),
      changeCount: top.entry_changes,
    });
  }
  const last = page.at(-1);
  return {
    entries,
    nextQuery: found.length > ENTRIES_PER_PAGE && last ? new URLSearchParams({ after: `${last.latest}~${last.key}` }).toString() : undefined,
    previousQuery: after ? '' : undefined,
  };
}
