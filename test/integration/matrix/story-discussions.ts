import { insertStory } from '../../../src/features/stories/test-support.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import type { MatrixPart } from './part.ts';

/**
 * Team discussions of stories (story-discussions feature). The North team discussed one of its
 * published stories. Staff who read stories see their units' discussions and coverage (South staff
 * see their own, empty); the record is for staff of the unit and those above it; recording one for
 * the North team (the form is opened with ?unit= the North team) is for those who respond to stories
 * there. Posting an empty form is a 400.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
const STORY_READERS = 'DDAAAA';
const NORTH_TEAM = 'DDDAAA';

const part: MatrixPart = {
  entries: {
    'GET /feedback/discussions': STORY_READERS,
    'GET /feedback/discussions/coverage': STORY_READERS,
    'GET /feedback/discussions/new': NORTH_TEAM,
    'POST /feedback/discussions/new': NORTH_TEAM,
    'GET /feedback/discussions/:id': NORTH_TEAM,
  },

  async setUp({ t, org, users }) {
    const story = await insertStory(t.db, org.northTeam.id, { public_title: 'Matrix story: the long wait' });
    await insertStory(t.db, org.northTeam.id, { public_title: 'Matrix story: not yet discussed' });
    const { id: discussion } = await t.db.db
      .insertInto('story_discussions')
      .values({
        unit_id: org.northTeam.id, held_on: nowIso().slice(0, 10), attendees: 'Ward manager and four nurses', attendee_count: 5,
        learning: 'Explain waits as they happen.', actions: null, recorded_by: users.staff, created_at: nowIso(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.db.insertInto('story_discussion_stories').values({ discussion_id: discussion, story_id: story }).execute();
    return { discussion, discussionUnit: org.northTeam.id };
  },

  concreteUrl(url, ids) {
    if (url === '/feedback/discussions/new') return `${url}?unit=${ids.discussionUnit}`;
    if (url === '/feedback/discussions/:id') return `/feedback/discussions/${ids.discussion}`;
    return url;
  },
};

export default part;
