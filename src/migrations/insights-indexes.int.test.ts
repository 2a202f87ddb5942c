import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import * as m011 from './011_insights_indexes.ts';

async function indexesOn(t: TestApp, table: string): Promise<string[]> {
  const rows =
    t.db.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(t.db.db)
      : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = ${table} and schemaname = current_schema()`.execute(t.db.db);
  return rows.rows.map((r) => r.name);
}

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
