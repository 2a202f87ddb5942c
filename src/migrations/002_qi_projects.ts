import type { Kysely } from 'kysely';
import { doubleType, withId } from '../platform/db/schema-helpers.ts';

/** QI projects: team, involvement history, driver diagram, change ideas, PDSA cycles, measures and data. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dbl = doubleType(db);

  await withId(db, db.schema.createTable('projects'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('org_units.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('aim', 'text', (c) => c.notNull())
    .addColumn('background', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('programme', 'text')
    .addColumn('involvement_level', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_unit').on('projects').columns(['unit_id', 'id']).execute();
  await db.schema.createIndex('projects_stage').on('projects').column('stage').execute();
  await db.schema.createIndex('projects_involvement').on('projects').column('involvement_level').execute();

  // Every change of stage or involvement level, so the portfolio can be read "as at" any month.
  await withId(db, db.schema.createTable('project_history'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull()) // 'stage' | 'involvement_level'
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('project_history_project').on('project_history').columns(['project_id', 'changed_at']).execute();

  // A member is a user with an account, or (for partners without one) a name only.
  await withId(db, db.schema.createTable('project_members'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('display_name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_on', 'text', (c) => c.notNull())
    .addColumn('left_on', 'text')
    .execute();
  await db.schema.createIndex('project_members_project').on('project_members').column('project_id').execute();
  await db.schema.createIndex('project_members_user').on('project_members').column('user_id').execute();

  // Driver diagram: primary drivers have no parent; secondary drivers hang off a primary.
  await withId(db, db.schema.createTable('drivers'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('parent_id', 'integer', (c) => c.references('drivers.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('drivers_project').on('drivers').column('project_id').execute();

  await withId(db, db.schema.createTable('change_ideas'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('driver_id', 'integer', (c) => c.references('drivers.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('size', 'text', (c) => c.notNull()) // 'small_quick' | 'big'
    .addColumn('source', 'text', (c) => c.notNull()) // staff | service_user | carer | story | forum | workshop
    .addColumn('source_ref', 'text') // e.g. "story:12" once stories exist
    .addColumn('status', 'text', (c) => c.notNull()) // idea | testing | adopted | adapted | abandoned
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('change_ideas_project').on('change_ideas').column('project_id').execute();

  await withId(db, db.schema.createTable('pdsa_cycles'))
    .addColumn('change_idea_id', 'integer', (c) => c.notNull().references('change_ideas.id').onDelete('cascade'))
    .addColumn('previous_id', 'integer', (c) => c.references('pdsa_cycles.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('question', 'text')
    .addColumn('prediction', 'text')
    .addColumn('plan', 'text') // who, what, when, where
    .addColumn('data_to_collect', 'text')
    .addColumn('what_happened', 'text')
    .addColumn('observations', 'text')
    .addColumn('study', 'text') // results against the prediction
    .addColumn('act', 'text') // adopt | adapt | abandon
    .addColumn('next_steps', 'text')
    .addColumn('start_on', 'text')
    .addColumn('end_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pdsa_cycles_idea').on('pdsa_cycles').column('change_idea_id').execute();

  await withId(db, db.schema.createTable('measures'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // outcome | process | balancing
    .addColumn('definition', 'text')
    .addColumn('unit_label', 'text')
    .addColumn('direction', 'text', (c) => c.notNull()) // increase | decrease | neutral
    .addColumn('chart', 'text', (c) => c.notNull()) // run | xmr | p | c | u
    .addColumn('target', dbl)
    .addColumn('baseline_points', 'integer')
    .addColumn('screen_moving_ranges', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('measures_project').on('measures').column('project_id').execute();

  // value is the count (numerator) for p/u charts, with denominator beside it.
  await withId(db, db.schema.createTable('data_points'))
    .addColumn('measure_id', 'integer', (c) => c.notNull().references('measures.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull()) // YYYY-MM-DD
    .addColumn('value', dbl, (c) => c.notNull())
    .addColumn('denominator', dbl)
    .addColumn('excluded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rebase', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('note', 'text')
    .addUniqueConstraint('data_points_period', ['measure_id', 'period'])
    .execute();

  await withId(db, db.schema.createTable('annotations'))
    .addColumn('measure_id', 'integer', (c) => c.notNull().references('measures.id').onDelete('cascade'))
    .addColumn('on_date', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('annotations_measure').on('annotations').column('measure_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['annotations', 'data_points', 'measures', 'pdsa_cycles', 'change_ideas', 'drivers', 'project_members', 'project_history', 'projects']) {
    await db.schema.dropTable(t).execute();
  }
}
