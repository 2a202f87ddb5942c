import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_NEEDS, AVAILABILITY, PAYMENT_PREFERENCES } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { can } from '../../platform/rbac/index.ts';
import type { Reason } from './matching.ts';
import { WANTED_RELATIONSHIPS } from './schemas.ts';
import * as opps from './service.ts';

const V = 'opportunities/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
/** A date (YYYY-MM-DD) as people read it, e.g. "3 June 2025". */
const day = (d: string | null | undefined): string => (d ? dayFormat.format(new Date(`${d.slice(0, 10)}T00:00:00Z`)) : '');

/** "tue_pm" → "Tuesday afternoon". */
export const timeName = (code: string): string => {
  const [d, p] = code.split('_');
  return t('opportunities.times.slot', { day: t(`opportunities.days.${d}`), part: t(`opportunities.times.${p}`) });
};
const list = (values: string[], name: (v: string) => string) => values.map(name).join(', ');

/** A reason for (or against) a suggestion, in words. */
export function reasonText(r: Reason): string {
  switch (r.code) {
    case 'interests':
      return t('opportunities.reasons.interests', { values: r.values.join(', ') });
    case 'availability':
      return t('opportunities.reasons.availability', { values: list(r.values, timeName) });
    case 'relationship':
      return t('opportunities.reasons.relationship', { value: t(`opportunities.relationships.${r.value}`) });
    case 'relationshipOther':
      return t('opportunities.reasons.relationshipOther', { value: t(`opportunities.relationships.${r.value}`) });
    case 'accessMet':
      return t('opportunities.reasons.accessMet', { values: list(r.values, (v) => t(`opportunities.accessNeeds.${v}`)) });
    case 'accessUnmet':
      return t('opportunities.reasons.accessUnmet', { values: list(r.values, (v) => t(`opportunities.accessNeeds.${v}`)) });
    case 'busy':
      return r.count === 0 ? t('opportunities.reasons.notBusy') : t('opportunities.reasons.busy', { count: r.count });
    case 'status':
      return t('opportunities.reasons.status', { value: t(`opportunities.personStatuses.${r.value}`) });
    case 'noConsent':
      return t('opportunities.reasons.noConsent');
  }
}

// ---- Describing an opportunity

function describe(o: opps.OpportunityRow, wanted?: opps.Wanted) {
  return {
    id: o.id,
    title: o.title,
    description: o.description,
    whenWhere: o.when_where,
    timeCommitment: o.time_commitment,
    places: o.places,
    livedExperience: o.lived_experience,
    payment: t(`opportunities.payment.${o.payment_offered}`),
    closesOn: day(o.closes_on),
    isPublic: o.is_public === 1,
    status: o.status,
    unitName: o.unit_name,
    projectId: o.project_id,
    projectTitle: o.project_title,
    ...(wanted
      ? {
          relationships: list(wanted.relationships, (v) => t(`opportunities.relationships.${v}`)),
          interests: wanted.interests.join(', '),
          times: list(wanted.availability, timeName),
          venueAccess: list(wanted.venueAccess, (v) => t(`opportunities.accessNeeds.${v}`)),
        }
      : {}),
  };
}

// ---- Form items

const checked = (values: unknown, v: string): boolean => (Array.isArray(values) ? values.includes(v) : values === v);

function formItems(values: Record<string, unknown>) {
  return {
    relationshipItems: WANTED_RELATIONSHIPS.map((v) => ({ value: v, text: t(`opportunities.relationships.${v}`), checked: checked(values.relationships, v) })),
    availabilityItems: AVAILABILITY.map((v) => ({ value: v, text: timeName(v), checked: checked(values.availability, v) })),
    accessItems: ACCESS_NEEDS.map((v) => ({ value: v, text: t(`opportunities.accessNeeds.${v}`), checked: checked(values.venueAccess, v) })),
    paymentItems: PAYMENT_PREFERENCES.map((v) => ({ value: v, text: t(`opportunities.payment.${v}`), checked: values.paymentOffered === v })),
    publicItems: ['yes', 'no'].map((v) => ({ value: v, text: t(`opportunities.form.public.${v}`), hint: { text: t(`opportunities.form.public.${v}Hint`) }, checked: values.isPublic === v })),
  };
}

async function newView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[] = []) {
  const posting = await opps.postingContext(request.ctx, { projectId: values.projectId, groupId: values.groupId });
  return {
    pageTitle: t('opportunities.new.title'),
    action: '/opportunities',
    posting: { unitName: posting.unit?.name, projectId: posting.projectId, projectTitle: posting.projectTitle, groupId: posting.groupId },
    unitItems: posting.unit
      ? undefined
      : [{ value: '', text: t('opportunities.form.chooseUnit') }, ...posting.units.map((u) => ({ value: String(u.id), text: u.name, selected: String(values.unitId ?? '') === String(u.id) }))],
    ...formItems(values),
    values: { places: '1', isPublic: 'no', ...values, interests: Array.isArray(values.interests) ? values.interests.join(', ') : values.interests },
    errors,
  };
}

async function editView(request: FastifyRequest, id: number, values?: Record<string, unknown>, errors: FieldError[] = []) {
  const access = await opps.opportunityForEdit(request.ctx, id);
  const o = access.opportunity;
  const shown = values ?? {
    title: o.title,
    description: o.description,
    whenWhere: o.when_where,
    timeCommitment: o.time_commitment,
    places: String(o.places),
    livedExperience: o.lived_experience,
    relationships: access.wanted.relationships,
    interests: access.wanted.interests.join(', '),
    availability: access.wanted.availability,
    venueAccess: access.wanted.venueAccess,
    paymentOffered: o.payment_offered,
    closesOn: o.closes_on,
    isPublic: o.is_public === 1 ? 'yes' : 'no',
  };
  return {
    pageTitle: t('opportunities.edit.title'),
    action: `/opportunities/${id}`,
    opportunity: describe(o),
    posting: { unitName: o.unit_name, projectTitle: o.project_title },
    ...formItems(shown),
    values: shown,
    errors,
  };
}

async function matchesView(request: FastifyRequest, id: number, errors: FieldError[] = []) {
  const page = await opps.matchingPage(request.ctx, id);
  const fitLines = (fit: { reasons: Reason[] } | undefined) => (fit ? fit.reasons.map(reasonText) : []);
  return {
    pageTitle: t('opportunities.matches.title'),
    opportunity: describe(page.access.opportunity, page.access.wanted),
    canMatch: page.access.canMatch,
    matches: page.matches.map((m) => ({
      ...m,
      reasons: fitLines(m.fit),
      offeredAt: m.offeredAt,
      expires: m.expiresAt,
      startedOn: day(m.startedOn),
      endedOn: day(m.endedOn),
      canOffer: page.access.canMatch && ['interested', 'suggested'].includes(m.status) && m.canContact,
      cannotContact: !m.canContact,
      canStart: page.access.canMatch && m.status === 'accepted',
      canEnd: page.access.canMatch && m.status === 'started',
      canWithdraw: page.access.canMatch && ['interested', 'suggested', 'offered', 'accepted'].includes(m.status),
    })),
    suggestions: page.suggestions.map((s) => ({ id: s.id, name: s.name, score: s.fit.score, reasons: fitLines(s.fit) })),
    withoutConsent: page.withoutConsent,
    errors,
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function opportunitiesRoutes(app: FastifyInstance): Promise<void> {
  const limit = { rateLimit: { max: app.config.rateLimitPerMinute, timeWindow: '1 minute' } };

  // ---- Seeing opportunities: public ones without signing in
  app.get('/opportunities', { config: { public: true } }, async (request, reply) => {
    const { before } = request.query as { before?: string };
    const { opportunities, nextBefore } = await opps.listOpportunities(request.ctx, Number(before) || undefined);
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('opportunities.list.title'),
      opportunities: opportunities.map((o) => describe(o)),
      canPost: request.principal ? request.principal.grants.some((g) => ['admin', 'lead', 'qi_staff'].includes(g.role)) : false,
      canSeeHub: can(request.principal, 'people:view'),
      nextUrl: nextBefore ? `/opportunities?before=${nextBefore}` : undefined,
      firstPageUrl: before ? '/opportunities' : undefined,
    });
  });

  // ---- Posting
  app.get('/opportunities/new', async (request, reply) => {
    const { projectId, groupId } = request.query as { projectId?: string; groupId?: string };
    return reply.page(`${V}/form.njk`, await newView(request, { projectId, groupId }));
  });

  app.post('/opportunities', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const o = await opps.createOpportunity(request.ctx, input);
      reply.flash(t('opportunities.new.done', { title: o.title }));
      return await reply.redirect(`/opportunities/${o.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, newView(request, input, translateErrors(err.fields)));
    }
  });

  // ---- One opportunity
  app.get('/opportunities/:id', { config: { public: true } }, async (request, reply) => {
    const access = await opps.opportunityAccess(request.ctx, idParam(request));
    const o = access.opportunity;
    const mine = await opps.myInterest(request.ctx, o.id);
    return reply.page(`${V}/opportunity.njk`, {
      pageTitle: o.title,
      opportunity: describe(o, access.wanted),
      isOpen: access.isOpen,
      canManage: access.canManage,
      canSeeMatches: access.canSeeMatches,
      joined: (await opps.whoJoined(request.ctx, access)).map((j) => ({ ...j, startedOn: day(j.startedOn) })),
      signedIn: request.principal != null,
      hasPerson: mine.hasPerson,
      myMatch: mine.match ? { status: mine.match.status } : undefined,
    });
  });

  app.get('/opportunities/:id/edit', async (request, reply) => reply.page(`${V}/form.njk`, await editView(request, idParam(request))));

  app.post('/opportunities/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await opps.updateOpportunity(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, editView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('opportunities.edit.done'));
    return reply.redirect(`/opportunities/${id}`, 303);
  });

  app.post('/opportunities/:id/close', async (request, reply) => {
    const id = idParam(request);
    await opps.closeOpportunity(request.ctx, id);
    reply.flash(t('opportunities.close.done'));
    return reply.redirect(`/opportunities/${id}`, 303);
  });

  // ---- Expressing interest
  app.post('/opportunities/:id/interest', async (request, reply) => {
    const id = idParam(request);
    try {
      // Without a register entry, the short form asks for what the lead needs to get in touch.
      if (!(await opps.expressInterest(request.ctx, id))) return await reply.redirect(`/opportunities/${id}/interest-form`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      reply.flash(t('errors.opportunities.notOpen'));
      return reply.redirect(`/opportunities/${id}`, 303);
    }
    reply.flash(t('opportunities.interest.done'));
    return reply.redirect(`/opportunities/${id}`, 303);
  });

  const interestFormView = async (request: FastifyRequest, id: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) => {
    const access = await opps.interestFormAccess(request.ctx, id);
    return {
      pageTitle: t('opportunities.interestForm.title'),
      opportunity: describe(access.opportunity),
      isOpen: access.isOpen,
      contactItems: ['email', 'phone', 'sms'].map((v) => ({ value: v, text: t(`opportunities.interestForm.contactBy.${v}`), checked: values.contactBy === v })),
      aboutItems: ['service_user', 'carer', 'both', 'volunteer'].map((v) => ({ value: v, text: t(`opportunities.interestForm.about.${v}`), checked: values.relationship === v })),
      values,
      errors,
    };
  };

  app.get('/opportunities/:id/interest-form', { config: { public: true } }, async (request, reply) =>
    reply.page(`${V}/interest-form.njk`, await interestFormView(request, idParam(request))),
  );

  app.post('/opportunities/:id/interest-form', { config: { public: true, ...limit } }, async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    const thanks = async () => {
      const access = await opps.interestFormAccess(request.ctx, id);
      return reply.page(`${V}/thanks.njk`, { pageTitle: t('opportunities.thanks.title'), opportunity: describe(access.opportunity) });
    };
    // A form that filled in the hidden field was filled in by a program: thank it and keep nothing.
    if (input.website !== undefined) return thanks();
    try {
      await opps.submitInterestForm(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/interest-form.njk`, interestFormView(request, id, input, translateErrors(err.fields)));
    }
    return thanks();
  });

  // ---- Matching
  app.get('/opportunities/:id/matches', async (request, reply) => reply.page(`${V}/matches.njk`, await matchesView(request, idParam(request))));

  app.post('/opportunities/:id/matches', async (request, reply) => {
    const id = idParam(request);
    try {
      const { name, added } = await opps.addMatch(request.ctx, id, cleanForm(request.body));
      reply.flash(t(added ? 'opportunities.matches.added' : 'opportunities.matches.alreadyAdded', { name }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/matches.njk`, matchesView(request, id, translateErrors(err.fields)));
    }
    return reply.redirect(`/opportunities/${id}/matches`, 303);
  });

  const steps = {
    offer: opps.offerMatch,
    start: opps.startMatch,
    end: opps.endMatch,
    withdraw: opps.withdrawMatch,
  } as const;
  for (const [step, act] of Object.entries(steps)) {
    app.post(`/opportunities/:id/matches/:matchId/${step}`, async (request, reply) => {
      const id = idParam(request);
      try {
        const result = await act(request.ctx, id, idParam(request, 'matchId'));
        const channel = 'channel' in result ? t(`opportunities.channels.${String(result.channel)}`) : '';
        reply.flash(t(`opportunities.matches.done.${step}`, { name: result.name, channel }));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return withErrors(reply, `${V}/matches.njk`, matchesView(request, id, translateErrors(err.fields)));
      }
      return reply.redirect(`/opportunities/${id}/matches`, 303);
    });
  }

  // ---- The person's answer. Opening the link only shows the buttons, so mail scanners cannot answer for them.
  app.get('/respond/:token', { config: { public: true } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const o = await opps.peekOffer(request.ctx, token);
    if (!o) return reply.code(400).page(`${V}/respond-expired.njk`, { pageTitle: t('opportunities.respond.expiredTitle') });
    return reply.page(`${V}/respond.njk`, { pageTitle: t('opportunities.respond.title'), opportunity: describe(o), token });
  });

  app.post('/respond/:token', { config: { public: true, ...limit } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    let result: Awaited<ReturnType<typeof opps.respondToOffer>>;
    try {
      result = await opps.respondToOffer(request.ctx, token, cleanForm(request.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const o = await opps.peekOffer(request.ctx, token);
      if (!o) return reply.code(400).page(`${V}/respond-expired.njk`, { pageTitle: t('opportunities.respond.expiredTitle') });
      return withErrors(reply, `${V}/respond.njk`, Promise.resolve({ pageTitle: t('opportunities.respond.title'), opportunity: describe(o), token, errors: translateErrors(err.fields) }));
    }
    if (!result) return reply.code(400).page(`${V}/respond-expired.njk`, { pageTitle: t('opportunities.respond.expiredTitle') });
    return reply.page(`${V}/respond-done.njk`, { pageTitle: t(`opportunities.respond.${result.action}Title`), action: result.action, opportunity: describe(result.opportunity) });
  });
}
