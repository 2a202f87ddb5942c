import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CANDIDATE_STAGES } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { dayText, groupsToChoose, londonDate, manageableUnits, personPicker, unitItems } from '../groups/service.ts';
import { channelItems, eventsToChoose } from '../outreach/service.ts';
import { listQuerySchema } from './schemas.ts';
import * as recruitment from './service.ts';

const V = 'recruitment/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

const stageItems = (selected: unknown) => CANDIDATE_STAGES.map((s) => ({ value: s, text: t(`recruitment.stages.${s}`), selected: selected === s }));
const stageRadios = (selected: unknown) => CANDIDATE_STAGES.map((s) => ({ value: s, text: t(`recruitment.stages.${s}`), checked: selected === s }));
const duration = (minutes: number): string => t('recruitment.duration', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });

async function formView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[], campaignId?: number) {
  const [units, groupRows] = await Promise.all([manageableUnits(request.ctx), groupsToChoose(request.ctx)]);
  const groupId = String(values.groupId ?? '');
  return {
    pageTitle: campaignId ? t('recruitment.edit.title') : t('recruitment.new.title'),
    action: campaignId ? `/recruitment/${campaignId}` : '/recruitment',
    cancel: campaignId ? `/recruitment/${campaignId}` : '/recruitment',
    campaignId,
    unitItems: unitItems(units, values.unitId, t('recruitment.form.chooseUnit')),
    groupItems: [{ value: '', text: t('recruitment.form.noGroup') }, ...groupRows.map((g) => ({ value: String(g.id), text: `${g.name} (${g.unit_name})`, selected: groupId === String(g.id) }))],
    values,
    errors,
  };
}

/**
 * The campaign page. Errors from one candidate's move form are shown against that candidate's
 * fields (stage-<id>, on-<id>); errors from the work form against the work fields.
 */
async function campaignView(request: FastifyRequest, id: number, opts: { values?: Record<string, unknown>; errors?: FieldError[]; moving?: number; moveValues?: Record<string, unknown> } = {}) {
  const c = await recruitment.getCampaign(request.ctx, id);
  const moving = opts.moving;
  const events = c.canManage ? await eventsToChoose(request.ctx) : [];
  const workEvent = String(opts.values?.outreachEventId ?? '');
  const today = londonDate();
  return {
    pageTitle: c.campaign.title,
    campaign: { ...c.campaign, startsOn: dayText(c.campaign.starts_on), endsOn: dayText(c.campaign.ends_on) },
    group: c.group,
    canManage: c.canManage,
    pipeline: CANDIDATE_STAGES.map((s) => ({ stage: s, name: t(`recruitment.stages.${s}`), count: c.effort.stageCounts[s] })),
    candidates: c.candidates.map((cand) => {
      const mine = moving === cand.id;
      return {
        ...cand,
        stageName: t(`recruitment.stages.${cand.stage}`),
        enteredOn: dayText(cand.entered_on),
        changedOn: dayText(cand.stage_changed_on),
        stageItems: stageItems(mine ? (opts.moveValues?.stage ?? cand.stage) : cand.stage),
        moveOn: mine ? opts.moveValues?.on : today,
        stageError: mine ? opts.errors?.find((e) => e.field === 'stage-' + String(cand.id)) : undefined,
        onError: mine ? opts.errors?.find((e) => e.field === 'on-' + String(cand.id)) : undefined,
      };
    }),
    effort: c.effort,
    leadTimes: c.effort.leadTimes.map((l) => {
      const cand = c.candidates.find((x) => x.id === l.candidateId);
      return { name: cand?.name ?? '', personHref: cand?.personHref, memberOn: dayText(cand?.member_on), days: l.days };
    }),
    totalTime: duration(c.effort.totalMinutes),
    work: c.work.map((w) => ({ ...w, onDate: dayText(w.on_date), time: duration(w.minutes) })),
    eventItems: [{ value: '', text: t('recruitment.work.noEvent') }, ...events.map((e) => ({ value: String(e.id), text: `${e.title} (${dayText(e.on_date)})`, selected: workEvent === String(e.id) }))],
    values: { onDate: today, ...(opts.values ?? {}) },
    errors: opts.errors ?? [],
  };
}

async function candidateFormView(request: FastifyRequest, id: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const campaign = await recruitment.campaignForEdit(request.ctx, id);
  return {
    pageTitle: t('recruitment.candidate.title'),
    campaign,
    searchAction: `/recruitment/${id}/candidates/new`,
    ...(await personPicker(request.ctx, values, cleanForm(request.query).q)),
    stageRadios: stageRadios(values.stage ?? 'enquiry'),
    channelItems: channelItems(values.preferredChannel),
    values: { enteredOn: londonDate(), ...values },
    errors,
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function recruitmentRoutes(app: FastifyInstance): Promise<void> {
  app.get('/recruitment', async (request, reply) => {
    const parsed = listQuerySchema.safeParse(cleanForm(request.query));
    const before = parsed.success ? parsed.data.before : undefined;
    const r = await recruitment.listCampaigns(request.ctx, { before });
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('recruitment.list.title'),
      canCreate: r.canCreate,
      campaigns: r.campaigns.map((c) => ({ ...c, startsOn: dayText(c.starts_on), endsOn: dayText(c.ends_on) })),
      nextUrl: r.nextBefore ? `/recruitment?before=${r.nextBefore}` : undefined,
      firstPageUrl: before ? '/recruitment' : undefined,
    });
  });

  app.get('/recruitment/new', async (request, reply) => {
    const { unit, group } = cleanForm(request.query);
    return reply.page(`${V}/form.njk`, await formView(request, { unitId: unit, groupId: group, startsOn: londonDate() }, []));
  });

  app.post('/recruitment', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const id = await recruitment.createCampaign(request.ctx, input);
      reply.flash(t('recruitment.new.done'));
      return reply.redirect(`/recruitment/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, translateErrors(err.fields)));
    }
  });

  app.get('/recruitment/:id', async (request, reply) => reply.page(`${V}/campaign.njk`, await campaignView(request, idParam(request))));

  app.get('/recruitment/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const c = await recruitment.campaignForEdit(request.ctx, id);
    const values = {
      unitId: String(c.unit_id), title: c.title, groupId: c.group_id ? String(c.group_id) : undefined, programme: c.programme,
      targetSize: String(c.target_size), startsOn: c.starts_on, endsOn: c.ends_on,
    };
    return reply.page(`${V}/form.njk`, await formView(request, values, [], id));
  });

  app.post('/recruitment/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await recruitment.updateCampaign(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, translateErrors(err.fields), id));
    }
    reply.flash(t('recruitment.edit.done'));
    return reply.redirect(`/recruitment/${id}`, 303);
  });

  // ---- Candidates
  app.get('/recruitment/:id/candidates/new', async (request, reply) =>
    reply.page(`${V}/candidate.njk`, await candidateFormView(request, idParam(request), cleanForm(request.query))),
  );

  app.post('/recruitment/:id/candidates', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await recruitment.addCandidate(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/candidate.njk`, candidateFormView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('recruitment.candidate.done'));
    return reply.redirect(`/recruitment/${id}`, 303);
  });

  app.post('/recruitment/:id/enquiries', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await recruitment.addEnquiryCandidate(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/candidate.njk`, candidateFormView(request, id, input, translateErrors(err.fields)));
    }
    reply.flash(t('recruitment.candidate.enquiryDone'));
    return reply.redirect(`/recruitment/${id}`, 303);
  });

  app.post('/recruitment/:id/candidates/:candidateId/stage', async (request, reply) => {
    const id = idParam(request);
    const candidateId = idParam(request, 'candidateId');
    const input = cleanForm(request.body);
    try {
      await recruitment.moveCandidate(request.ctx, id, candidateId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const errors = translateErrors(err.fields.map((f) => ({ ...f, field: `${f.field}-${candidateId}` })));
      return withErrors(reply, `${V}/campaign.njk`, campaignView(request, id, { errors, moving: candidateId, moveValues: input }));
    }
    reply.flash(t('recruitment.move.done'));
    return reply.redirect(`/recruitment/${id}#candidates`, 303);
  });

  // ---- The work log
  app.post('/recruitment/:id/work', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await recruitment.logWork(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/campaign.njk`, campaignView(request, id, { values: input, errors: translateErrors(err.fields) }));
    }
    reply.flash(t('recruitment.work.done'));
    return reply.redirect(`/recruitment/${id}#work`, 303);
  });
}
