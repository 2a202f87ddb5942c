import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { overdueView, paidView, personView, statementView } from './present.ts';
import { overdueQuery, paidQuery, statementYear } from './schemas.ts';
import * as reports from './service.ts';

const V = 'payment-reports/views';
const param = (request: FastifyRequest, name: string): string => String((request.params as Record<string, string>)[name] ?? '');
const idParam = (request: FastifyRequest, name: string): number => (/^\d{1,10}$/.test(param(request, name)) ? Number(param(request, name)) : 0);

/** A tax year in the address, or a 404: /statement/2026 is 6 April 2026 to 5 April 2027. */
function yearParam(request: FastifyRequest): number {
  const parsed = statementYear.safeParse(param(request, 'year'));
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}

/**
 * Payment reports: the overdue list, the claims paid in a month, a person's payments and their
 * annual statement (for leads and finance), and a partner's own statement. Filters come from the
 * address; a bad one is dropped.
 */
export default async function paymentReportsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/payments/overdue', async (request, reply) => {
    const query = overdueQuery.parse(cleanForm(request.query));
    return reply.page(`${V}/overdue.njk`, overdueView(await reports.overdueList(request.ctx, query), !query.after));
  });

  app.get('/payments/paid', async (request, reply) => {
    const query = paidQuery.parse(cleanForm(request.query));
    return reply.page(`${V}/paid.njk`, paidView(await reports.paidList(request.ctx, query), !query.after));
  });

  app.get('/payments/people/:personId', async (request, reply) =>
    reply.page(`${V}/person.njk`, personView(await reports.personPayments(request.ctx, idParam(request, 'personId')))),
  );

  app.get('/payments/people/:personId/statement/:year', async (request, reply) =>
    reply.page(`${V}/statement.njk`, statementView(await reports.statementFor(request.ctx, idParam(request, 'personId'), yearParam(request)))),
  );

  app.get('/my-claims/statement/:year', async (request, reply) => reply.page(`${V}/statement.njk`, statementView(await reports.myStatement(request.ctx, yearParam(request)))));
}
