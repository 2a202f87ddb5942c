import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/index.ts';
import { nowIso } from '../../platform/db/index.ts';
import type { AgendaItemTable, Meeting, MeetingSeries, MeetingSeriesTable, MeetingTable, SeriesMemberRole, Venue, VenueTable } from '../../platform/db/types.ts';

/**
 * Records for tests of meetings, invitations, minutes and the dashboard, inserted directly with
 * plain defaults; tests override what they are about.
 */
export async function insertVenue(db: DbHandle, unitId: number, over: Partial<Insertable<VenueTable>> = {}): Promise<Venue> {
  return db.db
    .insertInto('venues')
    .values({ unit_id: unitId, name: 'Room 1, Trust HQ', address: '1 High Street, Luton', step_free: 1, hearing_loop: 1, created_at: nowIso(), ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertSeries(db: DbHandle, unitId: number, over: Partial<Insertable<MeetingSeriesTable>> = {}): Promise<MeetingSeries> {
  return db.db
    .insertInto('meeting_series')
    .values({ unit_id: unitId, name: 'QI Forum', kind: 'qi_forum', purpose: 'Teams bring ideas, challenges and progress', cadence: 'Monthly', created_at: nowIso(), ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A member of a series: staff by user id, or someone in the register by person id. */
export async function addSeriesMember(db: DbHandle, seriesId: number, who: { userId: number } | { personId: number }, role: SeriesMemberRole = 'member'): Promise<number> {
  const { id } = await db.db
    .insertInto('series_members')
    .values({ series_id: seriesId, user_id: 'userId' in who ? who.userId : null, person_id: 'personId' in who ? who.personId : null, role, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** A two-hour meeting of the series; by default a week from now. */
export async function insertMeeting(db: DbHandle, seriesId: number, over: Partial<Insertable<MeetingTable>> = {}): Promise<Meeting> {
  const starts = over.starts_at ?? new Date(Date.now() + 7 * 86_400_000).toISOString();
  const now = nowIso();
  return db.db
    .insertInto('meetings')
    .values({ series_id: seriesId, starts_at: starts, ends_at: new Date(Date.parse(starts) + 2 * 3_600_000).toISOString(), created_at: now, updated_at: now, ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertAgendaItem(db: DbHandle, meetingId: number, over: Partial<Insertable<AgendaItemTable>> = {}): Promise<number> {
  const { id } = await db.db
    .insertInto('agenda_items')
    .values({ meeting_id: meetingId, position: 1, title: 'Welcome and introductions', kind: 'welcome', created_at: nowIso(), ...over })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}
