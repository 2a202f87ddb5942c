import type { Transaction } from 'kysely';
import { audit } from '../../platform/audit/index.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { Database } from '../../platform/db/types.ts';
import { NotFoundError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths } from '../../platform/rbac/index.ts';
import { chosenUnit, nameFor, parse, personHref } from '../groups/service.ts';
import * as q from './queries.ts';
import { ENQUIRY_CHANNELS, enquirySchema, eventSchema, type EnquiryInput, type ListQuery } from './schemas.ts';

/**
 * The outreach log: stalls, community events, meetings and talks, how many people were spoken to
 * and the enquiries each one brought in. Staff who see a unit's register (people:view) see its
 * outreach; involvement leads (people:manage) record it.
 */

export const PAGE_SIZE = 50;
export type { EventRow, KindFigures, OutreachEvent } from './queries.ts';

/** The ways an enquirer may be contacted, as radio items (the enquiry form in outreach and recruitment). */
export const channelItems = (selected?: unknown) => ENQUIRY_CHANNELS.map((c) => ({ value: c, text: t(`outreach.channels.${c}`), checked: selected === c }));

/** The enquiry form's schema, for recruitment's "new enquiry" form. */
export { enquirySchema };

/** How someone who enquired at an event heard about involvement. */
export const HEARD_VIA_FOR_KIND = { stall: 'stall', community_event: 'event', meeting: 'event', talk: 'event', other: null } as const;

export async function listEvents(ctx: ServiceContext, filter: ListQuery) {
  const principal = requirePermission(ctx.principal, 'people:view');
  const prefixes = scopePaths(principal, 'people:view');
  const f = { prefixes, from: filter.from, to: filter.to, kind: filter.kind };
  const rows = await q.listEvents(ctx.db, { ...f, before: filter.before, limit: PAGE_SIZE + 1 });
  const events = rows.slice(0, PAGE_SIZE);
  return {
    events,
    nextBefore: rows.length > PAGE_SIZE ? (events[events.length - 1]?.id ?? null) : null,
    effectiveness: await q.effectiveness(ctx.db, f),
    heardVia: await q.heardVia(ctx.db, prefixes),
    canCreate: can(principal, 'people:manage'),
  };
}

async function eventInScope(ctx: ServiceContext, id: number, permission: 'people:view' | 'people:manage') {
  requireSignedIn(ctx.principal);
  if (!isRecordId(id)) throw new NotFoundError();
  const event = await q.eventWithUnit(ctx.db, id);
  requireInScope(ctx.principal, permission, event ? { path: event.unit_path } : undefined);
  return event as NonNullable<typeof event>;
}

/** The event page: the event, the enquiries it brought in, and its campaign if the user sees it. */
export async function getEvent(ctx: ServiceContext, id: number) {
  const event = await eventInScope(ctx, id, 'people:view');
  const enquiries = (await q.enquiriesFrom(ctx.db, id)).map((p) => ({ ...p, name: nameFor(ctx.principal, p), personHref: personHref(ctx.principal, p.id, p) }));
  const campaign = event.campaign_id ? await q.campaignWithUnit(ctx.db, event.campaign_id) : undefined;
  return {
    event,
    enquiries,
    campaign: campaign && can(ctx.principal, 'people:view', { path: campaign.unit_path }) ? campaign : undefined,
    canManage: can(ctx.principal, 'people:manage', { path: event.unit_path }),
  };
}

export async function eventForEdit(ctx: ServiceContext, id: number) {
  return eventInScope(ctx, id, 'people:manage');
}

/** Campaigns an event may be linked to: those in the units the user manages people in. */
export async function campaignsToChoose(ctx: ServiceContext) {
  const principal = requirePermission(ctx.principal, 'people:manage');
  return q.campaignsUnder(ctx.db, scopePaths(principal, 'people:manage'));
}

/** Recent events in the units the user manages (the recruitment work log's choice of event). */
export async function eventsToChoose(ctx: ServiceContext) {
  const principal = requirePermission(ctx.principal, 'people:manage');
  return q.eventsUnder(ctx.db, scopePaths(principal, 'people:manage'), 200);
}

/** An event the user manages, chosen on another form: else a validation error on the field. */
export async function chosenEvent(ctx: ServiceContext, id: number, field: string, message: string) {
  const event = await q.eventWithUnit(ctx.db, id);
  if (!event || !can(ctx.principal, 'people:manage', { path: event.unit_path })) throw ValidationError.one(field, message);
  return event;
}

async function eventValues(ctx: ServiceContext, raw: unknown, currentUnitId?: number): Promise<q.EventValues> {
  const input = parse(eventSchema, raw);
  if (input.unitId !== currentUnitId) await chosenUnit(ctx, input.unitId, 'unitId', 'errors.outreach.unitRequired');
  if (input.campaignId) {
    const campaign = await q.campaignWithUnit(ctx.db, input.campaignId);
    if (!campaign || !can(ctx.principal, 'people:manage', { path: campaign.unit_path })) throw ValidationError.one('campaignId', 'errors.outreach.campaignInvalid');
  }
  return {
    unitId: input.unitId, onDate: input.onDate, kind: input.kind, title: input.title, place: input.place ?? null, whoWent: input.whoWent ?? null,
    peopleSpokenTo: input.peopleSpokenTo ?? 0, notes: input.notes ?? null, campaignId: input.campaignId ?? null,
  };
}

export async function createEvent(ctx: ServiceContext, raw: unknown): Promise<number> {
  const principal = requirePermission(ctx.principal, 'people:manage');
  const v = await eventValues(ctx, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const id = await q.insertEvent(trx, v, principal.userId, nowIso());
    await audit(trx, auditContext(ctx), { action: 'outreach_event.created', entityType: 'outreach_event', entityId: id, details: { unitId: v.unitId } });
    return id;
  });
}

export async function updateEvent(ctx: ServiceContext, id: number, raw: unknown): Promise<void> {
  const event = await eventInScope(ctx, id, 'people:manage');
  const v = await eventValues(ctx, raw, event.unit_id);
  await ctx.db.transaction().execute(async (trx) => {
    await q.updateEvent(trx, id, v);
    await audit(trx, auditContext(ctx), { action: 'outreach_event.updated', entityType: 'outreach_event', entityId: id });
  });
}

/**
 * Puts a new enquiry in the register: name and one way to reach them, with the defaults a quick
 * enquiry takes (standard format, full name shown, expenses only, service user). Audited.
 */
export async function createEnquiryTx(
  trx: Transaction<Database>,
  ctx: ServiceContext,
  input: EnquiryInput,
  where: { unitId: number; heardVia: 'stall' | 'event' | null; outreachEventId: number | null; campaignId?: number },
): Promise<number> {
  const principal = requireSignedIn(ctx.principal);
  const id = await q.insertEnquiryPerson(
    trx,
    { unitId: where.unitId, fullName: input.fullName, email: input.email ?? null, phone: input.phone ?? null, preferredChannel: input.preferredChannel, heardVia: where.heardVia, outreachEventId: where.outreachEventId, createdBy: principal.userId },
    nowIso(),
  );
  await audit(trx, auditContext(ctx), {
    action: 'person.created',
    entityType: 'person',
    entityId: id,
    details: { unitId: where.unitId, status: 'enquiry', ...(where.outreachEventId ? { outreachEventId: where.outreachEventId } : {}), ...(where.campaignId ? { campaignId: where.campaignId } : {}) },
  });
  return id;
}

/** An enquiry taken at this event: the person is linked to it, and heard of involvement through it. */
export async function addEnquiry(ctx: ServiceContext, eventId: number, raw: unknown): Promise<number> {
  const event = await eventInScope(ctx, eventId, 'people:manage');
  const input = parse(enquirySchema, raw);
  return ctx.db.transaction().execute((trx) =>
    createEnquiryTx(trx, ctx, input, { unitId: event.unit_id, heardVia: HEARD_VIA_FOR_KIND[event.kind], outreachEventId: event.id }),
  );
}
