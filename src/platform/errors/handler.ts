import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.ts';
import { HttpError, ValidationError } from './index.ts';
import { translateErrors } from '../http/forms.ts';

const isApi = (request: FastifyRequest): boolean => request.url.startsWith('/api/');

/** RFC 9457 problem details for the JSON API. */
export function sendProblem(reply: FastifyReply, status: number, title: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, instance: reply.request.url.split('?')[0], reference: reply.request.id, ...extra });
}

function errorPage(reply: FastifyReply, status: number): FastifyReply {
  const key = [403, 404, 429].includes(status) ? String(status) : status >= 500 ? '500' : '400';
  return reply.code(status).page('errors/error.njk', {
    pageTitle: t(`errors.page.${key}.title`),
    body: t(`errors.page.${key}.body`),
    status,
    reference: reply.request.id,
  });
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    if (isApi(request)) return sendProblem(reply, 404, t('errors.page.404.title'));
    return errorPage(reply, 404);
  });

  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    let status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
    // Anything Fastify rejects from the client (bad JSON, too large, bad content type) is the client's error.
    if (status < 400) status = 500;
    if (status >= 500) {
      request.log.error({ err: error, reference: request.id }, 'unhandled error');
    } else if (status === 403) {
      request.log.warn({ reference: request.id, userId: request.principal?.userId, url: request.url }, 'access refused');
    }

    if (status === 401 && !isApi(request)) {
      // Explicit code: a route may already have set 400 before the service refused.
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 302);
    }
    if (isApi(request)) {
      if (error instanceof ValidationError) {
        return sendProblem(reply, 400, t('errors.summaryTitle'), { errors: translateErrors(error.fields) });
      }
      const title = status >= 500 ? t('errors.page.500.title') : error instanceof HttpError ? error.message : t(`errors.page.${status === 404 ? '404' : status === 403 ? '403' : status === 429 ? '429' : '400'}.title`);
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, status, title);
    }
    return errorPage(reply, status);
  });
}
