import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps are UTC ISO-8601 strings on both databases, so they sort and compare the same way. */
type Timestamp = string;

export const UNIT_KINDS = ['trust', 'directorate', 'borough', 'team', 'service'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const ROLES = ['admin', 'lead', 'qi_staff', 'partner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface OrgUnitTable {
  id: Generated<number>;
  parent_id: number | null;
  name: string;
  kind: UnitKind;
  /** Materialised path of ids, e.g. "/1/4/9/": a unit's descendants share its prefix. */
  path: string;
  created_at: Timestamp;
  archived_at: Timestamp | null;
}

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  password_hash: string | null;
  failed_sign_ins: number;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  created_at: Timestamp;
  last_sign_in_at: Timestamp | null;
}

export interface RoleGrantTable {
  id: Generated<number>;
  user_id: number;
  unit_id: number;
  role: Role;
  created_at: Timestamp;
}

export interface SessionTable {
  /** sha256 of the cookie value: a stolen database cannot be replayed as cookies. */
  id_hash: string;
  user_id: number;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ip: string | null;
}

export type TokenPurpose = 'magic_link' | 'password_reset' | 'invite';

export interface SignInTokenTable {
  token_hash: string;
  user_id: number;
  purpose: TokenPurpose;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  /** Space-separated scopes, e.g. "me:read org:read". */
  scopes: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: number | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  /** The person (user) the record is about, so the log can be filtered by person. */
  subject_user_id: number | null;
  ip: string | null;
  details: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  channel: 'email';
  recipient: string;
  subject: string;
  body_text: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  next_attempt_at: Timestamp;
  locked_until: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface Database {
  org_units: OrgUnitTable;
  users: UserTable;
  role_grants: RoleGrantTable;
  sessions: SessionTable;
  sign_in_tokens: SignInTokenTable;
  api_tokens: ApiTokenTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
}

export type OrgUnit = Selectable<OrgUnitTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type RoleGrant = Selectable<RoleGrantTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type OutboxMessage = Selectable<OutboxTable>;
