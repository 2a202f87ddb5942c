import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import * as minutes from './service.ts';

const V = 'minutes/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

const statusItems = (selected: unknown) => minutes.ATTENDANCE_STATUSES.map((s) => ({ value: s, text: t(`minutes.statuses.${s}`), checked: selected === s }));
const roleOptions = (selected: unknown) => minutes.ATTENDANCE_ROLES.map((r) => ({ value: r, text: t(`minutes.roles.${r}`), selected: selected === r }));
const roleRadios = (selected: unknown) => minutes.ATTENDANCE_ROLES.map((r) => ({ value: r, text: t(`minutes.roles.${r}`), checked: selected === r }));
const actionStatusItems = (selected: unknown) => minutes.ACTION_STATUSES.map((s) => ({ value: s, text: t(`minutes.actionStatuses.${s}`), checked: selected === s }));
const ownerItems = (choices: { value: string; text: string }[], selected: unknown) => [
  { value: '', text: t('minutes.actions.chooseOwner') },
  ...choices.map((c) => ({ value: c.value, text: c.text, selected: selected === c.value })),
];

/** The attendance sheet; `list` holds what was posted to the list, `walkIn` what was posted to the walk-in form. */
async function attendanceView(request: FastifyRequest, id: number, opts: { list?: Record<string, unknown>; walkIn?: Record<string, unknown>; errors?: FieldError[] } = {}) {
  const walkIn = opts.walkIn ?? {};
  const sheet = await minutes.attendanceSheet(request.ctx, id, walkIn, cleanForm(request.query).q);
  const list = opts.list ?? {};
  return {
    pageTitle: t('minutes.attendance.title'),
    ...sheet,
    rows: sheet.rows.map((r) => {
      const status = list[`status-${r.key}`] ?? (opts.list ? undefined : r.status);
      const role = list[`role-${r.key}`] ?? (opts.list ? undefined : r.role);
      const about = [
        r.isWalkIn ? t('minutes.attendance.walkIn') : r.invited ? t('minutes.attendance.invited') : t('minutes.attendance.memberNotInvited'),
        ...(r.rsvp && r.rsvp !== 'none' ? [t(`minutes.rsvp.${r.rsvp}`)] : r.invited ? [t('minutes.rsvp.none')] : []),
      ].join(' · ');
      return { ...r, about, statusItems: statusItems(status), roleItems: [{ value: '', text: t('minutes.attendance.chooseRole') }, ...roleOptions(role)] };
    }),
    walkInRoleItems: roleRadios(walkIn.walkInRole),
    searchAction: `/meetings/${id}/attendance`,
    ...(sheet.picker ?? {}),
    values: walkIn,
    errors: opts.errors ?? [],
  };
}

async function minutesPageView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const page = await minutes.readMinutes(request.ctx, id);
  return {
    pageTitle: t('minutes.read.title', { meeting: page.label }),
    ...page,
    approveItems: [
      { value: '', text: t('minutes.approve.choose') },
      ...page.laterMeetings.filter((m) => m.held).map((m) => ({ value: String(m.id), text: m.label, selected: String(values.approvedIn ?? '') === String(m.id) })),
    ],
    publicationItems: (['none', 'members', 'public'] as const).map((p) => ({
      value: p,
      text: t(`minutes.publication.${p}`),
      hint: { text: t(`minutes.publication.${p}Hint`) },
      checked: (values.publication ?? page.minutes.publication) === p,
    })),
    values,
    errors,
  };
}

async function editView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const form = await minutes.minutesForEdit(request.ctx, id);
  const merged = { ...form.values, ...values };
  return {
    pageTitle: t('minutes.edit.title'),
    ...form,
    ownerItems: ownerItems(form.ownerChoices, merged.owner),
    itemOptions: [
      { value: '', text: t('minutes.actions.noItem') },
      ...form.items.map((i) => ({ value: String(i.id), text: `${i.position}. ${i.title}`, selected: String(merged.agendaItemId ?? '') === String(i.id) })),
    ],
    values: merged,
    errors,
  };
}

async function actionView(request: FastifyRequest, actionId: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const page = await minutes.actionForEdit(request.ctx, actionId);
  const merged = { ...page.values, ...values };
  return {
    pageTitle: t('minutes.action.title'),
    ...page,
    ownerItems: ownerItems(page.ownerChoices, merged.owner),
    statusItems: actionStatusItems(merged.status),
    values: merged,
    errors,
  };
}

function logQueryString(f: minutes.LogQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (f.seriesId) params.set('seriesId', String(f.seriesId));
  if (f.unitId) params.set('unitId', String(f.unitId));
  if (f.status) params.set('status', f.status);
  if (f.show) params.set('show', f.show);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function logView(base: string, filter: minutes.LogQuery, page: { actions: unknown[]; next: string | null }) {
  const { after: _after, ...rest } = filter;
  return {
    filter: rest,
    showItems: [
      { value: '', text: t('minutes.log.showAll'), checked: !filter.show },
      { value: 'open', text: t('minutes.log.showOpen'), checked: filter.show === 'open' },
      { value: 'overdue', text: t('minutes.log.showOverdue'), checked: filter.show === 'overdue' },
    ],
    statusOptions: [{ value: '', text: t('minutes.log.anyStatus') }, ...minutes.ACTION_STATUSES.map((s) => ({ value: s, text: t(`minutes.actionStatuses.${s}`), selected: filter.status === s }))],
    nextUrl: page.next ? `${base}${logQueryString(rest, { after: page.next })}` : undefined,
    firstPageUrl: filter.after ? `${base}${logQueryString(rest)}` : undefined,
    clearUrl: base,
    filtered: Boolean(filter.seriesId || filter.unitId || filter.status || filter.show),
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function minutesRoutes(app: FastifyInstance): Promise<void> {
  // ---- Attendance
  app.get('/meetings/:id/attendance', async (request, reply) => reply.page(`${V}/attendance.njk`, await attendanceView(request, idParam(request))));

  app.post('/meetings/:id/attendance', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await minutes.saveAttendance(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/attendance.njk`, attendanceView(request, id, { list: input, errors: translateErrors(err.fields) }));
    }
    reply.flash(t('minutes.attendance.saved'));
    return reply.redirect(`/meetings/${id}/attendance`, 303);
  });

  app.post('/meetings/:id/attendance/walk-ins', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    let name: string;
    try {
      name = await minutes.addWalkIn(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/attendance.njk`, attendanceView(request, id, { walkIn: input, errors: translateErrors(err.fields) }));
    }
    reply.flash(t('minutes.walkIn.added', { name }));
    return reply.redirect(`/meetings/${id}/attendance`, 303);
  });

  // ---- Minutes
  app.get('/meetings/:id/minutes', async (request, reply) => reply.page(`${V}/minutes.njk`, await minutesPageView(request, idParam(request))));

  app.get('/meetings/:id/minutes/large-print', async (request, reply) => {
    const page = await minutes.largePrintMinutes(request.ctx, idParam(request));
    return reply.page(`${V}/large-print.njk`, { pageTitle: t('minutes.largePrint.title', { meeting: page.label }), ...page });
  });

  app.get('/meetings/:id/minutes/edit', async (request, reply) => reply.page(`${V}/edit.njk`, await editView(request, idParam(request))));

  app.post('/meetings/:id/minutes/edit', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await minutes.saveMinutes(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/edit.njk`, editView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('minutes.edit.saved'));
    return reply.redirect(`/meetings/${id}/minutes`, 303);
  });

  app.post('/meetings/:id/minutes/approve', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await minutes.approveMinutes(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/minutes.njk`, minutesPageView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('minutes.approve.done'));
    return reply.redirect(`/meetings/${id}/minutes`, 303);
  });

  app.post('/meetings/:id/minutes/publish', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    let publication: string;
    try {
      publication = await minutes.publishMinutes(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/minutes.njk`, minutesPageView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t(`minutes.publication.done.${publication}`));
    return reply.redirect(`/meetings/${id}/minutes`, 303);
  });

  /** Public minutes: approved and published to everyone; no sign-in. */
  app.get('/minutes/:id', async (request, reply) => {
    const view = await minutes.publicMinutes(request.ctx, idParam(request));
    return reply.page(`${V}/public.njk`, { pageTitle: t('minutes.public.title', { meeting: `${view.meeting.title}, ${view.meeting.day}` }), minutes: view });
  });

  // ---- Actions
  app.post('/meetings/:id/actions', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await minutes.createAction(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/edit.njk`, editView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('minutes.actions.added'));
    return reply.redirect(`/meetings/${id}/minutes/edit#actions`, 303);
  });

  app.get('/meetings/actions', async (request, reply) => {
    const filter = minutes.parseLogQuery(cleanForm(request.query));
    const page = await minutes.actionLog(request.ctx, filter);
    return reply.page(`${V}/actions.njk`, {
      pageTitle: t('minutes.log.title'),
      ...page,
      ...logView('/meetings/actions', filter, page),
      formAction: '/meetings/actions',
      seriesOptions: [{ value: '', text: t('minutes.log.anySeries') }, ...page.seriesList.map((s) => ({ value: String(s.id), text: `${s.name} (${s.unit_name})`, selected: filter.seriesId === s.id }))],
      unitOptions: page.units.length
        ? [{ value: '', text: t('minutes.log.anyUnit') }, ...page.units.map((u) => ({ value: String(u.id), text: u.name, selected: filter.unitId === u.id }))]
        : [],
    });
  });

  app.get('/meetings/series/:id/actions', async (request, reply) => {
    const id = idParam(request);
    const filter = minutes.parseLogQuery(cleanForm(request.query));
    const page = await minutes.seriesActionLog(request.ctx, id, filter);
    const base = `/meetings/series/${id}/actions`;
    return reply.page(`${V}/actions.njk`, {
      pageTitle: t('minutes.log.seriesTitle', { series: page.series.name }),
      ...page,
      ...logView(base, { ...filter, seriesId: undefined, unitId: undefined }, page),
      formAction: base,
      seriesOptions: [],
      unitOptions: [],
    });
  });

  app.get('/meetings/actions/:actionId', async (request, reply) => reply.page(`${V}/action.njk`, await actionView(request, idParam(request, 'actionId'))));

  app.post('/meetings/actions/:actionId', async (request, reply) => {
    const actionId = idParam(request, 'actionId');
    const input = cleanForm(request.body);
    let seriesId: number;
    try {
      ({ seriesId } = await minutes.updateActionDetails(request.ctx, actionId, input));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/action.njk`, actionView(request, actionId, input, translateErrors(err.fields)));
    }
    reply.flash(t('minutes.action.saved'));
    return reply.redirect(`/meetings/series/${seriesId}/actions`, 303);
  });
}
