import type { MatrixFixture, MatrixPart } from './part.ts';

/**
 * Importing a register (people-import feature): involvement leads and admins (people:manage).
 * An upload belongs to the user who made it: each of them gets their own, one still to import
 * and one imported (the result page), so every other role finds nothing (403 or 404).
 */
const MANAGERS = 'DDDDAA';

async function anImport(f: MatrixFixture, userId: number, imported: boolean): Promise<number> {
  const now = new Date();
  const { id } = await f.t.db.db
    .insertInto('people_imports')
    .values({
      user_id: userId,
      unit_id: f.org.northTeam.id,
      file_name: 'matrix.csv',
      row_count: 1,
      data: imported ? '' : JSON.stringify({ headers: ['Name', 'Email'], rows: [['Matrix Person', 'matrix.person@example.org']], rowNumbers: [2] }),
      mapping: null,
      result: imported ? JSON.stringify({ imported: 1, merged: 0, skipped: 0, badRows: 0, problems: [], problemCount: 0 }) : null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + 86_400_000).toISOString(),
      imported_at: imported ? now.toISOString() : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

const part: MatrixPart = {
  entries: {
    'GET /people/import': MANAGERS,
    'POST /people/import/upload': MANAGERS,
    'GET /people/import/:id': MANAGERS,
    'POST /people/import/:id/mapping': MANAGERS,
    'GET /people/import/:id/preview': MANAGERS,
    'POST /people/import/:id/confirm': MANAGERS,
    'GET /people/import/:id/result': MANAGERS,
  },
  async setUp(f) {
    return {
      leadPending: await anImport(f, f.users.lead, false),
      leadDone: await anImport(f, f.users.lead, true),
      adminPending: await anImport(f, f.users.admin, false),
      adminDone: await anImport(f, f.users.admin, true),
    };
  },
  concreteUrl(url, ids, role) {
    if (!url.startsWith('/people/import/:id')) return url;
    const owner = role === 'admin' ? 'admin' : 'lead';
    const id = url.endsWith('/result') ? ids[`${owner}Done`] : ids[`${owner}Pending`];
    return url.replace(':id', String(id));
  },
};

export default part;
