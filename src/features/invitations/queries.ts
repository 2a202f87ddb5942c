import { sql, type ExpressionBuilder, type Kysely, type SqlBool, type Expression, type Transaction } from 'kysely';
import type { Database, Invitation } from '../../platform/db/types.ts';
import { contactableWhere } from '../people/service.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Who an invitation is for: someone in the register, or a staff user. */
export type InviteeKind = 'person' | 'user';

// ---- The meeting, as the RSVP page and the messages describe it (no sign-in: read directly)

export interface MeetingRow {
  id: number;
  series_id: number;
  series_name: string;
  unit_id: number;
  title: string | null;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'cancelled';
  online_url: string | null;
  capacity: number | null;
  venue_name: string | null;
  venue_address: string | null;
  step_free: number | null;
  hearing_loop: number | null;
  parking: number | null;
  public_transport: number | null;
  quiet_room: number | null;
  venue_notes: string | null;
  updated_at: string;
}

export async function meetingById(db: Executor, meetingId: number): Promise<MeetingRow | undefined> {
  return db
    .selectFrom('meetings as m')
    .innerJoin('meeting_series as s', 's.id', 'm.series_id')
    .leftJoin('venues as v', 'v.id', 'm.venue_id')
    .select([
      'm.id',
      'm.series_id',
      's.name as series_name',
      's.unit_id',
      'm.title',
      'm.starts_at',
      'm.ends_at',
      'm.status',
      'm.online_url',
      'm.capacity',
      'v.name as venue_name',
      'v.address as venue_address',
      'v.step_free',
      'v.hearing_loop',
      'v.parking',
      'v.public_transport',
      'v.quiet_room',
      'v.notes as venue_notes',
      'm.updated_at',
    ])
    .where('m.id', '=', meetingId)
    .executeTakeFirst();
}

// ---- The invite list: the series' members and the people invited to this meeting only

/** Every invitee of the meeting once, as (kind, invitee_id): the series' members and this meeting's invitation rows. */
function inviteeKeys(db: Executor, seriesId: number, meetingId: number) {
  const members = db
    .selectFrom('series_members')
    .select([sql<InviteeKind>`case when series_members.person_id is null then 'user' else 'person' end`.as('kind'), sql<number>`coalesce(series_members.person_id, series_members.user_id)`.as('invitee_id')])
    .where('series_members.series_id', '=', seriesId);
  const invited = db
    .selectFrom('invitations')
    .select([sql<InviteeKind>`case when invitations.person_id is null then 'user' else 'person' end`.as('kind'), sql<number>`coalesce(invitations.person_id, invitations.user_id)`.as('invitee_id')])
    .where('invitations.meeting_id', '=', meetingId);
  // UNION (not ALL): someone who is both a member and has an invitation row appears once.
  return members.union(invited);
}

/** The invite list with everything the page and the send need, joined to the invitee's details. */
function inviteeList(db: Executor, seriesId: number, meetingId: number) {
  return db
    .selectFrom(inviteeKeys(db, seriesId, meetingId).as('k'))
    .leftJoin('invitations as i', (join) =>
      join
        .on('i.meeting_id', '=', meetingId)
        .on((eb) => eb.or([eb.and([eb('k.kind', '=', 'person'), eb('i.person_id', '=', eb.ref('k.invitee_id'))]), eb.and([eb('k.kind', '=', 'user'), eb('i.user_id', '=', eb.ref('k.invitee_id'))])])),
    )
    .leftJoin('people', (join) => join.on('k.kind', '=', 'person').onRef('people.id', '=', 'k.invitee_id'))
    .leftJoin('org_units as pu', 'pu.id', 'people.unit_id')
    .leftJoin('users as u', (join) => join.on('k.kind', '=', 'user').onRef('u.id', '=', 'k.invitee_id'));
}

const sortName = sql<string>`lower(coalesce(people.full_name, u.name, ''))`;

/** The register's rule for who may be contacted, inside a query that joins `people` under that name. */
function contactable(eb: unknown): Expression<SqlBool> {
  return contactableWhere(eb as ExpressionBuilder<Database, 'people'>);
}

/** Can a message reach them at all (the outbox falls back to email when the preferred channel has no details)? */
const reachable = sql<number>`case
  when k.kind = 'user' then case when u.disabled_at is null and u.email is not null then 1 else 0 end
  when people.erased_at is not null then 0
  when people.email is not null then 1
  when people.preferred_channel in ('sms', 'phone') and people.phone is not null then 1
  when people.preferred_channel = 'post' and (people.address is not null or people.postcode is not null) then 1
  else 0 end`;

export interface InviteeRow {
  kind: InviteeKind;
  invitee_id: number;
  sort_name: string;
  is_member: number;
  invitation_id: number | null;
  channel: Invitation['channel'];
  response: Invitation['response'] | null;
  access_needs: string | null;
  responded_at: string | null;
  sent_at: string | null;
  // A person's details
  full_name: string | null;
  preferred_name: string | null;
  anonymity: 'full_name' | 'first_name' | 'initials' | 'anonymous' | null;
  erased_at: string | null;
  person_unit_path: string | null;
  preferred_channel: 'email' | 'sms' | 'post' | 'phone' | null;
  format: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  contactable: number;
  reachable: number;
  // A staff user's details
  user_name: string | null;
  user_email: string | null;
}

/** One page of the invite list in name order (keyset on the lower-cased name, kind and id). */
export async function invitees(
  db: Executor,
  opts: { seriesId: number; meetingId: number; after?: { name: string; kind: InviteeKind; id: number } | undefined; limit: number; only?: 'post' },
): Promise<InviteeRow[]> {
  let q = inviteeList(db, opts.seriesId, opts.meetingId)
    .select((eb) => [
      'k.kind',
      'k.invitee_id',
      sortName.as('sort_name'),
      eb
        .case()
        .when(
          eb.exists(
            eb
              .selectFrom('series_members as sm')
              .select('sm.id')
              .where('sm.series_id', '=', opts.seriesId)
              .where((e) => e.or([e.and([e('k.kind', '=', 'person'), e('sm.person_id', '=', e.ref('k.invitee_id'))]), e.and([e('k.kind', '=', 'user'), e('sm.user_id', '=', e.ref('k.invitee_id'))])])),
          ),
        )
        .then(1)
        .else(0)
        .end()
        .as('is_member'),
      'i.id as invitation_id',
      'i.channel',
      'i.response',
      'i.access_needs',
      'i.responded_at',
      'i.sent_at',
      'people.full_name',
      'people.preferred_name',
      'people.anonymity',
      'people.erased_at',
      'pu.path as person_unit_path',
      'people.preferred_channel',
      'people.format',
      'people.email',
      'people.phone',
      'people.address',
      'people.postcode',
      eb.case().when(contactable(eb)).then(1).else(0).end().as('contactable'),
      reachable.as('reachable'),
      'u.name as user_name',
      'u.email as user_email',
    ])
    .orderBy(sortName)
    .orderBy('k.kind')
    .orderBy('k.invitee_id')
    .limit(opts.limit);
  if (opts.only === 'post') q = q.where('i.channel', '=', 'post').where('i.sent_at', 'is not', null);
  const after = opts.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb(sortName, '>', after.name),
        eb.and([eb(sortName, '=', after.name), eb('k.kind', '>', after.kind)]),
        eb.and([eb(sortName, '=', after.name), eb('k.kind', '=', after.kind), eb('k.invitee_id', '>', after.id)]),
      ]),
    );
  }
  return (await q.execute()) as InviteeRow[];
}

/** The lower-cased name the list sorts by, for the invitee a page ends with (the cursor holds only kind and id). */
export async function inviteeSortName(db: Executor, kind: InviteeKind, id: number): Promise<string | undefined> {
  const row =
    kind === 'person'
      ? await db.selectFrom('people').select(sql<string>`lower(coalesce(people.full_name, ''))`.as('n')).where('id', '=', id).executeTakeFirst()
      : await db.selectFrom('users').select(sql<string>`lower(coalesce(users.name, ''))`.as('n')).where('id', '=', id).executeTakeFirst();
  return row?.n;
}

export interface InviteCounts {
  total: number;
  sent: number;
  in_person: number;
  online: number;
  apologies: number;
  /** Not sent yet, and can be sent now (consent and contact details). */
  to_send: number;
  /** Not sent yet, and will be skipped: no consent to contact, or no way to reach them. */
  blocked: number;
  /** Sent by post: letters for the lead to print. */
  letters: number;
}

export async function inviteCounts(db: Executor, seriesId: number, meetingId: number): Promise<InviteCounts> {
  const n = (e: ReturnType<typeof sql<number>>) => sql<number>`coalesce(sum(${e}), 0)`;
  const row = await inviteeList(db, seriesId, meetingId)
    .select((eb) => {
      const canContact = eb.or([eb('k.kind', '=', 'user'), contactable(eb)]);
      const sendable = eb.and([canContact, eb(reachable, '=', 1)]);
      return [
        eb.fn.countAll<number>().as('total'),
        n(sql`case when i.sent_at is not null then 1 else 0 end`).as('sent'),
        n(sql`case when i.response = 'in_person' then 1 else 0 end`).as('in_person'),
        n(sql`case when i.response = 'online' then 1 else 0 end`).as('online'),
        n(sql`case when i.response = 'apologies' then 1 else 0 end`).as('apologies'),
        n(sql`case when i.sent_at is null and ${sendable} then 1 else 0 end`).as('to_send'),
        n(sql`case when i.sent_at is null and not (${sendable}) then 1 else 0 end`).as('blocked'),
        n(sql`case when i.sent_at is not null and i.channel = 'post' then 1 else 0 end`).as('letters'),
      ];
    })
    .executeTakeFirstOrThrow();
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as InviteCounts;
}

// ---- Changing the list

export async function invitationFor(db: Executor, meetingId: number, who: { kind: InviteeKind; id: number }): Promise<Invitation | undefined> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .where(who.kind === 'person' ? 'person_id' : 'user_id', '=', who.id)
    .executeTakeFirst();
}

export async function isSeriesMember(db: Executor, seriesId: number, who: { kind: InviteeKind; id: number }): Promise<boolean> {
  const row = await db
    .selectFrom('series_members')
    .select('id')
    .where('series_id', '=', seriesId)
    .where(who.kind === 'person' ? 'person_id' : 'user_id', '=', who.id)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertInvitation(db: Executor, meetingId: number, who: { kind: InviteeKind; id: number }, now: string): Promise<number> {
  const { id } = await db
    .insertInto('invitations')
    .values({ meeting_id: meetingId, person_id: who.kind === 'person' ? who.id : null, user_id: who.kind === 'user' ? who.id : null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function invitationById(db: Executor, meetingId: number, id: number): Promise<Invitation | undefined> {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).where('meeting_id', '=', meetingId).executeTakeFirst();
}

export async function deleteInvitation(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('invitations').where('id', '=', id).execute();
}

/** Staff users who may be invited: not disabled, holding a staff role somewhere. Short lists are a select; long ones searched. */
export async function staffToChoose(db: Executor, opts: { search?: string | undefined; limit: number }) {
  let q = db
    .selectFrom('users')
    .select(['users.id', 'users.name', 'users.email'])
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('role_grants as g').select('g.id').whereRef('g.user_id', '=', 'users.id').where('g.role', '!=', 'partner')))
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(opts.limit);
  if (opts.search) {
    const like = `%${opts.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`(lower(users.name) like ${like} escape '\\' or lower(users.email) like ${like} escape '\\')`);
  }
  return q.execute();
}

export async function countStaff(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('role_grants as g').select('g.id').whereRef('g.user_id', '=', 'users.id').where('g.role', '!=', 'partner')))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function staffUser(db: Executor, id: number) {
  return db
    .selectFrom('users')
    .select(['users.id', 'users.name', 'users.email'])
    .where('users.id', '=', id)
    .where('users.disabled_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('role_grants as g').select('g.id').whereRef('g.user_id', '=', 'users.id').where('g.role', '!=', 'partner')))
    .executeTakeFirst();
}

// ---- Sending

/** The series' members who have no invitation row for the meeting yet. */
export async function membersWithoutInvitation(db: Executor, seriesId: number, meetingId: number): Promise<{ kind: InviteeKind; id: number }[]> {
  const rows = await db
    .selectFrom('series_members as sm')
    .select(['sm.person_id', 'sm.user_id'])
    .distinct()
    .where('sm.series_id', '=', seriesId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('invitations as i')
            .select('i.id')
            .where('i.meeting_id', '=', meetingId)
            .where((e) => e.or([e('i.person_id', '=', e.ref('sm.person_id')), e('i.user_id', '=', e.ref('sm.user_id'))])),
        ),
      ),
    )
    .execute();
  return rows.map((r) => (r.person_id != null ? { kind: 'person' as const, id: r.person_id } : { kind: 'user' as const, id: r.user_id as number }));
}

/** Takes the meeting's row lock (PostgreSQL) so two sends at once cannot both add member rows or send twice. */
export async function lockMeeting(trx: Transaction<Database>, meetingId: number): Promise<void> {
  await trx
    .updateTable('meetings')
    .set((eb) => ({ invitations_sent_at: eb.ref('invitations_sent_at') }))
    .where('id', '=', meetingId)
    .execute();
}

/** Invitations not sent yet, with who they are for. */
export async function unsentInvitations(trx: Transaction<Database>, meetingId: number) {
  return trx
    .selectFrom('invitations as i')
    .leftJoin('people', 'people.id', 'i.person_id')
    .leftJoin('users as u', 'u.id', 'i.user_id')
    .select((eb) => [
      'i.id',
      'i.person_id',
      'i.user_id',
      'people.full_name',
      'people.preferred_name',
      'people.preferred_channel',
      'people.format',
      'people.email',
      'people.phone',
      'people.address',
      'people.postcode',
      'people.erased_at',
      eb.case().when(contactable(eb)).then(1).else(0).end().as('contactable'),
      'u.name as user_name',
      'u.email as user_email',
      'u.disabled_at as user_disabled_at',
    ])
    .where('i.meeting_id', '=', meetingId)
    .where('i.sent_at', 'is', null)
    .orderBy('i.id')
    .execute();
}

export async function markSent(trx: Transaction<Database>, id: number, values: { channel: NonNullable<Invitation['channel']>; tokenHash: string; sentAt: string }): Promise<void> {
  await trx.updateTable('invitations').set({ channel: values.channel, token_hash: values.tokenHash, sent_at: values.sentAt }).where('id', '=', id).where('sent_at', 'is', null).execute();
}

export async function setMeetingSent(trx: Transaction<Database>, meetingId: number, at: string): Promise<void> {
  await trx.updateTable('meetings').set({ invitations_sent_at: at }).where('id', '=', meetingId).execute();
}

/** The outbox message of each invitation (by its idempotency key), for the letters' pages. */
export async function outboxByKeys(db: Executor, keys: string[]): Promise<Map<string, { id: number; status: string }>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('outbox').select(['id', 'idempotency_key', 'status']).where('idempotency_key', 'in', keys).execute();
  return new Map(rows.map((r) => [r.idempotency_key, { id: r.id, status: r.status }]));
}

// ---- Answering

export async function invitationByTokenHash(db: Executor, tokenHash: string): Promise<Invitation | undefined> {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function saveAnswer(db: Executor, id: number, tokenHash: string, values: { response: Invitation['response']; accessNeeds: string | null; at: string }): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ response: values.response, access_needs: values.accessNeeds, responded_at: values.at })
    .where('id', '=', id)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
