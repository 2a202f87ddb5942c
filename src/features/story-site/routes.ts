import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../platform/errors/index.ts';
import { translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import type { ChangeKind } from '../../platform/db/types.ts';
import * as site from './service.ts';

const V = 'story-site/views';
const href = (path: string, query: string | undefined): string | undefined => (query === undefined ? undefined : query ? `${path}?${query}` : path);
const depth = (path: string): number => Math.max(0, path.split('/').length - 3);

const CHANGE_COLOURS: Record<ChangeKind, string> = { none: 'grey', planned: 'blue', made: 'green' };
const changeTag = (c: ChangeKind) => ({ text: t(`storySite.change.${c}`), classes: `nhsuk-tag--${CHANGE_COLOURS[c]}` });

/** Responses and changes in words for the templates. */
function responseView(r: site.ResponseItem) {
  return {
    ...r,
    changeTag: r.change === 'none' ? null : changeTag(r.change),
    stageText: r.project?.stage ? t(`storySite.stages.${r.project.stage}`) : null,
    ideaStatusText: r.idea?.status ? t(`storySite.ideaStatuses.${r.idea.status}`) : null,
  };
}

/**
 * The public stories site: anyone may read it, signed in or not (config.public). Only stories on
 * the public site appear; see service.ts. `/stories/new`, the public form, is another feature's
 * static route, which Fastify prefers over `/stories/:id`; an id that is not digits is a 404 here.
 */
export default async function storySiteRoutes(app: FastifyInstance): Promise<void> {
  app.get('/stories', { config: { public: true } }, async (request, reply) => {
    const list = await site.storiesList(request.ctx, request.query as Record<string, unknown>);
    const errors = translateErrors(list.errors);
    const unitValue = list.values.unit;
    return reply.code(errors.length ? 400 : 200).page(`${V}/list.njk`, {
      pageTitle: list.searching ? t('storySite.list.searchTitle') : t('storySite.list.title'),
      ...list,
      errors,
      stories: list.stories.map((s) => ({ ...s, href: `/stories/${s.id}`, roleText: t(`storySite.roles.${s.tellerRole}`) })),
      unitItems: [
        { value: '', text: t('storySite.filters.allServices') },
        ...list.units.map((u) => ({ value: String(u.id), text: `${'— '.repeat(depth(u.path))}${u.name}`, selected: unitValue === String(u.id) })),
      ],
      nextHref: href('/stories', list.nextQuery),
      previousHref: href('/stories', list.previousQuery),
      filtered: Boolean(list.filterQuery),
    });
  });

  app.get('/stories/:id', { config: { public: true } }, async (request, reply) => {
    const raw = (request.params as { id: string }).id;
    if (!/^\d{1,10}$/.test(raw)) throw new NotFoundError();
    const page = await site.storyPage(request.ctx, Number(raw));
    const story = page.story;
    return reply.page(`${V}/story.njk`, {
      pageTitle: story.public_title,
      story,
      roleText: t(`storySite.roles.${story.teller_role}`),
      tags: page.tags.map((tag) => ({ text: tag, href: `/stories?${new URLSearchParams({ tag })}` })),
      otherUnits: page.otherUnits,
      responses: page.responses.map(responseView),
      whatHappenedNext: page.whatHappenedNext.map(responseView),
    });
  });

  app.get('/you-said-we-did', { config: { public: true } }, async (request, reply) => {
    const page = await site.youSaidWeDid(request.ctx, request.query as Record<string, unknown>);
    return reply.page(`${V}/you-said-we-did.njk`, {
      pageTitle: t('storySite.yswd.title'),
      entries: page.entries.map((e) => ({
        ...e,
        stageText: e.project?.stage ? t(`storySite.stages.${e.project.stage}`) : null,
        changes: e.changes.map((c) => ({ ...c, href: `/stories/${c.storyId}`, ideaStatusText: c.idea?.status ? t(`storySite.ideaStatuses.${c.idea.status}`) : null })),
        more: e.changeCount - e.changes.length,
      })),
      nextHref: href('/you-said-we-did', page.nextQuery),
      previousHref: href('/you-said-we-did', page.previousQuery),
    });
  });
}
