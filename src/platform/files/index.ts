import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { nowIso } from '../db/index.ts';
import type { Database } from '../db/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Files stored once by the SHA-256 of their bytes (migration 010): an agenda paper sent to forty
 * members, or the same calendar entry in forty invitations, is one row. Callers keep their own
 * rows (a paper, an attachment) that point at the hash, with the name and type people see.
 */
export async function storeFile(db: Db, content: Buffer): Promise<string> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  await db
    .insertInto('files')
    .values({ sha256, size: content.length, content, created_at: nowIso() })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return sha256;
}

export async function readFile(db: Db, sha256: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('files').select('content').where('sha256', '=', sha256).executeTakeFirst();
  return row ? Buffer.from(row.content) : undefined;
}

/**
 * Deletes files nothing points at any more (a deleted paper, a sent message that was erased).
 * The worker's housekeeping runs it; a file is kept for an hour so one being stored by a request
 * still in flight is not removed before its pointer is written.
 */
export async function pruneOrphanFiles(db: Kysely<Database>): Promise<number> {
  const cutoff = new Date(Date.now() - 3_600_000).toISOString();
  const result = await db
    .deleteFrom('files')
    .where('created_at', '<', cutoff)
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom('meeting_papers').select('meeting_papers.id').whereRef('meeting_papers.file_sha256', '=', 'files.sha256'))),
        eb.not(eb.exists(eb.selectFrom('outbox_attachments').select('outbox_attachments.id').whereRef('outbox_attachments.file_sha256', '=', 'files.sha256'))),
        eb.not(eb.exists(eb.selectFrom('claim_receipts').select('claim_receipts.id').whereRef('claim_receipts.file_sha256', '=', 'files.sha256'))),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
