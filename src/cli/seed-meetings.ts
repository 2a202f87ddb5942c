import { currentMonth } from '../features/projects/service.ts';
import { nowIso, type Db } from '../platform/db/index.ts';
import type { AttendanceRole, OrgUnit } from '../platform/db/types.ts';

/**
 * The demo forum (issue 6): the Tower Hamlets QI Forum, co-chaired by the involvement lead and a
 * service user, meeting monthly for a year at an accessible venue, with agendas that bring the demo
 * projects, attendance where service users and carers grow from a few to half the room, approved
 * minutes and actions (some overdue), and next month's meeting ready to send invitations for.
 */

export const DEMO_FORUM = { name: 'Tower Hamlets QI Forum', unit: 'Tower Hamlets' };

const PAST_MEETINGS = 12;

/** 2pm London on the second Tuesday of a month some months from now (negative: ago), as UTC. */
function secondTuesdayAt2pm(monthOffset: number): { starts: string; ends: string } {
  const [y, m] = currentMonth().split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1 + monthOffset, 1));
  const day = 1 + ((2 - first.getUTCDay() + 7) % 7) + 7;
  const noonUtc = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), day, 12));
  // London is UTC+1 in summer: 2pm there is 13:00 UTC, in winter 14:00 UTC.
  const londonHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(noonUtc));
  const startsMs = noonUtc.getTime() + (14 - londonHour) * 3_600_000;
  return { starts: new Date(startsMs).toISOString(), ends: new Date(startsMs + 2 * 3_600_000).toISOString() };
}

/** Adds the demo forum when it is not there yet; returns how many meetings were added. */
export async function seedMeetingsDemo(db: Db, units: Map<string, OrgUnit>, users: Map<string, number>): Promise<number> {
  const unit = units.get(DEMO_FORUM.unit);
  if (!unit) throw new Error(`demo forum unit ${DEMO_FORUM.unit} is missing`);
  const exists = await db.selectFrom('meeting_series').select('id').where('unit_id', '=', unit.id).where('name', '=', DEMO_FORUM.name).executeTakeFirst();
  if (exists) return 0;
  const lead = users.get('lead@demo.example.org') ?? null;
  const qi = users.get('qi@demo.example.org') ?? null;
  const people = new Map((await db.selectFrom('people').select(['id', 'full_name', 'relationship']).where('erased_at', 'is', null).execute()).map((p) => [p.full_name, p]));
  const projects = await db.selectFrom('projects').select(['id', 'title']).orderBy('id').execute();
  const now = nowIso();
  let added = 0;

  await db.transaction().execute(async (trx) => {
    const { id: venueId } = await trx
      .insertInto('venues')
      .values({ unit_id: unit.id, name: 'Community Room, Mile End Hospital', address: 'Bancroft Road, London E1 4DG', step_free: 1, hearing_loop: 1, parking: 0, public_transport: 1, quiet_room: 1, notes: 'Lift to the first floor. Quiet room next door. Mile End station is a 5 minute walk.', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: seriesId } = await trx
      .insertInto('meeting_series')
      .values({ unit_id: unit.id, name: DEMO_FORUM.name, kind: 'qi_forum', purpose: 'Project teams bring their ideas, challenges and progress to people with lived experience, who shape what happens next.', cadence: 'Monthly, second Tuesday, 2pm to 4pm', usual_venue_id: venueId, project_id: null, created_by: lead, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();

    const staff = [lead, qi].filter((u): u is number => u !== null);
    const partners = ['Rahima Khatun', 'Maryam Begum', 'Olivia Brennan', 'Thomas Reilly', 'Joseph Adeyemi', 'Peter Lindqvist'].map((n) => people.get(n)).filter((p) => p !== undefined);
    await trx
      .insertInto('series_members')
      .values([
        ...staff.map((userId, i) => ({ series_id: seriesId, user_id: userId, person_id: null, role: i === 0 ? ('co_chair' as const) : ('member' as const), created_at: now })),
        ...partners.map((p, i) => ({ series_id: seriesId, user_id: null, person_id: p.id, role: i === 0 ? ('co_chair' as const) : ('member' as const), created_at: now })),
      ])
      .execute();

    const roleOf = (relationship: string): AttendanceRole => (relationship === 'carer' ? 'carer' : relationship === 'service_user' || relationship === 'both' ? 'service_user' : 'other');
    let previous: number | null = null;
    for (let ago = PAST_MEETINGS; ago >= -1; ago--) {
      const { starts, ends } = secondTuesdayAt2pm(-ago);
      const held = Date.parse(ends) < Date.now();
      const { id: meetingId } = await trx
        .insertInto('meetings')
        .values({
          series_id: seriesId,
          title: null,
          starts_at: starts,
          ends_at: ends,
          venue_id: venueId,
          online_url: 'https://meet.example.org/th-qi-forum',
          capacity: 30,
          minutes_status: held ? (ago > 1 ? 'approved' : 'draft') : 'none',
          minutes_published: held && ago > 1 ? 'members' : 'none',
          minutes_approved_at: held && ago > 1 ? starts : null,
          attendance_taken_at: held ? ends : null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Approved minutes were approved at the next meeting.
      if (previous !== null && held && ago >= 1) await trx.updateTable('meetings').set({ minutes_approved_in: meetingId }).where('id', '=', previous).execute();
      added++;

      const project = projects[(PAST_MEETINGS - ago) % Math.max(1, projects.length)];
      const items = [
        { title: 'Welcome, introductions and how we work together', kind: 'welcome' as const, presenter: 'Co-chairs', duration_minutes: 10 },
        { title: 'Minutes and actions from last time', kind: 'minutes_and_actions' as const, presenter: 'Priya Shah', duration_minutes: 15 },
        ...(project ? [{ title: project.title, kind: 'project_slot' as const, presenter: 'The project team', duration_minutes: 40, project_id: project.id, slot_focus: (['ideas', 'challenges', 'progress'] as const)[ago % 3] ?? 'progress' }] : []),
        { title: 'What we heard this month', kind: 'discussion' as const, presenter: 'Rahima Khatun', duration_minutes: 30 },
        { title: 'Any other business', kind: 'any_other_business' as const, presenter: null, duration_minutes: 10 },
      ];
      const itemIds: number[] = [];
      for (const [i, item] of items.entries()) {
        const { id } = await trx
          .insertInto('agenda_items')
          .values({ meeting_id: meetingId, position: i + 1, created_at: now, description: null, ...item, notes: held ? 'Discussed together; views recorded in the decisions.' : null, decisions: held && item.kind === 'project_slot' ? 'The team will test the change with service users’ wording next month.' : null })
          .returning('id')
          .executeTakeFirstOrThrow();
        itemIds.push(id);
      }

      if (held) {
        // Service users and carers: from two at the first meeting to most of the partners a year on.
        const coming = partners.slice(0, Math.min(partners.length, 2 + Math.floor((PAST_MEETINGS - ago) / 2)));
        await trx
          .insertInto('attendance')
          .values([
            ...staff.map((userId) => ({ meeting_id: meetingId, user_id: userId, role: 'staff' as const, status: 'present' as const, recorded_by: lead, recorded_at: ends })),
            ...partners.map((p) => ({ meeting_id: meetingId, person_id: p.id, role: roleOf(p.relationship), status: coming.includes(p) ? ('present' as const) : ('apologies' as const), recorded_by: lead, recorded_at: ends })),
          ])
          .execute();
        const due = new Date(Date.parse(starts) + 28 * 86_400_000).toISOString().slice(0, 10);
        await trx
          .insertInto('meeting_actions')
          .values({
            series_id: seriesId,
            meeting_id: meetingId,
            agenda_item_id: itemIds[2] ?? null,
            description: 'Share the project’s updated chart with the forum',
            owner_user_id: qi ?? lead,
            owner_person_id: null,
            due_on: due,
            // The last few are still open; one of them is overdue.
            status: ago > 3 ? 'done' : 'open',
            created_by: lead,
            created_at: ends,
            updated_at: ends,
            completed_at: ago > 3 ? due : null,
          })
          .execute();
      }
      previous = meetingId;
    }
  });
  return added;
}
