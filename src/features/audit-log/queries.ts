import type { Db } from '../../platform/db/index.ts';
import type { AuditFilter } from './schemas.ts';

/** Newest first, in keyset pages (before = the last id already shown). */
export async function searchAudit(db: Db, filter: AuditFilter & { personIds?: number[] }, limit: number) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('users as actor', 'actor.id', 'audit_log.actor_user_id')
    .leftJoin('users as subject', 'subject.id', 'audit_log.subject_user_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.entity_type',
      'audit_log.entity_id',
      'audit_log.ip',
      'audit_log.details',
      'audit_log.actor_user_id',
      'audit_log.subject_user_id',
      'actor.name as actor_name',
      'actor.email as actor_email',
      'subject.name as subject_name',
    ]);
  if (filter.personIds) {
    const ids = filter.personIds.length ? filter.personIds : [-1];
    q = q.where((eb) => eb.or([eb('audit_log.actor_user_id', 'in', ids), eb('audit_log.subject_user_id', 'in', ids)]));
  }
  if (filter.entityType) q = q.where('audit_log.entity_type', '=', filter.entityType);
  if (filter.entityId) q = q.where('audit_log.entity_id', '=', filter.entityId);
  if (filter.from) q = q.where('audit_log.at', '>=', `${filter.from}T00:00:00.000Z`);
  if (filter.to) q = q.where('audit_log.at', '<=', `${filter.to}T23:59:59.999Z`);
  if (filter.before) q = q.where('audit_log.id', '<', filter.before);
  return q.orderBy('audit_log.id', 'desc').limit(limit).execute();
}

/** People whose name or email contains the text (for the "person" filter). */
export async function findPeople(db: Db, text: string): Promise<number[]> {
  const like = `%${text.toLowerCase()}%`;
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb(eb.fn('lower', ['name']), 'like', like), eb('email', 'like', like)]))
    .limit(200)
    .execute();
  return rows.map((r) => r.id);
}

export async function entityTypes(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('entity_type').distinct().orderBy('entity_type').execute();
  return rows.map((r) => r.entity_type);
}
