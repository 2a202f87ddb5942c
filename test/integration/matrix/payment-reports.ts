import { postPaid, postReversal, taxYearOf } from '../../../src/features/payments/service.ts';
import { approveClaim, insertClaim } from '../../../src/features/payments/test-support.ts';
import { londonDate } from '../../../src/features/projects/service.ts';
import { insertPerson, type MatrixPart } from './part.ts';

/**
 * Payment reports: the overdue list, the claims paid in a month, a person's payments and their
 * annual statement are for involvement leads (claims:manage) and finance (finance:pay) in the
 * person's units, and admins; not QI staff, not partners. A partner reaches only their own
 * statement, through their register entry (the people part links one to the matrix partner);
 * everyone else has none, so it is not found. Finance and budget holders are covered in
 * src/features/payment-reports/payment-reports.int.test.ts.
 */
const PAYERS = 'DDDDAA';

const DAY = 86_400_000;

const part: MatrixPart = {
  entries: {
    'GET /payments/overdue': PAYERS,
    'GET /payments/paid': PAYERS,
    'GET /payments/people/:personId': PAYERS,
    'GET /payments/people/:personId/statement/:year': PAYERS,
    'GET /my-claims/statement/:year': 'DADDDD',
  },
  async setUp({ t, org, users }) {
    const person = await insertPerson(t, { unit_id: org.northTeam.id, full_name: 'Matrix Payee', relationship: 'service_user', anonymity: 'full_name', payment_preference: 'involvement_rate', payee_reference: 'MTX-1' });
    const day = (daysAgo: number) => londonDate(new Date(Date.now() - daysAgo * DAY));
    // One claim waiting past the target, and one paid today (time and a bus fare), with a payment taken back.
    await insertClaim(t.db, person.id, org.northTeam.id, { activity_date: day(30), description: 'Matrix forum' });
    const { claim, lines } = await insertClaim(t.db, person.id, org.northTeam.id, { activity_date: day(3), description: 'Matrix workshop', activity_kind: 'workshop' }, [
      { amount_pence: 5_000, kind: 'time', category: 'half_day' },
      { amount_pence: 450 },
    ]);
    await approveClaim(t.db, claim.id, users.lead);
    const payments = [];
    for (const line of lines) payments.push(await postPaid(t.db.db, { id: line.id, personId: person.id }, { paidOn: day(0), method: 'bank_transfer', reference: 'MTX' }, users.admin));
    await t.db.db.updateTable('claims').set({ paid_at: new Date().toISOString() }).where('id', '=', claim.id).execute();
    await postReversal(t.db.db, payments[1]!.id, 'Matrix correction', users.admin);
    return { paymentPerson: person.id };
  },
  concreteUrl(url, ids) {
    const year = String(taxYearOf(londonDate()).startYear);
    if (url.startsWith('/payments/people/:personId')) return url.replace(':personId', String(ids.paymentPerson)).replace(':year', year);
    if (url === '/my-claims/statement/:year') return url.replace(':year', year);
    return url;
  },
};

export default part;
