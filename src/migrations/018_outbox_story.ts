import type { Kysely } from 'kysely';

/**
 * Messages to a storyteller (issue 7) name the story they are about: a teller who left only a
 * phone number is told of a response by a text a moderator sends by hand (`/feedback/texts`), and
 * erasing the teller removes what is still waiting to go to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('story_id', 'integer', (c) => c.references('stories.id').onDelete('set null')).execute();
  await db.schema.createIndex('outbox_story').on('outbox').columns(['story_id', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_story').execute();
  await db.schema.alterTable('outbox').dropColumn('story_id').execute();
}
