import { sql, type AliasedRawBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Db, Dialect } from '../../platform/db/index.ts';

/*
 * Full-text search over public stories, behind one small interface with an implementation per
 * database (DESIGN: dialect-specific code lives behind one small interface per concern). The
 * index itself is made by migration 017; docs/adr/005-full-text-search.md says why it is built so.
 *
 * What a person types is never handed to either database as query syntax. parseSearch turns it
 * into a few "chunks": a quoted "phrase" or a single word as typed; each chunk becomes a quoted
 * phrase on both databases (FTS5 string; websearch_to_tsquery quoted phrase), so quotes, *, -,
 * OR, NOT, NEAR, column filters and brackets are just words, and the chunks must all match.
 */

/** The longest search kept, and the most chunks used from it. */
export const SEARCH_MAX = 200;
export const CHUNKS_MAX = 10;

/**
 * The words to search for: a "quoted phrase" or a word as typed, each at most once, keeping only
 * chunks with a letter or digit in them. Empty when there is nothing to search for.
 */
export function parseSearch(text: string): string[] {
  // Control characters (NUL above all: PostgreSQL refuses it) and double quotes inside chunks go.
  const clean = text.slice(0, SEARCH_MAX).replace(/[\p{Cc}\p{Cs}]/gu, ' ');
  const chunks: string[] = [];
  for (const m of clean.matchAll(/"([^"]*)"|([^\s"]+)/g)) {
    const chunk = (m[1] ?? m[2] ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
    if (!/[\p{L}\p{N}]/u.test(chunk) || chunks.includes(chunk)) continue;
    chunks.push(chunk);
    if (chunks.length === CHUNKS_MAX) break;
  }
  return chunks;
}

/**
 * How a search joins onto `select … from stories`: a table `m` to join, its join condition,
 * relevance (higher is better), and the story id to walk newest first, as the index can best give it.
 */
export interface SearchJoin {
  table: AliasedRawBuilder<{ id: number }, 'm'>;
  on: RawBuilder<SqlBool>;
  score: RawBuilder<number>;
  newest: RawBuilder<number>;
}

export interface StorySearch {
  /** The public stories matching every chunk (chunks from parseSearch, at least one). */
  matching(chunks: readonly string[]): SearchJoin;
  /** What the index takes on disk, in bytes (for the bench and the operations guide). */
  indexBytes(db: Db): Promise<number>;
  /** Builds the index again from the stories on the public site (after a bulk load or a restore). */
  rebuild(db: Db): Promise<void>;
}

/**
 * SQLite: FTS5, porter stemming over unicode61 ("waiting" finds "wait", "waited"; accents folded;
 * no stop words). Each chunk is an FTS5 string: inside double quotes everything but a doubled
 * quote is text, split into words by the tokenizer, so a chunk of several words is a phrase.
 * Relevance is bm25 with the title counting most (FTS5's bm25 is lower for better matches).
 */
export const sqliteSearch: StorySearch = {
  matching(chunks) {
    const match = chunks.map((c) => `"${c.replace(/"/g, '""')}"`).join(' ');
    return {
      table: sql<{ id: number }>`(select rowid as id, bm25(stories_fts, 10.0, 4.0, 2.0, 2.0) as score from stories_fts where stories_fts match ${match})`.as('m'),
      on: sql<SqlBool>`m.id = stories.id`,
      score: sql<number>`(0 - m.score)`,
      // FTS5 gives its matches in rowid order, either way, without reading them all.
      newest: sql<number>`m.id`,
    };
  },
  async indexBytes(db) {
    try {
      const row = await sql<{ bytes: number | null }>`select sum(pgsize) as bytes from dbstat where name like 'stories_fts%'`.execute(db);
      return Number(row.rows[0]?.bytes ?? 0);
    } catch {
      return NaN; // built without the dbstat table
    }
  },
  async rebuild(db) {
    // Not FTS5's 'rebuild' command, which a contentless table does not have (and which would take
    // every story): empty the index, then add the public stories as the triggers would.
    await db.transaction().execute(async (trx) => {
      await sql`insert into stories_fts (stories_fts) values ('delete-all')`.execute(trx);
      await sql`insert into stories_fts (rowid, public_title, public_body, public_good, public_better)
        select id, public_title, public_body, public_good, public_better from stories where status = 'published' and consent_publish = 1`.execute(trx);
    });
  },
};

/**
 * PostgreSQL: the stored tsvector column (english configuration: Snowball stemming, stop words
 * such as "the" and "and" left out) and its GIN index on public stories. Each chunk is a quoted
 * phrase in websearch_to_tsquery, which never raises an error for any text. Relevance is ts_rank
 * with the weights the column gives (title A, body B, good/better C).
 */
export const postgresSearch: StorySearch = {
  matching(chunks) {
    const text = chunks.map((c) => `"${c.replace(/"/g, ' ')}"`).join(' ');
    return {
      table: sql<{ id: number }>`(select websearch_to_tsquery('english', ${text}) as q)`.as('m'),
      on: sql<SqlBool>`stories.search_vector @@ m.q`,
      score: sql<number>`ts_rank(stories.search_vector, m.q)`,
      newest: sql<number>`stories.id`,
    };
  },
  async indexBytes(db) {
    // The GIN index and the stored column's share of the table (its vectors as stored, TOAST included).
    const row = await sql<{ bytes: string }>`select pg_relation_size('stories_search') + (select coalesce(sum(pg_column_size(search_vector)), 0) from stories) as bytes`.execute(db);
    return Number(row.rows[0]?.bytes ?? 0);
  },
  async rebuild(db) {
    // The vectors are stored with each row (computed when it is written); the index is built from them.
    await sql`reindex index stories_search`.execute(db);
  },
};

export const searchFor = (dialect: Dialect): StorySearch => (dialect === 'postgres' ? postgresSearch : sqliteSearch);
