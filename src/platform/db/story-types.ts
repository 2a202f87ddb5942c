import type { Generated, Selectable } from 'kysely';

/** Feedback stories, responses, team discussions, safeguarding contacts and follows (migration 015). */
type Timestamp = string;
type DateOnly = string;
type Flag = number;

/** Told on the public form, or entered by staff from paper, a phone call, an email or a workshop. */
export const STORY_SOURCES = ['online', 'paper', 'phone', 'email', 'workshop'] as const;
export const TELLER_ROLES = ['patient', 'carer', 'relative', 'other'] as const;
/** How the teller wants to be named where the story is shown. */
export const NAMINGS = ['full_name', 'first_name', 'initials', 'anonymous'] as const;
/**
 * new → published | held | rejected (held can go on to either). A published story goes to the
 * teams it is about; the public site shows it only when the teller consented to publication.
 */
export const STORY_STATUSES = ['new', 'held', 'published', 'rejected'] as const;
/** What a response records: nothing changed (yet), a change planned, or a change made. */
export const CHANGE_KINDS = ['none', 'planned', 'made'] as const;
export const DIGEST_FREQUENCIES = ['daily', 'weekly', 'off'] as const;

export type StorySource = (typeof STORY_SOURCES)[number];
export type TellerRole = (typeof TELLER_ROLES)[number];
export type Naming = (typeof NAMINGS)[number];
export type StoryStatus = (typeof STORY_STATUSES)[number];
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export interface StoryTable {
  id: Generated<number>;
  unit_id: number;
  source: StorySource;
  entered_by: number | null;
  teller_role: TellerRole;
  /** The original, as told: moderators only, null once erased. */
  title: string | null;
  body: string | null;
  good: string | null;
  better: string | null;
  teller_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  consent_publish: Flag;
  naming: Naming;
  /** The moderated version that teams and (with consent) the public read. */
  public_title: string;
  public_body: string;
  public_good: string | null;
  public_better: string | null;
  public_name: string;
  status: StoryStatus;
  status_reason: string | null;
  moderated_by: number | null;
  moderated_at: Timestamp | null;
  published_at: Timestamp | null;
  safeguarding_at: Timestamp | null;
  safeguarding_note: string | null;
  safeguarding_by: number | null;
  received_at: Timestamp;
  updated_at: Timestamp;
  erased_at: Timestamp | null;
}

export interface StoryUnitTable {
  story_id: number;
  unit_id: number;
}

export interface StoryTagTable {
  story_id: number;
  tag: string;
}

export interface StoryResponseTable {
  id: Generated<number>;
  story_id: number;
  user_id: number | null;
  responder_role: string;
  body: string;
  change: ChangeKind;
  change_description: string | null;
  project_id: number | null;
  change_idea_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StoryDiscussionTable {
  id: Generated<number>;
  unit_id: number;
  held_on: DateOnly;
  attendees: string;
  attendee_count: number;
  learning: string;
  actions: string | null;
  recorded_by: number | null;
  created_at: Timestamp;
}

export interface StoryDiscussionStoryTable {
  discussion_id: number;
  story_id: number;
}

export interface SafeguardingContactTable {
  unit_id: number;
  name: string;
  email: string;
  updated_by: number | null;
  updated_at: Timestamp;
}

export interface StoryFollowTable {
  id: Generated<number>;
  user_id: number;
  /** A unit and every unit below it; or, when null, the tag. */
  unit_id: number | null;
  tag: string | null;
  created_at: Timestamp;
}

export interface StoryDigestSettingTable {
  user_id: number;
  frequency: DigestFrequency;
  last_sent_at: Timestamp | null;
  last_seen_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface StoryDatabase {
  stories: StoryTable;
  story_units: StoryUnitTable;
  story_tags: StoryTagTable;
  story_responses: StoryResponseTable;
  story_discussions: StoryDiscussionTable;
  story_discussion_stories: StoryDiscussionStoryTable;
  safeguarding_contacts: SafeguardingContactTable;
  story_follows: StoryFollowTable;
  story_digest_settings: StoryDigestSettingTable;
}

export type Story = Selectable<StoryTable>;
export type StoryResponse = Selectable<StoryResponseTable>;
export type StoryDiscussion = Selectable<StoryDiscussionTable>;
