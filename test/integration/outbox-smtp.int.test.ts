import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../src/platform/db/index.ts';
import { createMailer, deliverDue, enqueueEmail, MAX_ATTEMPTS } from '../../src/platform/outbox/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

interface Received {
  to: string[];
  data: string;
}

/** A real SMTP server on localhost; rejectAll makes every recipient fail. */
async function startSmtp(options: { rejectAll?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (options.rejectAll) return cb(new Error('mailbox unavailable'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

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
});
