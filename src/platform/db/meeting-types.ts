import type { Generated, Selectable } from 'kysely';

/** Forums and meetings (migration 010). Vocabularies here are the codes stored in the database. */
type Timestamp = string;
/** A calendar date, YYYY-MM-DD. */
type DateOnly = string;
/** 0 or 1 (SQLite has no boolean); columns with a database default are Generated (optional on insert). */
type Flag = number;

export const SERIES_KINDS = ['qi_forum', 'user_group', 'project_team', 'other'] as const;
export const SERIES_MEMBER_ROLES = ['chair', 'co_chair', 'member'] as const;
/** Venue accessibility features, each a flag column on venues. */
export const VENUE_FEATURES = ['step_free', 'hearing_loop', 'parking', 'public_transport', 'quiet_room'] as const;
export const MEETING_STATUSES = ['scheduled', 'cancelled'] as const;
export const AGENDA_KINDS = ['welcome', 'project_slot', 'discussion', 'decision', 'information', 'minutes_and_actions', 'any_other_business'] as const;
/** What a project team brings to a forum slot. */
export const SLOT_FOCUSES = ['ideas', 'challenges', 'progress'] as const;
export const RSVP_RESPONSES = ['none', 'in_person', 'online', 'apologies'] as const;
export const ATTENDANCE_ROLES = ['staff', 'service_user', 'carer', 'other'] as const;
export const ATTENDANCE_STATUSES = ['present', 'apologies', 'absent'] as const;
export const MINUTES_STATUSES = ['none', 'draft', 'approved'] as const;
/** Who may read approved minutes: the series members only, or anyone (names as each person asked). */
export const PUBLICATION = ['none', 'members', 'public'] as const;
export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const;

export type SeriesKind = (typeof SERIES_KINDS)[number];
export type SeriesMemberRole = (typeof SERIES_MEMBER_ROLES)[number];
export type VenueFeature = (typeof VENUE_FEATURES)[number];
export type AgendaKind = (typeof AGENDA_KINDS)[number];
export type RsvpResponse = (typeof RSVP_RESPONSES)[number];
export type AttendanceRole = (typeof ATTENDANCE_ROLES)[number];
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** A file stored once by the SHA-256 of its bytes (papers, calendar entries, large-print packs). */
export interface FileTable {
  sha256: string;
  size: number;
  content: Buffer;
  created_at: Timestamp;
}

export interface OutboxAttachmentTable {
  id: Generated<number>;
  outbox_id: number;
  filename: string;
  content_type: string;
  file_sha256: string;
}

export interface VenueTable {
  id: Generated<number>;
  unit_id: number;
  name: string;
  address: string | null;
  step_free: Generated<Flag>;
  hearing_loop: Generated<Flag>;
  parking: Generated<Flag>;
  public_transport: Generated<Flag>;
  quiet_room: Generated<Flag>;
  notes: string | null;
  created_at: Timestamp;
  archived_at: Timestamp | null;
}

export interface MeetingSeriesTable {
  id: Generated<number>;
  unit_id: number;
  name: string;
  kind: SeriesKind;
  purpose: string | null;
  cadence: string | null;
  usual_venue_id: number | null;
  project_id: number | null;
  created_by: number | null;
  created_at: Timestamp;
  archived_at: Timestamp | null;
}

/** Exactly one of user_id (staff) and person_id (someone in the register). */
export interface SeriesMemberTable {
  id: Generated<number>;
  series_id: number;
  user_id: number | null;
  person_id: number | null;
  role: SeriesMemberRole;
  created_at: Timestamp;
}

export interface MeetingTable {
  id: Generated<number>;
  series_id: number;
  title: string | null;
  starts_at: Timestamp;
  ends_at: Timestamp;
  venue_id: number | null;
  online_url: string | null;
  capacity: number | null;
  status: Generated<(typeof MEETING_STATUSES)[number]>;
  invitations_sent_at: Timestamp | null;
  minutes_status: Generated<(typeof MINUTES_STATUSES)[number]>;
  minutes_approved_at: Timestamp | null;
  minutes_approved_in: number | null;
  minutes_published: Generated<(typeof PUBLICATION)[number]>;
  attendance_taken_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AgendaItemTable {
  id: Generated<number>;
  meeting_id: number;
  position: number;
  title: string;
  kind: AgendaKind;
  presenter: string | null;
  duration_minutes: number | null;
  description: string | null;
  project_id: number | null;
  slot_focus: (typeof SLOT_FOCUSES)[number] | null;
  notes: string | null;
  decisions: string | null;
  created_at: Timestamp;
}

export interface MeetingPaperTable {
  id: Generated<number>;
  agenda_item_id: number;
  filename: string;
  content_type: string;
  size: number;
  file_sha256: string;
  uploaded_by: number | null;
  created_at: Timestamp;
}

export interface InvitationTable {
  id: Generated<number>;
  meeting_id: number;
  user_id: number | null;
  person_id: number | null;
  channel: 'email' | 'sms' | 'post' | 'phone' | null;
  token_hash: string | null;
  response: Generated<RsvpResponse>;
  access_needs: string | null;
  responded_at: Timestamp | null;
  sent_at: Timestamp | null;
  created_at: Timestamp;
}

export interface AttendanceTable {
  id: Generated<number>;
  meeting_id: number;
  invitation_id: number | null;
  user_id: number | null;
  person_id: number | null;
  walk_in_name: string | null;
  role: AttendanceRole;
  status: AttendanceStatus;
  recorded_by: number | null;
  recorded_at: Timestamp;
}

export interface MeetingActionTable {
  id: Generated<number>;
  series_id: number;
  meeting_id: number | null;
  agenda_item_id: number | null;
  description: string;
  owner_user_id: number | null;
  owner_person_id: number | null;
  due_on: DateOnly | null;
  status: ActionStatus;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface MeetingDatabase {
  files: FileTable;
  outbox_attachments: OutboxAttachmentTable;
  venues: VenueTable;
  meeting_series: MeetingSeriesTable;
  series_members: SeriesMemberTable;
  meetings: MeetingTable;
  agenda_items: AgendaItemTable;
  meeting_papers: MeetingPaperTable;
  invitations: InvitationTable;
  attendance: AttendanceTable;
  meeting_actions: MeetingActionTable;
}

export type Venue = Selectable<VenueTable>;
export type MeetingSeries = Selectable<MeetingSeriesTable>;
export type Meeting = Selectable<MeetingTable>;
export type AgendaItem = Selectable<AgendaItemTable>;
export type Invitation = Selectable<InvitationTable>;
export type MeetingAction = Selectable<MeetingActionTable>;
