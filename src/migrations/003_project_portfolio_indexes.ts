import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the projects portfolio and the "projects with service-user or carer input" measure,
 * which reads each project's stage and involvement level "as at" a month from project_history and
 * its partner members from project_members (see features/projects/queries.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // "The latest stage (or involvement level) before this date" is one index seek per project.
  await db.schema.createIndex('project_history_field').on('project_history').columns(['project_id', 'field', 'changed_at']).execute();
  // "Did it have a service-user or carer partner then?" reads only partner rows of one project.
  await db.schema.createIndex('project_members_role').on('project_members').columns(['project_id', 'role', 'joined_on']).execute();
  // Someone with an account is in a team at most once at a time (two people adding them at once cannot both succeed).
  await db.schema
    .createIndex('project_members_current_user')
    .unique()
    .on('project_members')
    .columns(['project_id', 'user_id'])
    .where(sql<boolean>`left_on is null and user_id is not null`)
    .execute();
  // Filtering the portfolio by programme, and the list of programmes offered on the forms.
  await db.schema.createIndex('projects_programme').on('projects').column('programme').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of ['projects_programme', 'project_members_current_user', 'project_members_role', 'project_history_field']) await db.schema.dropIndex(name).execute();
}
