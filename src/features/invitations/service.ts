import ical, { ICalCalendarMethod } from 'ical-generator';
import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { newSecret, sha256 } from '../../platform/auth/crypto.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import { VENUE_FEATURES, type Channel, type Invitation } from '../../platform/db/types.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { noNul } from '../../platform/http/fields.ts';
import { readFile } from '../../platform/files/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueEmail, enqueueForPerson, type Attachment } from '../../platform/outbox/index.ts';
import { can } from '../../platform/rbac/index.ts';
import { chosenPerson, nameFor, personHref, personPicker } from '../groups/service.ts';
import { agendaDocument, meetingAccess, meetingDetails, meetingPapers, type MeetingAccess } from '../meetings/service.ts';
import * as q from './queries.ts';
import { addPersonSchema, addUserSchema, rsvpSchema, type Answer } from './schemas.ts';

/**
 * Invitations to a meeting and the answers to them (RSVP). The invite list is the series' members
 * plus people invited to this meeting only. Sending writes one message per invitee to the outbox,
 * in their channel and format, each with its own link to answer without signing in. Those who may
 * run the series (meetingAccess 'manage') keep the list and send; anyone with a link may answer.
 */

export const PAGE_SIZE = 100;
/** Random bytes in an answer link: 24 characters, short enough to type from a letter. */
const TOKEN_BYTES = 18;
/** Up to this many staff users, the form offers a select; above it, a search box. */
const STAFF_SELECT_LIMIT = 30;
const STAFF_RESULTS = 50;

export type { InviteCounts, InviteeKind } from './queries.ts';
export { ANSWERS, ACCESS_NEEDS_MAX } from './schemas.ts';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

// ---- How a meeting is described (pages, messages and the calendar entry)

const LONDON = 'Europe/London';
const dayParts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
/** "Tuesday 10 June 2025" (without the comma some ICU versions put after the weekday). */
const dayFormat = {
  format: (d: Date): string =>
    dayParts
      .formatToParts(d)
      .filter((p) => p.type !== 'literal')
      .map((p) => p.value)
      .join(' '),
};
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hour12: true });
const shortFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true });

/** "Tuesday 10 June 2025, 2:00 pm to 4:00 pm" in London (the end day too when it is another day). */
export function whenText(startsAt: string, endsAt: string): string {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const sameDay = dayFormat.format(start) === dayFormat.format(end);
  return t('invitations.when', {
    day: dayFormat.format(start),
    start: timeFormat.format(start),
    end: sameDay ? timeFormat.format(end) : `${dayFormat.format(end)}, ${timeFormat.format(end)}`,
  });
}

/** "10 Jun 2025, 2:15 pm" in London. */
export const shortWhen = (at: string): string => shortFormat.format(new Date(at));

export interface MeetingInfo {
  id: number;
  seriesId: number;
  seriesName: string;
  /** The meeting's own title, or the series' name. */
  name: string;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  when: string;
  cancelled: boolean;
  /** Started already: too late to send invitations. */
  started: boolean;
  /** Ended: too late to answer. */
  ended: boolean;
  onlineUrl: string | null;
  capacity: number | null;
  venue: { name: string; address: string | null; features: string[]; notes: string | null } | null;
}

function describeMeeting(m: q.MeetingRow, now = Date.now()): MeetingInfo {
  return {
    id: m.id,
    seriesId: m.series_id,
    seriesName: m.series_name,
    name: m.title ?? m.series_name,
    startsAt: m.starts_at,
    endsAt: m.ends_at,
    updatedAt: m.updated_at,
    when: whenText(m.starts_at, m.ends_at),
    cancelled: m.status === 'cancelled',
    started: Date.parse(m.starts_at) <= now,
    ended: Date.parse(m.ends_at) <= now,
    onlineUrl: m.online_url,
    capacity: m.capacity,
    venue:
      m.venue_name == null
        ? null
        : {
            name: m.venue_name,
            address: m.venue_address,
            features: VENUE_FEATURES.filter((f) => m[f] === 1).map((f) => t(`invitations.venueFeatures.${f}`)),
            notes: m.venue_notes,
          },
  };
}

/** The meeting for someone who runs it, from the meetings core (which checks they may see it). */
async function loadMeeting(ctx: ServiceContext, access: MeetingAccess): Promise<MeetingInfo> {
  const d = await meetingDetails(ctx, access.meeting.id);
  return describeMeeting({
    id: d.id,
    series_id: d.seriesId,
    series_name: d.seriesName,
    unit_id: d.unitId,
    title: d.ownTitle,
    starts_at: d.startsAt,
    ends_at: d.endsAt,
    status: d.status,
    online_url: d.onlineUrl,
    capacity: d.capacity,
    venue_name: d.venue?.name ?? null,
    venue_address: d.venue?.address ?? null,
    ...Object.fromEntries(VENUE_FEATURES.map((f) => [f, d.venue?.features.includes(f) ? 1 : 0])),
    venue_notes: d.venue?.notes ?? null,
    updated_at: access.meeting.updated_at,
  } as q.MeetingRow);
}

/** Where, in one line: the venue and its address, or online only. */
function whereText(m: MeetingInfo): string {
  if (m.venue) return [m.venue.name, m.venue.address?.replace(/\s*\n\s*/g, ', ')].filter(Boolean).join(', ');
  return m.onlineUrl ? t('invitations.onlineOnly') : t('invitations.placeToBeConfirmed');
}

/** The calendar entry: the same for every invitee (so it is stored once), with a UID stable per meeting. */
export function calendarEntry(m: MeetingInfo, baseUrl: string): string {
  const host = new URL(baseUrl).hostname;
  const calendar = ical({ prodId: { company: 'Alongside', product: 'Meetings', language: 'EN' }, method: ICalCalendarMethod.PUBLISH, name: m.seriesName });
  calendar.createEvent({
    id: `meeting-${m.id}@${host}`,
    // The stamp is the meeting's last change, so the same meeting gives the same bytes.
    stamp: new Date(m.updatedAt),
    start: new Date(m.startsAt),
    end: new Date(m.endsAt),
    summary: m.name,
    description: [m.seriesName, m.onlineUrl ? t('invitations.message.online', { url: m.onlineUrl }) : ''].filter(Boolean).join('\n'),
    location: m.venue ? whereText(m) : m.onlineUrl,
    url: m.onlineUrl,
  });
  return calendar.toString();
}

// ---- Who is invited, and how each will get it

export type Format = 'standard' | 'large_print' | 'easy_read' | 'audio' | 'other_language';

interface Reachable {
  preferred_channel: Channel;
  email: string | null;
  phone: string | null;
  address: string | null;
  postcode: string | null;
}

/** The channel the outbox will use (enqueueForPerson's rule): the preferred one if it has details, else email, else none. */
export function plannedChannel(p: Reachable): Channel | null {
  const details: Record<Channel, boolean> = { email: !!p.email, sms: !!p.phone, phone: !!p.phone, post: !!(p.address || p.postcode) };
  if (details[p.preferred_channel]) return p.preferred_channel;
  return p.email ? 'email' : null;
}

export interface Invitee {
  /** "p12" or "u3": the list's cursor for this row. */
  key: string;
  kind: q.InviteeKind;
  name: string;
  href: string | undefined;
  isMember: boolean;
  invitationId: number | null;
  /** The channel it went by, or the one it will go by; null when they cannot be reached. */
  channel: Channel | null;
  format: Format;
  /** ok, or why it will not be sent: no consent to contact, or no way to reach them. */
  contact: 'ok' | 'noConsent' | 'unreachable';
  sentAt: string | null;
  response: Invitation['response'];
  accessNeeds: string | null;
  respondedAt: string | null;
  address: string[];
}

function invitee(ctx: ServiceContext, r: q.InviteeRow): Invitee {
  const base = {
    key: `${r.kind === 'person' ? 'p' : 'u'}${r.invitee_id}`,
    kind: r.kind,
    isMember: r.is_member === 1,
    invitationId: r.invitation_id,
    sentAt: r.sent_at,
    response: r.response ?? 'none',
    accessNeeds: r.access_needs,
    respondedAt: r.responded_at,
  };
  if (r.kind === 'user') {
    return { ...base, name: r.user_name ?? '', href: undefined, channel: r.reachable ? 'email' : null, format: 'standard', contact: r.reachable ? 'ok' : 'unreachable', address: [] };
  }
  const person = {
    full_name: r.full_name ?? '',
    preferred_name: r.preferred_name,
    anonymity: r.anonymity ?? 'anonymous',
    erased_at: r.erased_at,
    person_unit_path: r.person_unit_path ?? '',
  };
  const channel = r.sent_at ? r.channel : plannedChannel({ preferred_channel: r.preferred_channel ?? 'email', email: r.email, phone: r.phone, address: r.address, postcode: r.postcode });
  return {
    ...base,
    name: nameFor(ctx.principal, person),
    href: personHref(ctx.principal, r.invitee_id, person),
    channel,
    format: (r.format ?? 'standard') as Format,
    contact: r.sent_at ? 'ok' : r.contactable !== 1 ? 'noConsent' : r.reachable !== 1 ? 'unreachable' : 'ok',
    address: [r.address, r.postcode].filter((l): l is string => !!l).flatMap((l) => l.split('\n')),
  };
}

async function pageAfter(ctx: ServiceContext, after: string | undefined) {
  if (!after) return undefined;
  const kind: q.InviteeKind = after.startsWith('p') ? 'person' : 'user';
  const id = Number(after.slice(1));
  if (!isRecordId(id)) return undefined;
  const name = await q.inviteeSortName(ctx.db, kind, id);
  return name === undefined ? undefined : { name, kind, id };
}

/** May add staff users and register people to the list: staff who run the unit's meetings (and see the register, for people). */
function addRights(ctx: ServiceContext, access: MeetingAccess) {
  return {
    canAddUser: can(ctx.principal, 'meetings:manage', access.unit),
    canAddPerson: can(ctx.principal, 'meetings:manage', access.unit) && can(ctx.principal, 'people:view'),
  };
}

/** A staff user the form may offer: a select when there are few, else what the search found. */
async function staffPicker(ctx: ServiceContext, values: Record<string, unknown>, search: string | undefined) {
  const total = await q.countStaff(ctx.db);
  const mode = total <= STAFF_SELECT_LIMIT ? 'select' : 'search';
  const users = mode === 'select' ? await q.staffToChoose(ctx.db, { limit: STAFF_SELECT_LIMIT }) : search ? await q.staffToChoose(ctx.db, { search, limit: STAFF_RESULTS }) : [];
  const selected = String(values.userId ?? '');
  return {
    mode,
    search,
    searched: search !== undefined,
    selectItems: [{ value: '', text: t('invitations.add.chooseUser') }, ...users.map((u) => ({ value: String(u.id), text: `${u.name} (${u.email})`, selected: selected === String(u.id) }))],
    radioItems: users.map((u) => ({ value: String(u.id), text: u.name, hint: { text: u.email }, checked: selected === String(u.id) })),
  };
}

/**
 * The invitations page: the meeting, a page of the invite list with how each will get it and
 * their answer, the counts, and the forms to add someone. Viewing it is audited (it shows answers
 * and access needs).
 */
export async function invitationsPage(
  ctx: ServiceContext,
  meetingId: number,
  opts: { after?: string | undefined; q?: string | undefined; uq?: string | undefined; values?: Record<string, unknown> },
) {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const meeting = await loadMeeting(ctx, access);
  const after = await pageAfter(ctx, opts.after);
  const rows = await q.invitees(ctx.db, { seriesId: meeting.seriesId, meetingId: meeting.id, after, limit: PAGE_SIZE + 1 });
  const list = rows.slice(0, PAGE_SIZE).map((r) => invitee(ctx, r));
  const counts = await q.inviteCounts(ctx.db, meeting.seriesId, meeting.id);
  const rights = addRights(ctx, access);
  // The register search typed before a failed post goes back into the picker, if it is a search at all.
  const { q: typed, ...values } = opts.values ?? {};
  const search = [opts.q, typed].find((s): s is string => typeof s === 'string' && s.length <= 100 && noNul(s));
  await audit(ctx.db, auditContext(ctx), { action: 'meeting.invitations_viewed', entityType: 'meeting', entityId: meeting.id, details: { shown: list.length } });
  return {
    meeting,
    invitees: list,
    nextAfter: rows.length > PAGE_SIZE ? (list.at(-1)?.key ?? null) : null,
    counts: { ...counts, noAnswer: counts.total - counts.in_person - counts.online - counts.apologies },
    canSend: !meeting.cancelled && !meeting.started,
    ...rights,
    personPicker: rights.canAddPerson ? await personPicker(ctx, values, search) : undefined,
    staffPicker: rights.canAddUser ? await staffPicker(ctx, values, opts.uq) : undefined,
  };
}

/** Invites a register person or a staff user to this meeting only. Returns the name to show. */
export async function addInvitee(ctx: ServiceContext, meetingId: number, raw: Record<string, unknown>): Promise<{ name: string }> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const rights = addRights(ctx, access);
  let who: { kind: q.InviteeKind; id: number };
  let name: string;
  let subjectUserId: number | null = null;
  if (raw.who === 'user') {
    if (!rights.canAddUser) throw new ForbiddenError();
    const { userId } = parse(addUserSchema, raw);
    const user = await q.staffUser(ctx.db, userId);
    if (!user) throw ValidationError.one('userId', 'errors.invitations.userRequired');
    who = { kind: 'user', id: user.id };
    name = user.name;
    subjectUserId = user.id;
  } else {
    if (!rights.canAddPerson) throw new ForbiddenError();
    const { personId } = parse(addPersonSchema, raw);
    const { person } = await chosenPerson(ctx, personId, 'personId', 'errors.invitations.personRequired');
    if (person.erased_at) throw ValidationError.one('personId', 'errors.invitations.personRequired');
    who = { kind: 'person', id: person.id };
    name = person.full_name;
    subjectUserId = person.user_id;
  }
  const field = who.kind === 'person' ? 'personId' : 'userId';
  if ((await q.isSeriesMember(ctx.db, access.series.id, who)) || (await q.invitationFor(ctx.db, meetingId, who))) {
    throw ValidationError.one(field, 'errors.invitations.alreadyInvited');
  }
  await ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertInvitation(trx, meetingId, who, nowIso());
    await audit(trx, auditContext(ctx), {
      action: 'invitation.added',
      entityType: 'invitation',
      entityId: id,
      subjectUserId,
      details: { meetingId, [who.kind === 'person' ? 'personId' : 'userId']: who.id },
    });
  });
  return { name };
}

/** Takes someone invited to this meeting only off the list (their answer link stops working). Members stay. */
export async function removeInvitee(ctx: ServiceContext, meetingId: number, invitationId: number): Promise<void> {
  const access = await meetingAccess(ctx, meetingId, 'manage');
  const invitation = isRecordId(invitationId) ? await q.invitationById(ctx.db, meetingId, invitationId) : undefined;
  if (!invitation) throw new NotFoundError();
  const who = invitation.person_id != null ? { kind: 'person' as const, id: invitation.person_id } : { kind: 'user' as const, id: invitation.user_id as number };
  if (await q.isSeriesMember(ctx.db, access.series.id, who)) throw ValidationError.one('invitees', 'errors.invitations.isMember');
  await ctx.db.transaction().execute(async (trx) => {
    await q.deleteInvitation(trx, invitation.id);
    await audit(trx, auditContext(ctx), {
      action: 'invitation.removed',
      entityType: 'invitation',
      entityId: invitation.id,
      subjectUserId: invitation.user_id,
      details: { meetingId, [who.kind === 'person' ? 'personId' : 'userId']: who.id, wasSent: invitation.sent_at != null },
    });
  });
}

// ---- Sending

/** The files that go with an invitation: the papers, and the agenda in standard or large print. */
interface Pack {
  calendar: Attachment;
  agenda: Attachment;
  agendaLargePrint: Attachment;
  papers: Attachment[];
}

async function buildPack(ctx: ServiceContext, meeting: MeetingInfo): Promise<Pack> {
  const papers: Attachment[] = [];
  for (const p of await meetingPapers(ctx, meeting.id)) {
    const content = await readFile(ctx.db, p.file_sha256);
    if (content) papers.push({ filename: p.filename, contentType: p.content_type, content });
  }
  const agendaFor = async (largePrint: boolean): Promise<Attachment> => ({
    filename: largePrint ? 'agenda-large-print.html' : 'agenda.html',
    contentType: 'text/html',
    content: await agendaDocument(ctx, meeting.id, { largePrint }),
  });
  return {
    calendar: { filename: 'meeting.ics', contentType: 'text/calendar', content: calendarEntry(meeting, ctx.config.baseUrl) },
    agenda: await agendaFor(false),
    agendaLargePrint: await agendaFor(true),
    papers,
  };
}

/** Plain words, or easy read (short sentences) for those who asked for it. */
const styleOf = (format: string | null): 'plain' | 'easyRead' => (format === 'easy_read' ? 'easyRead' : 'plain');
const firstName = (name: string | null | undefined): string => (name ?? '').trim().split(/\s+/)[0] ?? '';

/** What an email carries (for the person's format). */
function emailAttachments(pack: Pack, format: string | null): Attachment[] {
  return [format === 'large_print' ? pack.agendaLargePrint : pack.agenda, ...pack.papers, pack.calendar];
}

/** What an email carries, in words (the file names in brackets, so people can find them). */
export function attachmentNames(pack: { papers: { filename: string }[] }, format: string | null): string[] {
  return [
    t(format === 'large_print' ? 'invitations.attachments.agendaLargePrint' : 'invitations.attachments.agenda'),
    ...pack.papers.map((p) => p.filename),
    t('invitations.attachments.calendar'),
  ];
}

/** What a letter encloses, in words: the letter, the agenda (large print where asked), each paper. */
export function enclosureNames(pack: { papers: { filename: string }[] }, format: string | null): string[] {
  return [
    t('invitations.enclosures.letter'),
    t(format === 'large_print' ? 'invitations.enclosures.agendaLargePrint' : 'invitations.enclosures.agenda'),
    ...pack.papers.map((p) => p.filename),
  ];
}

/**
 * The invitation in words for one channel and format: an email or a call (the lead reads it out),
 * a short text, or a letter listing what is in the envelope.
 */
export function invitationMessage(
  meeting: MeetingInfo,
  to: { name: string | null | undefined; format: string | null; channel: Channel },
  link: string,
  attachments: { attached: string[]; enclosures: string[] },
): { subject: string; text: string } {
  const style = styleOf(to.format);
  const k = (key: string) => `invitations.message.${style}.${key}`;
  const vars = { name: firstName(to.name), meeting: meeting.name, series: meeting.seriesName, when: meeting.when, where: whereText(meeting), link };
  const subject = t(k('subject'), vars);
  if (to.channel === 'sms') return { subject, text: t(k('sms'), vars) };
  const lines: string[] = [t(k('greeting'), vars), t(meeting.name === meeting.seriesName ? k('intro') : k('introWithSeries'), vars), [t(k('whenLine'), vars), t(k('whereLine'), vars)].join('\n')];
  if (meeting.onlineUrl) lines.push(t(meeting.venue ? k('alsoOnline') : k('onlineLink'), { url: meeting.onlineUrl }));
  if (meeting.venue?.features.length) lines.push(t(k('access'), { features: meeting.venue.features.join(', ') }));
  lines.push(t(to.channel === 'post' ? k('answerByPost') : k('answer'), vars), t(k('changeAnswer'), vars));
  if (to.channel === 'email' && attachments.attached.length) lines.push(t(k('attached'), { list: attachments.attached.join(', ') }));
  if (to.channel === 'post') lines.push(t(k('enclosed'), { list: attachments.enclosures.join(', ') }));
  lines.push(t(k('thanks'), vars));
  return { subject, text: lines.join('\n\n') };
}

export interface SendReport {
  sent: number;
  byChannel: Record<Channel, number>;
  /** Register people without consent to be contacted: shown on the list, never messaged. */
  noConsent: number;
  /** No contact details for any channel (or a disabled staff account). */
  unreachable: number;
}

export const invitationKey = (invitationId: number): string => `meeting-invitation:${invitationId}`;

/**
 * Sends the invitation to everyone on the list not sent one yet, in one transaction through the
 * outbox: each gets their own answer link. Those without consent to contact, or with no way to reach
 * them, are skipped (and counted). Sending again sends only to those added since.
 */
export async function sendInvitations(ctx: ServiceContext, meetingId: number): Promise<SendReport> {
  const meeting = await loadMeeting(ctx, await meetingAccess(ctx, meetingId, 'manage'));
  if (meeting.cancelled) throw ValidationError.one('send', 'errors.invitations.cancelled');
  if (meeting.started) throw ValidationError.one('send', 'errors.invitations.past');
  const pack = await buildPack(ctx, meeting);
  const report: SendReport = { sent: 0, byChannel: { email: 0, sms: 0, post: 0, phone: 0 }, noConsent: 0, unreachable: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    await q.lockMeeting(trx, meeting.id);
    const now = nowIso();
    for (const who of await q.membersWithoutInvitation(trx, meeting.seriesId, meetingId)) await q.insertInvitation(trx, meetingId, who, now);
    for (const inv of await q.unsentInvitations(trx, meetingId)) {
      const token = newSecret(TOKEN_BYTES);
      const link = `${ctx.config.baseUrl}/rsvp/${token}`;
      let channel: Channel | null;
      if (inv.person_id != null) {
        if (inv.erased_at || inv.contactable !== 1 || !inv.preferred_channel || !inv.format) {
          report.noConsent++;
          continue;
        }
        const person = { id: inv.person_id, preferred_channel: inv.preferred_channel, format: inv.format, email: inv.email, phone: inv.phone, address: inv.address, postcode: inv.postcode };
        const planned = plannedChannel(person);
        if (!planned) {
          report.unreachable++;
          continue;
        }
        const attachments = emailAttachments(pack, inv.format);
        const message = invitationMessage(meeting, { name: inv.preferred_name ?? inv.full_name, format: inv.format, channel: planned }, link, {
          attached: attachmentNames(pack, inv.format),
          enclosures: enclosureNames(pack, inv.format),
        });
        channel = await enqueueForPerson(trx, { idempotencyKey: invitationKey(inv.id), person, subject: message.subject, text: message.text, attachments });
      } else {
        if (inv.user_disabled_at || !inv.user_email) {
          report.unreachable++;
          continue;
        }
        const attachments = emailAttachments(pack, 'standard');
        const message = invitationMessage(meeting, { name: inv.user_name, format: 'standard', channel: 'email' }, link, { attached: attachmentNames(pack, 'standard'), enclosures: [] });
        await enqueueEmail(trx, { idempotencyKey: invitationKey(inv.id), to: inv.user_email, subject: message.subject, text: message.text, attachments });
        channel = 'email';
      }
      if (!channel) {
        report.unreachable++;
        continue;
      }
      await q.markSent(trx, inv.id, { channel, tokenHash: sha256(token), sentAt: now });
      report.sent++;
      report.byChannel[channel]++;
    }
    if (report.sent > 0) await q.setMeetingSent(trx, meetingId, now);
    // Counts only: who was sent what is in the invitations and the outbox.
    await audit(trx, auditContext(ctx), { action: 'meeting.invitations_sent', entityType: 'meeting', entityId: meetingId, details: { ...report } });
  });
  return report;
}

// ---- What the lead posts

/**
 * The print list: everyone sent a letter, with their address, format and what goes in the envelope,
 * and a link to each letter's page for those who may open it. Showing addresses is audited.
 */
export async function printList(ctx: ServiceContext, meetingId: number, opts: { after?: string | undefined }) {
  const meeting = await loadMeeting(ctx, await meetingAccess(ctx, meetingId, 'manage'));
  const after = await pageAfter(ctx, opts.after);
  const rows = await q.invitees(ctx.db, { seriesId: meeting.seriesId, meetingId: meeting.id, after, limit: PAGE_SIZE + 1, only: 'post' });
  const shown = rows.slice(0, PAGE_SIZE);
  const papers = await meetingPapers(ctx, meeting.id);
  const outbox = await q.outboxByKeys(
    ctx.db,
    shown.flatMap((r) => (r.invitation_id != null ? [invitationKey(r.invitation_id)] : [])),
  );
  const letters = shown.map((r) => {
    const item = invitee(ctx, r);
    const message = r.invitation_id != null ? outbox.get(invitationKey(r.invitation_id)) : undefined;
    const canOpenLetter = message !== undefined && can(ctx.principal, 'people:manage', { path: r.person_unit_path ?? '' });
    return {
      ...item,
      largePrint: r.format === 'large_print',
      letterHref: canOpenLetter ? `/involvement/messages/${message.id}/letter` : undefined,
      posted: message?.status === 'sent',
    };
  });
  const counts = await q.inviteCounts(ctx.db, meeting.seriesId, meetingId);
  await audit(ctx.db, auditContext(ctx), {
    action: 'meeting.print_list_viewed',
    entityType: 'meeting',
    entityId: meetingId,
    details: { personIds: shown.map((r) => r.invitee_id) },
  });
  return { meeting, letters, papers: papers.map((p) => ({ id: p.id, filename: p.filename })), nextAfter: rows.length > PAGE_SIZE ? (letters.at(-1)?.key ?? null) : null, counts };
}

// ---- Answering, from the link (no sign-in)

export type AnswerLink =
  | { state: 'ok'; invitation: Invitation; meeting: MeetingInfo }
  | { state: 'cancelled'; meeting: MeetingInfo }
  | { state: 'gone' };

/** What an answer link leads to. Unknown, removed and ended ones are all just "gone". */
export async function answerLink(ctx: ServiceContext, token: string): Promise<AnswerLink> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { state: 'gone' };
  const invitation = await q.invitationByTokenHash(ctx.db, sha256(token));
  if (!invitation?.sent_at) return { state: 'gone' };
  const row = await q.meetingById(ctx.db, invitation.meeting_id);
  if (!row) return { state: 'gone' };
  const meeting = describeMeeting(row);
  if (meeting.ended) return { state: 'gone' };
  if (meeting.cancelled) return { state: 'cancelled', meeting };
  return { state: 'ok', invitation, meeting };
}

/**
 * Saves (or changes) the answer given through the link. Returns the link's state: a link that no
 * longer works saves nothing. The audit row holds ids and the answer, never the words typed.
 */
export async function saveAnswer(ctx: ServiceContext, token: string, raw: Record<string, unknown>): Promise<AnswerLink & { answer?: Answer }> {
  const link = await answerLink(ctx, token);
  if (link.state !== 'ok') return link;
  const input = parse(rsvpSchema, raw);
  if (input.response === 'online' && !link.meeting.onlineUrl) throw ValidationError.one('response', 'errors.invitations.responseRequired');
  const accessNeeds = input.accessNeeds ?? null;
  const saved = await ctx.db.transaction().execute(async (trx) => {
    const done = await q.saveAnswer(trx, link.invitation.id, sha256(token), { response: input.response, accessNeeds, at: nowIso() });
    if (done) {
      await audit(trx, auditContext(ctx), {
        action: 'invitation.answered',
        entityType: 'invitation',
        entityId: link.invitation.id,
        subjectUserId: link.invitation.user_id,
        details: { meetingId: link.meeting.id, response: input.response, changed: link.invitation.response !== 'none' },
      });
    }
    return done;
  });
  if (!saved) return { state: 'gone' };
  return { ...link, answer: input.response };
}
