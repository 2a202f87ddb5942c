import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ACCESS_NEEDS, ACTIVITY_KINDS, AVAILABILITY, CHANNELS, CONSENT_KINDS, CONSENT_METHODS, FORMATS, HEARD_VIA,
  PERSON_STATUSES, RELATIONSHIPS, type OrgUnit,
} from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { can } from '../../platform/rbac/index.ts';
import { EQUALITY_FIELDS, EQUALITY_QUESTIONS, PREFER_NOT_TO_SAY, type RegisterQuery } from './schemas.ts';
import myInvolvementRoutes from './my-involvement.ts';
import { consentView, day, historyView, personFormItems, radioItems, selectItems } from './present.ts';
import * as people from './service.ts';

const V = 'people/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

function unitItems(units: OrgUnit[], selected: unknown, emptyText: string) {
  const minDepth = Math.min(...units.map((u) => u.path.split('/').length));
  return [
    { value: '', text: emptyText },
    ...units.map((u) => ({ value: String(u.id), text: `${'– '.repeat(u.path.split('/').length - minDepth)}${u.name}`, selected: String(selected ?? '') === String(u.id) })),
  ];
}

const registerUrl = (filter: RegisterQuery, before?: number | null): string => {
  const qs = people.filterQueryString(filter);
  const params = new URLSearchParams(qs);
  if (before) params.set('before', String(before));
  const s = params.toString();
  return `/people${s ? `?${s}` : ''}`;
};

// ---- Pages

async function registerView(request: FastifyRequest, rawQuery: unknown, errors: FieldError[] = [], values: Record<string, unknown> = {}) {
  const filter = people.parseRegisterQuery(cleanForm(rawQuery));
  const [{ people: rows, nextBefore }, units, saved] = await Promise.all([
    people.listRegister(request.ctx, filter),
    people.unitsForRegister(request.ctx),
    people.savedFilters(request.ctx),
  ]);
  const query = people.filterQueryString(filter);
  return {
    pageTitle: t('people.register.title'),
    canManage: can(request.principal, 'people:manage'),
    filter,
    filtered: people.activeFilterNames(filter).length > 0,
    query,
    exportQuery: query ? `?${query}` : '',
    rows: rows.map((p) => ({
      id: p.id,
      name: p.full_name,
      preferredName: p.preferred_name,
      contact: p.email ?? p.phone ?? '',
      unit: p.unit_name,
      status: t(`people.statuses.${p.status}`),
      channel: t(`people.channels.${p.preferred_channel}`),
      relationship: t(`people.relationships.${p.relationship}`),
    })),
    unitItems: unitItems(units, filter.unitId, t('people.filters.allUnits')),
    statusItems: selectItems(PERSON_STATUSES, 'people.statuses', filter.status, t('people.filters.any')),
    availabilityItems: selectItems(AVAILABILITY, 'people.availability', filter.availability, t('people.filters.any')),
    accessNeedItems: selectItems(ACCESS_NEEDS, 'people.accessNeeds', filter.accessNeed, t('people.filters.any')),
    channelItems: selectItems(CHANNELS, 'people.channels', filter.channel, t('people.filters.any')),
    formatItems: selectItems(FORMATS, 'people.formats', filter.format, t('people.filters.any')),
    relationshipItems: selectItems(RELATIONSHIPS, 'people.relationships', filter.relationship, t('people.filters.any')),
    saved: saved.map((s) => ({ id: s.id, name: s.name, href: `/people${s.query ? `?${s.query}` : ''}` })),
    nextUrl: nextBefore ? registerUrl(filter, nextBefore) : undefined,
    firstPageUrl: filter.before ? registerUrl(filter) : undefined,
    values,
    errors,
  };
}

async function formView(request: FastifyRequest, mode: 'new' | 'edit', values: Record<string, unknown>, errors: FieldError[] = [], personId?: number) {
  const [units, outreach] = await Promise.all([people.unitsForNewPeople(request.ctx), people.outreachChoices(request.ctx)]);
  return {
    pageTitle: t(mode === 'new' ? 'people.new.title' : 'people.edit.title'),
    mode,
    personId,
    action: mode === 'new' ? '/people' : `/people/${personId}`,
    unitItems: unitItems(units, values.unitId, t('people.form.chooseUnit')),
    statusItems: radioItems(PERSON_STATUSES, 'people.statuses', values.status),
    heardViaItems: selectItems(HEARD_VIA, 'people.heardVia', values.heardVia, t('people.form.notKnown')),
    outreachItems: [
      { value: '', text: t('people.form.noOutreach') },
      ...outreach.map((o) => ({ value: String(o.id), text: `${o.title} (${day(o.on_date)})`, selected: String(values.outreachEventId ?? '') === String(o.id) })),
    ],
    ...personFormItems(values),
    values,
    errors,
  };
}

async function consentPageView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const c = await people.consentsOf(request.ctx, id);
  return {
    pageTitle: t('people.consent.title'),
    person: c.person,
    consents: c.consents.map(consentView),
    log: c.consentLog.map((l) => ({
      kindName: t(`people.consentKinds.${l.kind}`),
      state: l.given ? t('people.consent.given') : t('people.consent.withdrawn'),
      how: t(`people.consentMethods.${l.method}`),
      when: l.recorded_at,
      who: l.recorded_by_name ?? '',
      note: l.note ?? '',
    })),
    contactable: c.contactable,
    kindItems: radioItems(CONSENT_KINDS, 'people.consentKinds', values.kind),
    givenItems: [
      { value: 'yes', text: t('people.consent.giveOption'), checked: values.given === 'yes' },
      { value: 'no', text: t('people.consent.withdrawOption'), checked: values.given === 'no' },
    ],
    methodItems: radioItems(CONSENT_METHODS, 'people.consentMethods', values.method),
    values,
    errors,
  };
}

async function equalityView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const e = await people.equalityForEdit(request.ctx, id);
  return {
    pageTitle: t('people.equality.title'),
    person: e.person,
    questions: EQUALITY_FIELDS.map((q) => ({
      name: q,
      legend: t(`people.equality.questions.${q}`),
      hint: t(e.answered[q] ? 'people.equality.alreadyAnswered' : 'people.equality.optional'),
      items: [...EQUALITY_QUESTIONS[q], PREFER_NOT_TO_SAY].map((a) => ({ value: a, text: t(`people.equality.answers.${q}.${a}`), checked: values[q] === a })),
    })),
    anyAnswered: EQUALITY_FIELDS.some((q) => e.answered[q]),
    values,
    errors,
  };
}

async function activityView(request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const f = await people.activityForm(request.ctx, id, { audit: errors.length === 0 });
  const choiceItems = (list: { id: number; title: string }[], selected: unknown) => [
    { value: '', text: t('people.activity.notFor') },
    ...list.map((c) => ({ value: String(c.id), text: c.title, selected: String(selected ?? '') === String(c.id) })),
  ];
  return {
    pageTitle: t('people.activity.title'),
    person: f.person,
    today: f.today,
    kindItems: radioItems(ACTIVITY_KINDS, 'people.activityKinds', values.kind),
    projectItems: choiceItems(f.choices.projects, values.projectId),
    groupItems: choiceItems(f.choices.groups, values.groupId),
    opportunityItems: choiceItems(f.choices.opportunities, values.opportunityId),
    values,
    errors,
  };
}

async function renderWithErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

function download(reply: FastifyReply, type: string, filename: string, body: Buffer | string): FastifyReply {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(body);
}

const stamp = (): string => new Date().toISOString().slice(0, 10);

export default async function peopleRoutes(app: FastifyInstance): Promise<void> {
  await app.register(myInvolvementRoutes);

  // ---- The register
  app.get('/people', async (request, reply) => reply.page(`${V}/register.njk`, await registerView(request, request.query)));

  app.get('/people/export.csv', async (request, reply) => {
    const body = await people.exportRegister(request.ctx, people.parseRegisterQuery(cleanForm(request.query)), 'csv');
    return download(reply, 'text/csv; charset=utf-8', `involvement-register-${stamp()}.csv`, body);
  });

  app.get('/people/export.xlsx', async (request, reply) => {
    const body = await people.exportRegister(request.ctx, people.parseRegisterQuery(cleanForm(request.query)), 'xlsx');
    return download(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `involvement-register-${stamp()}.xlsx`, body);
  });

  app.post('/people/filters', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      await people.saveFilter(request.ctx, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Show the register with the filters the user was saving.
      const query = typeof input.query === 'string' ? input.query : '';
      return renderWithErrors(reply, `${V}/register.njk`, registerView(request, Object.fromEntries(new URLSearchParams(query)), translateErrors(err.fields), input));
    }
    reply.flash(t('people.filters.saved'));
    const query = people.filterQueryString(people.parseRegisterQuery(Object.fromEntries(new URLSearchParams(typeof input.query === 'string' ? input.query : ''))));
    return reply.redirect(`/people${query ? `?${query}` : ''}`, 303);
  });

  app.post('/people/filters/:id/delete', async (request, reply) => {
    await people.deleteFilter(request.ctx, idParam(request));
    reply.flash(t('people.filters.deleted'));
    return reply.redirect('/people', 303);
  });

  // ---- Equality monitoring, in aggregate
  app.get('/people/equality', async (request, reply) => {
    const report = await people.equalityReport(request.ctx);
    return reply.page(`${V}/equality-report.njk`, {
      pageTitle: t('people.equality.reportTitle'),
      total: report.total,
      questions: report.questions.map((q) => ({
        caption: t(`people.equality.questions.${q.question}`),
        rows: q.cells.map((c) => [
          { text: c.answer === null ? t('people.equality.notAnswered') : t(`people.equality.answers.${q.question}.${c.answer}`) },
          { text: c.count === null ? t('people.equality.fewerThan', { count: people.SUPPRESS_BELOW }) : String(c.count), format: 'numeric' },
        ]),
      })),
    });
  });

  // ---- Add a person
  app.get('/people/new', async (request, reply) => {
    const { unit } = request.query as { unit?: string };
    return reply.page(`${V}/form.njk`, await formView(request, 'new', { unitId: unit, status: 'enquiry', format: 'standard', anonymity: 'full_name' }));
  });

  app.post('/people', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const id = await people.createPerson(request.ctx, input);
      reply.flash(t('people.new.done'));
      return reply.redirect(`/people/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/form.njk`, formView(request, 'new', input, translateErrors(err.fields)));
    }
  });

  // ---- One person
  app.get('/people/:id', async (request, reply) => {
    const p = await people.getPerson(request.ctx, idParam(request));
    // A partner looking at their own entry gets their own page.
    if (p.isSelf && !p.staffView) return reply.redirect('/my-involvement', 303);
    return reply.page(`${V}/person.njk`, {
      pageTitle: p.person.full_name,
      person: p.person,
      unit: p.unit,
      canManage: p.canManage,
      status: t(`people.statuses.${p.person.status}`),
      fields: {
        channel: t(`people.channels.${p.person.preferred_channel}`),
        format: t(`people.formats.${p.person.format}`),
        relationship: t(`people.relationships.${p.person.relationship}`),
        anonymity: t(`people.anonymity.${p.person.anonymity}`),
        payment: t(`people.payment.${p.person.payment_preference}`),
        heardVia: p.person.heard_via ? t(`people.heardVia.${p.person.heard_via}`) : '',
      },
      accessNeeds: p.attributes.access_need.map((a) => t(`people.accessNeeds.${a}`)),
      interests: p.attributes.interest,
      skills: p.attributes.skill,
      availability: p.attributes.availability.map((a) => t(`people.availability.${a}`)),
      consents: p.consents.map(consentView),
      contactable: p.contactable,
      statuses: p.statuses.map((s) => ({ status: t(`people.statuses.${s.status}`), at: s.changed_at, by: s.changed_by_name ?? '' })),
      history: historyView(p.history),
      equalityAnswered: p.equalityAnswered,
      accountEmail: p.accountEmail,
    });
  });

  app.get('/people/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const { values } = await people.personForEdit(request.ctx, id, { audit: true });
    return reply.page(`${V}/form.njk`, await formView(request, 'edit', values, [], id));
  });

  app.post('/people/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await people.updatePerson(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/form.njk`, formView(request, 'edit', input, translateErrors(err.fields), id));
    }
    reply.flash(t('people.edit.done'));
    return reply.redirect(`/people/${id}`, 303);
  });

  // ---- Consents
  app.get('/people/:id/consents', async (request, reply) => reply.page(`${V}/consents.njk`, await consentPageView(request, idParam(request))));

  app.post('/people/:id/consents', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      const c = await people.recordConsent(request.ctx, id, input);
      reply.flash(t(c.given ? 'people.consent.recordedGiven' : 'people.consent.recordedWithdrawn', { kind: t(`people.consentKinds.${c.kind}`) }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/consents.njk`, consentPageView(request, id, input, translateErrors(err.fields)));
    }
    return reply.redirect(`/people/${id}/consents`, 303);
  });

  // ---- Equality monitoring for one person
  app.get('/people/:id/equality', async (request, reply) => reply.page(`${V}/equality.njk`, await equalityView(request, idParam(request))));

  app.post('/people/:id/equality', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await people.saveEquality(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/equality.njk`, equalityView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('people.equality.done'));
    return reply.redirect(`/people/${id}`, 303);
  });

  // ---- Involvement activities and hours, recorded by hand
  app.get('/people/:id/activities/new', async (request, reply) => {
    const id = idParam(request);
    return reply.page(`${V}/activity.njk`, await activityView(request, id, { onDate: people.todayInLondon() }));
  });

  app.post('/people/:id/activities', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await people.recordActivity(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/activity.njk`, activityView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('people.activity.done'));
    return reply.redirect(`/people/${id}`, 303);
  });

  app.post('/people/:id/activities/:activityId/delete', async (request, reply) => {
    const id = idParam(request);
    await people.removeActivity(request.ctx, id, idParam(request, 'activityId'));
    reply.flash(t('people.activity.removed'));
    return reply.redirect(`/people/${id}`, 303);
  });

  // ---- Erasure and subject access
  const erasePage = async (request: FastifyRequest, id: number, errors: FieldError[] = []) => {
    const { person } = await people.personForEdit(request.ctx, id);
    return { pageTitle: t('people.erase.title'), person, errors };
  };

  app.get('/people/:id/erase', async (request, reply) => reply.page(`${V}/erase.njk`, await erasePage(request, idParam(request))));

  app.post('/people/:id/erase', async (request, reply) => {
    const id = idParam(request);
    try {
      await people.erasePerson(request.ctx, id, cleanForm(request.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderWithErrors(reply, `${V}/erase.njk`, erasePage(request, id, translateErrors(err.fields)));
    }
    reply.flash(t('people.erase.done'));
    return reply.redirect('/people', 303);
  });

  app.get('/people/:id/export', async (request, reply) => {
    const id = idParam(request);
    const data = await people.exportPerson(request.ctx, id);
    return download(reply, 'application/json; charset=utf-8', `alongside-person-${id}.json`, JSON.stringify(data, null, 2));
  });
}
