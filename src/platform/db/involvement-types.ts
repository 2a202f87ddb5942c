import type { ColumnType, Generated, Selectable } from 'kysely';

/** The involvement register (migration 007). Vocabularies here are the codes stored in the database. */
type Timestamp = string;
/** A calendar date, YYYY-MM-DD. */
type DateOnly = string;

export const FORMATS = ['standard', 'large_print', 'easy_read', 'audio', 'other_language'] as const;
export const RELATIONSHIPS = ['service_user', 'carer', 'both', 'volunteer', 'governor', 'staff'] as const;
export const ANONYMITY = ['full_name', 'first_name', 'initials', 'anonymous'] as const;
export const PAYMENT_PREFERENCES = ['involvement_rate', 'vouchers', 'expenses_only', 'none'] as const;
export const HEARD_VIA = ['stall', 'event', 'care_coordinator', 'website', 'word_of_mouth', 'other'] as const;
export const PERSON_STATUSES = ['enquiry', 'contacted', 'induction', 'active', 'paused', 'left'] as const;
export const ACCESS_NEEDS = ['step_free', 'hearing_loop', 'bsl_interpreter', 'language_interpreter', 'quiet_room', 'support_worker'] as const;
/** Days and parts of days someone is free, e.g. "tue_pm". */
export const AVAILABILITY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].flatMap((d) => [`${d}_am`, `${d}_pm`, `${d}_eve`]);
/** Kinds of many-valued answers held in person_attributes / opportunity_attributes. */
export const ATTRIBUTE_KINDS = ['access_need', 'interest', 'skill', 'availability', 'relationship'] as const;
export const CONSENT_KINDS = ['contact', 'hold_details', 'named', 'photos', 'quotes'] as const;
export const CONSENT_METHODS = ['written', 'verbal', 'online', 'email', 'phone'] as const;

export const GROUP_ROLES = ['chair', 'co_chair', 'member', 'coordinator'] as const;
export const CANDIDATE_STAGES = ['enquiry', 'conversation', 'application', 'induction', 'member'] as const;
export const OUTREACH_KINDS = ['stall', 'community_event', 'meeting', 'talk', 'other'] as const;

export const OPPORTUNITY_STATUSES = ['open', 'filled', 'closed'] as const;
export const MATCH_STATUSES = ['interested', 'suggested', 'offered', 'accepted', 'declined', 'started', 'ended', 'withdrawn'] as const;
export const MATCH_SOURCES = ['interest', 'suggestion', 'public_form'] as const;
export const ACTIVITY_KINDS = ['project', 'group', 'opportunity', 'meeting', 'training', 'other'] as const;

export type Format = (typeof FORMATS)[number];
export type PersonStatus = (typeof PERSON_STATUSES)[number];
export type AttributeKind = (typeof ATTRIBUTE_KINDS)[number];
export type ConsentKind = (typeof CONSENT_KINDS)[number];
export type MatchStatus = (typeof MATCH_STATUSES)[number];

export interface PersonTable {
  id: Generated<number>;
  /** The unit whose register holds the person: staff see people through the units they work in. */
  unit_id: number;
  /** The person's partner account, if they have one (self-service). */
  user_id: number | null;
  full_name: string;
  preferred_name: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  preferred_channel: 'email' | 'sms' | 'post' | 'phone';
  format: Format;
  /** Which language, when format is other_language. */
  format_language: string | null;
  access_needs_other: string | null;
  relationship: (typeof RELATIONSHIPS)[number];
  services_known: string | null;
  availability_notes: string | null;
  anonymity: (typeof ANONYMITY)[number];
  payment_preference: (typeof PAYMENT_PREFERENCES)[number];
  heard_via: (typeof HEARD_VIA)[number] | null;
  outreach_event_id: number | null;
  status: PersonStatus;
  notes: string | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Set when the person was erased: personal fields are blanked, the row keeps counts right. */
  erased_at: Timestamp | null;
  /** The finance system's payee or supplier number (migration 013); never bank details. */
  payee_reference: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PersonAttributeTable {
  id: Generated<number>;
  person_id: number;
  kind: AttributeKind;
  value: string;
}

export interface PersonStatusHistoryTable {
  id: Generated<number>;
  person_id: number;
  status: PersonStatus;
  changed_at: Timestamp;
  changed_by: number | null;
}

export interface ConsentTable {
  id: Generated<number>;
  person_id: number;
  kind: ConsentKind;
  /** 1 given, 0 withdrawn or refused. The latest row per person and kind holds. */
  given: number;
  method: (typeof CONSENT_METHODS)[number];
  note: string | null;
  recorded_at: Timestamp;
  recorded_by: number | null;
}

export interface PersonEqualityTable {
  person_id: number;
  age_band: string | null;
  gender: string | null;
  ethnicity: string | null;
  disability: string | null;
  sexual_orientation: string | null;
  religion: string | null;
  updated_at: Timestamp;
}

export interface SavedFilterTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** The register's query string, e.g. "status=active&interest=mental_health". */
  query: string;
  created_at: Timestamp;
}

export interface GroupTable {
  id: Generated<number>;
  unit_id: number;
  name: string;
  purpose: string | null;
  terms_of_reference: string | null;
  cadence: string | null;
  created_at: Timestamp;
  archived_at: Timestamp | null;
}

export interface GroupMemberTable {
  id: Generated<number>;
  group_id: number;
  person_id: number;
  role: (typeof GROUP_ROLES)[number];
  joined_on: DateOnly;
  left_on: DateOnly | null;
}

export interface RecruitmentCampaignTable {
  id: Generated<number>;
  unit_id: number;
  group_id: number | null;
  programme: string | null;
  title: string;
  target_size: number;
  starts_on: DateOnly;
  ends_on: DateOnly | null;
  created_at: Timestamp;
}

export interface CampaignCandidateTable {
  id: Generated<number>;
  campaign_id: number;
  person_id: number;
  stage: (typeof CANDIDATE_STAGES)[number];
  entered_on: DateOnly;
  stage_changed_on: DateOnly;
  /** When the candidate reached "member": lead time is member_on − entered_on. */
  member_on: DateOnly | null;
}

export interface RecruitmentWorkTable {
  id: Generated<number>;
  campaign_id: number;
  on_date: DateOnly;
  activity: string;
  minutes: number;
  outreach_event_id: number | null;
  recorded_by: number | null;
  created_at: Timestamp;
}

export interface OutreachEventTable {
  id: Generated<number>;
  unit_id: number;
  on_date: DateOnly;
  kind: (typeof OUTREACH_KINDS)[number];
  title: string;
  place: string | null;
  /** Who went from the trust (free text: names or roles). */
  who_went: string | null;
  people_spoken_to: number;
  notes: string | null;
  campaign_id: number | null;
  created_by: number | null;
  created_at: Timestamp;
}

export interface OpportunityTable {
  id: Generated<number>;
  unit_id: number;
  project_id: number | null;
  group_id: number | null;
  title: string;
  description: string;
  when_where: string | null;
  time_commitment: string | null;
  places: number;
  lived_experience: string | null;
  payment_offered: (typeof PAYMENT_PREFERENCES)[number];
  closes_on: DateOnly | null;
  /** 1: listed on the public page without signing in. */
  is_public: number;
  status: (typeof OPPORTUNITY_STATUSES)[number];
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  filled_at: Timestamp | null;
}

export interface OpportunityAttributeTable {
  id: Generated<number>;
  opportunity_id: number;
  /** interest / availability / access_need (what the venue meets) / relationship (lived experience wanted). */
  kind: AttributeKind;
  value: string;
}

export interface MatchTable {
  id: Generated<number>;
  opportunity_id: number;
  person_id: number;
  status: MatchStatus;
  source: (typeof MATCH_SOURCES)[number];
  score: number | null;
  /** Why the person was suggested, as JSON (a list of reason codes with values). */
  reasons: string | null;
  /** sha256 of the accept/decline link's token; the link needs no sign-in. */
  response_token_hash: string | null;
  response_expires_at: Timestamp | null;
  project_member_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  offered_at: Timestamp | null;
  responded_at: Timestamp | null;
  started_on: DateOnly | null;
  ended_on: DateOnly | null;
}

export interface InvolvementActivityTable {
  id: Generated<number>;
  person_id: number;
  on_date: DateOnly;
  kind: (typeof ACTIVITY_KINDS)[number];
  description: string;
  minutes: number;
  project_id: number | null;
  group_id: number | null;
  opportunity_id: number | null;
  recorded_by: number | null;
  created_at: Timestamp;
}

/** An uploaded register between the import's steps (migration 009). */
export interface PeopleImportTable {
  id: Generated<number>;
  user_id: number;
  unit_id: number;
  file_name: string;
  row_count: number;
  data: string;
  mapping: string | null;
  result: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  imported_at: Timestamp | null;
}

export interface InvolvementDatabase {
  people_imports: PeopleImportTable;
  people: PersonTable;
  person_attributes: PersonAttributeTable;
  person_status_history: PersonStatusHistoryTable;
  consents: ConsentTable;
  person_equality: PersonEqualityTable;
  saved_filters: SavedFilterTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  recruitment_campaigns: RecruitmentCampaignTable;
  campaign_candidates: CampaignCandidateTable;
  recruitment_work: RecruitmentWorkTable;
  outreach_events: OutreachEventTable;
  opportunities: OpportunityTable;
  opportunity_attributes: OpportunityAttributeTable;
  matches: MatchTable;
  involvement_activities: InvolvementActivityTable;
}

export type Person = Selectable<PersonTable>;
export type Opportunity = Selectable<OpportunityTable>;
export type Match = Selectable<MatchTable>;
