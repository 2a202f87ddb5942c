import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AGENDA_KINDS, SERIES_KINDS, SERIES_MEMBER_ROLES, SLOT_FOCUSES, VENUE_FEATURES } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { listQuerySchema, PAPER_MAX_BYTES, PAPER_TYPES, seriesPageQuerySchema, venueListQuerySchema, type ListQuery } from './schemas.ts';
import * as meetings from './service.ts';

const V = 'meetings/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

/** Filters typed into an address are applied when they make sense and dropped when they do not. */
function lenientParse<S extends z.ZodObject>(schema: S, raw: unknown): z.infer<S> {
  const input = cleanForm(raw);
  const first = schema.safeParse(input);
  if (first.success) return first.data;
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])));
  const second = schema.safeParse(Object.fromEntries(Object.entries(input).filter(([k]) => !bad.has(k))));
  return second.success ? second.data : ({} as z.infer<S>);
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

/** Runs a change; a ValidationError re-renders the form (status 400) with the errors in words. */
async function orRerender(reply: FastifyReply, change: () => Promise<FastifyReply>, rerender: (errors: FieldError[]) => Promise<Record<string, unknown>>, template: string): Promise<FastifyReply> {
  try {
    return await change();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return withErrors(reply, template, rerender(translateErrors(err.fields)));
  }
}

// ---- Words for values

const kindItems = (selected?: unknown) => SERIES_KINDS.map((k) => ({ value: k, text: t(`meetings.seriesKinds.${k}.name`), hint: { text: t(`meetings.seriesKinds.${k}.hint`) }, checked: selected === k }));
const roleItems = (selected?: unknown) => SERIES_MEMBER_ROLES.map((r) => ({ value: r, text: t(`meetings.roles.${r}`), checked: selected === r }));
const featureItems = (selected: unknown) => {
  const chosen = Array.isArray(selected) ? selected : selected ? [selected] : [];
  return VENUE_FEATURES.map((f) => ({ value: f, text: t(`meetings.features.${f}.name`), hint: { text: t(`meetings.features.${f}.hint`) }, checked: chosen.includes(f) }));
};
const agendaKinds = (selected?: unknown) => AGENDA_KINDS.map((k) => ({ value: k, text: t(`meetings.agendaKinds.${k}.name`), checked: selected === k }));
const focusItems = (selected?: unknown) => SLOT_FOCUSES.map((f) => ({ value: f, text: t(`meetings.focuses.${f}.name`), hint: { text: t(`meetings.focuses.${f}.hint`) }, checked: selected === f }));

/** A meeting in a list: when (London), which series, where. */
const meetingRow = (m: meetings.MeetingRow) => ({
  id: m.id,
  title: m.title ?? m.series_name,
  seriesName: m.series_name,
  unitName: m.unit_name,
  venueName: m.venue_name,
  online: Boolean(m.online_url),
  where: [m.venue_name, m.online_url ? t('meetings.meeting.online') : null].filter(Boolean).join(' · ') || t('meetings.notGiven'),
  day: meetings.londonShortDay(m.starts_at),
  time: t('meetings.time.range', { start: meetings.londonTimeText(m.starts_at), end: meetings.londonTimeText(m.ends_at) }),
  cancelled: m.status === 'cancelled',
});

function monthItems(selected: string | undefined) {
  const now = meetings.londonMonth();
  const [y, m] = now.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 12; i >= -24; i--) {
    const d = new Date(Date.UTC(y, m - 1 + i, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  if (selected && !months.includes(selected)) months.push(selected);
  return [{ value: '', text: t('meetings.list.upcoming'), selected: !selected }, ...months.map((value) => ({ value, text: meetings.monthText(value), selected: value === selected }))];
}

function listUrl(filter: ListQuery, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ unitId: filter.unitId, month: filter.month, archived: filter.archived, ...extra })) {
    if (v !== undefined && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `/meetings${qs ? `?${qs}` : ''}`;
}

/** "attachment" with the name in plain ASCII and, for other characters, RFC 5987 encoded. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const sizeText = (bytes: number): string =>
  bytes >= 1024 * 1024 ? t('meetings.papers.sizeMb', { size: (bytes / 1024 / 1024).toFixed(1) }) : t('meetings.papers.sizeKb', { size: Math.max(1, Math.round(bytes / 1024)) });

const paperView = (meetingId: number) => (p: meetings.PaperRow) => ({ ...p, href: `/meetings/${meetingId}/papers/${p.id}`, sizeText: sizeText(p.size) });

// ---- Page data

async function venueFormView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[], venueId?: number, archived = false) {
  const units = await meetings.manageableUnits(request.ctx);
  return {
    pageTitle: venueId ? t('meetings.venueForm.editTitle') : t('meetings.venueForm.newTitle'),
    action: venueId ? `/meetings/venues/${venueId}` : '/meetings/venues',
    venueId,
    archived,
    unitItems: meetings.unitItems(units, values.unitId, t('meetings.seriesForm.chooseUnit')),
    featureItems: featureItems(values.features),
    values,
    errors,
  };
}

async function seriesFormView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[], seriesId?: number) {
  const { projectQ } = cleanForm(request.query);
  return {
    pageTitle: seriesId ? t('meetings.seriesForm.editTitle') : t('meetings.seriesForm.newTitle'),
    action: seriesId ? `/meetings/series/${seriesId}` : '/meetings/series',
    cancel: seriesId ? `/meetings/series/${seriesId}` : '/meetings',
    searchAction: seriesId ? `/meetings/series/${seriesId}/edit` : '/meetings/series/new',
    seriesId,
    kindItems: kindItems(values.kind),
    ...(await meetings.seriesForm(request.ctx, values, { seriesId, projectQuery: projectQ })),
    values,
    errors,
  };
}

function seriesValues(s: { unit_id: number; name: string; kind: string; purpose: string | null; cadence: string | null; usual_venue_id: number | null; project_id: number | null }): Record<string, unknown> {
  return {
    unitId: String(s.unit_id),
    name: s.name,
    kind: s.kind,
    purpose: s.purpose,
    cadence: s.cadence,
    usualVenueId: s.usual_venue_id ? String(s.usual_venue_id) : undefined,
    projectId: s.project_id ? String(s.project_id) : undefined,
  };
}

async function addMemberView(request: FastifyRequest, seriesId: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const form = await meetings.memberForm(request.ctx, seriesId, values, cleanForm(request.query).q);
  return {
    ...form,
    pageTitle: t('meetings.members.addTitle'),
    searchAction: `/meetings/series/${seriesId}/members/new`,
    roleItems: roleItems(values.role ?? 'member'),
    values,
    errors,
  };
}

async function memberPageView(request: FastifyRequest, seriesId: number, memberId: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const { series, member } = await meetings.memberForEdit(request.ctx, seriesId, memberId);
  return { pageTitle: member.name, series, member, roleName: t(`meetings.roles.${member.role}`), roleItems: roleItems(values.role ?? member.role), values, errors };
}

async function meetingFormView(request: FastifyRequest, ref: { seriesId: number } | { meetingId: number }, values: Record<string, unknown>, errors: FieldError[]) {
  const form = await meetings.meetingForm(request.ctx, ref, values);
  const meetingId = 'meetingId' in ref ? ref.meetingId : undefined;
  return {
    pageTitle: meetingId ? t('meetings.meetingForm.editTitle') : t('meetings.meetingForm.newTitle'),
    series: form.series,
    action: meetingId ? `/meetings/${meetingId}` : `/meetings/series/${form.series.id}/meetings`,
    cancel: meetingId ? `/meetings/${meetingId}` : `/meetings/series/${form.series.id}`,
    meetingId,
    venueItems: form.venueItems,
    values,
    errors,
  };
}

async function agendaFormView(request: FastifyRequest, meetingId: number, itemId: number | undefined, values: Record<string, unknown>, errors: FieldError[] = []) {
  const { projectQ } = cleanForm(request.query);
  const form = await meetings.agendaItemForm(request.ctx, meetingId, itemId, values, projectQ);
  const base = `/meetings/${meetingId}`;
  return {
    ...form,
    pageTitle: itemId ? t('meetings.agendaForm.editTitle') : t('meetings.agendaForm.newTitle'),
    action: itemId ? `${base}/agenda/${itemId}` : `${base}/agenda`,
    searchAction: itemId ? `${base}/agenda/${itemId}/edit` : `${base}/agenda/new`,
    uploadAction: itemId ? `${base}/agenda/${itemId}/papers` : undefined,
    itemId,
    agendaKinds: agendaKinds(values.kind),
    focusItems: focusItems(values.slotFocus),
    papers: form.papers.map(paperView(meetingId)),
    allowedTypes: Object.keys(PAPER_TYPES).filter((e) => e !== 'jpeg').join(', '),
    maxMb: PAPER_MAX_BYTES / 1024 / 1024,
    values,
    errors,
  };
}

/** The agenda for the page: papers with their links and sizes. */
const agendaView = (meetingId: number, agenda: meetings.AgendaEntry[]) =>
  agenda.map((item) => ({ ...item, papers: item.papers.map(paperView(meetingId)) }));

export default async function meetingsRoutes(app: FastifyInstance): Promise<void> {
  // ---- Meetings and series across the units the user sees
  app.get('/meetings', async (request, reply) => {
    const filter = lenientParse(listQuerySchema, request.query);
    const home = await meetings.meetingsHome(request.ctx, filter);
    const shown: ListQuery = { unitId: home.unit?.id, month: home.month, archived: home.archived ? 'yes' : undefined };
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('meetings.list.title'),
      meetings: home.meetings.map(meetingRow),
      meetingsHeading: home.month ? t('meetings.list.inMonth', { month: meetings.monthText(home.month) }) : t('meetings.list.upcoming'),
      series: home.series.map((s) => ({
        ...s,
        kindName: t(`meetings.seriesKinds.${s.kind}.name`),
        next: s.next_meeting_at ? meetings.londonShortDay(s.next_meeting_at) : t('meetings.list.noneBooked'),
      })),
      canCreate: home.canCreate,
      seesVenues: home.seesVenues,
      archived: home.archived,
      filtered: Boolean(home.unit || home.month),
      unitItems: home.units.length ? meetings.unitItems(home.units, home.unit?.id, t('meetings.list.allUnits')) : undefined,
      monthItems: monthItems(home.month),
      nextUrl: home.nextAfter ? listUrl(shown, { after: home.nextAfter, seriesBefore: filter.seriesBefore }) : undefined,
      firstPageUrl: filter.after ? listUrl(shown, { seriesBefore: filter.seriesBefore }) : undefined,
      nextSeriesUrl: home.nextSeriesBefore ? `${listUrl(shown, { after: filter.after, seriesBefore: home.nextSeriesBefore })}#series` : undefined,
      firstSeriesUrl: filter.seriesBefore ? `${listUrl(shown, { after: filter.after })}#series` : undefined,
      archivedUrl: listUrl({ ...shown, archived: home.archived ? undefined : 'yes' }),
    });
  });

  // ---- Venues
  app.get('/meetings/venues', async (request, reply) => {
    const filter = lenientParse(venueListQuerySchema, request.query);
    const archived = filter.archived === 'yes';
    const { venues, nextBefore, canCreate } = await meetings.listVenues(request.ctx, { archived, before: filter.before });
    return reply.page(`${V}/venues.njk`, {
      pageTitle: archived ? t('meetings.venues.archivedTitle') : t('meetings.venues.title'),
      archived,
      canCreate,
      venues: venues.map((v) => ({ ...v, featureNames: v.features.map((f) => t(`meetings.features.${f}.name`)) })),
      nextUrl: nextBefore ? `/meetings/venues?${archived ? 'archived=yes&' : ''}before=${nextBefore}` : undefined,
      firstPageUrl: filter.before ? `/meetings/venues${archived ? '?archived=yes' : ''}` : undefined,
    });
  });

  app.get('/meetings/venues/new', async (request, reply) => reply.page(`${V}/venue-form.njk`, await venueFormView(request, { unitId: cleanForm(request.query).unit }, [])));

  app.post('/meetings/venues', async (request, reply) => {
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.createVenue(request.ctx, input);
        reply.flash(t('meetings.venueForm.created'));
        return reply.redirect('/meetings/venues', 303);
      },
      (errors) => venueFormView(request, input, errors),
      `${V}/venue-form.njk`,
    );
  });

  app.get('/meetings/venues/:id/edit', async (request, reply) => {
    const venue = await meetings.venueForEdit(request.ctx, idParam(request));
    const values = { unitId: String(venue.unit_id), name: venue.name, address: venue.address, features: venue.features, notes: venue.notes };
    return reply.page(`${V}/venue-form.njk`, await venueFormView(request, values, [], venue.id, venue.archived_at !== null));
  });

  app.post('/meetings/venues/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.updateVenue(request.ctx, id, input);
        reply.flash(t('meetings.venueForm.updated'));
        return reply.redirect('/meetings/venues', 303);
      },
      async (errors) => venueFormView(request, input, errors, id, (await meetings.venueForEdit(request.ctx, id)).archived_at !== null),
      `${V}/venue-form.njk`,
    );
  });

  app.post('/meetings/venues/:id/archive', async (request, reply) => {
    const id = idParam(request);
    const restore = cleanForm(request.body).restore === 'yes';
    await meetings.setVenueArchived(request.ctx, id, !restore);
    reply.flash(t(restore ? 'meetings.venues.restored' : 'meetings.venues.archivedDone'));
    return reply.redirect('/meetings/venues', 303);
  });

  // ---- Series
  app.get('/meetings/series/new', async (request, reply) => {
    const { unit, projectId } = cleanForm(request.query);
    return reply.page(`${V}/series-form.njk`, await seriesFormView(request, { unitId: unit, projectId, kind: projectId ? 'project_team' : undefined }, []));
  });

  app.post('/meetings/series', async (request, reply) => {
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const id = await meetings.createSeries(request.ctx, input);
        reply.flash(t('meetings.seriesForm.created'));
        return reply.redirect(`/meetings/series/${id}`, 303);
      },
      (errors) => seriesFormView(request, input, errors),
      `${V}/series-form.njk`,
    );
  });

  app.get('/meetings/series/:id', async (request, reply) => {
    const query = lenientParse(seriesPageQuerySchema, request.query);
    const s = await meetings.getSeries(request.ctx, idParam(request), { pastBefore: query.pastBefore });
    return reply.page(`${V}/series.njk`, {
      pageTitle: s.series.name,
      series: s.series,
      unit: s.unit,
      canManage: s.canManage,
      staff: s.staff,
      kindName: t(`meetings.seriesKinds.${s.series.kind}.name`),
      members: s.members.map((m) => ({ ...m, roleName: t(`meetings.roles.${m.role}`), kindName: m.isStaff ? t('meetings.members.staff') : t('meetings.members.register') })),
      upcoming: s.upcoming.map(meetingRow),
      past: s.past.map(meetingRow),
      venue: s.venue ? { ...s.venue, featureNames: s.venue.features.map((f) => t(`meetings.features.${f}.name`)) } : null,
      project: s.project,
      nextPastUrl: s.nextPastBefore ? `/meetings/series/${s.series.id}?pastBefore=${encodeURIComponent(s.nextPastBefore)}#past` : undefined,
      firstPastUrl: query.pastBefore ? `/meetings/series/${s.series.id}#past` : undefined,
    });
  });

  app.get('/meetings/series/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const { series } = await meetings.seriesForEdit(request.ctx, id);
    const fromQuery = cleanForm(request.query);
    // A project searched for on this page is the one being chosen.
    const values = { ...seriesValues(series), ...(fromQuery.projectId ? { projectId: fromQuery.projectId } : {}) };
    return reply.page(`${V}/series-form.njk`, await seriesFormView(request, values, [], id));
  });

  app.post('/meetings/series/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.updateSeries(request.ctx, id, input);
        reply.flash(t('meetings.seriesForm.updated'));
        return reply.redirect(`/meetings/series/${id}`, 303);
      },
      (errors) => seriesFormView(request, input, errors, id),
      `${V}/series-form.njk`,
    );
  });

  app.post('/meetings/series/:id/archive', async (request, reply) => {
    const id = idParam(request);
    const restore = cleanForm(request.body).restore === 'yes';
    await meetings.setSeriesArchived(request.ctx, id, !restore);
    reply.flash(t(restore ? 'meetings.series.restored' : 'meetings.series.archivedDone'));
    return reply.redirect(`/meetings/series/${id}`, 303);
  });

  // ---- Members of a series
  app.get('/meetings/series/:id/members/new', async (request, reply) => reply.page(`${V}/add-member.njk`, await addMemberView(request, idParam(request), cleanForm(request.query))));

  app.post('/meetings/series/:id/members', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.addMember(request.ctx, id, input);
        reply.flash(t('meetings.members.added'));
        return reply.redirect(`/meetings/series/${id}#members`, 303);
      },
      (errors) => addMemberView(request, id, input, errors),
      `${V}/add-member.njk`,
    );
  });

  app.get('/meetings/series/:id/members/:memberId', async (request, reply) =>
    reply.page(`${V}/member.njk`, await memberPageView(request, idParam(request), idParam(request, 'memberId'))),
  );

  app.post('/meetings/series/:id/members/:memberId', async (request, reply) => {
    const id = idParam(request);
    const memberId = idParam(request, 'memberId');
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.changeMemberRole(request.ctx, id, memberId, input);
        reply.flash(t('meetings.members.roleChanged'));
        return reply.redirect(`/meetings/series/${id}#members`, 303);
      },
      (errors) => memberPageView(request, id, memberId, input, errors),
      `${V}/member.njk`,
    );
  });

  app.post('/meetings/series/:id/members/:memberId/remove', async (request, reply) => {
    const id = idParam(request);
    const member = await meetings.removeMember(request.ctx, id, idParam(request, 'memberId'));
    reply.flash(t('meetings.members.removed', { name: member.name }));
    return reply.redirect(`/meetings/series/${id}#members`, 303);
  });

  // ---- Meetings
  app.get('/meetings/series/:id/meetings/new', async (request, reply) => {
    const id = idParam(request);
    const { series } = await meetings.seriesForEdit(request.ctx, id);
    return reply.page(`${V}/meeting-form.njk`, await meetingFormView(request, { seriesId: id }, { venueId: series.usual_venue_id ? String(series.usual_venue_id) : undefined }, []));
  });

  app.post('/meetings/series/:id/meetings', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const meetingId = await meetings.createMeeting(request.ctx, id, input);
        reply.flash(t('meetings.meetingForm.created'));
        return reply.redirect(`/meetings/${meetingId}`, 303);
      },
      (errors) => meetingFormView(request, { seriesId: id }, input, errors),
      `${V}/meeting-form.njk`,
    );
  });

  app.get('/meetings/:id', async (request, reply) => {
    const m = await meetings.getMeeting(request.ctx, idParam(request));
    return reply.page(`${V}/meeting.njk`, {
      pageTitle: m.details.title,
      details: m.details,
      series: m.series,
      canManage: m.canManage,
      agenda: agendaView(m.meeting.id, m.agenda),
    });
  });

  app.get('/meetings/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const { meeting } = await meetings.meetingForEdit(request.ctx, id);
    return reply.page(`${V}/meeting-form.njk`, await meetingFormView(request, { meetingId: id }, meetings.meetingFormValues(meeting), []));
  });

  app.post('/meetings/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.updateMeeting(request.ctx, id, input);
        reply.flash(t('meetings.meetingForm.updated'));
        return reply.redirect(`/meetings/${id}`, 303);
      },
      (errors) => meetingFormView(request, { meetingId: id }, input, errors),
      `${V}/meeting-form.njk`,
    );
  });

  app.post('/meetings/:id/cancel', async (request, reply) => {
    const id = idParam(request);
    const restore = cleanForm(request.body).restore === 'yes';
    await meetings.setMeetingCancelled(request.ctx, id, !restore);
    reply.flash(t(restore ? 'meetings.meeting.reinstated' : 'meetings.meeting.cancelledDone'));
    return reply.redirect(`/meetings/${id}`, 303);
  });

  // ---- Printable agendas (the large-print one at 18pt and more)
  for (const largePrint of [false, true]) {
    app.get(largePrint ? '/meetings/:id/agenda/large-print' : '/meetings/:id/agenda', async (request, reply) => {
      const { details, agenda } = await meetings.printableAgenda(request.ctx, idParam(request));
      return reply.page(`${V}/agenda-print.njk`, {
        pageTitle: t(largePrint ? 'meetings.print.largeTitle' : 'meetings.print.title', { title: details.title }),
        details,
        agenda: agendaView(details.id, agenda),
        largePrint,
      });
    });
  }

  // ---- Agenda items
  app.get('/meetings/:id/agenda/new', async (request, reply) => reply.page(`${V}/agenda-item-form.njk`, await agendaFormView(request, idParam(request), undefined, cleanForm(request.query))));

  app.post('/meetings/:id/agenda', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.addAgendaItem(request.ctx, id, input);
        reply.flash(t('meetings.agendaForm.created'));
        return reply.redirect(`/meetings/${id}#agenda`, 303);
      },
      (errors) => agendaFormView(request, id, undefined, input, errors),
      `${V}/agenda-item-form.njk`,
    );
  });

  app.get('/meetings/:id/agenda/:itemId/edit', async (request, reply) => {
    const id = idParam(request);
    const itemId = idParam(request, 'itemId');
    const { item } = await meetings.agendaItemForm(request.ctx, id, itemId, {});
    const fromQuery = cleanForm(request.query);
    const values = { ...meetings.agendaFormValues(item as NonNullable<typeof item>), ...(fromQuery.projectId ? { projectId: fromQuery.projectId, kind: 'project_slot' } : {}) };
    return reply.page(`${V}/agenda-item-form.njk`, await agendaFormView(request, id, itemId, values));
  });

  app.post('/meetings/:id/agenda/:itemId', async (request, reply) => {
    const id = idParam(request);
    const itemId = idParam(request, 'itemId');
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        await meetings.updateAgendaItem(request.ctx, id, itemId, input);
        reply.flash(t('meetings.agendaForm.updated'));
        return reply.redirect(`/meetings/${id}#agenda`, 303);
      },
      (errors) => agendaFormView(request, id, itemId, input, errors),
      `${V}/agenda-item-form.njk`,
    );
  });

  app.post('/meetings/:id/agenda/:itemId/delete', async (request, reply) => {
    const id = idParam(request);
    const item = await meetings.deleteAgendaItem(request.ctx, id, idParam(request, 'itemId'));
    reply.flash(t('meetings.agendaForm.deleted', { title: item.title }));
    return reply.redirect(`/meetings/${id}#agenda`, 303);
  });

  app.post('/meetings/:id/agenda/:itemId/move', async (request, reply) => {
    const id = idParam(request);
    const itemId = idParam(request, 'itemId');
    try {
      await meetings.moveAgendaItem(request.ctx, id, itemId, cleanForm(request.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Only a hand-made request names no direction: nothing moves.
      return reply.redirect(`/meetings/${id}#agenda`, 303);
    }
    reply.flash(t('meetings.agenda.moved'));
    return reply.redirect(`/meetings/${id}#item-${itemId}`, 303);
  });

  // ---- Papers
  app.post('/meetings/:id/agenda/:itemId/papers', async (request, reply) => {
    const id = idParam(request);
    const itemId = idParam(request, 'itemId');
    // Who may attach papers is checked before the file is read.
    const { item } = await meetings.paperTarget(request.ctx, id, itemId);
    const values = meetings.agendaFormValues(item);
    const fail = async (key: string, params: Record<string, unknown> = {}) =>
      withErrors(reply, `${V}/agenda-item-form.njk`, agendaFormView(request, id, itemId, values, [{ field: 'file', message: t(`errors.meetings.paper.${key}`, params) }]));
    if (!request.isMultipart()) return fail('noFile');
    let filename = '';
    let content: Buffer;
    try {
      const file = await request.file({ limits: { fileSize: PAPER_MAX_BYTES, files: 1 } });
      if (!file) return fail('noFile');
      filename = file.filename;
      content = await file.toBuffer();
    } catch (err) {
      if (err instanceof app.multipartErrors.RequestFileTooLargeError) return fail('tooLarge', { max: PAPER_MAX_BYTES / 1024 / 1024 });
      request.log.info({ err, reference: request.id }, 'paper upload could not be read');
      return fail('uploadBroken');
    }
    if (!filename) return fail('noFile');
    return orRerender(
      reply,
      async () => {
        await meetings.uploadPaper(request.ctx, id, itemId, { filename, content });
        reply.flash(t('meetings.papers.uploaded'));
        return reply.redirect(`/meetings/${id}/agenda/${itemId}/edit#papers`, 303);
      },
      (errors) => agendaFormView(request, id, itemId, values, errors),
      `${V}/agenda-item-form.njk`,
    );
  });

  app.get('/meetings/:id/papers/:paperId', async (request, reply) => {
    const paper = await meetings.paperDownload(request.ctx, idParam(request), idParam(request, 'paperId'));
    return reply
      .header('content-type', paper.contentType)
      .header('content-disposition', attachment(paper.filename))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(paper.content);
  });

  app.post('/meetings/:id/papers/:paperId/delete', async (request, reply) => {
    const id = idParam(request);
    const paper = await meetings.deletePaper(request.ctx, id, idParam(request, 'paperId'));
    reply.flash(t('meetings.papers.deleted', { name: paper.filename }));
    return reply.redirect(`/meetings/${id}/agenda/${paper.agenda_item_id}/edit#papers`, 303);
  });
}
