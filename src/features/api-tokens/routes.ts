import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_SCOPES, type ApiScope } from '../../platform/auth/api-tokens.ts';
import type { FieldError } from '../../platform/errors/index.ts';
import { cleanForm, parseInput } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import { createTokenSchema, tokenListSchema } from './schemas.ts';
import * as tokens from './service.ts';

const V = 'api-tokens/views';
export const TOKENS_PATH = '/account/tokens';

/** Catalogue keys cannot hold ":" (i18next's namespace separator), so "org:read" becomes "org_read". */
export const scopeKey = (scope: ApiScope): string => scope.replace(':', '_');
const scopeLabel = (scope: ApiScope): string => t(`tokens.scopes.${scopeKey(scope)}.label`);

const scopeItems = () =>
  API_SCOPES.map((scope) => ({ value: scope, text: scopeLabel(scope), hint: { text: t(`tokens.scopes.${scopeKey(scope)}.hint`) } }));

async function listPage(request: FastifyRequest, reply: FastifyReply, form: { values?: Record<string, unknown>; errors?: FieldError[] } = {}): Promise<FastifyReply> {
  requireSignedIn(request.principal);
  const query = tokenListSchema.safeParse(request.query);
  const before = query.success ? query.data.before : undefined;
  const result = await tokens.listMyTokens(request.ctx, { before });
  const selected = form.values?.scopes;
  return reply.page(`${V}/list.njk`, {
    pageTitle: t('tokens.title'),
    tokens: result.tokens.map((tok) => ({ ...tok, scopeLabels: tok.scopes.map(scopeLabel) })),
    nextHref: result.nextBefore ? `${TOKENS_PATH}?before=${result.nextBefore}` : undefined,
    firstHref: before ? TOKENS_PATH : undefined,
    scopeItems: scopeItems(),
    values: { ...form.values, scopes: selected === undefined ? [] : Array.isArray(selected) ? selected : [selected] },
    errors: form.errors ?? [],
  });
}

export default async function apiTokenRoutes(app: FastifyInstance): Promise<void> {
  app.get(TOKENS_PATH, async (request, reply) => listPage(request, reply));

  app.post(TOKENS_PATH, async (request, reply) => {
    requireSignedIn(request.principal);
    const input = cleanForm(request.body);
    const parsed = parseInput(createTokenSchema, input);
    if (!parsed.ok) return listPage(request, reply.code(400), { values: input, errors: parsed.errors });
    const created = await tokens.createMyToken(request.ctx, parsed.data);
    // Shown once, in answer to the POST: the value is never stored, so it can never be shown again.
    return reply.page(`${V}/created.njk`, {
      pageTitle: t('tokens.created.title'),
      token: { ...created.token, scopeLabels: created.token.scopes.map(scopeLabel) },
      value: created.value,
    });
  });

  app.post(`${TOKENS_PATH}/:id/revoke`, async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    const revoked = await tokens.revokeMyToken(request.ctx, id);
    reply.flash(t('tokens.revoke.done', { name: revoked.name }));
    return reply.redirect(TOKENS_PATH, 303);
  });
}
