import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { InvolvementDatabase } from './involvement-types.ts';
import type { MeetingDatabase } from './meeting-types.ts';
import type { PaymentDatabase } from './payment-types.ts';
import type { StoryDatabase } from './story-types.ts';
import type { WorkshopDatabase } from './workshop-types.ts';

export * from './involvement-types.ts';
export * from './meeting-types.ts';
export * from './payment-types.ts';
export * from './story-types.ts';
export * from './workshop-types.ts';

/** Timestamps are UTC ISO-8601 strings on both databases, so they sort and compare the same way. */
type Timestamp = string;

export const UNIT_KINDS = ['trust', 'directorate', 'borough', 'team', 'service'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** finance records payments and exports; a budget holder gives claims over the threshold a second approval. */
export const ROLES = ['admin', 'lead', 'qi_staff', 'partner', 'viewer', 'finance', 'budget_holder'] as const;
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

export const CHANNELS = ['email', 'sms', 'post', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  /** Only email is sent by the worker; sms, post and phone wait for the lead to send them by hand. */
  channel: Channel;
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
  /** The register entry the message is for, when it is for a person. */
  person_id: number | null;
  /** The person's format (large print, easy read…) the body was written for. */
  format: string | null;
  /** The story whose teller the message is for (migration 018). */
  story_id: number | null;
}

export interface RateLimitTable {
  key: string;
  window_start_ms: number;
  count: number;
}

export interface Database extends QiDatabase, InvolvementDatabase, MeetingDatabase, PaymentDatabase, StoryDatabase, WorkshopDatabase {
  rate_limits: RateLimitTable;
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

// ---- QI projects (migration 002)

export const STAGES = ['idea', 'planning', 'testing', 'implementing', 'sustaining', 'spreading', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export const INVOLVEMENT_LEVELS = ['none', 'informed', 'consulted', 'involved', 'co_produced', 'user_led'] as const;
export type InvolvementLevel = (typeof INVOLVEMENT_LEVELS)[number];

export const MEMBER_ROLES = ['lead', 'sponsor', 'coach', 'member', 'service_user_partner', 'carer_partner'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const IDEA_SIZES = ['small_quick', 'big'] as const;
export const IDEA_SOURCES = ['staff', 'service_user', 'carer', 'story', 'forum', 'workshop'] as const;
export const IDEA_STATUSES = ['idea', 'testing', 'adopted', 'adapted', 'abandoned'] as const;
export const PDSA_ACTS = ['adopt', 'adapt', 'abandon'] as const;

export const MEASURE_KINDS = ['outcome', 'process', 'balancing'] as const;
export const DIRECTIONS = ['increase', 'decrease', 'neutral'] as const;
export const CHART_TYPES = ['run', 'xmr', 'p', 'c', 'u'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export type ChartType = (typeof CHART_TYPES)[number];

export interface ProjectTable {
  id: Generated<number>;
  unit_id: number;
  title: string;
  aim: string;
  background: string | null;
  stage: Stage;
  programme: string | null;
  involvement_level: InvolvementLevel;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProjectHistoryTable {
  id: Generated<number>;
  project_id: number;
  field: 'stage' | 'involvement_level';
  value: string;
  changed_at: Timestamp;
  changed_by: number | null;
  note: string | null;
}

export interface ProjectMemberTable {
  id: Generated<number>;
  project_id: number;
  user_id: number | null;
  display_name: string | null;
  role: MemberRole;
  joined_on: string;
  left_on: string | null;
  /** The register entry of a partner (with or without an account). */
  person_id: number | null;
}

export interface DriverTable {
  id: Generated<number>;
  project_id: number;
  parent_id: number | null;
  title: string;
  position: number;
}

export interface ChangeIdeaTable {
  id: Generated<number>;
  project_id: number;
  driver_id: number | null;
  title: string;
  description: string | null;
  size: (typeof IDEA_SIZES)[number];
  source: (typeof IDEA_SOURCES)[number];
  source_ref: string | null;
  status: (typeof IDEA_STATUSES)[number];
  created_at: Timestamp;
}

export interface PdsaCycleTable {
  id: Generated<number>;
  change_idea_id: number;
  previous_id: number | null;
  title: string;
  question: string | null;
  prediction: string | null;
  plan: string | null;
  data_to_collect: string | null;
  what_happened: string | null;
  observations: string | null;
  study: string | null;
  act: (typeof PDSA_ACTS)[number] | null;
  next_steps: string | null;
  start_on: string | null;
  end_on: string | null;
  created_at: Timestamp;
}

export interface MeasureTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  kind: (typeof MEASURE_KINDS)[number];
  definition: string | null;
  unit_label: string | null;
  direction: Direction;
  chart: ChartType;
  target: number | null;
  baseline_points: number | null;
  screen_moving_ranges: number;
  created_at: Timestamp;
}

export interface DataPointTable {
  id: Generated<number>;
  measure_id: number;
  period: string;
  value: number;
  denominator: number | null;
  excluded: number;
  rebase: number;
  note: string | null;
}

export interface AnnotationTable {
  id: Generated<number>;
  measure_id: number;
  on_date: string;
  text: string;
}

export interface QiDatabase {
  projects: ProjectTable;
  project_history: ProjectHistoryTable;
  project_members: ProjectMemberTable;
  drivers: DriverTable;
  change_ideas: ChangeIdeaTable;
  pdsa_cycles: PdsaCycleTable;
  measures: MeasureTable;
  data_points: DataPointTable;
  annotations: AnnotationTable;
}
