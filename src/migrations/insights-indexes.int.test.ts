import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { indexesOn as indexesOnDb } from '../../test/support/db.ts';
import * as m011 from './011_insights_indexes.ts';

const indexesOn = (t: TestApp, table: string): Promise<string[]> => indexesOnDb(t.db, table);

describe('011_insights_indexes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('indexes involvement activities by date, and goes down and up again cleanly', async () => {
    expect(await indexesOn(t, 'involvement_activities')).toContain('involvement_activities_on_date');
    await m011.down(t.db.db as never);
    expect(await indexesOn(t, 'involvement_activities')).not.toContain('involvement_activities_on_date');
    await m011.up(t.db.db as never);
    expect(await indexesOn(t, 'involvement_activities')).toContain('involvement_activities_on_date');
  });
});
