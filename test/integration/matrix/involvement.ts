import { nowIso } from '../../../src/platform/db/index.ts';
import { enqueueForPerson } from '../../../src/platform/outbox/index.ts';
import type { MatrixPart } from './part.ts';

// The hub and dashboard: staff who see a register anywhere (people:view; South staff see South's figures).
const REGISTER_VIEWERS = 'DDAAAA';
// Messages sent by hand: involvement leads (people:manage) for the person's unit.
const REGISTER_MANAGERS = 'DDDDAA';

/** The involvement lead's hub, dashboard and messages to send by hand (involvement feature). */
const part: MatrixPart = {
  entries: {
    'GET /involvement': REGISTER_VIEWERS,
    'GET /involvement/messages': REGISTER_MANAGERS,
    'GET /involvement/messages/:id/letter': REGISTER_MANAGERS,
    // Marking a message sent twice is not an error, so the admin after the lead is still allowed.
    'POST /involvement/messages/:id/sent': REGISTER_MANAGERS,
  },
  async setUp({ t, org }) {
    const now = nowIso();
    const person = await t.db.db
      .insertInto('people')
      .values({
        unit_id: org.northTeam.id,
        full_name: 'Matrix Letter Reader',
        preferred_channel: 'post',
        format: 'large_print',
        address: '1 Matrix Road',
        postcode: 'LU1 3JU',
        relationship: 'carer',
        anonymity: 'first_name',
        payment_preference: 'vouchers',
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueForPerson(t.db.db, { idempotencyKey: 'matrix-involvement-letter', person, subject: 'Matrix letter', text: 'Dear Matrix,\n\nHello.' });
    const { id } = await t.db.db.selectFrom('outbox').select('id').where('idempotency_key', '=', 'matrix-involvement-letter').executeTakeFirstOrThrow();
    return { involvementMessage: id };
  },
  concreteUrl(url, ids) {
    return url.replace(/^\/involvement\/messages\/:id/, `/involvement/messages/${ids.involvementMessage ?? 0}`);
  },
};

export default part;
