import { nowIso } from '../../../src/platform/db/index.ts';
import { ROLES, type MatrixPart } from './part.ts';

/**
 * Following units and themes, digest settings and "stories for you" (story-alerts feature): for
 * everyone who may read stories somewhere (stories:view: QI staff of either unit, leads, admins),
 * not partners. Each role stops following a follow of its own; someone else's is a 404.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
const STORY_READERS = 'DDAAAA';

const part: MatrixPart = {
  entries: {
    'GET /feedback/following': STORY_READERS,
    // An empty form chooses no unit: a 400 for readers.
    'POST /feedback/following': STORY_READERS,
    'POST /feedback/following/:id/remove': STORY_READERS,
    // An empty form chooses no frequency: a 400 for readers.
    'POST /feedback/following/digest': STORY_READERS,
    'GET /feedback/for-you': STORY_READERS,
  },

  /** A follow of the theme "kindness" for each signed-in role. */
  async setUp({ t, users }) {
    const ids: Record<string, number> = {};
    for (const role of ROLES) {
      if (role === 'anonymous') continue;
      const { id } = await t.db.db
        .insertInto('story_follows')
        .values({ user_id: users[role], unit_id: null, tag: 'kindness', created_at: nowIso() })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[`storyFollow_${role}`] = id;
    }
    return ids;
  },

  concreteUrl(url, ids, role) {
    if (url !== '/feedback/following/:id/remove') return url;
    return url.replace(':id', String(ids[`storyFollow_${role}`] ?? ids.storyFollow_staff));
  },
};

export default part;
