import type { Migration } from 'kysely';
import * as m001 from './001_foundation.ts';
import * as m002 from './002_qi_projects.ts';
import * as m003 from './003_project_portfolio_indexes.ts';
import * as m006 from './006_rate_limits.ts';
import * as m007 from './007_involvement_register.ts';
import * as m008 from './008_involvement_indexes.ts';
import * as m009 from './009_people_imports.ts';
import * as m010 from './010_meetings.ts';
import * as m011 from './011_insights_indexes.ts';
import * as m012 from './012_meeting_people_once.ts';
import * as m013 from './013_payments.ts';
import * as m014 from './014_payments_indexes.ts';
import * as m015 from './015_stories.ts';
import * as m016 from './016_workshops.ts';
import * as m017 from './017_story_search.ts';
import * as m018 from './018_outbox_story.ts';

/** Every migration, in order. Add new ones here: one set runs on both databases. */
export const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_qi_projects': m002,
  '003_project_portfolio_indexes': m003,
  '006_rate_limits': m006,
  '007_involvement_register': m007,
  '008_involvement_indexes': m008,
  '009_people_imports': m009,
  '010_meetings': m010,
  '011_insights_indexes': m011,
  '012_meeting_people_once': m012,
  '013_payments': m013,
  '014_payments_indexes': m014,
  '015_stories': m015,
  '016_workshops': m016,
  '017_story_search': m017,
  '018_outbox_story': m018,
};
