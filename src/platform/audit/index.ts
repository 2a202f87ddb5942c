import type { Kysely, Transaction } from 'kysely';
import { nowIso } from '../db/index.ts';
import type { Database } from '../db/types.ts';

export interface AuditContext {
  actorUserId: number | null;
  ip: string | null;
}

export interface AuditEvent {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  subjectUserId?: number | null;
  /** Never put personal data here: names of changed fields, not their values. */
  details?: Record<string, unknown>;
}

/** Appends one audit row. Pass the transaction that makes the change so both commit together. */
export async function audit(db: Kysely<Database> | Transaction<Database>, ctx: AuditContext, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: nowIso(),
      actor_user_id: ctx.actorUserId,
      action: event.action,
      entity_type: event.entityType,
      entity_id: event.entityId == null ? null : String(event.entityId),
      subject_user_id: event.subjectUserId ?? null,
      ip: ctx.ip,
      details: event.details ? JSON.stringify(event.details) : null,
    })
    .execute();
}
