import type { Kysely } from 'kysely';
import { withId } from '../platform/db/schema-helpers.ts';

/**
 * The involvement register (issue 5): people, their consents and preferences, groups, recruitment,
 * outreach, involvement opportunities and matches. Outbox messages gain a person and a format so
 * letters, texts and calls can be sent in the channel each person prefers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Outreach comes first: a person records the outreach event that brought them in.
  await withId(db, db.schema.createTable('outreach_events'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('on_date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('place', 'text')
    .addColumn('who_went', 'text')
    .addColumn('people_spoken_to', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('notes', 'text')
    .addColumn('campaign_id', 'integer')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outreach_events_unit').on('outreach_events').columns(['unit_id', 'on_date']).execute();

  await withId(db, db.schema.createTable('people'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('preferred_name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('address', 'text')
    .addColumn('postcode', 'text')
    .addColumn('preferred_channel', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('format_language', 'text')
    .addColumn('access_needs_other', 'text')
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('services_known', 'text')
    .addColumn('availability_notes', 'text')
    .addColumn('anonymity', 'text', (c) => c.notNull())
    .addColumn('payment_preference', 'text', (c) => c.notNull())
    .addColumn('heard_via', 'text')
    .addColumn('outreach_event_id', 'integer', (c) => c.references('outreach_events.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    .execute();
  await db.schema.createIndex('people_unit').on('people').columns(['unit_id', 'id']).execute();
  await db.schema.createIndex('people_status').on('people').columns(['status', 'id']).execute();
  await db.schema.createIndex('people_user').on('people').column('user_id').unique().execute();
  // Duplicate detection on import looks people up by email, phone and postcode.
  await db.schema.createIndex('people_email').on('people').column('email').execute();
  await db.schema.createIndex('people_phone').on('people').column('phone').execute();
  await db.schema.createIndex('people_postcode').on('people').column('postcode').execute();
  await db.schema.createIndex('people_outreach').on('people').column('outreach_event_id').execute();

  // Many-valued answers (access needs, interests, skills and training, availability) as rows, so
  // the register can be filtered on them in SQL on either database.
  await withId(db, db.schema.createTable('person_attributes'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('person_attributes_unique').on('person_attributes').columns(['person_id', 'kind', 'value']).unique().execute();
  await db.schema.createIndex('person_attributes_lookup').on('person_attributes').columns(['kind', 'value', 'person_id']).execute();

  // Every change of status, so "enquiries this month" and lead times can be counted.
  await withId(db, db.schema.createTable('person_status_history'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('person_status_history_person').on('person_status_history').columns(['person_id', 'changed_at']).execute();
  await db.schema.createIndex('person_status_history_status').on('person_status_history').columns(['status', 'changed_at']).execute();

  // Consent decisions are a log: the latest row per person and kind is what holds now.
  await withId(db, db.schema.createTable('consents'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('given', 'integer', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('consents_person').on('consents').columns(['person_id', 'kind', 'id']).execute();

  // Equality monitoring is optional, kept apart from the profile and reported only in aggregate.
  await db.schema
    .createTable('person_equality')
    .addColumn('person_id', 'integer', (c) => c.primaryKey().references('people.id').onDelete('cascade'))
    .addColumn('age_band', 'text')
    .addColumn('gender', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('disability', 'text')
    .addColumn('sexual_orientation', 'text')
    .addColumn('religion', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('saved_filters'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saved_filters_user').on('saved_filters').column('user_id').execute();

  await withId(db, db.schema.createTable('groups'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('terms_of_reference', 'text')
    .addColumn('cadence', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema.createIndex('groups_unit').on('groups').columns(['unit_id', 'id']).execute();

  await withId(db, db.schema.createTable('group_members'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_on', 'text', (c) => c.notNull())
    .addColumn('left_on', 'text')
    .execute();
  await db.schema.createIndex('group_members_group').on('group_members').column('group_id').execute();
  await db.schema.createIndex('group_members_person').on('group_members').column('person_id').execute();

  await withId(db, db.schema.createTable('recruitment_campaigns'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('programme', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('target_size', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recruitment_campaigns_unit').on('recruitment_campaigns').columns(['unit_id', 'id']).execute();

  await withId(db, db.schema.createTable('campaign_candidates'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('recruitment_campaigns.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('entered_on', 'text', (c) => c.notNull())
    .addColumn('stage_changed_on', 'text', (c) => c.notNull())
    .addColumn('member_on', 'text')
    .execute();
  await db.schema.createIndex('campaign_candidates_unique').on('campaign_candidates').columns(['campaign_id', 'person_id']).unique().execute();
  await db.schema.createIndex('campaign_candidates_person').on('campaign_candidates').column('person_id').execute();

  // The recruitment work itself, so the lead can see the effort a campaign took.
  await withId(db, db.schema.createTable('recruitment_work'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('recruitment_campaigns.id').onDelete('cascade'))
    .addColumn('on_date', 'text', (c) => c.notNull())
    .addColumn('activity', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('outreach_event_id', 'integer', (c) => c.references('outreach_events.id').onDelete('set null'))
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('recruitment_work_campaign').on('recruitment_work').columns(['campaign_id', 'on_date']).execute();

  await withId(db, db.schema.createTable('opportunities'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('when_where', 'text')
    .addColumn('time_commitment', 'text')
    .addColumn('places', 'integer', (c) => c.notNull())
    .addColumn('lived_experience', 'text')
    .addColumn('payment_offered', 'text', (c) => c.notNull())
    .addColumn('closes_on', 'text')
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('filled_at', 'text')
    .execute();
  await db.schema.createIndex('opportunities_unit').on('opportunities').columns(['unit_id', 'id']).execute();
  await db.schema.createIndex('opportunities_status').on('opportunities').columns(['status', 'closes_on']).execute();

  // What an opportunity asks for and offers, as rows: interests wanted, days/times, access the
  // venue meets, relationship (lived experience) wanted. Same vocabulary as person_attributes.
  await withId(db, db.schema.createTable('opportunity_attributes'))
    .addColumn('opportunity_id', 'integer', (c) => c.notNull().references('opportunities.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('opportunity_attributes_unique').on('opportunity_attributes').columns(['opportunity_id', 'kind', 'value']).unique().execute();

  await withId(db, db.schema.createTable('matches'))
    .addColumn('opportunity_id', 'integer', (c) => c.notNull().references('opportunities.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('score', 'integer')
    .addColumn('reasons', 'text')
    .addColumn('response_token_hash', 'text')
    .addColumn('response_expires_at', 'text')
    .addColumn('project_member_id', 'integer', (c) => c.references('project_members.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('offered_at', 'text')
    .addColumn('responded_at', 'text')
    .addColumn('started_on', 'text')
    .addColumn('ended_on', 'text')
    .execute();
  await db.schema.createIndex('matches_unique').on('matches').columns(['opportunity_id', 'person_id']).unique().execute();
  await db.schema.createIndex('matches_person').on('matches').columns(['person_id', 'status']).execute();
  await db.schema.createIndex('matches_token').on('matches').column('response_token_hash').unique().execute();

  // Hours and activities that are not a match, group or project membership (feeds payments later).
  await withId(db, db.schema.createTable('involvement_activities'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('on_date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('opportunity_id', 'integer', (c) => c.references('opportunities.id').onDelete('set null'))
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('involvement_activities_person').on('involvement_activities').columns(['person_id', 'on_date']).execute();

  // A project partner without an account can now be a person in the register.
  await db.schema.alterTable('project_members').addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null')).execute();
  await db.schema.createIndex('project_members_person').on('project_members').column('person_id').execute();

  // Messages to a person go in their preferred channel and format. Only email is sent by the
  // worker; texts, letters and calls wait in the outbox until the lead marks them done.
  await db.schema.alterTable('outbox').addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null')).execute();
  await db.schema.alterTable('outbox').addColumn('format', 'text').execute();
  await db.schema.createIndex('outbox_channel').on('outbox').columns(['channel', 'status', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_channel').execute();
  await db.schema.alterTable('outbox').dropColumn('format').execute();
  await db.schema.alterTable('outbox').dropColumn('person_id').execute();
  await db.schema.dropIndex('project_members_person').execute();
  await db.schema.alterTable('project_members').dropColumn('person_id').execute();
  for (const t of [
    'involvement_activities', 'matches', 'opportunity_attributes', 'opportunities', 'recruitment_work',
    'campaign_candidates', 'recruitment_campaigns', 'group_members', 'groups', 'saved_filters',
    'person_equality', 'consents', 'person_status_history', 'person_attributes', 'people', 'outreach_events',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
