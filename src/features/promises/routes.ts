import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { MESSAGE_MAX, NOTE_MAX, TEXT_MAX } from './schemas.ts';
import * as promises from './service.ts';

const V = 'promises/views';
const param = (request: FastifyRequest, name: string): number => Number((request.params as Record<string, string>)[name]);

// ---- Words for values

const PROGRESS_COLOURS: Record<promises.PromiseProgress, string> = { kept: 'green', in_progress: 'blue', not_yet: 'yellow' };
const progressTag = (p: promises.PromiseProgress | null) =>
  p ? { text: t(`promises.progress.${p}`), classes: `nhsuk-tag--${PROGRESS_COLOURS[p]}` } : { text: t('promises.progress.none'), classes: 'nhsuk-tag--white' };

const nextCheckInText = (progress: promises.PromiseProgress | null, checkInOn: string | null, today: string): string => {
  if (!progress || !checkInOn) return t('promises.checkIn.noneYet');
  if (progress === 'kept') return t('promises.checkIn.noneKept');
  return checkInOn <= today ? t('promises.checkIn.due', { date: promises.dayText(checkInOn) }) : promises.dayText(checkInOn);
};

function errorsWithSuffix(errors: FieldError[], suffix: string | number): FieldError[] {
  return translateErrors(errors).map((e) => ({ field: `${e.field}-${suffix}`, message: e.message }));
}

// ---- The participant's promise form

async function promiseView(request: FastifyRequest, workshopId: number, values?: Record<string, unknown>, errors: FieldError[] = []) {
  const page = await promises.promisePage(request.ctx, workshopId);
  const shown = values ?? (page.promise ? { text: page.promise.text, shared: page.promise.shared ? 'yes' : 'no', ...promises.dateParts(page.promise.check_in_on) } : {});
  return {
    pageTitle: page.promise ? t('promises.promise.editTitle') : t('promises.promise.title'),
    workshop: page.workshop,
    heldOn: promises.dayText(page.workshop.held_on),
    made: !!page.promise,
    action: `/workshops/${page.workshop.id}/promise`,
    backHref: `/workshops/${page.workshop.id}`,
    sharedItems: ['yes', 'no'].map((v) => ({ value: v, text: t(`promises.promise.shared.${v}`), hint: { text: t(`promises.promise.shared.${v}Hint`) }, checked: shown.shared === v })),
    exampleDate: promises.dayText(promises.addDays(page.today, 28)),
    textMax: TEXT_MAX,
    shared: page.shared.map((s) => ({ name: s.name, text: s.text, tag: progressTag(s.progress) })),
    values: shown,
    errors: translateErrors(errors),
  };
}

// ---- The organiser's list

function listUrl(workshopId: number, show: string | undefined, after?: number): string {
  const params = new URLSearchParams();
  if (show) params.set('show', show);
  if (after) params.set('after', String(after));
  const s = params.toString();
  return `/workshops/${workshopId}/promises${s ? `?${s}` : ''}`;
}

async function organiserView(request: FastifyRequest, workshopId: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const page = await promises.organiserPage(request.ctx, workshopId, cleanForm(request.query));
  const { today } = page;
  const participantItems = (field: string) => [
    { value: '', text: t('promises.organiser.chooseParticipant') },
    ...(page.choices.length > 1 ? [{ value: 'all', text: t('promises.organiser.everyone', { count: page.choices.length }), selected: values[field] === 'all' }] : []),
    ...page.choices.map((c) => ({ value: String(c.id), text: c.name, selected: String(values[field] ?? '') === String(c.id) })),
  ];
  const summary = page.counts;
  return {
    pageTitle: t('promises.organiser.title'),
    workshop: page.workshop,
    backHref: `/workshops/${page.workshop.id}`,
    progressHref: `/workshops/${page.workshop.id}/progress`,
    summaryText: summary.made === 0 ? t('promises.progressPage.noneYet') : t('promises.organiser.headline', { kept: summary.kept, count: summary.made }),
    counts: summary,
    rows: page.rows.map((r) => ({
      ...r,
      tag: progressTag(r.progress),
      sharedText: r.promise_id == null ? '' : t(r.shared ? 'promises.organiser.sharedYes' : 'promises.organiser.sharedNo'),
      nextText: nextCheckInText(r.progress, r.check_in_on, today),
      supporters: r.supporters.map((s) => ({
        ...s,
        text: s.kind === 'group' ? t('promises.organiser.groupSupporter', { name: s.name, count: s.members ?? 0 }) : s.name,
        removeAction: `/workshops/${page.workshop.id}/promises/supporters/${s.id}/remove`,
      })),
    })),
    showItems: [
      { value: '', text: t('promises.organiser.showAll') },
      ...promises.LIST_FILTERS.map((f) => ({ value: f, text: t(`promises.organiser.show.${f}`), selected: page.show === f })),
    ],
    filterAction: `/workshops/${page.workshop.id}/promises`,
    nextUrl: page.next ? listUrl(page.workshop.id, page.show, page.next) : undefined,
    firstUrl: page.paged ? listUrl(page.workshop.id, page.show) : undefined,
    assignAction: `/workshops/${page.workshop.id}/promises/supporters`,
    hasParticipants: page.choices.length > 0,
    groupParticipantItems: participantItems('groupParticipant'),
    personParticipantItems: participantItems('personParticipant'),
    groupItems: [{ value: '', text: t('promises.organiser.chooseGroup') }, ...page.groups.map((g) => ({ value: String(g.id), text: `${g.name} (${g.unitName})`, selected: String(values.groupId ?? '') === String(g.id) }))],
    hasGroups: page.groups.length > 0,
    values,
    errors: translateErrors(errors),
  };
}

// ---- My promises

interface MyForms {
  checkIn?: { promiseId: number; values: Record<string, unknown> };
  encourage?: { promiseId: number; values: Record<string, unknown> };
  errors?: FieldError[];
}

function myUrl(after?: number | null, supportingAfter?: number | null): string {
  const params = new URLSearchParams();
  if (after) params.set('after', String(after));
  if (supportingAfter) params.set('supportingAfter', String(supportingAfter));
  const s = params.toString();
  return `/my-promises${s ? `?${s}` : ''}`;
}

async function myView(request: FastifyRequest, forms: MyForms = {}) {
  const query = cleanForm(request.query);
  const page = await promises.myPromisesPage(request.ctx, query);
  const { today } = page;
  const values: Record<string, unknown> = {};
  if (forms.checkIn) for (const [k, v] of Object.entries(forms.checkIn.values)) values[`${k}-${forms.checkIn.promiseId}`] = v;
  if (forms.encourage) for (const [k, v] of Object.entries(forms.encourage.values)) values[`${k}-${forms.encourage.promiseId}`] = v;
  return {
    pageTitle: t('promises.mine.title'),
    mine: page.mine.map((m) => {
      const id = m.promise_id;
      const progressValue = id != null ? values[`progress-${id}`] : undefined;
      const interval = id != null ? String(values[`nextInWeeks-${id}`] ?? promises.DEFAULT_INTERVAL) : promises.DEFAULT_INTERVAL;
      return {
        ...m,
        heldOn: promises.dayText(m.held_on),
        promiseHref: `/workshops/${m.workshop_id}/promise`,
        progressHref: `/workshops/${m.workshop_id}/progress`,
        tag: progressTag(m.progress),
        whoSees: m.shared ? t('promises.mine.seenShared') : t('promises.mine.seenPrivate'),
        nextText: nextCheckInText(m.progress, m.check_in_on, today),
        checkInAction: id != null ? `/my-promises/${id}/check-ins` : null,
        progressItems: promises.PROMISE_PROGRESS.map((p) => ({ value: p, text: t(`promises.checkIn.options.${p}`), checked: progressValue === p })),
        intervalItems: promises.INTERVALS.map((w) => ({ value: w, text: t('promises.checkIn.weeks', { count: Number(w) }), selected: interval === w })),
        checkIns: m.checkIns.map((c) => ({ when: promises.whenText(c.recorded_at), tag: progressTag(c.progress), note: c.note })),
        encouragements: m.encouragements.map((e) => ({ from: e.from_name ?? t('promises.mine.someone'), when: promises.whenText(e.created_at), message: e.message })),
      };
    }),
    supporting: page.supporting.map((s) => ({
      ...s,
      tag: progressTag(s.progress),
      nextText: nextCheckInText(s.progress, s.check_in_on, today),
      encourageAction: `/my-promises/supporting/${s.promise_id}/encourage`,
    })),
    mineNextUrl: page.mineNext ? myUrl(page.mineNext, null) : undefined,
    supportingNextUrl: page.supportingNext ? myUrl(null, page.supportingNext) : undefined,
    firstUrl: page.paged ? '/my-promises' : undefined,
    noteMax: NOTE_MAX,
    messageMax: MESSAGE_MAX,
    values,
    errors: forms.errors ?? [],
  };
}

// ---- The progress page

async function progressView(request: FastifyRequest, workshopId: number) {
  const page = await promises.progressPage(request.ctx, workshopId);
  const s = page.summary;
  const parts = [
    { key: 'kept', count: s.kept, percent: s.percent.kept, colour: '#007f3b' },
    { key: 'inProgress', count: s.inProgress, percent: s.percent.inProgress, colour: '#005eb8' },
    { key: 'notYet', count: s.notYet, percent: s.percent.notYet, colour: '#ffb81c' },
    { key: 'notMade', count: s.notMade, percent: s.percent.notMade, colour: '#d8dde0' },
  ];
  let x = 0;
  const bar = parts.map((p) => {
    const seg = { ...p, x, label: t(`promises.progressPage.rows.${p.key}`) };
    x += p.percent;
    return seg;
  });
  return {
    pageTitle: t('promises.progressPage.title', { workshop: page.workshop.title }),
    workshop: page.workshop,
    heldOn: promises.dayText(page.workshop.heldOn),
    backHref: page.member ? `/workshops/${page.workshop.id}` : undefined,
    headline: s.made === 0 ? t('promises.progressPage.noneYet') : t('promises.progressPage.headline', { kept: s.kept, count: s.made }),
    summary: s,
    bar,
    barText: t('promises.progressPage.barText', { kept: s.kept, inProgress: s.inProgress, notYet: s.notYet, notMade: s.notMade }),
    tableData: parts.map((p) => [
      { text: t(`promises.progressPage.rows.${p.key}`) },
      { text: String(p.count), format: 'numeric' },
      { text: t('promises.progressPage.percent', { percent: p.percent }), format: 'numeric' },
    ]),
  };
}

export default async function promisesRoutes(app: FastifyInstance): Promise<void> {
  // ---- A participant's promise to themselves
  app.get('/workshops/:id/promise', async (request, reply) => reply.page(`${V}/promise.njk`, await promiseView(request, param(request, 'id'))));

  app.post('/workshops/:id/promise', async (request: FastifyRequest, reply: FastifyReply) => {
    const id = param(request, 'id');
    const input = cleanForm(request.body);
    let result: { created: boolean };
    try {
      result = await promises.savePromise(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/promise.njk`, await promiseView(request, id, input, err.fields));
    }
    reply.flash(t(result.created ? 'promises.flash.made' : 'promises.flash.changed'));
    return reply.redirect('/my-promises', 303);
  });

  // ---- Organisers: every participant's promise, and their supporters
  app.get('/workshops/:id/promises', async (request, reply) => reply.page(`${V}/organiser.njk`, await organiserView(request, param(request, 'id'))));

  app.post('/workshops/:id/promises/supporters', async (request: FastifyRequest, reply: FastifyReply) => {
    const id = param(request, 'id');
    const input = cleanForm(request.body);
    let result: { added: number; already: number };
    try {
      result = await promises.assignSupporters(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/organiser.njk`, await organiserView(request, id, input, err.fields));
    }
    reply.flash(result.added === 0 ? t('promises.flash.alreadyAssigned') : t('promises.flash.assigned', { count: result.added }));
    return reply.redirect(`/workshops/${id}/promises`, 303);
  });

  app.post('/workshops/:id/promises/supporters/:supporterId/remove', async (request, reply) => {
    const id = param(request, 'id');
    await promises.removeSupporter(request.ctx, id, param(request, 'supporterId'));
    reply.flash(t('promises.flash.removed'));
    return reply.redirect(`/workshops/${id}/promises`, 303);
  });

  // ---- My promises, check-ins and encouragement
  app.get('/my-promises', async (request, reply) => reply.page(`${V}/mine.njk`, await myView(request)));

  app.post('/my-promises/:promiseId/check-ins', async (request: FastifyRequest, reply: FastifyReply) => {
    const promiseId = param(request, 'promiseId');
    const input = cleanForm(request.body);
    let result: { progress: promises.PromiseProgress; nextCheckIn: string | null };
    try {
      result = await promises.recordCheckIn(request.ctx, promiseId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/mine.njk`, await myView(request, { checkIn: { promiseId, values: input }, errors: errorsWithSuffix(err.fields, promiseId) }));
    }
    reply.flash(result.nextCheckIn ? t('promises.flash.checkedIn', { date: promises.dayText(result.nextCheckIn) }) : t('promises.flash.kept'));
    return reply.redirect(`/my-promises#promise-${promiseId}`, 303);
  });

  app.post('/my-promises/supporting/:promiseId/encourage', async (request: FastifyRequest, reply: FastifyReply) => {
    const promiseId = param(request, 'promiseId');
    const input = cleanForm(request.body);
    let result: { name: string };
    try {
      result = await promises.encourage(request.ctx, promiseId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/mine.njk`, await myView(request, { encourage: { promiseId, values: input }, errors: errorsWithSuffix(err.fields, promiseId) }));
    }
    reply.flash(t('promises.flash.encouraged', { name: result.name }));
    return reply.redirect(`/my-promises#supporting-${promiseId}`, 303);
  });

  // ---- The progress page: public when the organiser says so
  app.get('/workshops/:id/progress', { config: { public: true } }, async (request, reply) => reply.page(`${V}/progress.njk`, await progressView(request, param(request, 'id'))));
}
