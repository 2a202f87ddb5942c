import type { Kysely } from 'kysely';
import { withId } from '../platform/db/schema-helpers.ts';

/**
 * Feedback stories (issue 7): a person's story as they told it (kept, for moderators only) and the
 * moderated public version; the units and themes it is about; staff responses that may record a
 * change planned or made and link it to a project or change idea; team discussions of stories;
 * each unit's safeguarding contact; and who follows which units or themes, for digests.
 * Workshops and the full-text index have their own migrations (016, 017).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('stories'))
    // The service or team the story is about (the trust itself when the teller is not sure).
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('source', 'text', (c) => c.notNull()) // STORY_SOURCES
    .addColumn('entered_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('teller_role', 'text', (c) => c.notNull()) // TELLER_ROLES
    // What they told us, as they told it. Moderators only; erased (null) on request.
    .addColumn('title', 'text')
    .addColumn('body', 'text')
    .addColumn('good', 'text')
    .addColumn('better', 'text')
    .addColumn('teller_name', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('consent_publish', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('naming', 'text', (c) => c.notNull()) // NAMINGS
    // The moderated version teams and (with consent) the public read. Copied from the original on
    // arrival, then edited by the moderator.
    .addColumn('public_title', 'text', (c) => c.notNull())
    .addColumn('public_body', 'text', (c) => c.notNull())
    .addColumn('public_good', 'text')
    .addColumn('public_better', 'text')
    .addColumn('public_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // STORY_STATUSES
    .addColumn('status_reason', 'text')
    .addColumn('moderated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('moderated_at', 'text')
    .addColumn('published_at', 'text')
    .addColumn('safeguarding_at', 'text')
    .addColumn('safeguarding_note', 'text')
    .addColumn('safeguarding_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .execute();
  await db.schema.createIndex('stories_status').on('stories').columns(['status', 'received_at']).execute();
  await db.schema.createIndex('stories_unit').on('stories').columns(['unit_id', 'received_at']).execute();
  await db.schema.createIndex('stories_published').on('stories').columns(['published_at', 'id']).execute();

  // Further services or teams the moderator tagged it with (the main unit is on the story).
  await db.schema
    .createTable('story_units')
    .addColumn('story_id', 'integer', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addPrimaryKeyConstraint('story_units_pk', ['story_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('story_units_unit').on('story_units').columns(['unit_id', 'story_id']).execute();

  // Themes, lower case ("waiting times", "kindness").
  await db.schema
    .createTable('story_tags')
    .addColumn('story_id', 'integer', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('story_tags_pk', ['story_id', 'tag'])
    .execute();
  await db.schema.createIndex('story_tags_tag').on('story_tags').columns(['tag', 'story_id']).execute();

  // A public answer from staff, under their role; may record a change and link it to QI work.
  await withId(db, db.schema.createTable('story_responses'))
    .addColumn('story_id', 'integer', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('responder_role', 'text', (c) => c.notNull()) // e.g. "Ward manager"
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull()) // CHANGE_KINDS
    .addColumn('change_description', 'text')
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('change_idea_id', 'integer', (c) => c.references('change_ideas.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('story_responses_story').on('story_responses').columns(['story_id', 'created_at']).execute();
  await db.schema.createIndex('story_responses_change').on('story_responses').columns(['change', 'created_at']).execute();

  // A team meeting at which a unit shared and discussed a set of stories.
  await withId(db, db.schema.createTable('story_discussions'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('held_on', 'text', (c) => c.notNull()) // YYYY-MM-DD
    .addColumn('attendees', 'text', (c) => c.notNull()) // who was there, as written
    .addColumn('attendee_count', 'integer', (c) => c.notNull())
    .addColumn('learning', 'text', (c) => c.notNull())
    .addColumn('actions', 'text')
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('story_discussions_unit').on('story_discussions').columns(['unit_id', 'held_on']).execute();
  await db.schema
    .createTable('story_discussion_stories')
    .addColumn('discussion_id', 'integer', (c) => c.notNull().references('story_discussions.id').onDelete('cascade'))
    .addColumn('story_id', 'integer', (c) => c.notNull().references('stories.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('story_discussion_stories_pk', ['discussion_id', 'story_id'])
    .execute();
  await db.schema.createIndex('story_discussion_stories_story').on('story_discussion_stories').column('story_id').execute();

  // Who hears at once when a story about this unit (or a unit below it) raises a safeguarding concern.
  await db.schema
    .createTable('safeguarding_contacts')
    .addColumn('unit_id', 'integer', (c) => c.primaryKey().references('org_units.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // A member of staff follows a unit (and the units below it) or a theme.
  await withId(db, db.schema.createTable('story_follows'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('unit_id', 'integer', (c) => c.references('org_units.id').onDelete('cascade'))
    .addColumn('tag', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('story_follows_user').on('story_follows').columns(['user_id', 'unit_id', 'tag']).execute();

  // How often each member of staff hears of new stories, and up to when they have been told.
  await db.schema
    .createTable('story_digest_settings')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (c) => c.notNull()) // DIGEST_FREQUENCIES
    .addColumn('last_sent_at', 'text') // stories published after this are in the next digest
    .addColumn('last_seen_at', 'text') // in-app: stories published after this are "new"
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['story_digest_settings', 'story_follows', 'safeguarding_contacts', 'story_discussion_stories', 'story_discussions', 'story_responses', 'story_tags', 'story_units', 'stories']) {
    await db.schema.dropTable(t).execute();
  }
}
