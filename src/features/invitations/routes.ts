import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { listQuerySchema } from './schemas.ts';
import * as inv from './service.ts';

const V = 'invitations/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

/** How each invitee shows in the list, in words. */
function inviteeView(i: inv.Invitee) {
  return {
    ...i,
    channelText: i.channel ? t(`invitations.channels.${i.channel}`) : t('invitations.list.noChannel'),
    formatText: t(`invitations.formats.${i.format}`),
    contactText: i.contact === 'ok' ? '' : t(`invitations.list.contact.${i.contact}`),
    sentText: i.sentAt ? inv.shortWhen(i.sentAt) : t('invitations.list.notSent'),
    answerText: t(`invitations.answers.${i.response}`),
    memberText: t(i.isMember ? 'invitations.list.member' : 'invitations.list.thisMeetingOnly'),
  };
}

function meetingView(m: inv.MeetingInfo) {
  return { ...m, addressLines: m.venue?.address?.split('\n') ?? [] };
}

async function pageView(request: FastifyRequest, id: number, opts: { after?: string | undefined; q?: string | undefined; uq?: string | undefined; values?: Record<string, unknown> }, errors: FieldError[] = []) {
  const page = await inv.invitationsPage(request.ctx, id, opts);
  const c = page.counts;
  return {
    pageTitle: t('invitations.page.title'),
    meeting: meetingView(page.meeting),
    invitees: page.invitees.map(inviteeView),
    counts: c,
    capacityText: page.meeting.capacity != null ? t('invitations.counts.capacityTaken', { taken: c.in_person, capacity: page.meeting.capacity }) : undefined,
    canSend: page.canSend && c.to_send > 0,
    sendClosed: page.meeting.cancelled ? t('invitations.send.cancelled') : page.meeting.started ? t('invitations.send.started') : undefined,
    nextUrl: page.nextAfter ? `/meetings/${id}/invitations?after=${page.nextAfter}` : undefined,
    firstPageUrl: opts.after ? `/meetings/${id}/invitations` : undefined,
    canAddPerson: page.canAddPerson,
    canAddUser: page.canAddUser,
    person: page.personPicker,
    staff: page.staffPicker,
    searchAction: `/meetings/${id}/invitations#add-person`,
    values: opts.values ?? {},
    errors,
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

export default async function invitationsRoutes(app: FastifyInstance): Promise<void> {
  const limit = { rateLimit: { max: app.config.rateLimitPerMinute, timeWindow: '1 minute' } };

  // ---- The invite list (those who may run the series)
  app.get('/meetings/:id/invitations', async (request, reply) => {
    const query = listQuerySchema.parse(cleanForm(request.query));
    return reply.page(`${V}/invitations.njk`, await pageView(request, idParam(request), query));
  });

  app.post('/meetings/:id/invitations', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      const { name } = await inv.addInvitee(request.ctx, id, input);
      reply.flash(t('invitations.add.done', { name }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/invitations.njk`, pageView(request, id, { values: input }, translateErrors(err.fields)));
    }
    return reply.redirect(`/meetings/${id}/invitations`, 303);
  });

  app.post('/meetings/:id/invitations/:invitationId/remove', async (request, reply) => {
    const id = idParam(request);
    try {
      await inv.removeInvitee(request.ctx, id, idParam(request, 'invitationId'));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/invitations.njk`, pageView(request, id, {}, translateErrors(err.fields)));
    }
    reply.flash(t('invitations.remove.done'));
    return reply.redirect(`/meetings/${id}/invitations`, 303);
  });

  app.post('/meetings/:id/invitations/send', async (request, reply) => {
    const id = idParam(request);
    let report: inv.SendReport;
    try {
      report = await inv.sendInvitations(request.ctx, id);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/invitations.njk`, pageView(request, id, {}, translateErrors(err.fields)));
    }
    const skipped = report.noConsent + report.unreachable;
    reply.flash(
      [
        report.sent === 0 ? t('invitations.send.nothing') : t('invitations.send.done', { count: report.sent }),
        ...(skipped ? [t('invitations.send.skipped', { count: skipped })] : []),
        ...(report.byChannel.post ? [t('invitations.send.letters', { count: report.byChannel.post })] : []),
      ].join(' '),
    );
    return reply.redirect(`/meetings/${id}/invitations`, 303);
  });

  // ---- What the lead posts
  app.get('/meetings/:id/invitations/print-list', async (request, reply) => {
    const id = idParam(request);
    const { after } = listQuerySchema.parse(cleanForm(request.query));
    const list = await inv.printList(request.ctx, id, { after });
    return reply.page(`${V}/print-list.njk`, {
      pageTitle: t('invitations.print.title'),
      meeting: meetingView(list.meeting),
      letters: list.letters.map((l) => ({ ...inviteeView(l), enclosures: inv.enclosureNames(list, l.format) })),
      papers: list.papers,
      waiting: list.counts.to_send,
      nextUrl: list.nextAfter ? `/meetings/${id}/invitations/print-list?after=${list.nextAfter}` : undefined,
      firstPageUrl: after ? `/meetings/${id}/invitations/print-list` : undefined,
    });
  });

  // ---- Answering from the link in the message, without signing in. Opening it changes nothing.
  const gone = (reply: FastifyReply, link: inv.AnswerLink) =>
    reply.code(404).page(`${V}/rsvp-gone.njk`, {
      pageTitle: t(link.state === 'cancelled' ? 'invitations.rsvp.cancelledTitle' : 'invitations.rsvp.goneTitle'),
      meeting: link.state === 'cancelled' ? meetingView(link.meeting) : undefined,
    });

  const answerView = (link: Extract<inv.AnswerLink, { state: 'ok' }>, token: string, values: Record<string, unknown>, errors: FieldError[] = []) => {
    const chosen = values.response ?? (link.invitation.response === 'none' ? undefined : link.invitation.response);
    return {
      pageTitle: t('invitations.rsvp.title', { meeting: link.meeting.name }),
      meeting: meetingView(link.meeting),
      token,
      answered: link.invitation.response !== 'none' ? t(`invitations.rsvp.answers.${link.invitation.response}`) : undefined,
      answerItems: inv.ANSWERS.filter((a) => a !== 'online' || link.meeting.onlineUrl).map((a) => ({ value: a, text: t(`invitations.rsvp.answers.${a}`), checked: chosen === a })),
      accessNeedsMax: inv.ACCESS_NEEDS_MAX,
      values: { accessNeeds: values.accessNeeds ?? link.invitation.access_needs ?? undefined },
      errors,
    };
  };

  app.get('/rsvp/:token', { config: { public: true, ...limit } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const link = await inv.answerLink(request.ctx, token);
    if (link.state !== 'ok') return gone(reply, link);
    return reply.page(`${V}/rsvp.njk`, answerView(link, token, {}));
  });

  app.post('/rsvp/:token', { config: { public: true, ...limit } }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const input = cleanForm(request.body);
    let result: Awaited<ReturnType<typeof inv.saveAnswer>>;
    try {
      result = await inv.saveAnswer(request.ctx, token, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const link = await inv.answerLink(request.ctx, token);
      if (link.state !== 'ok') return gone(reply, link);
      return reply.code(400).page(`${V}/rsvp.njk`, answerView(link, token, input, translateErrors(err.fields)));
    }
    if (result.state !== 'ok' || !result.answer) return gone(reply, result);
    return reply.page(`${V}/rsvp-done.njk`, {
      pageTitle: t('invitations.rsvp.doneTitle'),
      meeting: meetingView(result.meeting),
      answer: t(`invitations.rsvp.done.${result.answer}`),
      gaveNeeds: typeof input.accessNeeds === 'string',
      token,
    });
  });
}
