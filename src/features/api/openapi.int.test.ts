import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

/**
 * Reads Fastify's route table (app.printRoutes({ commonPrefix: false })) back into method + full path.
 * Each tree line is "<indent>├── <segment> (<METHODS>)"; a child's segment continues its parent's path.
 */
function routesFromTable(table: string): { method: string; path: string }[] {
  const stack: string[] = [];
  const out: { method: string; path: string }[] = [];
  for (const line of table.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([^)]*)\))?$/u.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = (stack[depth - 1] ?? '') + (m[2] ?? '');
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) out.push({ method, path });
  }
  return out;
}

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { security: Record<string, string[]>[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: unknown }>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; required?: string[] }> };
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<OpenApiDoc>();
  });
  afterAll(() => t.close());

  it('is public OpenAPI 3.1 with a bearer security scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toMatchObject({ bearerToken: { type: 'http', scheme: 'bearer' } });
  });

  it('reads the route table the same way Fastify prints it', () => {
    const table = ['└── /api/v1/org-units (GET, HEAD, POST)', '    └── /:id (GET, PATCH)', '└── /x', '    └── y (GET)'].join('\n');
    expect(routesFromTable(table)).toEqual([
      { method: 'GET', path: '/api/v1/org-units' },
      { method: 'HEAD', path: '/api/v1/org-units' },
      { method: 'POST', path: '/api/v1/org-units' },
      { method: 'GET', path: '/api/v1/org-units/:id' },
      { method: 'PATCH', path: '/api/v1/org-units/:id' },
      { method: 'GET', path: '/xy' },
    ]);
  });

  it('describes every /api/v1 route Fastify has registered', () => {
    const routes = routesFromTable(t.app.printRoutes({ commonPrefix: false }))
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    // Guard against the parser silently finding nothing.
    expect(routes).toEqual(expect.arrayContaining(['GET /api/v1/me', 'GET /api/v1/org-units', 'POST /api/v1/org-units', 'GET /api/v1/org-units/{id}', 'PATCH /api/v1/org-units/{id}']));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
  });

  it('names the scope each route needs and answers errors as problem+json', () => {
    expect(doc.paths['/api/v1/me']?.get?.security).toEqual([{ bearerToken: ['me:read'] }]);
    expect(doc.paths['/api/v1/org-units']?.post?.security).toEqual([{ bearerToken: ['org:write'] }]);
    expect(doc.paths['/api/v1/openapi.json']?.get?.security).toEqual([]);
    const post = doc.paths['/api/v1/org-units']?.post;
    for (const status of ['400', '401', '403', '413', '415']) {
      expect(Object.keys(post?.responses[status]?.content ?? {})).toEqual(['application/problem+json']);
    }
    expect(doc.paths['/api/v1/org-units/{id}']?.get?.responses['404']).toBeDefined();
  });

  it('generates request schemas from the same zod schemas the forms use', () => {
    const create = doc.components.schemas.CreateOrgUnit;
    expect(create?.required?.sort()).toEqual(['kind', 'name', 'parentId']);
    expect(create?.properties?.name).toMatchObject({ type: 'string', minLength: 2, maxLength: 120 });
    expect(create?.properties?.kind?.enum).toContain('team');
    expect(doc.components.schemas.OrgUnit?.properties && Object.keys(doc.components.schemas.OrgUnit.properties).sort()).toEqual(['id', 'kind', 'name', 'parentId', 'path']);
  });
});
