import { z } from 'zod';
import type { ApiScope } from '../../platform/auth/api-tokens.ts';
import { t } from '../../platform/i18n/index.ts';
import { createUnitSchema, renameUnitSchema } from '../org/service.ts';
import { PROJECTS_API } from '../projects/service.ts';
import { CHANGES_API } from '../changes/service.ts';
import { MEASURES_API } from '../measures/service.ts';
import { PEOPLE_API } from '../people/api-schemas.ts';
import { OPPORTUNITIES_API } from '../opportunities/api-schemas.ts';
import { meSchema, orgUnitListSchema, orgUnitSchema, problemSchema, validationProblemSchema } from './schemas.ts';

export const API_PREFIX = '/api/v1';

/** Request bodies: the same zod schemas the HTML forms use, described as clients send them. */
const REQUEST_SCHEMAS = {
  CreateOrgUnit: createUnitSchema,
  RenameOrgUnit: renameUnitSchema,
  ...PROJECTS_API.requestSchemas,
  ...CHANGES_API.requestSchemas,
  ...MEASURES_API.requestSchemas,
  ...PEOPLE_API.requestSchemas,
  ...OPPORTUNITIES_API.requestSchemas,
} satisfies Record<string, z.ZodType>;

/** What the API answers, described as we send it. */
const RESPONSE_SCHEMAS = {
  Me: meSchema,
  OrgUnit: orgUnitSchema,
  OrgUnitList: orgUnitListSchema,
  Problem: problemSchema,
  ValidationProblem: validationProblemSchema,
  ...PROJECTS_API.responseSchemas,
  ...CHANGES_API.responseSchemas,
  ...MEASURES_API.responseSchemas,
  ...PEOPLE_API.responseSchemas,
  ...OPPORTUNITIES_API.responseSchemas,
} satisfies Record<string, z.ZodType>;

type SchemaName = keyof typeof REQUEST_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;

export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify-style path below API_PREFIX, e.g. "/org-units/:id". */
  path: string;
  /** The token scope the route needs; absent only for public routes. */
  scope?: ApiScope;
  public?: boolean;
  request?: keyof typeof REQUEST_SCHEMAS;
  /** Query parameters, described from a zod object (each property one parameter). */
  query?: z.ZodObject;
  /** 204 answers with no body. */
  response: { status: 200 | 201 | 204; schema?: keyof typeof RESPONSE_SCHEMAS };
}

/**
 * Every /api/v1 endpoint. routes.ts registers each route from its entry here (method, path, scope),
 * so the document and the routes cannot disagree; a test checks Fastify's route table against it.
 */
export const ENDPOINTS = {
  getMe: { method: 'GET', path: '/me', scope: 'me:read', response: { status: 200, schema: 'Me' } },
  listOrgUnits: { method: 'GET', path: '/org-units', scope: 'org:read', response: { status: 200, schema: 'OrgUnitList' } },
  getOrgUnit: { method: 'GET', path: '/org-units/:id', scope: 'org:read', response: { status: 200, schema: 'OrgUnit' } },
  createOrgUnit: { method: 'POST', path: '/org-units', scope: 'org:write', request: 'CreateOrgUnit', response: { status: 201, schema: 'OrgUnit' } },
  renameOrgUnit: { method: 'PATCH', path: '/org-units/:id', scope: 'org:write', request: 'RenameOrgUnit', response: { status: 200, schema: 'OrgUnit' } },
  getOpenApi: { method: 'GET', path: '/openapi.json', public: true, response: { status: 200 } },
} as const satisfies Record<string, Endpoint>;
export type OperationId = keyof typeof ENDPOINTS;

/**
 * Endpoints a feature registers itself under API_PREFIX (with apiConventions from routes.ts),
 * described in the same document. Each feature keeps its list beside its routes.
 */
export const FEATURE_ENDPOINTS = {
  ...PROJECTS_API.endpoints,
  ...CHANGES_API.endpoints,
  ...MEASURES_API.endpoints,
  ...PEOPLE_API.endpoints,
  ...OPPORTUNITIES_API.endpoints,
} as const satisfies Record<string, Endpoint>;

/** Query parameters from a zod object, as OpenAPI describes them. */
function queryParameters(schema: z.ZodObject): Record<string, unknown>[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: property,
  }));
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string, schema: SchemaName = 'Problem') => ({
  description,
  content: { 'application/problem+json': { schema: ref(schema) } },
});

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) for each named zod schema. */
function componentSchemas(): Record<string, unknown> {
  const convert = (schema: z.ZodType, io: 'input' | 'output') => {
    const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return json;
  };
  return {
    ...Object.fromEntries(Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [name, convert(schema, 'input')])),
    ...Object.fromEntries(Object.entries(RESPONSE_SCHEMAS).map(([name, schema]) => [name, convert(schema, 'output')])),
  };
}

/** "/org-units/:id" → "/api/v1/org-units/{id}" and its path parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: `${API_PREFIX}${converted}`, params };
}

/** The OpenAPI 3.1 document for /api/v1, built from ENDPOINTS and the zod schemas. */
export function buildOpenApiDocument(baseUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, e] of Object.entries({ ...ENDPOINTS, ...FEATURE_ENDPOINTS }) as [string, Endpoint][]) {
    const { path, params } = openApiPath(e.path);
    const responses: Record<string, unknown> = {
      [e.response.status]: {
        description: t(`api.openapi.operations.${operationId}.response`),
        ...(e.response.status === 204 ? {} : { content: { 'application/json': { schema: e.response.schema ? ref(e.response.schema) : { type: 'object' } } } }),
      },
    };
    if (e.request) {
      responses['400'] = problem(t('api.openapi.responses.400'), 'ValidationProblem');
      responses['413'] = problem(t('api.openapi.responses.413'));
      responses['415'] = problem(t('api.openapi.responses.415'));
    } else if (e.query) {
      responses['400'] = problem(t('api.openapi.responses.400'), 'ValidationProblem');
    }
    if (!e.public) {
      responses['401'] = problem(t('api.openapi.responses.401'));
      responses['403'] = problem(t('api.openapi.responses.403'));
    }
    // A record, or a parent named in the body, outside the units you can see is a 404.
    if (params.length > 0 || e.request || e.query) responses['404'] = problem(t('api.openapi.responses.404'));
    responses['500'] = problem(t('api.openapi.responses.500'));

    const item = (paths[path] ??= {});
    item[e.method.toLowerCase()] = {
      operationId,
      summary: t(`api.openapi.operations.${operationId}.summary`),
      ...(e.scope ? { description: t('api.openapi.needsScope', { scope: e.scope }) } : {}),
      security: e.public ? [] : [{ bearerToken: [e.scope] }],
      ...(params.length || e.query
        ? {
            parameters: [
              ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } })),
              ...(e.query ? queryParameters(e.query) : []),
            ],
          }
        : {}),
      ...(e.request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(e.request) } } } } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: { title: t('api.openapi.title'), version: '1', description: t('api.openapi.description') },
    servers: [{ url: baseUrl }],
    security: [{ bearerToken: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: t('api.openapi.bearerDescription') },
      },
      schemas: componentSchemas(),
    },
  };
}
