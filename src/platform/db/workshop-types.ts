import type { Generated, Selectable } from 'kysely';

/** Workshops, challenges, votes, promises, supporters and check-ins (migration 016). */
type Timestamp = string;
type DateOnly = string;
type Flag = number;

/** Voting opens at the workshop and closes with a winner. */
export const VOTING_STATES = ['not_open', 'open', 'closed'] as const;
/** A promise's progress, as the participant last said at a check-in. */
export const PROMISE_PROGRESS = ['not_yet', 'in_progress', 'kept'] as const;

export type VotingState = (typeof VOTING_STATES)[number];
export type PromiseProgress = (typeof PROMISE_PROGRESS)[number];

export interface WorkshopTable {
  id: Generated<number>;
  unit_id: number;
  title: string;
  held_on: DateOnly;
  venue: string | null;
  programme: string | null;
  voting: VotingState;
  winning_challenge_id: number | null;
  progress_public: Generated<Flag>;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkshopChallengeTable {
  id: Generated<number>;
  workshop_id: number;
  title: string;
  description: string | null;
  position: Generated<number>;
}

export interface WorkshopParticipantTable {
  id: Generated<number>;
  workshop_id: number;
  user_id: number;
  added_at: Timestamp;
}

export interface WorkshopVoteTable {
  participant_id: number;
  workshop_id: number;
  challenge_id: number;
  voted_at: Timestamp;
}

export interface PromiseTable {
  id: Generated<number>;
  workshop_id: number;
  participant_id: number;
  text: string;
  shared: Generated<Flag>;
  check_in_on: DateOnly;
  progress: PromiseProgress;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PromiseSupporterTable {
  id: Generated<number>;
  participant_id: number;
  /** A named supporter; or, when null, the involvement group. */
  user_id: number | null;
  group_id: number | null;
  assigned_by: number | null;
  assigned_at: Timestamp;
}

export interface PromiseEncouragementTable {
  id: Generated<number>;
  promise_id: number;
  from_user_id: number | null;
  message: string;
  created_at: Timestamp;
}

export interface PromiseCheckInTable {
  id: Generated<number>;
  promise_id: number;
  progress: PromiseProgress;
  note: string | null;
  recorded_at: Timestamp;
}

export interface WorkshopDatabase {
  workshops: WorkshopTable;
  workshop_challenges: WorkshopChallengeTable;
  workshop_participants: WorkshopParticipantTable;
  workshop_votes: WorkshopVoteTable;
  promises: PromiseTable;
  promise_supporters: PromiseSupporterTable;
  promise_encouragements: PromiseEncouragementTable;
  promise_check_ins: PromiseCheckInTable;
}

export type Workshop = Selectable<WorkshopTable>;
export type WorkshopChallenge = Selectable<WorkshopChallengeTable>;
export type WorkshopParticipant = Selectable<WorkshopParticipantTable>;
export type WorkshopPromise = Selectable<PromiseTable>;
