import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { cleanForm } from '../../platform/http/forms.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { API_BODY_LIMIT, apiConventions } from '../api/routes.ts';
import { DATA_POINTS_BODY_LIMIT, MEASURES_API } from './schemas.ts';
import * as measures from './service.ts';

type OperationId = keyof typeof MEASURES_API.endpoints;

const idParam = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

/**
 * Measures, data points and their SPC analysis in the JSON API. The same services as the pages
 * decide who may see and change what (projectAccess); a token's scopes only narrow that.
 */
async function measuresV1(app: FastifyInstance): Promise<void> {
  apiConventions(app);

  const handlers: Record<OperationId, RouteHandlerMethod> = {
    listMeasures: async (request) => measures.apiListMeasures(request.ctx, idParam(request)),

    createMeasure: async (request, reply) => {
      const measure = await measures.apiCreateMeasure(request.ctx, idParam(request), cleanForm(request.body));
      return reply.code(201).header('location', `${API_PREFIX}/measures/${measure.id}`).send(measure);
    },

    getMeasure: async (request) => measures.apiGetMeasure(request.ctx, idParam(request)),

    updateMeasure: async (request) => measures.apiUpdateMeasure(request.ctx, idParam(request), cleanForm(request.body)),

    listDataPoints: async (request) => measures.apiListPoints(request.ctx, idParam(request)),

    // An array, so not through cleanForm: each row's text is trimmed by the service.
    saveDataPoints: async (request) => measures.apiSavePoints(request.ctx, idParam(request), request.body),

    deleteDataPoint: async (request, reply) => {
      await measures.apiDeletePoint(request.ctx, idParam(request));
      return reply.code(204).send();
    },

    getMeasureChart: async (request) => measures.apiChart(request.ctx, idParam(request)),
  };

  for (const [operationId, endpoint] of Object.entries(MEASURES_API.endpoints) as [OperationId, (typeof MEASURES_API.endpoints)[OperationId]][]) {
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      bodyLimit: operationId === 'saveDataPoints' ? DATA_POINTS_BODY_LIMIT : API_BODY_LIMIT,
      config: { scope: endpoint.scope },
      handler: handlers[operationId],
    });
  }
}

export default async function measuresApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(measuresV1, { prefix: API_PREFIX });
}
