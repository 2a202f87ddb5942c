import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../platform/db/schema-helpers.ts';

/**
 * Full-text search over the public stories site (issue 7, point 6); see docs/adr/005-full-text-search.md.
 *
 * Only the moderated public version is indexed (public_title, public_body, public_good,
 * public_better), never the original as told, and only for stories on the public site (published,
 * with the teller's consent: the rule in features/stories/service.ts onPublicSite).
 *
 * - SQLite: a contentless FTS5 table `stories_fts` (rowid = stories.id; porter stemming over
 *   unicode61, diacritics folded) with contentless_delete, so a row can be taken out by rowid alone.
 *   Triggers on stories keep it in step: a story enters when it reaches the public site and leaves
 *   when it is changed (re-entered with its new words if still public), withdrawn or deleted. The
 *   FTS5 'rebuild' command does not apply to a contentless table: to rebuild, 'delete-all' and
 *   insert the public stories again (as the up() below does).
 * - PostgreSQL: a stored generated tsvector column `search_vector` ('english' configuration; the
 *   title weighted A, the body B, what was good and what could be better C) and a GIN index on it
 *   for public stories only (a partial index, so the public condition in the query selects it).
 *
 * Both: a partial index on public stories, newest first, for the list when nobody is searching.
 */
const PUBLIC = sql`status = 'published' AND consent_publish = 1`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`ALTER TABLE stories ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english'::regconfig, coalesce(public_title, '')), 'A') ||
      setweight(to_tsvector('english'::regconfig, coalesce(public_body, '')), 'B') ||
      setweight(to_tsvector('english'::regconfig, coalesce(public_good, '') || ' ' || coalesce(public_better, '')), 'C')
    ) STORED`.execute(db);
    await sql`CREATE INDEX stories_search ON stories USING gin (search_vector) WHERE ${PUBLIC}`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE stories_fts USING fts5(
      public_title, public_body, public_good, public_better,
      content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2'
    )`.execute(db);
    const values = (row: 'new' | 'stories') =>
      sql.raw(`${row === 'new' ? 'new.id' : 'id'}, ${['public_title', 'public_body', 'public_good', 'public_better'].map((c) => `${row === 'new' ? 'new.' : ''}${c}`).join(', ')}`);
    await sql`CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories WHEN new.status = 'published' AND new.consent_publish = 1 BEGIN
      INSERT INTO stories_fts (rowid, public_title, public_body, public_good, public_better) VALUES (${values('new')});
    END`.execute(db);
    await sql`CREATE TRIGGER stories_fts_update AFTER UPDATE OF public_title, public_body, public_good, public_better, status, consent_publish ON stories BEGIN
      DELETE FROM stories_fts WHERE rowid = old.id;
      INSERT INTO stories_fts (rowid, public_title, public_body, public_good, public_better)
        SELECT ${values('new')} WHERE new.status = 'published' AND new.consent_publish = 1;
    END`.execute(db);
    await sql`CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
      DELETE FROM stories_fts WHERE rowid = old.id;
    END`.execute(db);
    await sql`INSERT INTO stories_fts (rowid, public_title, public_body, public_good, public_better)
      SELECT ${values('stories')} FROM stories WHERE ${PUBLIC}`.execute(db);
  }
  await sql`CREATE INDEX stories_public_newest ON stories (published_at, id) WHERE ${PUBLIC}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX stories_public_newest`.execute(db);
  if (isPostgres(db)) {
    await sql`DROP INDEX stories_search`.execute(db);
    await sql`ALTER TABLE stories DROP COLUMN search_vector`.execute(db);
  } else {
    for (const t of ['stories_fts_insert', 'stories_fts_update', 'stories_fts_delete']) await sql`DROP TRIGGER ${sql.id(t)}`.execute(db);
    await sql`DROP TABLE stories_fts`.execute(db);
  }
}
