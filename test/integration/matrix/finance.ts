import { loadPrincipal } from '../../../src/platform/auth/sessions.ts';
import { createExport, payLines } from '../../../src/features/finance/service.ts';
import { approveClaim, insertClaim } from '../../../src/features/payments/test-support.ts';
import { londonDate } from '../../../src/features/projects/service.ts';
import { ADMIN, insertPerson, type MatrixPart } from './part.ts';

/**
 * Finance (finance:pay): payable lines, payments, exports, reversals and payee references. Of the
 * matrix's roles only the admin has finance:pay; the finance role itself is covered in
 * src/features/finance/finance.int.test.ts. The records: a North team person with an approved
 * claim of two lines, one paid (its payment can be reversed) and one owed and exported.
 */
const part: MatrixPart = {
  entries: {
    'GET /finance': ADMIN,
    'GET /finance/pay': ADMIN,
    'POST /finance/pay': ADMIN,
    'GET /finance/lines/:lineId': ADMIN,
    'GET /finance/lines/:lineId/pay': ADMIN,
    'POST /finance/lines/:lineId/pay': ADMIN,
    'GET /finance/entries/:entryId/reverse': ADMIN,
    'POST /finance/entries/:entryId/reverse': ADMIN,
    'GET /finance/exports': ADMIN,
    'POST /finance/exports': ADMIN,
    'GET /finance/exports/:id.csv': ADMIN,
    'GET /finance/payees/:personId': ADMIN,
    'POST /finance/payees/:personId': ADMIN,
  },
  async setUp({ t, org, users }) {
    const person = await insertPerson(t, { unit_id: org.northTeam.id, full_name: 'Matrix Payee', relationship: 'carer', anonymity: 'full_name', payment_preference: 'involvement_rate', payee_reference: 'SUP-MATRIX' });
    const { claim, lines } = await insertClaim(t.db, person.id, org.northTeam.id, {}, [{ amount_pence: 450 }, { amount_pence: 2000, kind: 'time', category: 'hour', quantity: 60 }]);
    await approveClaim(t.db, claim.id, users.lead);
    const [paid, owed] = lines as [(typeof lines)[0], (typeof lines)[0]];
    const ctx = { db: t.db.db, dialect: t.db.dialect, config: t.config, principal: await loadPrincipal(t.db.db, users.admin), ip: null };
    await payLines(ctx, { line: String(paid.id), paidOn: londonDate(), method: 'bank_transfer', reference: 'MATRIX-1' });
    const made = await createExport(ctx);
    const entry = await t.db.db.selectFrom('ledger_entries').select('id').where('claim_line_id', '=', paid.id).where('kind', '=', 'paid').executeTakeFirstOrThrow();
    return { financeLine: owed.id, financeEntry: entry.id, financePerson: person.id, financeExport: made?.id ?? 0 };
  },
  concreteUrl(url, ids) {
    if (url === '/finance/pay') return `/finance/pay?line=${ids.financeLine}`;
    if (!url.startsWith('/finance/')) return url;
    return url
      .replace(':lineId', String(ids.financeLine))
      .replace(':entryId', String(ids.financeEntry))
      .replace(':personId', String(ids.financePerson))
      .replace('/finance/exports/:id', `/finance/exports/${ids.financeExport}`);
  },
};

export default part;
