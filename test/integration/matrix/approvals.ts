import { nowIso } from '../../../src/platform/db/index.ts';
import { insertPerson, type MatrixPart } from './part.ts';

/**
 * Approving claims (approvals feature). A North team carer's claim sent for approval: leads for
 * North (claims:manage) and admins review it at /approvals/:claimId; everyone else gets a 404, and
 * the queue is a 403 for anyone who approves nothing. Another claim waits for a second approval
 * (given first by the lead), so the admin's queue shows both lists. Finance and budget holders have
 * no column here: approvals.int.test.ts covers them.
 * Columns: anonymous, partner, otherStaff, staff, lead, admin.
 */
const APPROVERS = 'DDDDAA';

const part: MatrixPart = {
  entries: {
    'GET /approvals': APPROVERS,
    'GET /approvals/:claimId': APPROVERS,
    // An empty form: a 400 naming each line to decide, for those who may decide it.
    'POST /approvals/:claimId': APPROVERS,
  },

  async setUp({ t, org, users }) {
    const db = t.db.db;
    const now = nowIso();
    const person = await insertPerson(t, { unit_id: org.northTeam.id, full_name: 'Matrix Approval Carer', email: 'approval-carer@example.org', relationship: 'carer', anonymity: 'first_name', payment_preference: 'vouchers' }, { contactConsent: true });
    const day = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const claim = (status: 'submitted' | 'second_approval', total: number) =>
      db
        .insertInto('claims')
        .values({
          person_id: person.id, unit_id: org.northTeam.id, activity_kind: 'meeting', activity_date: day, description: 'Matrix approvals forum', meeting_id: null,
          attendance_id: null, project_id: null, preference: 'vouchers', status, total_pence: total, created_by: users.lead, created_at: now, updated_at: now,
          submitted_at: now, decided_by: status === 'second_approval' ? users.lead : null, decided_at: status === 'second_approval' ? now : null,
          second_decided_by: null, second_decided_at: null, paid_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const line = (claimId: number, values: { kind: 'time' | 'expense'; category: 'hour' | 'public_transport'; description: string; quantity: number; amount_pence: number; status: 'pending' | 'approved' }) =>
      db.insertInto('claim_lines').values({ claim_id: claimId, ...values, created_at: now }).execute();
    const { id: waiting } = await claim('submitted', 4450);
    await line(waiting, { kind: 'time', category: 'hour', description: 'Forum', quantity: 120, amount_pence: 4000, status: 'pending' });
    await line(waiting, { kind: 'expense', category: 'public_transport', description: 'Bus fare', quantity: 1, amount_pence: 450, status: 'pending' });
    const { id: second } = await claim('second_approval', 15_000);
    await line(second, { kind: 'time', category: 'hour', description: 'Workshop day', quantity: 450, amount_pence: 15_000, status: 'approved' });
    return { approvalClaim: waiting, secondApprovalClaim: second };
  },

  concreteUrl(url, ids) {
    if (url.startsWith('/approvals/:claimId')) return url.replace(':claimId', String(ids.approvalClaim));
    return url;
  },
};

export default part;
