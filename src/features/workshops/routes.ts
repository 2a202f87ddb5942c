import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VotingState } from '../../platform/db/workshop-types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { dayText, unitItems } from '../groups/service.ts';
import * as workshops from './service.ts';

const V = 'workshops/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

const VOTING_COLOURS: Record<VotingState, string> = { not_open: 'grey', open: 'green', closed: 'blue' };
const votingTag = (v: VotingState) => ({ text: t(`workshops.voting.states.${v}`), classes: `nhsuk-tag--${VOTING_COLOURS[v]}` });

/** The words for a validation error; the missing addresses are named in theirs. */
function errorsOf(err: ValidationError): FieldError[] {
  if (err instanceof workshops.NotFoundEmails) {
    return [{ field: 'emails', message: t('errors.workshops.emailsNotFound', { count: err.emails.length, emails: err.emails.join(', ') }) }];
  }
  return translateErrors(err.fields);
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

// ---- Page data

async function formView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[], workshopId?: number) {
  const units = await workshops.organiserUnits(request.ctx);
  const progressPublic = values.progressPublic ?? 'no';
  return {
    pageTitle: workshopId ? t('workshops.form.editTitle') : t('workshops.form.newTitle'),
    action: workshopId ? `/workshops/${workshopId}/edit` : '/workshops/new',
    cancel: workshopId ? `/workshops/${workshopId}` : '/workshops',
    workshopId,
    unitItems: unitItems(units, values.unitId, t('workshops.form.chooseUnit')),
    progressItems: ['yes', 'no'].map((v) => ({ value: v, text: t(`workshops.form.progressPublic.${v}`), checked: progressPublic === v })),
    values,
    errors,
  };
}

interface PageForms {
  challenge?: Record<string, unknown>;
  participants?: Record<string, unknown>;
  errors?: FieldError[];
}

async function workshopView(request: FastifyRequest, id: number, forms: PageForms = {}) {
  const page = await workshops.workshopPage(request.ctx, id);
  const { workshop, isOrganiser, participantId } = page.access;
  const base = `/workshops/${workshop.id}`;
  const mayChange = workshops.challengesMayChange(workshop);
  return {
    pageTitle: workshop.title,
    base,
    workshop,
    isOrganiser,
    isParticipant: participantId != null,
    dateText: dayText(workshop.held_on),
    votingTag: votingTag(workshop.voting),
    voting: workshop.voting,
    programmeLines: (workshop.programme ?? '').split(/\r?\n/).filter((l) => l.trim() !== ''),
    challenges: page.challenges.map((c, i) => ({
      ...c,
      winner: page.winner?.id === c.id,
      // Moving is offered where there is somewhere to move to.
      moveAction: isOrganiser && mayChange ? `${base}/challenges/${c.id}/move` : null,
      mayMoveUp: i > 0,
      mayMoveDown: i < page.challenges.length - 1,
      editHref: isOrganiser && mayChange ? `${base}/challenges/${c.id}/edit` : null,
      removeAction: isOrganiser && mayChange ? `${base}/challenges/${c.id}/remove` : null,
    })),
    challengesMayChange: mayChange,
    participants: page.participants.map((p) => ({
      ...p,
      removeAction: isOrganiser && workshop.voting !== 'closed' ? `${base}/participants/${p.id}/remove` : null,
    })),
    winner: page.winner,
    winnerToChoose: page.winnerToChoose,
    myVote: page.myVote,
    votesCast: page.votesCast,
    mayReadResults: page.mayReadResults,
    challengeValues: forms.challenge ?? {},
    participantValues: forms.participants ?? {},
    errors: forms.errors ?? [],
  };
}

/** Runs a change on the workshop page; a ValidationError re-renders it (400) with the input kept. */
async function onWorkshopPage(request: FastifyRequest, reply: FastifyReply, change: () => Promise<string>, forms: Omit<PageForms, 'errors'> = {}, to?: string) {
  const id = idParam(request);
  try {
    reply.flash(await change());
    return reply.redirect(to ?? `/workshops/${id}`, 303);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return withErrors(reply, `${V}/workshop.njk`, workshopView(request, id, { ...forms, errors: errorsOf(err) }));
  }
}

async function challengeView(request: FastifyRequest, values?: Record<string, unknown>, errors: FieldError[] = []) {
  const id = idParam(request);
  const { workshop, challenge } = await workshops.challengeForEdit(request.ctx, id, idParam(request, 'challengeId'));
  return {
    pageTitle: t('workshops.challenge.editTitle'),
    workshop,
    challenge,
    action: `/workshops/${id}/challenges/${challenge.id}/edit`,
    cancel: `/workshops/${id}`,
    values: values ?? { challengeTitle: challenge.title, challengeDescription: challenge.description },
    errors,
  };
}

async function voteView(request: FastifyRequest, values: Record<string, unknown> = {}, errors: FieldError[] = []) {
  const page = await workshops.votePage(request.ctx, idParam(request));
  const { workshop } = page.access;
  const chosen = values.challengeId ?? (page.myVote == null ? undefined : String(page.myVote));
  return {
    pageTitle: t('workshops.vote.title'),
    workshop,
    open: workshop.voting === 'open',
    voting: workshop.voting,
    hasVoted: page.myVote != null,
    items: page.challenges.map((c) => ({ value: String(c.id), text: c.title, hint: c.description ? { text: c.description } : undefined, checked: String(chosen ?? '') === String(c.id) })),
    values,
    errors,
  };
}

async function resultsView(request: FastifyRequest) {
  const page = await workshops.resultsPage(request.ctx, idParam(request));
  const { workshop } = page.access;
  const winner = page.challenges.find((c) => c.winner);
  return {
    pageTitle: t('workshops.results.title'),
    workshop,
    base: `/workshops/${workshop.id}`,
    visible: page.visible,
    hasVoted: page.hasVoted,
    isOrganiser: page.access.isOrganiser,
    isParticipant: page.access.participantId != null,
    voting: workshop.voting,
    votingTag: votingTag(workshop.voting),
    live: page.visible && workshop.voting === 'open',
    rows: page.challenges.map((c) => ({ ...c, votesText: t('workshops.results.votes', { count: c.votes }), percentText: `${c.percent}%` })),
    totalVotes: page.totalVotes,
    summary: t('workshops.results.summary', { count: page.participants, votes: page.totalVotes }),
    winner,
    tie: workshop.voting === 'closed' && !winner,
  };
}

async function winnerView(request: FastifyRequest, errors: FieldError[] = []) {
  const { workshop, choices } = await workshops.winnerChoices(request.ctx, idParam(request));
  return {
    view: {
      pageTitle: t('workshops.winner.title'),
      workshop,
      items: (choices ?? []).map((c) => ({ value: String(c.id), text: c.title, hint: { text: t('workshops.results.votes', { count: c.votes }) } })),
      errors,
    },
    choices,
  };
}

export default async function workshopsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/workshops', async (request, reply) => {
    const filter = workshops.parseListQuery(cleanForm(request.query));
    const list = await workshops.listWorkshops(request.ctx, filter);
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('workshops.list.title'),
      canCreate: list.canCreate,
      workshops: list.workshops.map((w) => ({
        ...w,
        dateText: dayText(w.held_on),
        votingTag: votingTag(w.voting),
        partText: t(w.taking_part ? 'workshops.list.taking_part' : 'workshops.list.organising'),
      })),
      nextUrl: list.nextAfter ? `/workshops?after=${encodeURIComponent(list.nextAfter)}` : undefined,
      firstPageUrl: filter.after ? '/workshops' : undefined,
    });
  });

  // ---- Setting a workshop up
  app.get('/workshops/new', async (request, reply) => reply.page(`${V}/form.njk`, await formView(request, {}, [])));

  app.post('/workshops/new', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const id = await workshops.createWorkshop(request.ctx, input);
      reply.flash(t('workshops.form.created'));
      return reply.redirect(`/workshops/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, errorsOf(err)));
    }
  });

  app.get('/workshops/:id', async (request, reply) => reply.page(`${V}/workshop.njk`, await workshopView(request, idParam(request))));

  app.get('/workshops/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const workshop = await workshops.workshopForEdit(request.ctx, id);
    return reply.page(`${V}/form.njk`, await formView(request, workshops.workshopFormValues(workshop), [], id));
  });

  app.post('/workshops/:id/edit', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await workshops.updateWorkshop(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/form.njk`, formView(request, input, errorsOf(err), id));
    }
    reply.flash(t('workshops.form.saved'));
    return reply.redirect(`/workshops/${id}`, 303);
  });

  // ---- Challenges
  app.post('/workshops/:id/challenges', async (request, reply) => {
    const input = cleanForm(request.body);
    return onWorkshopPage(request, reply, async () => {
      await workshops.addChallenge(request.ctx, idParam(request), input);
      return t('workshops.challenges.added');
    }, { challenge: input });
  });

  app.get('/workshops/:id/challenges/:challengeId/edit', async (request, reply) => {
    const view = await challengeView(request);
    if (!workshops.challengesMayChange(view.workshop)) {
      reply.flash(t('errors.workshops.challengesLocked'));
      return reply.redirect(`/workshops/${view.workshop.id}`, 303);
    }
    return reply.page(`${V}/challenge.njk`, view);
  });

  app.post('/workshops/:id/challenges/:challengeId/edit', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await workshops.updateChallenge(request.ctx, id, idParam(request, 'challengeId'), input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/challenge.njk`, challengeView(request, input, errorsOf(err)));
    }
    reply.flash(t('workshops.challenges.saved'));
    return reply.redirect(`/workshops/${id}`, 303);
  });

  app.post('/workshops/:id/challenges/:challengeId/move', async (request, reply) =>
    onWorkshopPage(request, reply, async () => {
      const moved = await workshops.moveChallenge(request.ctx, idParam(request), idParam(request, 'challengeId'), cleanForm(request.body).direction);
      return t(moved ? 'workshops.challenges.moved' : 'workshops.challenges.notMoved');
    }, {}, `/workshops/${idParam(request)}#challenges`),
  );

  app.post('/workshops/:id/challenges/:challengeId/remove', async (request, reply) =>
    onWorkshopPage(request, reply, async () => {
      await workshops.removeChallenge(request.ctx, idParam(request), idParam(request, 'challengeId'));
      return t('workshops.challenges.removed');
    }),
  );

  // ---- Participants
  app.post('/workshops/:id/participants', async (request, reply) => {
    const input = cleanForm(request.body);
    return onWorkshopPage(request, reply, async () => {
      const { added, already } = await workshops.addParticipants(request.ctx, idParam(request), input);
      return [t('workshops.participants.added', { count: added }), already ? t('workshops.participants.already', { count: already }) : ''].filter(Boolean).join(' ');
    }, { participants: input });
  });

  app.post('/workshops/:id/participants/:participantId/remove', async (request, reply) =>
    onWorkshopPage(request, reply, async () => {
      await workshops.removeParticipant(request.ctx, idParam(request), idParam(request, 'participantId'));
      return t('workshops.participants.removed');
    }),
  );

  // ---- Voting
  app.post('/workshops/:id/voting', async (request, reply) => {
    const id = idParam(request);
    let result: { voting: VotingState; tie: boolean };
    try {
      result = await workshops.setVoting(request.ctx, id, cleanForm(request.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/workshop.njk`, workshopView(request, id, { errors: errorsOf(err) }));
    }
    if (result.voting === 'open') {
      reply.flash(t('workshops.voting.opened'));
      return reply.redirect(`/workshops/${id}`, 303);
    }
    if (result.tie) {
      reply.flash(t('workshops.voting.closedTie'));
      return reply.redirect(`/workshops/${id}/winner`, 303);
    }
    reply.flash(t('workshops.voting.closed'));
    return reply.redirect(`/workshops/${id}/results`, 303);
  });

  app.get('/workshops/:id/winner', async (request, reply) => {
    const { view, choices } = await winnerView(request);
    if (!choices) return reply.redirect(`/workshops/${view.workshop.id}`, 303);
    return reply.page(`${V}/winner.njk`, view);
  });

  app.post('/workshops/:id/winner', async (request, reply) => {
    const id = idParam(request);
    try {
      await workshops.chooseWinner(request.ctx, id, cleanForm(request.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const { view, choices } = await winnerView(request, errorsOf(err));
      if (!choices) return withErrors(reply, `${V}/workshop.njk`, workshopView(request, id, { errors: errorsOf(err) }));
      return reply.code(400).page(`${V}/winner.njk`, view);
    }
    reply.flash(t('workshops.winner.chosen'));
    return reply.redirect(`/workshops/${id}/results`, 303);
  });

  app.get('/workshops/:id/vote', async (request, reply) => reply.page(`${V}/vote.njk`, await voteView(request)));

  app.post('/workshops/:id/vote', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    let changed: boolean;
    try {
      ({ changed } = await workshops.castVote(request.ctx, id, input));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return withErrors(reply, `${V}/vote.njk`, voteView(request, input, errorsOf(err)));
    }
    reply.flash(t(changed ? 'workshops.vote.changed' : 'workshops.vote.recorded'));
    return reply.redirect(`/workshops/${id}/results`, 303);
  });

  app.get('/workshops/:id/results', async (request, reply) => reply.page(`${V}/results.njk`, await resultsView(request)));
}
