import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { dayText } from '../groups/service.ts';
import { londonShortDay } from '../meetings/service.ts';
import { indentedName } from '../org/service.ts';
import * as discussions from './service.ts';

const V = 'story-discussions/views';
const idParam = (request: FastifyRequest): number => Number((request.params as Record<string, string>).id);

/** Text as paragraphs, split where the writer left a line. */
const paragraphs = (text: string | null | undefined): string[] => (text ?? '').split(/\n\s*\n|\r?\n/).map((p) => p.trim()).filter(Boolean);

/** The unit named in the address (?unit=) or, after a post, in the form. */
const unitOf = (request: FastifyRequest, body: Record<string, unknown> = {}): unknown => body.unitId ?? cleanForm(request.query).unit;

async function formView(request: FastifyRequest, unitId: unknown, values: Record<string, unknown>, errors: FieldError[] = []) {
  const form = await discussions.newDiscussionForm(request.ctx, unitId, { shown: values.shown, chosen: values.storyId });
  const chosen = new Set((Array.isArray(values.storyId) ? values.storyId : values.storyId == null ? [] : [values.storyId]).map(String));
  return {
    pageTitle: t('storyDiscussions.new.title'),
    unit: form.unit,
    action: `/feedback/discussions/new?unit=${form.unit.id}`,
    storyItems: form.stories.map((s) => ({
      value: String(s.id),
      text: s.public_title,
      checked: chosen.has(String(s.id)),
      hint: {
        text: [
          t('storyDiscussions.new.published', { date: s.published_at ? londonShortDay(s.published_at) : '' }),
          s.discussed_on ? t('storyDiscussions.new.discussedOn', { date: dayText(s.discussed_on) }) : t('storyDiscussions.new.notDiscussed'),
        ].join(' · '),
      },
    })),
    storyHrefs: form.stories.map((s) => ({ id: s.id, title: s.public_title, href: `/feedback/stories/${s.id}` })),
    total: form.total,
    shown: form.shown,
    more: form.more,
    nextShown: form.shown + discussions.STORIES_SHOWN,
    values,
    errors,
  };
}

export default async function storyDiscussionsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/feedback/discussions', async (request, reply) => {
    const filter = discussions.parseListQuery(cleanForm(request.query));
    const list = await discussions.listDiscussions(request.ctx, filter);
    const unitQuery = filter.unitId ? `unitId=${filter.unitId}&` : '';
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('storyDiscussions.list.title'),
      discussions: list.discussions.map((d) => ({ ...d, href: `/feedback/discussions/${d.id}`, dateText: dayText(d.held_on) })),
      unitItems: [{ value: '', text: t('storyDiscussions.list.allUnits') }, ...list.units.map((u) => ({ value: String(u.id), text: indentedName(u), selected: filter.unitId === u.id }))],
      filtered: filter.unitId !== undefined,
      mayRecord: list.mayRecord,
      newHref: filter.unitId ? `/feedback/discussions/new?unit=${filter.unitId}` : '/feedback/discussions/new',
      nextUrl: list.next ? `/feedback/discussions?${unitQuery}after=${encodeURIComponent(list.next)}` : undefined,
      firstPageUrl: filter.after ? `/feedback/discussions${filter.unitId ? `?unitId=${filter.unitId}` : ''}` : undefined,
    });
  });

  app.get('/feedback/discussions/coverage', async (request, reply) => {
    const page = await discussions.coverage(request.ctx, cleanForm(request.query));
    return reply.page(`${V}/coverage.njk`, {
      pageTitle: t('storyDiscussions.coverage.title'),
      lines: page.lines.map((l) => ({
        ...l,
        percentText: l.percent == null ? t('storyDiscussions.coverage.noStories') : t('storyDiscussions.coverage.percent', { percent: l.percent }),
        undiscussedHref: `/feedback/stories?unitId=${l.id}&discussed=no`,
        oldestHref: l.oldest ? `/feedback/stories/${l.oldest.id}` : null,
        oldestDate: l.oldest?.published_at ? londonShortDay(l.oldest.published_at) : '',
      })),
      nextUrl: page.next ? `/feedback/discussions/coverage?after=${encodeURIComponent(page.next)}` : undefined,
      firstPageUrl: page.first ? undefined : '/feedback/discussions/coverage',
    });
  });

  app.get('/feedback/discussions/new', async (request, reply) => {
    const unit = unitOf(request);
    if (unit == null) {
      const units = await discussions.unitsForNew(request.ctx);
      return reply.page(`${V}/choose-unit.njk`, {
        pageTitle: t('storyDiscussions.choose.title'),
        unitItems: units.map((u) => ({ value: String(u.id), text: indentedName(u) })),
      });
    }
    return reply.page(`${V}/new.njk`, await formView(request, unit, {}));
  });

  app.post('/feedback/discussions/new', async (request, reply) => {
    const input = cleanForm(request.body);
    const unit = unitOf(request, input);
    if (unit == null) {
      // No team chosen (a hand-made form): ask again.
      const units = await discussions.unitsForNew(request.ctx);
      return reply.code(400).page(`${V}/choose-unit.njk`, {
        pageTitle: t('storyDiscussions.choose.title'),
        unitItems: units.map((u) => ({ value: String(u.id), text: indentedName(u) })),
        errors: translateErrors([{ field: 'unit', message: 'errors.storyDiscussions.unitRequired' }]),
      });
    }
    // "Show more stories": the same form with what was filled in, and more stories to choose from.
    if (input.more !== undefined) {
      const { more: _more, ...values } = input;
      return reply.page(`${V}/new.njk`, await formView(request, unit, { ...values, shown: String(discussions.shownCount(input.more)) }));
    }
    try {
      const id = await discussions.recordDiscussion(request.ctx, unit, input);
      reply.flash(t('storyDiscussions.new.recorded'));
      return reply.redirect(`/feedback/discussions/${id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.code(400).page(`${V}/new.njk`, await formView(request, unit, input, translateErrors(err.fields)));
    }
  });

  app.get('/feedback/discussions/:id', async (request, reply) => {
    const { discussion, stories } = await discussions.getDiscussion(request.ctx, idParam(request));
    return reply.page(`${V}/discussion.njk`, {
      pageTitle: t('storyDiscussions.detail.title', { unit: discussion.unit_name, date: dayText(discussion.held_on) }),
      discussion,
      attendeesParagraphs: paragraphs(discussion.attendees),
      learningParagraphs: paragraphs(discussion.learning),
      actionsParagraphs: paragraphs(discussion.actions),
      recordedText: t('storyDiscussions.detail.recorded', { name: discussion.recorded_by_name ?? t('storyDiscussions.detail.formerStaff'), date: londonShortDay(discussion.created_at) }),
      stories: stories.map((s) => ({
        ...s,
        href: s.status === 'published' ? `/feedback/stories/${s.id}` : null,
        publishedText: s.published_at ? londonShortDay(s.published_at) : '',
      })),
    });
  });
}
