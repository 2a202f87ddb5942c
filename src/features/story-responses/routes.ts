import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChangeKind } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { dayText } from '../groups/service.ts';
import { londonShortDay } from '../meetings/service.ts';
import { indentedName } from '../org/service.ts';
import * as responses from './service.ts';
import type { Told } from './service.ts';

const V = 'story-responses/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

const CHANGE_COLOURS: Record<ChangeKind, string> = { none: 'grey', planned: 'blue', made: 'green' };
export const changeTag = (c: ChangeKind) => ({ text: t(`storyResponses.changes.${c}`), classes: `nhsuk-tag--${CHANGE_COLOURS[c]}` });

/** Text as paragraphs, split where the writer left a line. */
export const paragraphs = (text: string | null | undefined): string[] => (text ?? '').split(/\n\s*\n|\r?\n/).map((p) => p.trim()).filter(Boolean);

function listUrl(filter: responses.ListQuery, after?: string): string {
  const params = new URLSearchParams();
  for (const key of ['unitId', 'answered', 'discussed', 'tag', 'q'] as const) {
    const v = filter[key];
    if (v !== undefined) params.set(key, String(v));
  }
  if (after) params.set('after', after);
  const s = params.toString();
  return `/feedback/stories${s ? `?${s}` : ''}`;
}

/** The response form's fields and choices, for a new response or an edited one. */
async function formView(request: FastifyRequest, values: Record<string, unknown>, keep?: { id: number; title: string | null }) {
  const choices = await responses.responseChoices(request.ctx, values.projectId, keep);
  const chosen = String(values.projectId ?? '');
  return {
    values,
    changeItems: responses.CHANGE_KINDS.map((c) => ({ value: c, text: t(`storyResponses.form.changes.${c}`), checked: values.change === c })),
    projectItems: choices.projects.length
      ? [{ value: '', text: t('storyResponses.form.noProject') }, ...choices.projects.map((p) => ({ value: String(p.id), text: p.title, selected: chosen === String(p.id) }))]
      : null,
    ideaItems: [{ value: '', text: t('storyResponses.form.noIdea') }, ...choices.ideas.map((i) => ({ value: String(i.id), text: i.title, selected: String(values.changeIdeaId ?? '') === String(i.id) }))],
    hasIdeas: choices.ideas.length > 0,
    projectChosen: chosen !== '',
  };
}

async function storyView(request: FastifyRequest, id: number, form: { values?: Record<string, unknown>; errors?: FieldError[] } = {}) {
  const page = await responses.storyPage(request.ctx, id);
  const { story } = page;
  const values = form.values ?? { responderRole: page.lastRole, change: 'none' };
  return {
    pageTitle: story.public_title,
    story,
    bodyParagraphs: paragraphs(story.public_body),
    goodParagraphs: paragraphs(story.public_good),
    betterParagraphs: paragraphs(story.public_better),
    tellerRole: t(`storyResponses.tellerRoles.${story.teller_role}`),
    sourceText: t(`storyResponses.sources.${story.source}`),
    receivedText: londonShortDay(story.received_at),
    publishedText: story.published_at ? londonShortDay(story.published_at) : '',
    onPublicSite: story.consent_publish === 1,
    wantsReply: story.wants_reply === 1,
    tags: page.tags,
    taggedUnits: page.taggedUnits,
    responses: page.responses.map((r) => ({
      ...r,
      paragraphs: paragraphs(r.body),
      changeTag: changeTag(r.change),
      dateText: londonShortDay(r.created_at),
      editedText: r.updated_at !== r.created_at ? londonShortDay(r.updated_at) : null,
      projectHref: r.project_id ? `/projects/${r.project_id}` : null,
      ideaHref: r.project_id && r.change_idea_id ? `/projects/${r.project_id}/ideas/${r.change_idea_id}` : null,
      editHref: r.mayEdit ? `/feedback/stories/${story.id}/responses/${r.id}/edit` : null,
    })),
    discussions: page.discussions.map((d) => ({ ...d, href: `/feedback/discussions/${d.id}`, dateText: dayText(d.held_on) })),
    mayRespond: page.mayRespond,
    action: `/feedback/stories/${story.id}/responses`,
    ...(page.mayRespond ? await formView(request, values) : { values }),
    errors: form.errors ?? [],
  };
}

async function editView(request: FastifyRequest, storyId: number, responseId: number, form: { values?: Record<string, unknown>; errors?: FieldError[] } = {}) {
  const access = await responses.responseForEdit(request.ctx, storyId, responseId);
  const values = form.values ?? responses.responseFormValues(access.response);
  const keep = access.response.project_id ? { id: access.response.project_id, title: access.projectTitle } : undefined;
  return {
    pageTitle: t('storyResponses.edit.title'),
    story: access.story,
    storyHref: `/feedback/stories/${access.story.id}`,
    action: `/feedback/stories/${access.story.id}/responses/${access.response.id}/edit`,
    ...(await formView(request, values, keep)),
    errors: form.errors ?? [],
  };
}

/** The flash after saving: saved, and whether the teller was told. */
const savedText = (key: 'added' | 'updated', told: Told): string =>
  [t(`storyResponses.flash.${key}`), told ? t(told === 'email' ? 'storyResponses.flash.toldByEmail' : 'storyResponses.flash.toldBySms') : ''].filter(Boolean).join(' ');

export default async function storyResponsesRoutes(app: FastifyInstance): Promise<void> {
  app.get('/feedback/stories', async (request, reply) => {
    const filter = responses.parseListQuery(cleanForm(request.query));
    const list = await responses.listStories(request.ctx, filter);
    const { after: _after, ...shown } = filter;
    const yesNo = (name: 'answered' | 'discussed') => [
      { value: '', text: t(`storyResponses.list.${name}.any`) },
      { value: 'yes', text: t(`storyResponses.list.${name}.yes`), selected: filter[name] === 'yes' },
      { value: 'no', text: t(`storyResponses.list.${name}.no`), selected: filter[name] === 'no' },
    ];
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('storyResponses.list.title'),
      stories: list.stories.map((s) => ({
        ...s,
        href: `/feedback/stories/${s.id}`,
        publishedText: s.published_at ? londonShortDay(s.published_at) : '',
        discussedText: s.discussed_on ? t('storyResponses.list.discussedOn', { date: dayText(s.discussed_on) }) : null,
      })),
      total: list.total,
      unitItems: [{ value: '', text: t('storyResponses.list.allUnits') }, ...list.units.map((u) => ({ value: String(u.id), text: indentedName(u), selected: filter.unitId === u.id }))],
      answeredItems: yesNo('answered'),
      discussedItems: yesNo('discussed'),
      tagItems: [{ value: '', text: t('storyResponses.list.anyTag') }, ...list.tags.map((tag) => ({ value: tag, text: tag, selected: filter.tag === tag }))],
      values: { q: filter.q },
      filtered: Object.keys(shown).length > 0,
      nextUrl: list.next ? listUrl(shown, list.next) : undefined,
      firstPageUrl: filter.after ? listUrl(shown) : undefined,
    });
  });

  app.get('/feedback/stories/:id', async (request, reply) => reply.page(`${V}/story.njk`, await storyView(request, idParam(request))));

  app.post('/feedback/stories/:id/responses', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    // "Show its change ideas": the same page again with what was typed, and the chosen project's ideas.
    if (input.show === 'ideas') {
      const { show: _show, ...values } = input;
      return reply.page(`${V}/story.njk`, await storyView(request, id, { values }));
    }
    try {
      const saved = await responses.addResponse(request.ctx, id, input);
      reply.flash(savedText('added', saved.told));
      return reply.redirect(`/feedback/stories/${id}#response-${saved.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/story.njk`, await storyView(request, id, { values: input, errors: translateErrors(err.fields) }));
    }
  });

  app.get('/feedback/stories/:id/responses/:responseId/edit', async (request, reply) =>
    reply.page(`${V}/edit.njk`, await editView(request, idParam(request), idParam(request, 'responseId'))),
  );

  app.post('/feedback/stories/:id/responses/:responseId/edit', async (request, reply) => {
    const id = idParam(request);
    const responseId = idParam(request, 'responseId');
    const input = cleanForm(request.body);
    if (input.show === 'ideas') {
      const { show: _show, ...values } = input;
      return reply.page(`${V}/edit.njk`, await editView(request, id, responseId, { values }));
    }
    try {
      const saved = await responses.updateResponse(request.ctx, id, responseId, input);
      reply.flash(savedText('updated', saved.told));
      return reply.redirect(`/feedback/stories/${id}#response-${saved.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/edit.njk`, await editView(request, id, responseId, { values: input, errors: translateErrors(err.fields) }));
    }
  });
}

