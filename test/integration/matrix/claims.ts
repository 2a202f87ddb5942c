import { nowIso } from '../../../src/platform/db/index.ts';
import { partnerPerson, ROLES, type MatrixPart } from './part.ts';

/**
 * Expense and payment claims (claims feature). The claim is the matrix partner's own (through their
 * register entry), for the North team: leads for North (and admins) reach it at /claims/:id; the
 * partner at /my-claims/:id; everyone else gets a 404. Each role removes a line and a receipt of
 * its own, so one allowed role's removal leaves the next something to remove.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
// claims:manage: involvement leads and admins.
const CLAIM_MANAGERS = 'DDDDAA';
// The person claiming, through their own register entry.
const CLAIMANT = 'DADDDD';

const part: MatrixPart = {
  entries: {
    'GET /claims': CLAIM_MANAGERS,
    'GET /claims/new': CLAIM_MANAGERS,
    // An empty form names nobody: a 400 for those who may make claims.
    'POST /claims': CLAIM_MANAGERS,
    'GET /claims/:id': CLAIM_MANAGERS,
    'POST /claims/:id/time': CLAIM_MANAGERS,
    'POST /claims/:id/expenses': CLAIM_MANAGERS,
    'POST /claims/:id/lines/:lineId/delete': CLAIM_MANAGERS,
    'POST /claims/:id/lines/:lineId/receipts': CLAIM_MANAGERS,
    'GET /claims/:id/receipts/:receiptId': CLAIM_MANAGERS,
    'POST /claims/:id/receipts/:receiptId/delete': CLAIM_MANAGERS,
    // The lead sends it; for the admin after them it has already gone (a 400 saying so).
    'POST /claims/:id/submit': CLAIM_MANAGERS,
    'POST /claims/:id/withdraw': CLAIM_MANAGERS,
    // Everyone signed in gets the page: it says so when they are not in the register.
    'GET /my-claims': 'DAAAAA',
    'GET /my-claims/new': 'DAAAAA',
    // Only someone in the register can make a claim of their own (an empty form: a 400).
    'POST /my-claims': CLAIMANT,
    'GET /my-claims/:id': CLAIMANT,
    'POST /my-claims/:id/time': CLAIMANT,
    'POST /my-claims/:id/expenses': CLAIMANT,
    'POST /my-claims/:id/lines/:lineId/delete': CLAIMANT,
    'POST /my-claims/:id/lines/:lineId/receipts': CLAIMANT,
    'GET /my-claims/:id/receipts/:receiptId': CLAIMANT,
    'POST /my-claims/:id/receipts/:receiptId/delete': CLAIMANT,
    'POST /my-claims/:id/submit': CLAIMANT,
    'POST /my-claims/:id/withdraw': CLAIMANT,
  },

  /** The partner's draft claim for last week's forum: a bus fare with a receipt for each role, and rates to price more. */
  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const person = await partnerPerson(t, org, users);
    const day = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    await db.insertInto('time_rates').values({ activity_kind: 'meeting', basis: 'hour', amount_pence: 2000, effective_from: '2020-01-01', created_by: null, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
    await db.insertInto('expense_rates').values({ category: 'public_transport', limit_pence: null, pence_per_mile: null, effective_from: '2020-01-01', created_by: null, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
    const { id: claim } = await db
      .insertInto('claims')
      .values({
        person_id: person.id, unit_id: org.northTeam.id, activity_kind: 'meeting', activity_date: day, description: 'Matrix forum', meeting_id: null, attendance_id: null,
        project_id: null, preference: 'involvement_rate', status: 'draft', total_pence: 450 * ROLES.length, created_by: users.lead, created_at: now, updated_at: now,
        submitted_at: null, decided_by: null, decided_at: null, second_decided_by: null, second_decided_at: null, paid_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sha256 = 'a'.repeat(64);
    await db.insertInto('files').values({ sha256, size: 8, content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), created_at: now }).onConflict((oc) => oc.doNothing()).execute();
    const ids: Record<string, number> = { claim };
    for (const role of ROLES) {
      const { id: line } = await db
        .insertInto('claim_lines')
        .values({ claim_id: claim, kind: 'expense', category: 'public_transport', description: `Bus (${role})`, quantity: 1, amount_pence: 450, time_rate_id: null, expense_rate_id: null, status: 'pending', reason: null, decided_by: null, decided_at: null, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      const { id: receipt } = await db
        .insertInto('claim_receipts')
        .values({ claim_line_id: line, file_sha256: sha256, filename: `ticket-${role}.png`, content_type: 'image/png', size: 8, uploaded_by: users.partner, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[`claimLine_${role}`] = line;
      ids[`claimReceipt_${role}`] = receipt;
    }
    return ids;
  },

  concreteUrl(url, ids, role) {
    if (!/^\/(my-)?claims\/:id/.test(url)) return url;
    return url
      .replace(':id', String(ids.claim))
      .replace(':lineId', String(ids[`claimLine_${role}`] ?? 0))
      .replace(':receiptId', String(ids[`claimReceipt_${role}`] ?? 0));
  },
};

export default part;
