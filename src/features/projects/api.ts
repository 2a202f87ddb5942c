import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { z } from 'zod';
import { ValidationError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { API_BODY_LIMIT, apiConventions } from '../api/routes.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { involvementShareQuerySchema, portfolioQuerySchema, PROJECTS_API } from './schemas.ts';
import * as projects from './service.ts';

type OperationId = keyof typeof PROJECTS_API.endpoints;

const idParam = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

/** Query strings are parsed like form fields ("" is not given); a bad one is a 400 naming each parameter. */
function parseQuery<S extends z.ZodType>(schema: S, request: FastifyRequest): z.infer<S> {
  const result = schema.safeParse(cleanForm(request.query));
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

async function projectAnswer(request: FastifyRequest, id: number) {
  const { project, unit } = await projects.projectAccess(request.ctx, id, 'view');
  return projects.projectJson(project, unit.name);
}

/**
 * Projects in the JSON API (/api/v1/projects…). The same services as the pages decide who may see
 * and change what; a token's scopes only narrow that. The endpoints (method, path, scope, schemas)
 * come from PROJECTS_API, which the OpenAPI document describes.
 */
async function projectsV1(app: FastifyInstance): Promise<void> {
  apiConventions(app);

  const handlers: Record<OperationId, RouteHandlerMethod> = {
    listProjects: async (request) => {
      const { projects: rows, nextBefore } = await projects.listProjects(request.ctx, parseQuery(portfolioQuerySchema, request));
      return { items: rows.map((r) => projects.projectJson(r, r.unit_name)), nextBefore };
    },

    createProject: async (request, reply) => {
      const project = await projects.createProject(request.ctx, cleanForm(request.body));
      return reply
        .code(201)
        .header('location', `${API_PREFIX}/projects/${project.id}`)
        .send(await projectAnswer(request, project.id));
    },

    getInvolvementShare: async (request) => projects.involvementShare(request.ctx, parseQuery(involvementShareQuerySchema, request)),

    getProject: async (request) => projectAnswer(request, idParam(request)),

    updateProject: async (request) => {
      const id = idParam(request);
      await projects.updateProject(request.ctx, id, cleanForm(request.body), 'patch');
      return projectAnswer(request, id);
    },

    listProjectMembers: async (request) => ({ items: (await projects.teamOf(request.ctx, idParam(request))).map(projects.memberJson) }),
  };

  for (const [operationId, endpoint] of Object.entries(PROJECTS_API.endpoints) as [OperationId, (typeof PROJECTS_API.endpoints)[OperationId]][]) {
    app.route({ method: endpoint.method, url: endpoint.path, bodyLimit: API_BODY_LIMIT, config: { scope: endpoint.scope }, handler: handlers[operationId] });
  }
}

export default async function projectsApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(projectsV1, { prefix: API_PREFIX });
}
