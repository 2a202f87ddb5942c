import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/platform/db/index.ts';
import { pruneOrphanFiles } from '../../src/platform/files/index.ts';
import { createMailer, deliverDue, enqueueEmail, enqueueForPerson, MAX_ATTEMPTS } from '../../src/platform/outbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startSmtp } from '../support/smtp.ts';

describe('outbox delivery over SMTP', () => {
  let database: TestDatabase;
  let h: DbHandle;
  beforeEach(async () => {
    database = await createTestDatabase();
    h = database.open();
  });
  afterEach(async () => {
    await h.close();
    await database.drop();
  });

  it('delivers a queued email to a real SMTP server and marks it sent', async () => {
    const smtp = await startSmtp();
    try {
      await enqueueEmail(h.db, { idempotencyKey: 'k1', to: 'carer@example.org', subject: 'Papers for Tuesday', text: 'Hello' });
      const report = await deliverDue(h.db, h.dialect, createMailer({ smtpUrl: smtp.url, dataDir: database.dataDir }), 'Alongside <no-reply@example.org>');
      expect(report).toEqual({ sent: 1, failed: 0 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.to).toEqual(['carer@example.org']);
      expect(smtp.received[0]?.data).toContain('Subject: Papers for Tuesday');
      expect(smtp.received[0]?.data).toContain('Message-ID: <k1@alongside>');
      const row = await h.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row.status).toBe('sent');
      // A second pass sends nothing again.
      await deliverDue(h.db, h.dialect, createMailer({ smtpUrl: smtp.url, dataDir: database.dataDir }), 'x@example.org');
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('queues a message only once for the same idempotency key', async () => {
    await enqueueEmail(h.db, { idempotencyKey: 'same', to: 'a@example.org', subject: 's', text: 't' });
    await enqueueEmail(h.db, { idempotencyKey: 'same', to: 'a@example.org', subject: 's', text: 't' });
    const rows = await h.db.selectFrom('outbox').select('id').execute();
    expect(rows).toHaveLength(1);
  });

  it('retries a failed send later with backoff, then gives up', async () => {
    const smtp = await startSmtp({ rejectAll: true });
    try {
      await enqueueEmail(h.db, { idempotencyKey: 'k2', to: 'nobody@example.org', subject: 's', text: 't' });
      const mailer = createMailer({ smtpUrl: smtp.url, dataDir: database.dataDir });
      const report = await deliverDue(h.db, h.dialect, mailer, 'x@example.org');
      expect(report).toEqual({ sent: 0, failed: 1 });
      let row = await h.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(1);
      expect(Date.parse(row.next_attempt_at)).toBeGreaterThan(Date.now());
      expect(row.last_error).toMatch(/mailbox unavailable/);
      // Not due yet: nothing is tried.
      expect(await deliverDue(h.db, h.dialect, mailer, 'x@example.org')).toEqual({ sent: 0, failed: 0 });
      for (let i = 1; i < MAX_ATTEMPTS; i++) {
        await h.db.updateTable('outbox').set({ next_attempt_at: new Date(0).toISOString() }).execute();
        await deliverDue(h.db, h.dialect, mailer, 'x@example.org');
      }
      row = await h.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(row.status).toBe('dead');
      expect(row.attempts).toBe(MAX_ATTEMPTS);
    } finally {
      await smtp.close();
    }
  });

  it('never sends a message twice when two workers run at once', async () => {
    const smtp = await startSmtp();
    const other = database.open();
    try {
      for (let i = 0; i < 30; i++) await enqueueEmail(h.db, { idempotencyKey: `m${i}`, to: `p${i}@example.org`, subject: `s${i}`, text: 't' });
      const mailer = createMailer({ smtpUrl: smtp.url, dataDir: database.dataDir });
      const [a, b] = await Promise.all([
        deliverDue(h.db, h.dialect, mailer, 'x@example.org', 30),
        deliverDue(other.db, other.dialect, mailer, 'x@example.org', 30),
      ]);
      expect(a.sent + b.sent).toBe(30);
      expect(smtp.received).toHaveLength(30);
      expect(new Set(smtp.received.map((r) => r.to[0])).size).toBe(30);
    } finally {
      await other.close();
      await smtp.close();
    }
  });

  it('writes email to files when no SMTP server is configured', async () => {
    await enqueueEmail(h.db, { idempotencyKey: 'f1', to: 'lead@example.org', subject: 'File me', text: 'Body' });
    await deliverDue(h.db, h.dialect, createMailer({ dataDir: database.dataDir }), 'x@example.org');
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync(`${database.dataDir}/mail`);
    expect(files).toHaveLength(1);
    expect(readFileSync(`${database.dataDir}/mail/${files[0]}`, 'utf8')).toContain('Subject: File me');
  });

  it('sends attachments with the email, storing a file sent to many people once', async () => {
    const smtp = await startSmtp();
    try {
      const paper = Buffer.from('%PDF-1.4 minutes of the last meeting');
      for (const to of ['a@example.org', 'b@example.org']) {
        await enqueueEmail(h.db, {
          idempotencyKey: `att-${to}`,
          to,
          subject: 'Papers',
          text: 'Attached',
          attachments: [
            { filename: 'minutes.pdf', contentType: 'application/pdf', content: paper },
            { filename: 'meeting.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' },
          ],
        });
      }
      expect(await h.db.selectFrom('files').select('sha256').execute()).toHaveLength(2);
      await deliverDue(h.db, h.dialect, createMailer({ smtpUrl: smtp.url, dataDir: database.dataDir }), 'x@example.org');
      const mails = await smtp.parsed();
      expect(mails).toHaveLength(2);
      for (const mail of mails) {
        expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['minutes.pdf', 'application/pdf'], ['meeting.ics', 'text/calendar']]);
        expect(mail.attachments[0]?.content.equals(paper)).toBe(true);
      }
    } finally {
      await smtp.close();
    }
  });

  it('keeps attachments only on email: a letter lists its enclosures in words instead', async () => {
    const now = new Date().toISOString();
    const unit = await h.db.insertInto('org_units').values({ name: 'Trust', kind: 'trust', path: '/1/', created_at: now }).returning('id').executeTakeFirstOrThrow();
    const person = { id: 0, preferred_channel: 'post' as const, format: 'large_print', email: 'p@example.org', phone: null, address: '1 Road', postcode: 'LU1 1AA' };
    person.id = (
      await h.db
        .insertInto('people')
        .values({ unit_id: unit.id, full_name: 'Pat Post', preferred_channel: 'post', format: 'large_print', email: 'p@example.org', address: '1 Road', postcode: 'LU1 1AA', relationship: 'carer', anonymity: 'full_name', payment_preference: 'none', status: 'active', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const channel = await enqueueForPerson(h.db, { idempotencyKey: 'letter', person, subject: 'Papers', text: 'Enclosed: agenda', attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'x' }] });
    expect(channel).toBe('post');
    expect(await h.db.selectFrom('outbox_attachments').select('id').execute()).toHaveLength(0);
  });

  it('deletes stored files nothing points at any more, once they are an hour old', async () => {
    await enqueueEmail(h.db, { idempotencyKey: 'old', to: 'a@example.org', subject: 's', text: 't', attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'kept' }] });
    await enqueueEmail(h.db, { idempotencyKey: 'gone', to: 'a@example.org', subject: 's', text: 't', attachments: [{ filename: 'b.txt', contentType: 'text/plain', content: 'orphan' }] });
    await h.db.deleteFrom('outbox').where('idempotency_key', '=', 'gone').execute();
    expect(await pruneOrphanFiles(h.db)).toBe(0); // too new: a request may still be writing its pointer
    await h.db.updateTable('files').set({ created_at: new Date(Date.now() - 2 * 3_600_000).toISOString() }).execute();
    expect(await pruneOrphanFiles(h.db)).toBe(1);
    const left = await h.db.selectFrom('files').select('size').execute();
    expect(left).toEqual([{ size: 4 }]);
  });
});
