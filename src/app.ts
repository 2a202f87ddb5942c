import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { authenticateApiToken } from './platform/auth/api-tokens.ts';
import { sessionCookieName } from './platform/auth/cookie.ts';
import { resolveSession } from './platform/auth/sessions.ts';
import type { DbHandle } from './platform/db/index.ts';
import { registerErrorHandlers } from './platform/errors/handler.ts';
import './platform/http/types.ts';
import views from './platform/views/index.ts';
import { databaseRateLimitStore } from './platform/http/rate-limit-store.ts';
import { featureRoutes } from './features/index.ts';


export interface RouteEntry {
  method: string;
  url: string;
  public: boolean;
}

export interface AppOverrides {
  /** Pino logger options or false; tests keep the log quiet. */
  logger?: boolean | Record<string, unknown>;
}

const asset = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** Builds the whole app. Plugins go in a fixed order: security → platform → features. */
export async function buildApp(config: Config, handle: DbHandle, overrides: AppOverrides = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: overrides.logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: () => randomUUID().slice(0, 8),
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.decorate('db', handle.db);
  app.decorate('dialect', handle.dialect);
  app.decorate('config', config);
  // The route table, kept for the access-matrix test and the OpenAPI coverage check.
  const routeList: RouteEntry[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routeList.push({ method, url: route.url, public: route.config?.public === true });
    }
  });
  const secure = config.baseUrl.startsWith('https://');

  // --- security
  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    strictTransportSecurity: secure ? undefined : false,
  });
  await app.register(fastifyCookie, { secret: config.sessionSecret });
  await app.register(fastifyFormbody, { bodyLimit: 256 * 1024 });
  // File uploads (data imports; later receipts). Parsed only when a route asks (request.file()), so
  // CSRF for a multipart form travels in the action's query string (?_csrf=).
  await app.register(fastifyMultipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 10, parts: 11, fieldSize: 64 * 1024 } });
  await app.register(fastifyCsrf, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true },
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const query = req.query as Record<string, unknown> | undefined;
      return (body?._csrf ?? req.headers['x-csrf-token'] ?? query?._csrf) as string | undefined;
    },
  });
  // Counted in the database, so limits hold across instances.
  await app.register(fastifyRateLimit, { global: false, store: databaseRateLimitStore(handle.db) });

  // Who is asking: a browser session or an API token. Read from the database on every request.
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionSecret', null);
  app.addHook('onRequest', async (request) => {
    const isApi = request.url.startsWith('/api/');
    if (isApi) {
      // The auth scheme is case-insensitive (RFC 9110), so "bearer" works as well as "Bearer".
      const bearer = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (bearer?.[1]) request.principal = await authenticateApiToken(app.db, bearer[1]);
    } else {
      const cookie = request.cookies[sessionCookieName(config)];
      if (cookie) {
        request.principal = await resolveSession(app.db, cookie, { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs });
        if (request.principal) request.sessionSecret = cookie;
      }
    }
    request.ctx = { db: app.db, dialect: app.dialect, config, principal: request.principal, ip: request.ip };
  });

  // CSRF on every state-changing browser request (the API authenticates with bearer tokens, not cookies).
  app.addHook('preHandler', (request, reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || request.url.startsWith('/api/')) return done();
    app.csrfProtection(request, reply, done);
  });

  // Pages may show personal data: never cache them.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!['/assets/', '/css/', '/js/', '/public/'].some((p) => request.url.startsWith(p))) reply.header('cache-control', 'no-store');
    return payload;
  });

  // --- platform
  await app.register(fastifyStatic, { root: asset('node_modules/nhsuk-frontend/dist/nhsuk/assets'), prefix: '/assets/', maxAge: '1d' });
  // The design system's stylesheet, minus its @font-face rules: they load Frutiger from an NHS
  // server, which a self-hosted app must not call (and our CSP blocks). The font stack falls back to Arial.
  const css = readFileSync(asset('node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css'), 'utf8').replace(/@font-face\{[^}]*\}/g, '');
  app.get('/css/nhsuk-frontend.min.css', { config: { public: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(css),
  );
  await app.register(fastifyStatic, {
    root: asset('node_modules/nhsuk-frontend/dist/nhsuk'),
    prefix: '/js/',
    decorateReply: false,
    allowedPath: (p) => p === '/nhsuk-frontend.min.js' || p === '/nhsuk-frontend.min.js.map',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, { root: asset('public'), prefix: '/public/', decorateReply: false, maxAge: '1h' });
  await app.register(views);
  registerErrorHandlers(app);

  // --- features
  await app.register(featureRoutes);
  return app;
}
