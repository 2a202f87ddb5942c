import type { FastifyInstance, FastifyReply } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, parseInput, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { changePasswordSchema, firstPasswordSchema } from './schemas.ts';
import * as account from './service.ts';

const V = 'account/views';

export default async function accountRoutes(app: FastifyInstance): Promise<void> {
  const limit = { rateLimit: { max: app.config.rateLimitPerMinute, timeWindow: '1 minute' } };

  app.get('/account', async (request, reply) => {
    const { user, roles } = await account.getAccount(request.ctx);
    return reply.page(`${V}/account.njk`, {
      pageTitle: t('account.title'),
      user,
      roles: roles.map((r) => ({ ...r, roleName: t(`roles.names.${r.role}`) })),
    });
  });

  const passwordForm = (reply: FastifyReply, hasPassword: boolean, errors: FieldError[] = []) =>
    reply.page(`${V}/password.njk`, { pageTitle: t('account.password.title'), hasPassword, errors });

  app.get('/account/password', async (request, reply) => {
    const { user } = await account.getAccount(request.ctx);
    return passwordForm(reply, user.has_password);
  });

  app.post('/account/password', { config: limit }, async (request, reply) => {
    const { user } = await account.getAccount(request.ctx);
    const input = cleanForm(request.body);
    // Passwords are never put back into the form: the person types them again.
    const parsed = user.has_password ? parseInput(changePasswordSchema, input) : parseInput(firstPasswordSchema, input);
    if (!parsed.ok) return passwordForm(reply.code(400), user.has_password, parsed.errors);
    try {
      await account.changePassword(request.ctx, request.sessionSecret, parsed.data);
    } catch (err) {
      if (err instanceof ValidationError) return passwordForm(reply.code(400), user.has_password, translateErrors(err.fields));
      throw err;
    }
    reply.flash(t('account.password.done'));
    return reply.redirect('/account', 303);
  });
}
