import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HEARD_VIA, OUTREACH_KINDS } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { dayText, londonDate, manageableUnits, unitItems } from '../groups/service.ts';
import { listQuerySchema, type ListQuery } from './schemas.ts';
import * as outreach from './service.ts';

const V = 'outreach/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

/** Filters typed into an address are applied when they make sense and dropped when they do not. */
function lenientFilter(raw: unknown): ListQuery {
  const input = cleanForm(raw);
  const first = listQuerySchema.safeParse(input);
  if (first.success) return first.data;
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])));
  const second = listQuerySchema.safeParse(Object.fromEntries(Object.entries(input).filter(([k]) => !bad.has(k))));
  return second.success ? second.data : {};
}

function listUrl(f: ListQuery, before?: number): string {
  const params = new URLSearchParams();
  for (const k of ['from', 'to', 'kind'] as const) if (f[k]) params.set(k, String(f[k]));
  if (before) params.set('before', String(before));
  const qs = params.toString();
  return `/outreach${qs ? `?${qs}` : ''}`;
}

async function formView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[], eventId?: number) {
  const [units, campaigns] = await Promise.all([manageableUnits(request.ctx), outreach.campaignsToChoose(request.ctx)]);
  const campaignId = String(values.campaignId ?? '');
  return {
    pageTitle: eventId ? t('outreach.edit.title') : t('outreach.new.title'),
    action: eventId ? `/outreach/${eventId}` : '/outreach',
    cancel: eventId ? `/outreach/${eventId}` : '/outreach',
    eventId,
    unitItems: unitItems(units, values.unitId, t('outreach.form.chooseUnit')),
    kindItems: OUTREACH_KINDS.map((k) => ({ value: k, text: t(`outreach.kinds.${k}`), checked: values.kind === k })),
    campaignItems: [{ value: '', text: t('outreach.form.noCampaign') }, ...campaigns.map((c) => ({ value: String(c.id), text: c.title, selected: campaignId === String(c.id) }))],
    values,
    errors,
  };
}

async function eventView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const e = await outreach.getEvent(request.ctx, id);
  return {
    pageTitle: e.event.title,
    event: { ...e.event, onDate: dayText(e.event.on_date), kindName: t(`outreach.kinds.${e.event.kind}`) },
    campaign: e.campaign,
    canManage: e.canManage,
    enquiries: e.enquiries.map((p) => ({ ...p, statusName: t(`groups.personStatus.${p.status}`) })),
    channelItems: outreach.channelItems(values.preferredChannel),
    values,
    errors,
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function outreachRoutes(app: FastifyInstance): Promise<void> {
  app.get('/outreach', async (request, reply) => {
    const filter = lenientFilter(request.query);
    const r = await outreach.listEvents(request.ctx, filter);
    const heardTotal = r.heardVia.reduce((s, h) => s + h.n, 0);
    const heard = [...HEARD_VIA, null]
      .map((h) => ({ name: h ? t(`outreach.heardVia.${h}`) : t('outreach.heardVia.notRecorded'), n: r.heardVia.find((x) => x.heard_via === h)?.n ?? 0 }))
      .filter((h) => h.n > 0);
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('outreach.list.title'),
      canCreate: r.canCreate,
      filter,
      filtered: Boolean(filter.from || filter.to || filter.kind),
      kindFilterItems: [{ value: '', text: t('outreach.list.allKinds') }, ...OUTREACH_KINDS.map((k) => ({ value: k, text: t(`outreach.kinds.${k}`), selected: filter.kind === k }))],
      events: r.events.map((e) => ({ ...e, onDate: dayText(e.on_date), kindName: t(`outreach.kinds.${e.kind}`) })),
      effectiveness: OUTREACH_KINDS.map((k) => r.effectiveness.find((x) => x.kind === k))
        .filter((x) => x !== undefined)
        .map((x) => ({ ...x, kindName: t(`outreach.kinds.${x.kind}`) })),
      heard,
      heardTotal,
      nextUrl: r.nextBefore ? listUrl(filter, r.nextBefore) : undefined,
      firstPageUrl: filter.before ? listUrl(filter) : undefined,
    });
  });

  app.get('/outreach/new', async (request, reply) => {
    const { unit } = cleanForm(request.query);
    return reply.page(`${V}/form.njk`, await formView(request, { unitId: unit, onDate: londonDate() }, []));
  });

  app.post('/outreach', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const id = await outreach.createEvent(request.ctx, input);
      reply.flash(t('outreach.new.done'));
      return reply.redirect(`/outreach/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, translateErrors(err.fields)));
    }
  });

  app.get('/outreach/:id', async (request, reply) => reply.page(`${V}/event.njk`, await eventView(request, idParam(request))));

  app.get('/outreach/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const e = await outreach.eventForEdit(request.ctx, id);
    const values = {
      unitId: String(e.unit_id), onDate: e.on_date, kind: e.kind, title: e.title, place: e.place, whoWent: e.who_went,
      peopleSpokenTo: String(e.people_spoken_to), notes: e.notes, campaignId: e.campaign_id ? String(e.campaign_id) : undefined,
    };
    return reply.page(`${V}/form.njk`, await formView(request, values, [], id));
  });

  app.post('/outreach/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await outreach.updateEvent(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, translateErrors(err.fields), id));
    }
    reply.flash(t('outreach.edit.done'));
    return reply.redirect(`/outreach/${id}`, 303);
  });

  app.post('/outreach/:id/enquiries', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await outreach.addEnquiry(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/event.njk`, eventView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('outreach.enquiry.done'));
    return reply.redirect(`/outreach/${id}`, 303);
  });
}
