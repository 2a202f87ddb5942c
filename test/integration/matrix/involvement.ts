import { enqueueForPerson } from '../../../src/platform/outbox/index.ts';
import { REGISTER_MANAGERS, REGISTER_VIEWERS, insertPerson, type MatrixPart } from './part.ts';

/** The involvement lead's hub, dashboard and messages to send by hand (involvement feature). */
const part: MatrixPart = {
  entries: {
    // The hub and dashboard (South staff see South's figures).
    'GET /involvement': REGISTER_VIEWERS,
    // Messages sent by hand: involvement leads for the person's unit.
    'GET /involvement/messages': REGISTER_MANAGERS,
    'GET /involvement/messages/:id/letter': REGISTER_MANAGERS,
    // Marking a message sent twice is not an error, so the admin after the lead is still allowed.
    'POST /involvement/messages/:id/sent': REGISTER_MANAGERS,
  },
  async setUp({ t, org }) {
    const person = await insertPerson(t, {
      unit_id: org.northTeam.id,
      full_name: 'Matrix Letter Reader',
      preferred_channel: 'post',
      format: 'large_print',
      address: '1 Matrix Road',
      postcode: 'LU1 3JU',
      relationship: 'carer',
      anonymity: 'first_name',
      payment_preference: 'vouchers',
    });
    await enqueueForPerson(t.db.db, { idempotencyKey: 'matrix-involvement-letter', person, subject: 'Matrix letter', text: 'Dear Matrix,\n\nHello.' });
    const { id } = await t.db.db.selectFrom('outbox').select('id').where('idempotency_key', '=', 'matrix-involvement-letter').executeTakeFirstOrThrow();
    return { involvementMessage: id };
  },
  concreteUrl(url, ids) {
    return url.replace(/^\/involvement\/messages\/:id/, `/involvement/messages/${ids.involvementMessage ?? 0}`);
  },
};

export default part;
