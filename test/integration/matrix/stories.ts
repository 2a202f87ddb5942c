import { insertStory } from '../../../src/features/stories/test-support.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import { EVERYONE, type MatrixPart } from './part.ts';

/**
 * Telling and moderating stories (stories feature). Anyone may tell a story; staff who respond
 * (stories:respond: QI staff, leads, admins) enter one for someone; moderation and safeguarding
 * contacts are for leads and admins (stories:moderate) in the story's units: QI staff get a 403.
 * The story is a new one about the North team, so the North lead and the admin reach it.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// stories:view and stories:respond: every QI staff member, lead and admin (partners have no role for it).
const STORY_STAFF = 'DDAAAA';
// stories:moderate: leads and admins.
const MODERATORS = 'DDDDAA';

const part: MatrixPart = {
  entries: {
    'GET /stories/new': EVERYONE,
    // An empty form: a 400 with the errors, for anyone.
    'POST /stories/new': EVERYONE,
    'GET /stories/new/thanks': EVERYONE,
    'GET /feedback/stories/new': STORY_STAFF,
    'POST /feedback/stories/new': STORY_STAFF,
    'GET /feedback': STORY_STAFF,
    'GET /feedback/moderation': MODERATORS,
    'GET /feedback/moderation/:id': MODERATORS,
    // An empty form: a 400 for moderators.
    'POST /feedback/moderation/:id': MODERATORS,
    'POST /feedback/moderation/:id/safeguarding': MODERATORS,
    // Without confirm=yes: the confirmation page.
    'POST /feedback/moderation/:id/erase': MODERATORS,
    // Texts to tellers with only a phone number: moderators of the story's units.
    'GET /feedback/texts': MODERATORS,
    'POST /feedback/texts/:id/sent': MODERATORS,
    // A teller's request: moderators only (an empty form: a 400 for them).
    'GET /feedback/tellers': MODERATORS,
    'POST /feedback/tellers': MODERATORS,
    'POST /feedback/tellers/export': MODERATORS,
    'GET /feedback/safeguarding-contacts': MODERATORS,
    // An empty form names no unit: a 400 for moderators.
    'POST /feedback/safeguarding-contacts': MODERATORS,
  },

  /** A new story about the North team, with details for the redaction suggester to find. */
  async setUp({ t, org }) {
    const story = await insertStory(t.db, org.northTeam.id, {
      status: 'new', published_at: null, public_title: 'Matrix story',
      body: 'Dr Patel rang me on 07700 900123 about NHS number 943 476 5919.', public_body: 'Dr Patel rang me on 07700 900123 about NHS number 943 476 5919.',
    });
    const now = nowIso();
    const text = await t.db.db.insertInto('outbox').values({
      idempotency_key: `matrix-text-${story}`, channel: 'sms', recipient: '07700 900123', subject: 'We have replied to your story',
      body_text: 'Hello', status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, story_id: story,
    }).returning('id').executeTakeFirstOrThrow();
    return { story, text: text.id };
  },

  concreteUrl(url, ids) {
    return url.replace(/^\/feedback\/moderation\/:id/, `/feedback/moderation/${ids.story}`).replace(/^\/feedback\/texts\/:id/, `/feedback/texts/${ids.text}`);
  },
};

export default part;
