import type { Config } from '../config.ts';
import type { Db, Dialect } from './db/index.ts';
import type { Principal } from './rbac/index.ts';
import type { AuditContext } from './audit/index.ts';

/** What every service call receives: where the data is, and who is asking from where. */
export interface ServiceContext {
  db: Db;
  dialect: Dialect;
  config: Config;
  principal: Principal | null;
  ip: string | null;
}

export function auditContext(ctx: ServiceContext): AuditContext {
  return { actorUserId: ctx.principal?.userId ?? null, ip: ctx.ip };
}
