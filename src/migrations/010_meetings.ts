import type { Kysely } from 'kysely';
import { blobType, withId } from '../platform/db/schema-helpers.ts';

/**
 * Forums and meetings (issue 6): venues, meeting series and their members, meetings, agenda items
 * with papers, invitations with RSVPs, attendance by role, minutes per item and actions. Also
 * files stored once by their SHA-256 (papers, calendar entries, large-print packs) and the
 * attachments an outbox message carries, which point at those files.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Content-addressed files: the same paper sent to forty members is stored once.
  await db.schema
    .createTable('files')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content', blobType(db), (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('outbox_attachments'))
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('outbox.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull().references('files.sha256'))
    .execute();
  await db.schema.createIndex('outbox_attachments_outbox').on('outbox_attachments').column('outbox_id').execute();
  await db.schema.createIndex('outbox_attachments_file').on('outbox_attachments').column('file_sha256').execute();

  await withId(db, db.schema.createTable('venues'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('step_free', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hearing_loop', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('parking', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('public_transport', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quiet_room', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema.createIndex('venues_unit').on('venues').column('unit_id').execute();

  await withId(db, db.schema.createTable('meeting_series'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // SERIES_KINDS
    .addColumn('purpose', 'text')
    .addColumn('cadence', 'text')
    .addColumn('usual_venue_id', 'integer', (c) => c.references('venues.id').onDelete('set null'))
    // A project team meeting belongs to its project.
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema.createIndex('meeting_series_unit').on('meeting_series').column('unit_id').execute();
  await db.schema.createIndex('meeting_series_project').on('meeting_series').column('project_id').execute();
  await db.schema.createIndex('meeting_series_venue').on('meeting_series').column('usual_venue_id').execute();

  // Who is invited to every meeting of a series: staff (user_id) or people in the register
  // (person_id), exactly one of the two. A chair of either kind runs the series with the lead.
  await withId(db, db.schema.createTable('series_members'))
    .addColumn('series_id', 'integer', (c) => c.notNull().references('meeting_series.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull()) // SERIES_MEMBER_ROLES
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('series_members_series').on('series_members').column('series_id').execute();
  await db.schema.createIndex('series_members_user').on('series_members').column('user_id').execute();
  await db.schema.createIndex('series_members_person').on('series_members').column('person_id').execute();

  await withId(db, db.schema.createTable('meetings'))
    .addColumn('series_id', 'integer', (c) => c.notNull().references('meeting_series.id').onDelete('cascade'))
    .addColumn('title', 'text')
    .addColumn('starts_at', 'text', (c) => c.notNull()) // UTC instant
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('venue_id', 'integer', (c) => c.references('venues.id').onDelete('set null'))
    .addColumn('online_url', 'text')
    .addColumn('capacity', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled')) // MEETING_STATUSES
    .addColumn('invitations_sent_at', 'text')
    .addColumn('minutes_status', 'text', (c) => c.notNull().defaultTo('none')) // MINUTES_STATUSES
    .addColumn('minutes_approved_at', 'text')
    // The later meeting at which these minutes were approved.
    .addColumn('minutes_approved_in', 'integer', (c) => c.references('meetings.id').onDelete('set null'))
    .addColumn('minutes_published', 'text', (c) => c.notNull().defaultTo('none')) // PUBLICATION
    .addColumn('attendance_taken_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meetings_series_starts').on('meetings').columns(['series_id', 'starts_at']).execute();
  await db.schema.createIndex('meetings_starts').on('meetings').column('starts_at').execute();
  await db.schema.createIndex('meetings_venue').on('meetings').column('venue_id').execute();
  await db.schema.createIndex('meetings_approved_in').on('meetings').column('minutes_approved_in').execute();

  await withId(db, db.schema.createTable('agenda_items'))
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // AGENDA_KINDS
    .addColumn('presenter', 'text')
    .addColumn('duration_minutes', 'integer')
    .addColumn('description', 'text')
    // A project slot: the project whose team comes, and what they bring.
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('slot_focus', 'text') // SLOT_FOCUSES
    // Minutes for this item.
    .addColumn('notes', 'text')
    .addColumn('decisions', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agenda_items_meeting').on('agenda_items').columns(['meeting_id', 'position']).execute();
  await db.schema.createIndex('agenda_items_project').on('agenda_items').column('project_id').execute();

  await withId(db, db.schema.createTable('meeting_papers'))
    .addColumn('agenda_item_id', 'integer', (c) => c.notNull().references('agenda_items.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull().references('files.sha256'))
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('meeting_papers_item').on('meeting_papers').column('agenda_item_id').execute();
  await db.schema.createIndex('meeting_papers_file').on('meeting_papers').column('file_sha256').execute();

  // One per invitee per meeting; the RSVP link carries a token whose hash is kept here.
  await withId(db, db.schema.createTable('invitations'))
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('channel', 'text') // the channel the invitation went by; null until sent
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('response', 'text', (c) => c.notNull().defaultTo('none')) // RSVP_RESPONSES
    .addColumn('access_needs', 'text')
    .addColumn('responded_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_meeting').on('invitations').column('meeting_id').execute();
  await db.schema.createIndex('invitations_user').on('invitations').column('user_id').execute();
  await db.schema.createIndex('invitations_person').on('invitations').column('person_id').execute();

  // Who was there. Erasing a person keeps the row (and so the count by role) without them.
  await withId(db, db.schema.createTable('attendance'))
    .addColumn('meeting_id', 'integer', (c) => c.notNull().references('meetings.id').onDelete('cascade'))
    .addColumn('invitation_id', 'integer', (c) => c.references('invitations.id').onDelete('set null'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('walk_in_name', 'text') // someone not in the register or the users
    .addColumn('role', 'text', (c) => c.notNull()) // ATTENDANCE_ROLES
    .addColumn('status', 'text', (c) => c.notNull()) // ATTENDANCE_STATUSES
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attendance_meeting').on('attendance').columns(['meeting_id', 'status', 'role']).execute();
  await db.schema.createIndex('attendance_invitation').on('attendance').column('invitation_id').execute();
  await db.schema.createIndex('attendance_user').on('attendance').column('user_id').execute();
  await db.schema.createIndex('attendance_person').on('attendance').column('person_id').execute();

  await withId(db, db.schema.createTable('meeting_actions'))
    .addColumn('series_id', 'integer', (c) => c.notNull().references('meeting_series.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (c) => c.references('meetings.id').onDelete('set null'))
    .addColumn('agenda_item_id', 'integer', (c) => c.references('agenda_items.id').onDelete('set null'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('owner_person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('due_on', 'text') // YYYY-MM-DD
    .addColumn('status', 'text', (c) => c.notNull()) // ACTION_STATUSES
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema.createIndex('meeting_actions_series').on('meeting_actions').columns(['series_id', 'status', 'due_on']).execute();
  await db.schema.createIndex('meeting_actions_meeting').on('meeting_actions').column('meeting_id').execute();
  await db.schema.createIndex('meeting_actions_item').on('meeting_actions').column('agenda_item_id').execute();
  await db.schema.createIndex('meeting_actions_owner_user').on('meeting_actions').column('owner_user_id').execute();
  await db.schema.createIndex('meeting_actions_owner_person').on('meeting_actions').column('owner_person_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'meeting_actions', 'attendance', 'invitations', 'meeting_papers', 'agenda_items', 'meetings',
    'series_members', 'meeting_series', 'venues', 'outbox_attachments', 'files',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
