import { insertStory } from '../../../src/features/stories/test-support.ts';
import { insertResponse } from '../../../src/features/story-site/test-support.ts';
import { EVERYONE, type MatrixPart } from './part.ts';

/**
 * The public stories site (story-site feature): every page is for everyone, signed in or not. The
 * records give the pages (and the axe sweep) a public story with a topic, a reply and a change made
 * that links the matrix project, so "What happened next" and "You said, we did" have content.
 */
const part: MatrixPart = {
  entries: {
    'GET /stories': EVERYONE,
    'GET /stories/:id': EVERYONE,
    'GET /you-said-we-did': EVERYONE,
  },
  async setUp({ t, org, project }) {
    const story = await insertStory(t.db, org.northTeam.id, { public_title: 'Matrix public story', public_body: 'The waiting room was cold, and the nurse found me a blanket.' });
    await t.db.db.insertInto('story_tags').values({ story_id: story, tag: 'comfort' }).execute();
    await insertResponse(t.db, story, { responder_role: 'Ward manager', body: 'Thank you. We looked into it.' });
    await insertResponse(t.db, story, { responder_role: 'Estates lead', body: 'We fitted heaters.', change: 'made', change_description: 'Heaters in the waiting room', project_id: project });
    return { publicStory: story };
  },
  concreteUrl(url, ids) {
    return url === '/stories/:id' ? `/stories/${ids.publicStory}` : url;
  },
};

export default part;
