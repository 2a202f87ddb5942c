import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { cleanForm } from '../../platform/http/forms.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { API_BODY_LIMIT, apiConventions } from '../api/routes.ts';
import * as changes from './service.ts';

type OperationId = keyof typeof changes.CHANGES_API.endpoints;

const idParam = (request: FastifyRequest): number => changes.toId((request.params as { id: string }).id);

/**
 * Change ideas and PDSA cycles in the JSON API. The same services as the pages decide who may see
 * and change what (projectAccess); a token's scopes only narrow that. Bodies are validated with the
 * same zod schemas as the forms; a PATCH changes only the fields it sends (null or "" clears one).
 */
async function changesV1(app: FastifyInstance): Promise<void> {
  apiConventions(app);

  const handlers: Record<OperationId, RouteHandlerMethod> = {
    listChangeIdeas: async (request) => ({ items: (await changes.allIdeas(request.ctx, idParam(request))).map(changes.ideaJson) }),

    createChangeIdea: async (request, reply) => {
      const idea = await changes.createIdea(request.ctx, idParam(request), cleanForm(request.body));
      return reply.code(201).header('location', `${API_PREFIX}/change-ideas/${idea.id}`).send(changes.ideaJson(idea));
    },

    getChangeIdea: async (request) => changes.ideaJson((await changes.getIdea(request.ctx, null, idParam(request))).idea),

    updateChangeIdea: async (request) => changes.ideaJson(await changes.updateIdea(request.ctx, null, idParam(request), cleanForm(request.body))),

    listPdsaCycles: async (request) => ({ items: (await changes.listCycles(request.ctx, idParam(request))).map(changes.cycleJson) }),

    createPdsaCycle: async (request, reply) => {
      const { cycle } = await changes.createCycle(request.ctx, idParam(request), cleanForm(request.body));
      return reply.code(201).header('location', `${API_PREFIX}/pdsa-cycles/${cycle.id}`).send(changes.cycleJson(cycle));
    },

    getPdsaCycle: async (request) => changes.cycleJson((await changes.getCycle(request.ctx, idParam(request))).cycle),

    updatePdsaCycle: async (request) => changes.cycleJson((await changes.updateCycle(request.ctx, idParam(request), cleanForm(request.body))).cycle),
  };

  for (const [operationId, endpoint] of Object.entries(changes.CHANGES_API.endpoints) as [OperationId, (typeof changes.CHANGES_API.endpoints)[OperationId]][]) {
    app.route({ method: endpoint.method, url: endpoint.path, bodyLimit: API_BODY_LIMIT, config: { scope: endpoint.scope }, handler: handlers[operationId] });
  }
}

export default async function changesApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(changesV1, { prefix: API_PREFIX });
}
