import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import nodemailer from 'nodemailer';
import type { Dialect } from '../db/index.ts';
import { nowIso } from '../db/index.ts';
import type { Channel, Database, OutboxMessage } from '../db/types.ts';
import { storeFile } from '../files/index.ts';

/** A file sent with an email (a calendar entry, an agenda paper). Texts, letters and calls ignore it. */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer | string;
}

/** An attachment as the mailer receives it. */
export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface EmailToSend {
  /** Same key, same message: enqueueing twice is a no-op, and the SMTP Message-ID is derived from it. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  attachments?: Attachment[];
  /** The story whose teller the email is for, so erasing the teller can find it. */
  storyId?: number;
}

/** What every queued message holds; the rest of the row starts the same for all. */
interface NewMessage {
  idempotencyKey: string;
  channel: Channel;
  recipient: string;
  subject: string;
  text: string;
  personId?: number;
  format?: string;
  storyId?: number;
}

/** Inserts a pending message unless one with the key exists; answers the new row's id, if any. */
async function insertPending(db: Kysely<Database> | Transaction<Database>, m: NewMessage): Promise<number | undefined> {
  const now = nowIso();
  const row = await db
    .insertInto('outbox')
    .values({
      idempotency_key: m.idempotencyKey,
      channel: m.channel,
      recipient: m.recipient,
      subject: m.subject,
      body_text: m.text,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      person_id: m.personId ?? null,
      format: m.format ?? null,
      story_id: m.storyId ?? null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Write the message in the caller's transaction, so it is sent if and only if the change commits. */
export async function enqueueEmail(db: Kysely<Database> | Transaction<Database>, email: EmailToSend): Promise<void> {
  const id = await insertPending(db, { ...email, channel: 'email', recipient: email.to });
  if (id !== undefined) await attach(db, id, email.attachments);
}

/** A text message about a story, to a teller who left only a phone number. */
export interface TextToSend {
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  storyId: number;
}

/**
 * Queues a text in the caller's transaction. The worker sends email only: a text waits as pending
 * until someone sends it by hand and marks it sent. Enqueueing the same key twice is a no-op.
 */
export async function enqueueText(db: Kysely<Database> | Transaction<Database>, message: TextToSend): Promise<void> {
  await insertPending(db, { ...message, channel: 'sms', recipient: message.to });
}

/** Stores each file once and points the message at it (nothing when the message already existed). */
async function attach(db: Kysely<Database> | Transaction<Database>, outboxId: number, attachments: Attachment[] | undefined): Promise<void> {
  for (const a of attachments ?? []) {
    const sha = await storeFile(db, typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : a.content);
    await db.insertInto('outbox_attachments').values({ outbox_id: outboxId, filename: a.filename, content_type: a.contentType, file_sha256: sha }).execute();
  }
}

export interface MessageToPerson {
  idempotencyKey: string;
  person: {
    id: number;
    preferred_channel: 'email' | 'sms' | 'post' | 'phone';
    format: string;
    email: string | null;
    phone: string | null;
    address: string | null;
    postcode: string | null;
  };
  subject: string;
  /** Plain text; the caller writes it for the person's format (e.g. easy read). */
  text: string;
  /** Sent with an email; a letter's enclosures are listed by the caller for the lead to print. */
  attachments?: Attachment[];
}

/**
 * A message to someone in the register, in their preferred channel. Email goes out through the
 * worker; a text, letter or call waits in the outbox for the involvement lead to send by hand and
 * mark done. Falls back to email when the preferred channel has no contact details. Returns the
 * channel used, or null when the person cannot be reached at all.
 */
export async function enqueueForPerson(
  db: Kysely<Database> | Transaction<Database>,
  message: MessageToPerson,
): Promise<Channel | null> {
  const p = message.person;
  const postal = [p.address, p.postcode].filter(Boolean).join('\n');
  const recipients: Record<Channel, string | null> = { email: p.email, sms: p.phone, phone: p.phone, post: postal || null };
  const channel: Channel | null = recipients[p.preferred_channel] ? p.preferred_channel : p.email ? 'email' : null;
  if (!channel) return null;
  const id = await insertPending(db, {
    idempotencyKey: message.idempotencyKey, channel, recipient: recipients[channel] as string, subject: message.subject, text: message.text, personId: p.id, format: p.format,
  });
  if (id !== undefined && channel === 'email') await attach(db, id, message.attachments);
  return channel;
}

export interface Mailer {
  send(message: OutboxMessage, from: string, attachments?: OutgoingAttachment[]): Promise<void>;
}

/** SMTP when SMTP_URL is set; otherwise each message is written as an .eml file under data/mail. */
export function createMailer(options: { smtpUrl?: string | undefined; dataDir: string }): Mailer {
  const transport = options.smtpUrl
    ? nodemailer.createTransport(options.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message, from, attachments = []) {
      const info = await transport.sendMail({
        from,
        to: message.recipient,
        subject: message.subject,
        text: message.body_text,
        attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        messageId: `<${message.idempotency_key}@alongside>`,
      });
      if (!options.smtpUrl) {
        const dir = join(options.dataDir, 'mail');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${message.id}.eml`), (info as unknown as { message: Buffer }).message);
      }
    },
  };
}

export const MAX_ATTEMPTS = 8;

/** Exponential backoff: 30s, 1m, 2m, 4m … capped at 1 hour. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** Claims due messages so two workers never send the same one. */
async function claimDue(db: Kysely<Database>, dialect: Dialect, limit: number): Promise<OutboxMessage[]> {
  const now = nowIso();
  const lease = new Date(Date.now() + 120_000).toISOString();
  return db
    .updateTable('outbox')
    .set({ locked_until: lease })
    .where('id', 'in', (qb) => {
      let q = qb
        .selectFrom('outbox')
        .select('id')
        .where('channel', '=', 'email')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('id')
        .limit(limit);
      if (dialect === 'postgres') q = q.forUpdate().skipLocked();
      return q;
    })
    .returningAll()
    .execute();
}

export interface DeliveryReport {
  sent: number;
  failed: number;
}

/** The files a message carries, read when it is sent (they are not kept in memory between). */
export async function attachmentsOf(db: Kysely<Database>, outboxId: number): Promise<OutgoingAttachment[]> {
  const rows = await db
    .selectFrom('outbox_attachments')
    .innerJoin('files', 'files.sha256', 'outbox_attachments.file_sha256')
    .select(['outbox_attachments.filename', 'outbox_attachments.content_type', 'files.content'])
    .where('outbox_attachments.outbox_id', '=', outboxId)
    .orderBy('outbox_attachments.id')
    .execute();
  return rows.map((r) => ({ filename: r.filename, contentType: r.content_type, content: Buffer.from(r.content) }));
}

/** One pass of the worker: deliver what is due, reschedule failures with backoff. */
export async function deliverDue(
  db: Kysely<Database>,
  dialect: Dialect,
  mailer: Mailer,
  from: string,
  limit = 20,
): Promise<DeliveryReport> {
  const report = { sent: 0, failed: 0 };
  for (const message of await claimDue(db, dialect, limit)) {
    try {
      await mailer.send(message, from, await attachmentsOf(db, message.id));
      await db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: nowIso(), attempts: message.attempts + 1, locked_until: null, last_error: null })
        .where('id', '=', message.id)
        .execute();
      report.sent++;
    } catch (err) {
      const attempts = message.attempts + 1;
      await db
        .updateTable('outbox')
        .set({
          status: attempts >= MAX_ATTEMPTS ? 'dead' : 'pending',
          attempts,
          locked_until: null,
          next_attempt_at: new Date(Date.now() + backoffMs(attempts)).toISOString(),
          last_error: err instanceof Error ? err.message.slice(0, 500) : 'unknown error',
        })
        .where('id', '=', message.id)
        .execute();
      report.failed++;
    }
  }
  return report;
}
