import type { FastifyInstance } from 'fastify';
import { cleanForm } from '../../platform/http/forms.ts';
import { dashboardView, hoursView, projectsView } from './present.ts';
import { dashboardQuery, hoursQuery, projectsQuery } from './schemas.ts';
import * as insights from './service.ts';

const V = 'insights/views';

/** The involvement dashboard and the records behind its figures. Filters come from the address; a bad one is dropped. */
export default async function insightsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/insights', async (request, reply) => {
    const d = await insights.dashboard(request.ctx, dashboardQuery.parse(cleanForm(request.query)));
    return reply.page(`${V}/dashboard.njk`, dashboardView(d));
  });

  app.get('/insights/projects', async (request, reply) => {
    const query = projectsQuery.parse(cleanForm(request.query));
    const p = await insights.projectsForMonth(request.ctx, query);
    return reply.page(`${V}/projects.njk`, projectsView(p, !query.after));
  });

  app.get('/insights/hours', async (request, reply) => {
    const query = hoursQuery.parse(cleanForm(request.query));
    const h = await insights.hoursForMonth(request.ctx, query);
    return reply.page(`${V}/hours.njk`, hoursView(h, !query.before));
  });
}
