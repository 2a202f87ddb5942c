import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import * as approvals from './service.ts';

const V = 'approvals/views';
const claimIdParam = (request: FastifyRequest): number => Number((request.params as Record<string, string>).claimId);

/** Translates the form's errors, naming the line each one is about ("line 2"). */
function translate(errors: FieldError[], lines: { id: number; position: number }[]): FieldError[] {
  return errors.map((e) => {
    const m = /^(?:decision|reason)-(\d+)$/.exec(e.field);
    const line = m ? lines.find((l) => l.id === Number(m[1]))?.position : undefined;
    return { field: e.field, message: t(e.message, { line, max: approvals.REASON_MAX }) };
  });
}

async function queueView(request: FastifyRequest, errors: FieldError[] = []) {
  const query = cleanForm(request.query);
  const page = await approvals.approvalQueue(request.ctx, { after: query.after, secondAfter: query.secondAfter });
  const link = (params: Record<string, string | null | undefined>) => {
    const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();
    return `/approvals${s ? `?${s}` : ''}`;
  };
  const after = typeof query.after === 'string' ? query.after : undefined;
  const secondAfter = typeof query.secondAfter === 'string' ? query.secondAfter : undefined;
  return {
    pageTitle: t('approvals.queue.title'),
    ...page,
    firstNextUrl: page.first?.next ? link({ after: page.first.next, secondAfter }) : undefined,
    firstStartUrl: page.first?.paged ? link({ secondAfter }) : undefined,
    secondNextUrl: page.second?.next ? link({ after, secondAfter: page.second.next }) : undefined,
    secondStartUrl: page.second?.paged ? link({ after }) : undefined,
    errors,
  };
}

async function reviewView(request: FastifyRequest, claimId: number, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const page = await approvals.reviewPage(request.ctx, claimId);
  return {
    pageTitle: t(page.stage === 'first' ? 'approvals.review.title' : 'approvals.review.secondTitle', { name: page.person.name }),
    ...page,
    decisions: page.pendingLines.map((l) => ({
      ...l,
      items: approvals.DECISIONS.map((d) => ({ value: d, text: t(`approvals.decisions.${d}`), checked: values[`decision-${l.id}`] === d })),
    })),
    secondItems: approvals.DECISIONS.map((d) => ({ value: d, text: t(`approvals.secondDecisions.${d}`), checked: values.decision === d })),
    values,
    errors: translate(errors, page.lines),
  };
}

function doneMessage(result: approvals.DecisionResult): string {
  const done = t(`approvals.done.${result.outcome}`, { amount: approvals.formatAmount(result.approvedPence) });
  if (result.outcome === 'second_approval') return done;
  if (!result.notified) return `${done} ${t('approvals.done.notTold')}`;
  if (result.notified === 'email') return `${done} ${t('approvals.done.toldByEmail')}`;
  return `${done} ${t('approvals.done.toldByHand', { how: t(`approvals.channels.${result.notified}`) })}`;
}

export default async function approvalsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/approvals', async (request, reply) => reply.page(`${V}/queue.njk`, await queueView(request)));

  app.get('/approvals/:claimId', async (request, reply) => reply.page(`${V}/review.njk`, await reviewView(request, claimIdParam(request))));

  app.post('/approvals/:claimId', async (request: FastifyRequest, reply: FastifyReply) => {
    const claimId = claimIdParam(request);
    const input = cleanForm(request.body);
    let result: approvals.DecisionResult;
    try {
      result = await approvals.decideClaim(request.ctx, claimId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Someone else decided it first: back to the queue, saying so.
      if (err.fields.some((f) => f.field === 'claim')) {
        return reply.code(409).page(`${V}/queue.njk`, await queueView(request, [{ field: 'maincontent', message: t('errors.approvals.alreadyDecided') }]));
      }
      return reply.code(400).page(`${V}/review.njk`, await reviewView(request, claimId, input, err.fields));
    }
    reply.flash(doneMessage(result));
    return reply.redirect('/approvals', 303);
  });
}
