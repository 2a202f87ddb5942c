import type { FastifyInstance, FastifyReply } from 'fastify';
import { clearSessionCookie, setSessionCookie } from '../../platform/auth/cookie.ts';
import { cleanForm, parseInput } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { emailOnlySchema, safeNext, setPasswordSchema, signInSchema } from './schemas.ts';
import * as auth from './service.ts';

const V = 'auth/views';

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const limit = { rateLimit: { max: app.config.rateLimitPerMinute, timeWindow: '1 minute' } };
  const signedIn = (reply: FastifyReply, secret: string, next = '/') => {
    setSessionCookie(reply, app.config, secret);
    return reply.redirect(safeNext(next), 303);
  };

  app.get('/sign-in', { config: { public: true } }, async (request, reply) => {
    const { next } = request.query as { next?: string };
    if (request.principal) return reply.redirect(safeNext(next));
    return reply.page(`${V}/sign-in.njk`, { pageTitle: t('signIn.title'), values: { next: safeNext(next) } });
  });

  app.post('/sign-in', { config: { public: true, ...limit } }, async (request, reply) => {
    const input = cleanForm(request.body);
    const values = { email: input.email, next: safeNext(input.next as string | undefined) };
    const parsed = parseInput(signInSchema, input);
    if (!parsed.ok) return reply.code(400).page(`${V}/sign-in.njk`, { pageTitle: t('signIn.title'), errors: parsed.errors, values });
    const result = await auth.signInWithPassword(request.ctx, parsed.data.email, parsed.data.password);
    if (!result.ok) {
      const message = t(result.reason === 'locked' ? 'signIn.locked' : 'signIn.invalid', { minutes: app.config.lockout.minutes });
      return reply.code(401).page(`${V}/sign-in.njk`, { pageTitle: t('signIn.title'), errors: [{ field: 'email', message }], values });
    }
    return signedIn(reply, result.sessionSecret, parsed.data.next);
  });

  app.post('/sign-out', async (request, reply) => {
    await auth.signOut(request.ctx, request.sessionSecret);
    clearSessionCookie(reply, app.config);
    reply.flash(t('signOut.done'));
    return reply.redirect('/sign-in', 303);
  });

  // Asking for an emailed link: a sign-in link, or a link to choose a new password. Same form, same
  // answer whether or not the email has an account.
  for (const [path, purpose, words] of [['/sign-in/link', 'magic_link', 'magicLink'], ['/forgot-password', 'password_reset', 'forgotPassword']] as const) {
    const form = () => ({ pageTitle: t(`${words}.title`), intro: t(`${words}.intro`), action: path, buttonText: t(`${words}.button`) });
    app.get(path, { config: { public: true } }, async (_request, reply) => reply.page(`${V}/email-form.njk`, form()));
    app.post(path, { config: { public: true, ...limit } }, async (request, reply) => {
      const input = cleanForm(request.body);
      const parsed = parseInput(emailOnlySchema, input);
      if (!parsed.ok) return reply.code(400).page(`${V}/email-form.njk`, { ...form(), errors: parsed.errors, values: input });
      await auth.requestEmailToken(request.ctx, parsed.data.email, purpose);
      return reply.page(`${V}/check-email.njk`, { pageTitle: t('checkEmail.title'), email: parsed.data.email });
    });
  }

  // Following a sign-in link only shows a button: mail scanners that open links must not use up the token.
  app.get('/sign-in/link/:token', { config: { public: true } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    return reply.page(`${V}/confirm-link.njk`, { pageTitle: t('magicLink.confirmTitle'), token });
  });
  app.post('/sign-in/link/:token', { config: { public: true, ...limit } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const secret = await auth.signInWithMagicLink(request.ctx, token);
    if (!secret) return reply.code(400).page(`${V}/link-expired.njk`, { pageTitle: t('linkExpired.title') });
    return signedIn(reply, secret);
  });

  // Setting a password from a reset link or an invitation.
  for (const [path, purpose] of [['/reset-password', 'password_reset'], ['/invitation', 'invite']] as const) {
    const title = t(purpose === 'invite' ? 'invitation.title' : 'resetPassword.title');
    app.get(`${path}/:token`, { config: { public: true } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const user = await auth.peekToken(app.db, token, purpose);
      if (!user) return reply.code(400).page(`${V}/link-expired.njk`, { pageTitle: t('linkExpired.title') });
      return reply.page(`${V}/set-password.njk`, { pageTitle: title, action: `${path}/${token}`, email: user.email, purpose });
    });
    app.post(`${path}/:token`, { config: { public: true, ...limit } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const user = await auth.peekToken(app.db, token, purpose);
      if (!user) return reply.code(400).page(`${V}/link-expired.njk`, { pageTitle: t('linkExpired.title') });
      const parsed = parseInput(setPasswordSchema, cleanForm(request.body));
      if (!parsed.ok) {
        return reply.code(400).page(`${V}/set-password.njk`, { pageTitle: title, action: `${path}/${token}`, email: user.email, purpose, errors: parsed.errors });
      }
      const secret = await auth.setPasswordWithToken(request.ctx, token, purpose, parsed.data.password);
      if (!secret) return reply.code(400).page(`${V}/link-expired.njk`, { pageTitle: t('linkExpired.title') });
      reply.flash(t('resetPassword.done'));
      return signedIn(reply, secret);
    });
  }
}
