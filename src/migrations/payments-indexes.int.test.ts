import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { indexesOn as indexesOnDb } from '../../test/support/db.ts';
import * as m014 from './014_payments_indexes.ts';

const indexesOn = (t: TestApp, table: string): Promise<string[]> => indexesOnDb(t.db, table);

describe('014_payments_indexes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('indexes claims by when they were paid with their activity date and unit, and goes down and up again cleanly', async () => {
    expect(await indexesOn(t, 'claims')).toContain('claims_paid_units');
    await m014.down(t.db.db as never);
    expect(await indexesOn(t, 'claims')).not.toContain('claims_paid_units');
    // The index from 013 stays either way.
    expect(await indexesOn(t, 'claims')).toContain('claims_paid');
    await m014.up(t.db.db as never);
    expect(await indexesOn(t, 'claims')).toContain('claims_paid_units');
  });
});
