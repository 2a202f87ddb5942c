import type { Kysely } from 'kysely';
import { withId } from '../platform/db/schema-helpers.ts';

/**
 * Workshops (issue 7): an event with a programme, challenges the participants vote on (one vote
 * each), the winning challenge, and each participant's promise to themselves with a check-in date;
 * supporters (named people or whole involvement groups) assigned to participants, their
 * encouragement, and the participants' check-ins.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('workshops'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('held_on', 'text', (c) => c.notNull()) // YYYY-MM-DD
    .addColumn('venue', 'text')
    .addColumn('programme', 'text') // the running order, as written
    .addColumn('voting', 'text', (c) => c.notNull()) // VOTING_STATES
    .addColumn('winning_challenge_id', 'integer')
    // The aggregate progress page is public only when the organiser says so.
    .addColumn('progress_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workshops_unit').on('workshops').columns(['unit_id', 'held_on']).execute();

  await withId(db, db.schema.createTable('workshop_challenges'))
    .addColumn('workshop_id', 'integer', (c) => c.notNull().references('workshops.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('workshop_challenges_workshop').on('workshop_challenges').columns(['workshop_id', 'position']).execute();

  // Participants sign in to vote and make their promise, so each is a user account.
  await withId(db, db.schema.createTable('workshop_participants'))
    .addColumn('workshop_id', 'integer', (c) => c.notNull().references('workshops.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('workshop_participants_once', ['workshop_id', 'user_id'])
    .execute();
  await db.schema.createIndex('workshop_participants_user').on('workshop_participants').column('user_id').execute();

  // One vote per participant: the primary key refuses a second.
  await db.schema
    .createTable('workshop_votes')
    .addColumn('participant_id', 'integer', (c) => c.primaryKey().references('workshop_participants.id').onDelete('cascade'))
    .addColumn('workshop_id', 'integer', (c) => c.notNull().references('workshops.id').onDelete('cascade'))
    .addColumn('challenge_id', 'integer', (c) => c.notNull().references('workshop_challenges.id').onDelete('cascade'))
    .addColumn('voted_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workshop_votes_workshop').on('workshop_votes').columns(['workshop_id', 'challenge_id']).execute();

  // A promise to self: private to the participant and the organisers unless shared.
  await withId(db, db.schema.createTable('promises'))
    .addColumn('workshop_id', 'integer', (c) => c.notNull().references('workshops.id').onDelete('cascade'))
    .addColumn('participant_id', 'integer', (c) => c.notNull().unique().references('workshop_participants.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('check_in_on', 'text', (c) => c.notNull()) // YYYY-MM-DD: the next check-in date
    .addColumn('progress', 'text', (c) => c.notNull()) // PROMISE_PROGRESS: from the latest check-in
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('promises_workshop').on('promises').columns(['workshop_id', 'progress']).execute();
  await db.schema.createIndex('promises_check_in').on('promises').columns(['check_in_on', 'progress']).execute();

  // Who supports a participant: a named user, or an involvement group (its members with accounts).
  await withId(db, db.schema.createTable('promise_supporters'))
    .addColumn('participant_id', 'integer', (c) => c.notNull().references('workshop_participants.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('assigned_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('promise_supporters_participant').on('promise_supporters').column('participant_id').execute();
  await db.schema.createIndex('promise_supporters_user').on('promise_supporters').column('user_id').execute();
  await db.schema.createIndex('promise_supporters_group').on('promise_supporters').column('group_id').execute();

  await withId(db, db.schema.createTable('promise_encouragements'))
    .addColumn('promise_id', 'integer', (c) => c.notNull().references('promises.id').onDelete('cascade'))
    .addColumn('from_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('promise_encouragements_promise').on('promise_encouragements').columns(['promise_id', 'created_at']).execute();

  await withId(db, db.schema.createTable('promise_check_ins'))
    .addColumn('promise_id', 'integer', (c) => c.notNull().references('promises.id').onDelete('cascade'))
    .addColumn('progress', 'text', (c) => c.notNull()) // PROMISE_PROGRESS
    .addColumn('note', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('promise_check_ins_promise').on('promise_check_ins').columns(['promise_id', 'recorded_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['promise_check_ins', 'promise_encouragements', 'promise_supporters', 'promises', 'workshop_votes', 'workshop_participants', 'workshop_challenges', 'workshops']) {
    await db.schema.dropTable(t).execute();
  }
}
