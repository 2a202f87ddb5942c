import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DIGEST_FREQUENCIES } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import * as alerts from './service.ts';

const V = 'story-alerts/views';

const translate = (errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ field: e.field, message: t(e.message, { max: alerts.FOLLOW_MAX, tagMax: alerts.TAG_MAX }) }));

async function followingView(request: FastifyRequest, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const page = await alerts.followingPage(request.ctx);
  const frequency = typeof values.frequency === 'string' ? values.frequency : page.frequency;
  return {
    pageTitle: t('storyAlerts.following.title'),
    ...page,
    unitItems: [
      { value: '', text: t('storyAlerts.following.chooseUnit') },
      ...page.units.map((u) => ({ value: String(u.id), text: u.name, selected: String(values.unitId ?? '') === String(u.id) })),
    ],
    frequencyItems: DIGEST_FREQUENCIES.map((f) => ({ value: f, text: t(`storyAlerts.frequencies.${f}`), hint: { text: t(`storyAlerts.frequencyHints.${f}`) }, checked: frequency === f })),
    values,
    errors: translate(errors),
  };
}

export default async function storyAlertsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/feedback/following', async (request, reply) => reply.page(`${V}/following.njk`, await followingView(request)));

  app.post('/feedback/following', async (request: FastifyRequest, reply: FastifyReply) => {
    const input = cleanForm(request.body);
    let result: alerts.FollowResult;
    try {
      result = await alerts.addFollow(request.ctx, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/following.njk`, await followingView(request, input, err.fields));
    }
    reply.flash(t(result.already ? 'storyAlerts.flash.already' : 'storyAlerts.flash.followed', { name: result.name }));
    return reply.redirect(alerts.FOLLOWING_HREF, 303);
  });

  app.post('/feedback/following/:id/remove', async (request: FastifyRequest, reply: FastifyReply) => {
    const id = Number((request.params as Record<string, string>).id);
    const name = await alerts.removeFollow(request.ctx, id);
    reply.flash(t('storyAlerts.flash.removed', { name }));
    return reply.redirect(alerts.FOLLOWING_HREF, 303);
  });

  app.post('/feedback/following/digest', async (request: FastifyRequest, reply: FastifyReply) => {
    const input = cleanForm(request.body);
    let frequency: string;
    try {
      frequency = await alerts.setDigestFrequency(request.ctx, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/following.njk`, await followingView(request, input, err.fields));
    }
    reply.flash(t(`storyAlerts.flash.frequency.${frequency}`));
    return reply.redirect(alerts.FOLLOWING_HREF, 303);
  });

  app.get('/feedback/for-you', async (request, reply) => {
    const page = await alerts.forYouPage(request.ctx, cleanForm(request.query));
    return reply.page(`${V}/for-you.njk`, {
      pageTitle: t('storyAlerts.forYou.title'),
      ...page,
      nextUrl: page.next ? `${alerts.FOR_YOU_HREF}?${new URLSearchParams(page.next).toString()}` : undefined,
      firstUrl: page.paged ? alerts.FOR_YOU_HREF : undefined,
      frequencyText: t(`storyAlerts.forYou.frequency.${page.frequency}`),
    });
  });
}
