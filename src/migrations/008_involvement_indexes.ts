import type { Kysely } from 'kysely';

/**
 * Indexes for the foreign keys the involvement features filter on (see the queries in
 * features/people, groups, recruitment, outreach, opportunities and involvement) that
 * 007_involvement_register left without one. Plain indexes: the same on both databases.
 */
const INDEXES: { name: string; table: string; columns: string[] }[] = [
  // A project's opportunities (the project page), and a group's.
  { name: 'opportunities_project', table: 'opportunities', columns: ['project_id'] },
  { name: 'opportunities_group', table: 'opportunities', columns: ['group_id'] },
  // Candidates per campaign and stage (the campaign page and the dashboard's progress).
  { name: 'campaign_candidates_stage', table: 'campaign_candidates', columns: ['campaign_id', 'stage'] },
  // Campaigns recruiting for a group.
  { name: 'recruitment_campaigns_group', table: 'recruitment_campaigns', columns: ['group_id'] },
  // A group's current members (left_on is null), and how busy a person is.
  { name: 'group_members_current', table: 'group_members', columns: ['group_id', 'left_on'] },
  // Outreach done for a campaign.
  { name: 'outreach_events_campaign', table: 'outreach_events', columns: ['campaign_id'] },
  // A person's messages (erasure drops their pending ones).
  { name: 'outbox_person', table: 'outbox', columns: ['person_id', 'status'] },
  // Work logged at an outreach event.
  { name: 'recruitment_work_event', table: 'recruitment_work', columns: ['outreach_event_id'] },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const i of INDEXES) await db.schema.createIndex(i.name).on(i.table).columns(i.columns).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const i of [...INDEXES].reverse()) await db.schema.dropIndex(i.name).execute();
}
