/**
 * Synthetic stories for the full-text search bench (bench/story-search.ts): a trust with four
 * boroughs of ten teams each, and N public stories (published, with consent) over five years plus
 * one in twenty more that are not on the public site (new, held, rejected, or published without
 * consent), so the search has something to leave out. Each story is told in plain words built from
 * sentence patterns over a few hundred everyday words of NHS feedback, chosen with a skew (a few
 * words in most stories, most words in few) and a long tail of about 20,000 made-up words (names of
 * places, people, medicines), so the index has a realistic dictionary. Planted words with known
 * shares make the checks exact: "hydrotherapy" in 1 story in 2,000, "chaplain" in 1 in 200.
 * Topics (0–3 of 30), a few extra units, replies from staff (15 %), changes planned and made
 * (some linked to 40 projects with an outcome measure of 24 monthly points, and change ideas).
 *
 * Seeded (bench/random.ts), so every run fills the same data relative to the day it runs. SQLite:
 * one prepared statement per table through better-sqlite3, 50,000 rows a transaction. PostgreSQL:
 * one INSERT … SELECT FROM unnest($1::int[], …) of 5,000 rows a statement (one array per column),
 * 50,000 rows a transaction. Rows get their ids here; PostgreSQL's sequences are moved past them.
 */
import type pg from 'pg';
import { insertUnit } from '../src/features/org/service.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import type { OrgUnit } from '../src/platform/db/types.ts';
import { random } from './random.ts';

const DAY = 86_400_000;
const YEARS = 5;
export const RARE_WORD = 'hydrotherapy';
export const RARE_EVERY = 2_000;
export const UNCOMMON_WORD = 'chaplain';
export const UNCOMMON_EVERY = 200;

const STAFF = ['nurse', 'doctor', 'receptionist', 'consultant', 'physiotherapist', 'porter', 'midwife', 'pharmacist', 'care coordinator', 'support worker',
  'therapist', 'health visitor', 'paramedic', 'psychiatrist', 'psychologist', 'social worker', 'occupational therapist', 'dietitian', 'cleaner', 'volunteer',
  'ward manager', 'student nurse', 'healthcare assistant', 'speech therapist', 'podiatrist'];
const PLACES = ['the ward', 'reception', 'the clinic', 'A&E', 'the waiting room', 'the car park', 'outpatients', 'the day unit', 'the crisis team', 'the community team',
  'the pharmacy', 'the cafe', 'my home visit', 'the phone line', 'the X-ray department', 'the blood test clinic', 'the maternity unit', 'the children\'s ward', 'the GP surgery',
  'the memory clinic', 'the recovery college', 'the inpatient unit', 'the discharge lounge', 'the health centre'];
const ADJECTIVES = ['kind', 'rude', 'helpful', 'patient', 'rushed', 'caring', 'friendly', 'busy', 'calm', 'clear', 'confusing', 'cold', 'warm', 'clean', 'dirty', 'noisy',
  'quiet', 'respectful', 'thoughtful', 'slow', 'quick', 'gentle', 'professional', 'dismissive', 'understanding', 'honest', 'welcoming', 'crowded', 'tired', 'lovely'];
const TOPICS = ['appointment', 'medication', 'letter', 'referral', 'discharge', 'waiting list', 'parking', 'food', 'signs', 'pain relief', 'test results', 'phone call',
  'interpreter', 'wheelchair', 'privacy', 'visiting hours', 'transport', 'leaflet', 'diagnosis', 'care plan', 'blood test', 'scan', 'operation', 'prescription',
  'meal', 'bed', 'toilet', 'shower', 'noise at night', 'hearing aid', 'glasses', 'dementia', 'anxiety', 'depression', 'benefits', 'housing', 'carer support'];
const VERBS = ['listened', 'explained everything', 'waited', 'helped', 'ignored us', 'called back', 'cancelled', 'changed the plan', 'forgot', 'checked on me', 'reassured me',
  'rushed', 'apologised', 'arranged transport', 'smiled', 'took time', 'answered my questions', 'made me feel safe', 'lost my notes', 'kept me informed', 'shouted', 'laughed with us'];
const FEELINGS = ['happy', 'worried', 'scared', 'relieved', 'angry', 'grateful', 'confused', 'upset', 'safe', 'listened to', 'alone', 'respected', 'frustrated', 'hopeful'];
const WHO = ['my mum', 'my dad', 'my son', 'my daughter', 'my husband', 'my wife', 'my partner', 'my friend', 'my grandad', 'my nan', 'I', 'we', 'my brother', 'my sister'];
const TIMES = ['on Monday', 'last week', 'in the morning', 'at night', 'at the weekend', 'after six hours', 'for two weeks', 'in January', 'over Christmas', 'yesterday', 'for months'];
export const THEMES = ['waiting times', 'kindness', 'communication', 'food', 'cleanliness', 'parking', 'medication', 'discharge', 'appointments', 'staff attitude',
  'privacy and dignity', 'accessibility', 'car parking', 'noise', 'information', 'involvement in care', 'safety', 'carers', 'children and young people', 'mental health',
  'maternity', 'end of life care', 'interpreters', 'transport', 'phone access', 'environment', 'visiting', 'pain', 'dementia', 'learning disability'];

/** Made-up words for the dictionary's long tail: two or three syllables. */
function tail(next: () => number, count: number): string[] {
  const syllables = ['ba', 'ker', 'lin', 'dor', 'mo', 'sta', 'vel', 'tri', 'an', 'ox', 'ley', 'ham', 'ford', 'wick', 'ton', 'bury', 'mere', 'dale', 'zo', 'pri', 'cal', 'min',
    'rex', 'ol', 'ine', 'ate', 'gan', 'hur', 'sel', 'qua', 'nor', 'vis', 'tam', 'ber', 'ric', 'lo'];
  const out = new Set<string>();
  while (out.size < count) {
    const n = 2 + Math.floor(next() * 2);
    let w = '';
    for (let i = 0; i < n; i++) w += syllables[Math.floor(next() * syllables.length)];
    out.add(w);
  }
  return [...out];
}

export interface StoryText {
  title: string;
  body: string;
  good: string | null;
  better: string | null;
}

/** A seeded teller of stories: each call gives the next story's words. */
export function storyTeller(seed: number): (index: number) => StoryText {
  const next = random(seed);
  const longTail = tail(next, 20_000);
  /** Skewed: low indexes far more often (about a Zipf shape over the list). */
  const pick = <T>(list: readonly T[]): T => list[Math.floor(list.length * next() ** 2.2)] as T;
  const any = <T>(list: readonly T[]): T => list[Math.floor(list.length * next())] as T;
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  const sentence = (): string => {
    const k = Math.floor(next() * 9);
    const extra = next() < 0.35 ? ` near ${cap(any(longTail))}` : '';
    switch (k) {
      case 0: return `The ${pick(STAFF)} in ${pick(PLACES)} was ${pick(ADJECTIVES)} and ${pick(VERBS)}${extra}.`;
      case 1: return `${cap(pick(WHO))} waited ${pick(TIMES)} for a ${pick(TOPICS)} in ${pick(PLACES)}.`;
      case 2: return `Nobody told us about the ${pick(TOPICS)}, so ${pick(WHO)} felt ${pick(FEELINGS)}.`;
      case 3: return `When we got to ${pick(PLACES)} ${pick(TIMES)}, the ${pick(STAFF)} ${pick(VERBS)}.`;
      case 4: return `I felt ${pick(FEELINGS)} because the ${pick(TOPICS)} was ${pick(ADJECTIVES)}${extra}.`;
      case 5: return `The ${pick(STAFF)} ${pick(VERBS)} and the ${pick(STAFF)} ${pick(VERBS)}.`;
      case 6: return `${cap(pick(TIMES))} the ${pick(TOPICS)} was changed without asking ${pick(WHO)}.`;
      case 7: return `Staff in ${pick(PLACES)} were ${pick(ADJECTIVES)} to ${pick(WHO)} about the ${pick(TOPICS)}.`;
      default: return `It was ${pick(ADJECTIVES)} and ${pick(ADJECTIVES)}, and ${any(longTail)} ${any(longTail)} helped with the ${pick(TOPICS)}.`;
    }
  };
  return (index) => {
    const sentences: string[] = [];
    const n = 3 + Math.floor(next() * 7);
    for (let i = 0; i < n; i++) sentences.push(sentence());
    if (index % RARE_EVERY === 7) sentences.splice(1, 0, `They offered ${RARE_WORD} sessions, which really helped.`);
    if (index % UNCOMMON_EVERY === 3) sentences.push(`The ${UNCOMMON_WORD} sat with ${pick(WHO)} for a while.`);
    const title = next() < 0.5 ? `${cap(pick(ADJECTIVES))} ${pick(STAFF)} in ${pick(PLACES)}` : `${cap(pick(TOPICS))} at ${pick(PLACES)}`;
    return {
      title,
      body: sentences.join(' '),
      good: next() < 0.7 ? `The ${pick(STAFF)} was ${pick(ADJECTIVES)}.` : null,
      better: next() < 0.7 ? `The ${pick(TOPICS)} could be better: it was ${pick(ADJECTIVES)}.` : null,
    };
  };
}

export interface FilledStories {
  publicStories: number;
  allStories: number;
  teams: OrgUnit[];
  boroughs: OrgUnit[];
  /** Public stories with each planted word (the index of each is known, so exactly). */
  rare: number;
  uncommon: number;
  /** The newest and oldest public published_at. */
  newest: string;
  oldest: string;
  madeChanges: number;
  projects: number;
  responses: number;
  tags: number;
}

type Row = (string | number | null)[];
const STORY_COLUMNS = ['id', 'unit_id', 'source', 'teller_role', 'title', 'body', 'good', 'better', 'teller_name', 'contact_email', 'consent_publish', 'naming',
  'public_title', 'public_body', 'public_good', 'public_better', 'public_name', 'status', 'published_at', 'received_at', 'updated_at'] as const;
const STORY_TYPES = ['int', 'int', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'int', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
const RESPONSE_COLUMNS = ['id', 'story_id', 'responder_role', 'body', 'change', 'change_description', 'project_id', 'change_idea_id', 'created_at', 'updated_at'] as const;
const RESPONSE_TYPES = ['int', 'int', 'text', 'text', 'text', 'text', 'int', 'int', 'text', 'text'];

/** Where rows go: better-sqlite3 statements in transactions, or unnest inserts on one PostgreSQL connection. */
interface Sink {
  add(table: 'stories' | 'story_tags' | 'story_units' | 'story_responses', row: Row): Promise<void>;
  flush(): Promise<void>;
}

const TABLES = {
  stories: { columns: STORY_COLUMNS as readonly string[], types: STORY_TYPES },
  story_tags: { columns: ['story_id', 'tag'], types: ['int', 'text'] },
  story_units: { columns: ['story_id', 'unit_id'], types: ['int', 'int'] },
  story_responses: { columns: RESPONSE_COLUMNS as readonly string[], types: RESPONSE_TYPES },
} as const;
type Table = keyof typeof TABLES;
const ORDER: Table[] = ['stories', 'story_tags', 'story_units', 'story_responses'];

function sqliteSink(handle: DbHandle, batch: number): Sink {
  const sqlite = handle.sqlite;
  if (!sqlite) throw new Error('no SQLite connection');
  const statements = Object.fromEntries(
    ORDER.map((t) => [t, sqlite.prepare(`insert into ${t} (${TABLES[t].columns.join(', ')}) values (${TABLES[t].columns.map(() => '?').join(', ')})`)]),
  ) as unknown as Record<Table, { run(...v: unknown[]): unknown }>;
  const pending: Record<Table, Row[]> = { stories: [], story_tags: [], story_units: [], story_responses: [] };
  let count = 0;
  const write = sqlite.transaction(() => {
    for (const t of ORDER) {
      for (const row of pending[t]) statements[t].run(...row);
      pending[t] = [];
    }
  });
  return {
    async add(table, row) {
      pending[table].push(row);
      if (table === 'stories' && ++count % batch === 0) write();
    },
    async flush() {
      write();
    },
  };
}

function postgresSink(client: pg.Client, batch: number): Sink {
  const pending: Record<Table, Row[]> = { stories: [], story_tags: [], story_units: [], story_responses: [] };
  let count = 0;
  const STATEMENT_ROWS = 5_000;
  const write = async (): Promise<void> => {
    await client.query('begin');
    for (const t of ORDER) {
      const { columns, types } = TABLES[t];
      const rows = pending[t];
      pending[t] = [];
      for (let i = 0; i < rows.length; i += STATEMENT_ROWS) {
        const slice = rows.slice(i, i + STATEMENT_ROWS);
        const arrays = columns.map((_c, k) => slice.map((r) => r[k] ?? null));
        await client.query(
          `insert into ${t} (${columns.join(', ')}) select * from unnest(${types.map((ty, k) => `$${k + 1}::${ty}[]`).join(', ')})`,
          arrays,
        );
      }
    }
    await client.query('commit');
  };
  return {
    async add(table, row) {
      pending[table].push(row);
      if (table === 'stories' && ++count % batch === 0) await write();
    },
    flush: write,
  };
}

/**
 * Fills an empty, migrated database with `count` public stories (and one in twenty more not on the
 * public site). On PostgreSQL pass a client connected to the same database for the bulk inserts.
 */
export async function fillStories(handle: DbHandle, count: number, options: { pg?: pg.Client; now?: Date; progress?: (done: number) => void } = {}): Promise<FilledStories> {
  const { db } = handle;
  const now = options.now ?? new Date();
  const stamp = now.toISOString();
  const trust = await insertUnit(db, { name: 'Bench NHS Trust', kind: 'trust', parentId: null }, stamp);
  const boroughs: OrgUnit[] = [];
  const teams: OrgUnit[] = [];
  const teamNames = ['Community Team', 'Home Treatment Team', 'Inpatient Ward', 'Outpatients', 'Memory Clinic', 'Children\'s Service', 'Maternity', 'Crisis Team', 'Recovery College', 'Pharmacy'];
  for (const borough of ['North', 'South', 'East', 'West']) {
    const b = await insertUnit(db, { name: `${borough} Borough`, kind: 'borough', parentId: trust.id }, stamp);
    boroughs.push(b);
    for (const team of teamNames) teams.push(await insertUnit(db, { name: `${borough} ${team}`, kind: 'team', parentId: b.id }, stamp));
  }

  // Projects with an outcome measure of 24 monthly points each, and a change idea each, for "You said, we did".
  const projects: number[] = [];
  const ideas: number[] = [];
  for (let p = 0; p < 40; p++) {
    const team = teams[p % teams.length] as OrgUnit;
    const { id } = await db.insertInto('projects').values({ unit_id: team.id, title: `Better ${TOPICS[p % TOPICS.length]} in ${team.name}`, aim: `Halve complaints about ${TOPICS[p % TOPICS.length]} by next year`, background: null, stage: 'testing', programme: null, involvement_level: 'co_produced', created_by: null, created_at: stamp, updated_at: stamp }).returning('id').executeTakeFirstOrThrow();
    projects.push(id);
    const measure = await db.insertInto('measures').values({ project_id: id, name: `Complaints about ${TOPICS[p % TOPICS.length]}`, kind: 'outcome', definition: null, unit_label: 'complaints', direction: 'decrease', chart: 'xmr', target: null, baseline_points: 12, screen_moving_ranges: 1, created_at: stamp }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('data_points').values(Array.from({ length: 24 }, (_, m) => ({ measure_id: measure.id, period: new Date(Date.UTC(now.getUTCFullYear() - 2, now.getUTCMonth() + m, 1)).toISOString().slice(0, 10), value: m < 12 ? 20 + ((m * 7) % 5) : 12 + ((m * 3) % 4), denominator: null, excluded: 0, rebase: 0, note: null }))).execute();
    ideas.push((await db.insertInto('change_ideas').values({ project_id: id, driver_id: null, title: `Try a new way with ${TOPICS[p % TOPICS.length]}`, description: null, size: 'small_quick', source: 'story', source_ref: null, status: 'testing', created_at: stamp }).returning('id').executeTakeFirstOrThrow()).id);
  }

  const next = random(2024);
  const tell = storyTeller(7);
  const sink = handle.dialect === 'postgres' ? postgresSink(options.pg as pg.Client, 50_000) : sqliteSink(handle, 50_000);
  const total = count + Math.floor(count / 20);
  const start = now.getTime() - YEARS * 365 * DAY;
  const span = now.getTime() - start - DAY;
  const roles = ['patient', 'carer', 'relative', 'other'];
  const names = ['Anonymous', 'Jo', 'A. K.', 'Sam', 'Priya', 'M. O.', 'Anonymous', 'Chris', 'Anonymous', 'Ruth'];
  const staffRoles = ['Ward manager', 'Team leader', 'Matron', 'Service manager', 'Patient experience lead', 'Consultant'];
  let publicSoFar = 0;
  let rare = 0;
  let uncommon = 0;
  let responseId = 0;
  let madeChanges = 0;
  let tags = 0;
  let newest = '';
  let oldest = '';
  for (let id = 1; id <= total; id++) {
    // One in 21 is not on the public site; the public ones keep count for the planted words.
    const isPublic = publicSoFar < count && (id % 21 !== 0 || total - id < count - publicSoFar);
    const text = tell(isPublic ? publicSoFar : 1_000_000_000 + id);
    const received = start + Math.floor((span * id) / total) + Math.floor(next() * 3_600_000);
    const receivedAt = new Date(received).toISOString();
    const publishedAt = new Date(received + DAY / 2 + Math.floor(next() * 3 * DAY)).toISOString();
    let status = 'published';
    let consent = 1;
    if (!isPublic) {
      const k = id % 4;
      status = k === 0 ? 'new' : k === 1 ? 'held' : k === 2 ? 'rejected' : 'published';
      consent = k === 3 ? 0 : next() < 0.5 ? 1 : 0;
    }
    const unit = teams[Math.floor(teams.length * next() ** 1.4)] as OrgUnit;
    const published = status === 'published' ? publishedAt : null;
    await sink.add('stories', [
      id, unit.id, next() < 0.8 ? 'online' : 'paper', roles[Math.floor(next() * 4)] as string, text.title, text.body, text.good, text.better, 'Bench Teller',
      next() < 0.3 ? `teller${id}@example.org` : null, consent, 'anonymous', text.title, text.body, text.good, text.better, names[id % names.length] as string,
      status, published, receivedAt, published ?? receivedAt,
    ]);
    if (isPublic) {
      if (publicSoFar % RARE_EVERY === 7) rare++;
      if (publicSoFar % UNCOMMON_EVERY === 3) uncommon++;
      publicSoFar++;
      if (!oldest) oldest = publishedAt;
      newest = publishedAt > newest ? publishedAt : newest;
    }
    const chosen = new Set<string>();
    const n = Math.floor(next() * next() * 4);
    for (let k = 0; k < n; k++) chosen.add(THEMES[Math.floor(THEMES.length * next() ** 1.8)] as string);
    for (const tag of chosen) {
      await sink.add('story_tags', [id, tag]);
      tags++;
    }
    if (next() < 0.03) {
      const other = teams[Math.floor(next() * teams.length)] as OrgUnit;
      if (other.id !== unit.id) await sink.add('story_units', [id, other.id]);
    }
    if (status === 'published' && next() < 0.15) {
      const replies = next() < 0.2 ? 2 : 1;
      for (let r = 0; r < replies; r++) {
        const at = new Date(Date.parse(publishedAt) + (r + 1) * (2 + Math.floor(next() * 20)) * DAY);
        if (at > now) break;
        const roll = next();
        const change = roll < 0.05 ? 'made' : roll < 0.13 ? 'planned' : 'none';
        const linked = change !== 'none' && next() < 0.3;
        const p = Math.floor(next() * projects.length);
        if (change === 'made' && consent === 1) madeChanges++;
        await sink.add('story_responses', [
          ++responseId, id, staffRoles[Math.floor(next() * staffRoles.length)] as string,
          `Thank you for telling us about this. We have shared your story with the team and we are sorry about the ${TOPICS[Math.floor(next() * TOPICS.length)]}.`,
          change, change === 'none' ? null : `We changed how we handle ${TOPICS[Math.floor(next() * TOPICS.length)]} in ${unit.name}.`,
          linked ? (projects[p] as number) : null, linked && next() < 0.5 ? (ideas[p] as number) : null, at.toISOString(), at.toISOString(),
        ]);
      }
    }
    if (id % 100_000 === 0) options.progress?.(id);
  }
  await sink.flush();
  if (handle.dialect === 'postgres') {
    const client = options.pg as pg.Client;
    for (const t of ['stories', 'story_responses']) await client.query(`select setval(pg_get_serial_sequence('${t}', 'id'), (select max(id) from ${t}))`);
  }
  return { publicStories: publicSoFar, allStories: total, teams, boroughs, rare, uncommon, newest, oldest, madeChanges, projects: projects.length, responses: responseId, tags };
}
