import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { indexesOn as indexesOnDb } from '../../test/support/db.ts';
import * as m008 from './008_involvement_indexes.ts';

const indexesOn = (t: TestApp, table: string): Promise<string[]> => indexesOnDb(t.db, table);

describe('008_involvement_indexes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const expected = {
    opportunities: ['opportunities_project', 'opportunities_group'],
    campaign_candidates: ['campaign_candidates_stage'],
    recruitment_campaigns: ['recruitment_campaigns_group'],
    group_members: ['group_members_current'],
    outreach_events: ['outreach_events_campaign'],
    outbox: ['outbox_person'],
    recruitment_work: ['recruitment_work_event'],
  };

  it('indexes the foreign keys the involvement features filter on', async () => {
    for (const [table, names] of Object.entries(expected)) expect(await indexesOn(t, table)).toEqual(expect.arrayContaining(names));
  });

  it('goes down and up again cleanly', async () => {
    await m008.down(t.db.db as never);
    expect(await indexesOn(t, 'opportunities')).not.toContain('opportunities_project');
    await m008.up(t.db.db as never);
    expect(await indexesOn(t, 'opportunities')).toEqual(expect.arrayContaining(expected.opportunities));
  });
});
