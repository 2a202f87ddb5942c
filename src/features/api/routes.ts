import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { MissingScopeError, requireScope, type ApiScope } from '../../platform/auth/api-tokens.ts';
import { sendProblem } from '../../platform/errors/handler.ts';
import { HttpError, ValidationError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import * as org from '../org/service.ts';
import { API_PREFIX, buildOpenApiDocument, ENDPOINTS, type Endpoint, type OperationId } from './openapi.ts';
import * as api from './service.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API token scope an /api/v1 route needs (see requireScope). */
    scope?: ApiScope;
  }
}

/** Largest JSON body the API accepts; anything bigger is a 413 problem. */
export const API_BODY_LIMIT = 16 * 1024;

/** Client errors Fastify raises while reading the body, with the words for each. */
const BODY_PROBLEMS: Record<string, { status: number; key: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, key: 'api.problems.unsupportedMediaType' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, key: 'api.problems.badBody' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, key: 'api.problems.tooLarge' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, key: 'api.problems.badJson' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, key: 'api.problems.badJson' },
};

function idParam(request: FastifyRequest): number {
  return Number((request.params as { id: string }).id);
}

/** Problem answers for the API, every title through the catalogue. Anything else goes to the platform handler. */
function apiErrorHandler(error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ValidationError) throw error;
  const status = error instanceof HttpError ? error.status : error.statusCode;
  if (status === 401) {
    const bearer = request.headers.authorization?.toLowerCase().startsWith('bearer ');
    reply.header('www-authenticate', bearer ? 'Bearer error="invalid_token"' : 'Bearer');
    return sendProblem(reply, 401, t('errors.tokens.unauthenticated'));
  }
  if (status === 403) {
    request.log.warn({ reference: request.id, userId: request.principal?.userId, url: request.url }, 'access refused');
    if (error instanceof MissingScopeError) {
      reply.header('www-authenticate', `Bearer error="insufficient_scope", scope="${error.scope}"`);
      return sendProblem(reply, 403, t('errors.tokens.missingScope', { scope: error.scope }), { missingScope: error.scope });
    }
    return sendProblem(reply, 403, t('api.problems.forbidden'));
  }
  if (status === 404) return sendProblem(reply, 404, t('api.problems.notFound'));
  const bodyProblem = 'code' in error ? BODY_PROBLEMS[error.code] : undefined;
  if (bodyProblem) return sendProblem(reply, bodyProblem.status, t(bodyProblem.key));
  throw error;
}

/**
 * The rules every /api/v1 route lives by: JSON bodies only, problem answers, a declared scope checked
 * before the body is read. A feature that answers under /api/v1 itself (e.g. projects/api.ts) calls
 * this first inside its own plugin registered with { prefix: API_PREFIX }, and lists its endpoints
 * in openapi.ts (FEATURE_ENDPOINTS) so the document describes them.
 */
export function apiConventions(app: FastifyInstance): void {
  // JSON only: a form post or any other media type is a 415, not a guess.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: API_BODY_LIMIT }, app.getDefaultJsonParser('error', 'error'));
  app.setErrorHandler(apiErrorHandler);

  // Every route either says which scope it needs or says it is public: fail at start-up otherwise.
  app.addHook('onRoute', (route) => {
    if (!route.config?.public && !route.config?.scope) throw new Error(`API route ${route.method} ${route.url} declares no scope`);
  });
  // Token and scope are checked before the body is read.
  app.addHook('onRequest', async (request) => {
    const { public: isPublic, scope } = request.routeOptions.config;
    if (!isPublic && scope) requireScope(request, scope);
  });
}

async function v1(app: FastifyInstance): Promise<void> {
  apiConventions(app);

  const handlers: Record<OperationId, RouteHandlerMethod> = {
    getMe: async (request) => api.me(request.ctx),

    listOrgUnits: async (request) => ({ items: (await org.visibleUnits(request.ctx)).map(api.unitJson) }),

    getOrgUnit: async (request) => api.unitJson(await org.getUnit(request.ctx, idParam(request))),

    // The org service validates the body (with the same zod schemas the forms and the OpenAPI
    // document use) after checking permission; a ValidationError becomes a 400 naming each field.
    // cleanForm trims text and treats "" as missing, exactly as for the HTML forms.
    createOrgUnit: async (request, reply) => {
      const unit = await org.createUnit(request.ctx, cleanForm(request.body));
      return reply.code(201).header('location', `${API_PREFIX}/org-units/${unit.id}`).send(api.unitJson(unit));
    },

    renameOrgUnit: async (request) => {
      const id = idParam(request);
      await org.renameUnit(request.ctx, id, cleanForm(request.body));
      return api.unitJson(await org.getUnit(request.ctx, id));
    },

    getOpenApi: async (_request, reply) => reply.type('application/json').send(buildOpenApiDocument(app.config.baseUrl)),
  };

  for (const [operationId, endpoint] of Object.entries(ENDPOINTS) as [OperationId, Endpoint][]) {
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      bodyLimit: API_BODY_LIMIT,
      config: endpoint.public ? { public: true } : { scope: endpoint.scope },
      handler: handlers[operationId],
    });
  }
}

/** The JSON API under /api/v1. Callers authenticate with a personal access token (see api-tokens). */
export default async function apiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(v1, { prefix: API_PREFIX });
}
