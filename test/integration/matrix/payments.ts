import { londonDate } from '../../../src/features/projects/service.ts';
import { nowIso } from '../../../src/platform/db/index.ts';
import { ADMIN, type MatrixPart } from './part.ts';

/**
 * The payments hub, rates, settings and cost centres (payments feature). The hub is for anyone with
 * a payment permission: here the lead (claims:manage) and the admin; finance and budget holders are
 * covered in payments.int.test.ts. Rates, settings and cost centres are the admin's (rates:manage).
 * The records give the pages (and the axe sweep) rates in force, a future rate that can be
 * deleted, and a cost centre that the North team inherits.
 */
const PAYMENT_STAFF = 'DDDDAA';

const part: MatrixPart = {
  entries: {
    'GET /payments': PAYMENT_STAFF,
    'GET /payments/rates': ADMIN,
    'GET /payments/rates/time/new': ADMIN,
    'POST /payments/rates/time/new': ADMIN,
    'GET /payments/rates/expenses/new': ADMIN,
    'POST /payments/rates/expenses/new': ADMIN,
    'POST /payments/rates/time/:id/delete': ADMIN,
    'POST /payments/rates/expenses/:id/delete': ADMIN,
    'GET /payments/settings': ADMIN,
    'POST /payments/settings': ADMIN,
    'GET /payments/cost-centres': ADMIN,
    'GET /payments/cost-centres/:unitId': ADMIN,
    'POST /payments/cost-centres/:unitId': ADMIN,
  },
  async setUp({ t, org }) {
    const db = t.db.db;
    const now = nowIso();
    const later = londonDate(new Date(Date.now() + 30 * 86_400_000));
    await db.insertInto('time_rates').values({ activity_kind: 'meeting', basis: 'hour', amount_pence: 2000, effective_from: '2024-04-06', created_by: null, created_at: now }).execute();
    const { id: futureTimeRate } = await db
      .insertInto('time_rates')
      .values({ activity_kind: 'meeting', basis: 'hour', amount_pence: 2200, effective_from: later, created_by: null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('expense_rates').values({ category: 'mileage', limit_pence: null, pence_per_mile: 45, needs_approval: 0, effective_from: '2024-04-06', created_by: null, created_at: now }).execute();
    const { id: futureExpenseRate } = await db
      .insertInto('expense_rates')
      .values({ category: 'taxi', limit_pence: 3000, pence_per_mile: null, needs_approval: 1, effective_from: later, created_by: null, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('cost_centres').values({ unit_id: org.north.id, code: 'NB-100', updated_at: now }).execute();
    return { futureTimeRate, futureExpenseRate, costCentreUnit: org.northTeam.id };
  },
  concreteUrl(url, ids) {
    return url
      .replace(/^\/payments\/rates\/time\/:id/, `/payments/rates/time/${ids.futureTimeRate}`)
      .replace(/^\/payments\/rates\/expenses\/:id/, `/payments/rates/expenses/${ids.futureExpenseRate}`)
      .replace(/^\/payments\/cost-centres\/:unitId/, `/payments/cost-centres/${ids.costCentreUnit}`);
  },
};

export default part;
