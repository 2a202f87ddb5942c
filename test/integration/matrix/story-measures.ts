import { insertStory } from '../../../src/features/stories/test-support.ts';
import { DAY, after, insertDiscussion, insertResponse } from '../../../src/features/story-measures/test-support.ts';
import { IN_UNIT, type MatrixPart } from './part.ts';

/**
 * The story measures (story-measures feature), asked for the North team: its staff, those above
 * it and admins (stories:view there); South's staff get a 404 for a unit outside theirs; partners
 * have no stories:view. The records give the page (and the axe sweep) stories over three months,
 * answered, discussed and one with a change made, so every chart is drawn.
 */
const part: MatrixPart = {
  entries: {
    'GET /feedback/measures': IN_UNIT,
    'GET /feedback/measures.csv': IN_UNIT,
  },
  async setUp({ t, org }) {
    const now = Date.now();
    const stories: number[] = [];
    for (let k = 0; k < 6; k++) {
      const received = new Date(now - (15 + k * 30) * DAY).toISOString();
      const id = await insertStory(t.db, org.northTeam.id, { received_at: received, updated_at: received, published_at: received });
      await insertResponse(t.db, id, after(received, (k + 2) * DAY), k % 2 ? 'made' : 'none');
      stories.push(id);
    }
    await insertDiscussion(t.db, org.northTeam.id, new Date(now - 5 * DAY).toISOString().slice(0, 10), stories.slice(0, 3));
    return { storyMeasuresUnit: org.northTeam.id };
  },
  concreteUrl(url, ids) {
    return url === '/feedback/measures' || url === '/feedback/measures.csv' ? `${url}?unit=${ids.storyMeasuresUnit}` : url;
  },
};

export default part;
