import { insertStory } from '../../../src/features/stories/test-support.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import type { MatrixPart } from './part.ts';

/**
 * Staff responses to published stories (story-responses feature). The story is about the North
 * team, published, and its teller left an email address; the North QI staff member has responded.
 * Staff who read stories (stories:view) list their units' stories (South staff see an empty list);
 * the story and its response form are for staff of the unit and those above it; a response is
 * edited by its author or a moderator (the North lead, the admin). Posting an empty form is a 400.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
const STORY_READERS = 'DDAAAA';
const NORTH_STORY = 'DDDAAA';

const part: MatrixPart = {
  entries: {
    'GET /feedback/stories': STORY_READERS,
    'GET /feedback/stories/:id': NORTH_STORY,
    'POST /feedback/stories/:id/responses': NORTH_STORY,
    'GET /feedback/stories/:id/responses/:responseId/edit': NORTH_STORY,
    'POST /feedback/stories/:id/responses/:responseId/edit': NORTH_STORY,
  },

  async setUp({ t, org, users }) {
    const story = await insertStory(t.db, org.northTeam.id, { public_title: 'Matrix story: kind nurses', public_body: 'The nurses explained everything.' });
    await t.db.db.insertInto('story_tags').values({ story_id: story, tag: 'kindness' }).execute();
    const now = nowIso();
    const { id: response } = await t.db.db
      .insertInto('story_responses')
      .values({
        story_id: story, user_id: users.staff, responder_role: 'Ward manager', body: 'Thank you for telling us.', change: 'planned',
        change_description: 'Share this with the team', project_id: null, change_idea_id: null, created_at: now, updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { responseStory: story, response };
  },

  concreteUrl(url, ids) {
    if (!/^\/feedback\/stories\/:id/.test(url)) return url;
    return url.replace(':id', String(ids.responseStory)).replace(':responseId', String(ids.response));
  },
};

export default part;
