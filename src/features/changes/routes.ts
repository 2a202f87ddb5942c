import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IDEA_SIZES, IDEA_SOURCES, IDEA_STATUSES, PDSA_ACTS } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import type { ProjectAccess } from '../projects/access.ts';
import changesApiRoutes from './api.ts';
import * as changes from './service.ts';

const V = 'changes/views';

type Params = { id?: string; driverId?: string; ideaId?: string; cycleId?: string };
const params = (request: FastifyRequest) => {
  const p = request.params as Params;
  return { projectId: changes.toId(p.id), driverId: changes.toId(p.driverId), ideaId: changes.toId(p.ideaId), cycleId: changes.toId(p.cycleId) };
};

const STATUS_COLOURS: Record<changes.IdeaStatus, string> = { idea: 'grey', testing: 'blue', adopted: 'green', adapted: 'aqua-green', abandoned: 'red' };
const ACT_COLOURS: Record<changes.PdsaAct, string> = { adopt: 'green', adapt: 'aqua-green', abandon: 'red' };

/** What every page of the feature shows about its project: title, links between the pages, may the user change things. */
function projectView(access: ProjectAccess, current: 'drivers' | 'ideas' | 'timeline') {
  const base = `/projects/${access.project.id}`;
  return {
    project: { id: access.project.id, title: access.project.title, aim: access.project.aim, href: base },
    canEdit: access.canEdit,
    projectNav: (['drivers', 'ideas', 'timeline'] as const).map((key) => ({ key, href: `${base}/${key}`, text: t(`${key}.navText`), current: key === current })),
    statusColours: STATUS_COLOURS,
    actColours: ACT_COLOURS,
  };
}

/** Runs a write; a ValidationError re-renders the form with status 400 and what the user typed. */
async function orRerender(reply: FastifyReply, write: () => Promise<FastifyReply>, rerender: (errors: FieldError[]) => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await write();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return rerender(translateErrors(err.fields));
  }
}

// ---------------------------------------------------------------- driver diagram

async function diagramView(request: FastifyRequest, projectId: number, errors: FieldError[] = [], values: Record<string, unknown> = {}) {
  const d = await changes.driverDiagram(request.ctx, projectId);
  return {
    ...projectView(d.access, 'drivers'),
    pageTitle: `${t('drivers.title')} – ${d.access.project.title}`,
    primaries: d.primaries,
    unlinked: d.unlinked,
    layout: d.layout,
    counts: d.counts,
    diagramDescription: t('drivers.diagram.description', d.counts),
    errors,
    values,
  };
}

async function newDriverView(request: FastifyRequest, projectId: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const { access, primaries } = await changes.newDriverChoices(request.ctx, projectId);
  return {
    ...projectView(access, 'drivers'),
    pageTitle: t('drivers.new.title'),
    parentItems: [
      { value: '', text: t('drivers.new.asPrimary') },
      ...primaries.map((p) => ({ value: String(p.id), text: t('drivers.new.under', { title: p.title }) })),
    ],
    values: { ...values, parentId: values.parentId == null ? '' : String(values.parentId) },
    errors,
  };
}

async function driverEditView(request: FastifyRequest, projectId: number, driverId: number, errors: FieldError[] = [], values?: Record<string, unknown>) {
  const { access, driver } = await changes.getDriver(request.ctx, projectId, driverId, 'edit');
  return {
    ...projectView(access, 'drivers'),
    pageTitle: t('drivers.rename.title'),
    driver,
    level: driver.parent_id == null ? 'primary' : 'secondary',
    values: values ?? { title: driver.title },
    errors,
  };
}

function driverRoutes(app: FastifyInstance): void {
  app.get('/projects/:id/drivers', async (request, reply) => reply.page(`${V}/drivers.njk`, await diagramView(request, params(request).projectId)));

  app.get('/projects/:id/drivers/new', async (request, reply) => {
    const { projectId } = params(request);
    const { parent } = request.query as { parent?: string };
    return reply.page(`${V}/driver-new.njk`, await newDriverView(request, projectId, { parentId: parent }));
  });

  app.post('/projects/:id/drivers', async (request, reply) => {
    const { projectId } = params(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const driver = await changes.addDriver(request.ctx, projectId, input);
        reply.flash(t(driver.parent_id == null ? 'drivers.new.donePrimary' : 'drivers.new.doneSecondary', { title: driver.title }));
        return reply.redirect(`/projects/${projectId}/drivers#driver-${driver.id}`, 303);
      },
      async (errors) => {
        // The form on the diagram page only adds primary drivers; the "add a driver" page does both.
        if (input.from === 'diagram') return reply.code(400).page(`${V}/drivers.njk`, await diagramView(request, projectId, errors, input));
        return reply.code(400).page(`${V}/driver-new.njk`, await newDriverView(request, projectId, input, errors));
      },
    );
  });

  app.get('/projects/:id/drivers/:driverId', async (request, reply) => {
    const { projectId, driverId } = params(request);
    return reply.page(`${V}/driver-edit.njk`, await driverEditView(request, projectId, driverId));
  });

  app.post('/projects/:id/drivers/:driverId', async (request, reply) => {
    const { projectId, driverId } = params(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const driver = await changes.renameDriver(request.ctx, projectId, driverId, input);
        reply.flash(t('drivers.rename.done', { title: driver.title }));
        return reply.redirect(`/projects/${projectId}/drivers#driver-${driver.id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/driver-edit.njk`, await driverEditView(request, projectId, driverId, errors, input)),
    );
  });

  app.post('/projects/:id/drivers/:driverId/move', async (request, reply) => {
    const { projectId, driverId } = params(request);
    return orRerender(
      reply,
      async () => {
        const { driver, moved } = await changes.moveDriver(request.ctx, projectId, driverId, cleanForm(request.body));
        reply.flash(t(moved ? 'drivers.move.done' : 'drivers.move.cannot', { title: driver.title }));
        return reply.redirect(`/projects/${projectId}/drivers#driver-${driver.id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/drivers.njk`, await diagramView(request, projectId, errors)),
    );
  });

  app.get('/projects/:id/drivers/:driverId/remove', async (request, reply) => {
    const { projectId, driverId } = params(request);
    const r = await changes.driverRemoval(request.ctx, projectId, driverId);
    return reply.page(`${V}/driver-remove.njk`, {
      ...projectView(r.access, 'drivers'),
      pageTitle: t('drivers.remove.title', { title: r.driver.title }),
      driver: r.driver,
      secondaries: r.secondaries,
      ideas: r.ideas,
    });
  });

  app.post('/projects/:id/drivers/:driverId/remove', async (request, reply) => {
    const { projectId, driverId } = params(request);
    const { removed } = await changes.removeDriver(request.ctx, projectId, driverId);
    reply.flash(removed ? t('drivers.remove.done', { title: removed.title }) : t('drivers.remove.alreadyGone'));
    return reply.redirect(`/projects/${projectId}/drivers`, 303);
  });
}

// ---------------------------------------------------------------- change ideas

/** Radio and select items for the change idea form. */
function ideaFormView(access: ProjectAccess, drivers: changes.DriverChoice[], values: Record<string, unknown>, errors: FieldError[]) {
  const str = (v: unknown): string => (v == null ? '' : String(v));
  return {
    ...projectView(access, 'ideas'),
    sizeItems: IDEA_SIZES.map((s) => ({ value: s, text: t(`ideas.sizes.${s}`), hint: { text: t(`ideas.sizeHints.${s}`) } })),
    sourceItems: IDEA_SOURCES.map((s) => ({ value: s, text: t(`ideas.sources.${s}`) })),
    statusItems: IDEA_STATUSES.map((s) => ({ value: s, text: t(`ideas.statuses.${s}`), hint: { text: t(`ideas.statusHints.${s}`) } })),
    driverItems: [
      { value: '', text: t('ideas.form.noDriver') },
      ...drivers.map((d) => ({ value: String(d.id), text: t(`ideas.form.driverOption.${d.level}`, { title: d.title }) })),
    ],
    hasDrivers: drivers.length > 0,
    values: { ...values, driverId: str(values.driverId), status: str(values.status) || 'idea' },
    errors,
  };
}

async function newIdeaView(request: FastifyRequest, projectId: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const { access, drivers } = await changes.ideaFormChoices(request.ctx, projectId);
  return { ...ideaFormView(access, drivers, values, errors), pageTitle: t('ideas.new.title'), isNew: true, action: `/projects/${projectId}/ideas` };
}

async function editIdeaView(request: FastifyRequest, projectId: number, ideaId: number, errors: FieldError[] = [], values?: Record<string, unknown>) {
  const { idea } = await changes.getIdea(request.ctx, projectId, ideaId, 'edit');
  const { access, drivers } = await changes.ideaFormChoices(request.ctx, projectId);
  const current = { title: idea.title, description: idea.description, size: idea.size, source: idea.source, sourceRef: idea.source_ref, status: idea.status, driverId: idea.driver_id };
  return {
    ...ideaFormView(access, drivers, values ?? current, errors),
    pageTitle: t('ideas.edit.title'),
    idea,
    isNew: false,
    action: `/projects/${projectId}/ideas/${idea.id}`,
  };
}

function ideaRoutes(app: FastifyInstance): void {
  app.get('/projects/:id/ideas', async (request, reply) => {
    const { projectId } = params(request);
    const list = await changes.listIdeas(request.ctx, projectId, cleanForm(request.query));
    return reply.page(`${V}/ideas.njk`, {
      ...projectView(list.access, 'ideas'),
      pageTitle: `${t('ideas.title')} – ${list.access.project.title}`,
      ideas: list.ideas,
      nextHref: list.nextAfter ? `/projects/${projectId}/ideas?after=${list.nextAfter}` : null,
      isLaterPage: (request.query as { after?: string }).after !== undefined,
    });
  });

  app.get('/projects/:id/ideas/new', async (request, reply) => {
    const { projectId } = params(request);
    const { driver } = request.query as { driver?: string };
    return reply.page(`${V}/idea-form.njk`, await newIdeaView(request, projectId, { driverId: driver }));
  });

  app.post('/projects/:id/ideas', async (request, reply) => {
    const { projectId } = params(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const idea = await changes.createIdea(request.ctx, projectId, input);
        reply.flash(t('ideas.new.done', { title: idea.title }));
        return reply.redirect(`/projects/${projectId}/ideas/${idea.id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/idea-form.njk`, await newIdeaView(request, projectId, input, errors)),
    );
  });

  app.get('/projects/:id/ideas/:ideaId', async (request, reply) => {
    const { projectId, ideaId } = params(request);
    const { access, idea, driver, ramp } = await changes.ideaRamp(request.ctx, projectId, ideaId);
    return reply.page(`${V}/idea.njk`, {
      ...projectView(access, 'ideas'),
      pageTitle: idea.title,
      idea,
      driver,
      ramp,
      lastCycleId: ramp.at(-1)?.cycle.id,
    });
  });

  app.get('/projects/:id/ideas/:ideaId/edit', async (request, reply) => {
    const { projectId, ideaId } = params(request);
    return reply.page(`${V}/idea-form.njk`, await editIdeaView(request, projectId, ideaId));
  });

  app.post('/projects/:id/ideas/:ideaId', async (request, reply) => {
    const { projectId, ideaId } = params(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const idea = await changes.updateIdea(request.ctx, projectId, ideaId, input);
        reply.flash(t('ideas.edit.done', { title: idea.title }));
        return reply.redirect(`/projects/${projectId}/ideas/${idea.id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/idea-form.njk`, await editIdeaView(request, projectId, ideaId, errors, input)),
    );
  });
}

// ---------------------------------------------------------------- PDSA cycles

async function cycleFormView(request: FastifyRequest, ids: { projectId: number; ideaId: number; cycleId?: number }, values: Record<string, unknown> | null, errors: FieldError[]) {
  const { access, idea, cycle, choices } = await changes.cycleForm(request.ctx, ids.projectId, ids.ideaId, ids.cycleId);
  const shown = values ?? (cycle ? changes.cycleInput(cycle) : {});
  const str = (v: unknown): string => (v == null ? '' : String(v));
  const base = `/projects/${ids.projectId}/ideas/${idea.id}`;
  return {
    ...projectView(access, 'ideas'),
    pageTitle: t(cycle ? 'pdsa.edit.title' : 'pdsa.new.title'),
    isNew: !cycle,
    idea,
    cycle,
    ideaHref: base,
    previousItems: [
      { value: '', text: t('pdsa.form.noPrevious') },
      ...choices.map((e) => ({ value: String(e.cycle.id), text: t('pdsa.form.previousOption', { number: e.number, title: e.cycle.title }) })),
    ],
    hasPrevious: choices.length > 0,
    actItems: [
      ...PDSA_ACTS.map((a) => ({ value: a, text: t(`pdsa.acts.${a}`), hint: { text: t(`pdsa.actHints.${a}`, { status: t(`ideas.statuses.${changes.ACT_STATUS[a]}`) }) } })),
      { divider: t('pdsa.form.or') },
      { value: '', text: t('pdsa.form.notDecided') },
    ],
    values: { ...shown, previousId: str(shown.previousId), act: str(shown.act) },
    errors,
    action: cycle ? `${base}/cycles/${cycle.id}` : `${base}/cycles`,
  };
}


/** After a save: say what was saved and, when the idea's status followed the cycle, say that too. */
function cycleSavedMessage(key: string, saved: changes.CycleSaved): string {
  const done = t(key, { title: saved.cycle.title });
  return saved.ideaStatus ? `${done} ${t('pdsa.statusFollowed', { status: t(`ideas.statuses.${saved.ideaStatus}`) })}` : done;
}

function cycleRoutes(app: FastifyInstance): void {
  app.get('/projects/:id/ideas/:ideaId/cycles/new', async (request, reply) => {
    const { projectId, ideaId } = params(request);
    const { after } = request.query as { after?: string };
    return reply.page(`${V}/cycle-form.njk`, await cycleFormView(request, { projectId, ideaId }, { previousId: after }, []));
  });

  app.post('/projects/:id/ideas/:ideaId/cycles', async (request, reply) => {
    const { projectId, ideaId } = params(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const saved = await changes.createCycle(request.ctx, ideaId, input, projectId);
        reply.flash(cycleSavedMessage('pdsa.new.done', saved));
        return reply.redirect(`/projects/${projectId}/ideas/${ideaId}/cycles/${saved.cycle.id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/cycle-form.njk`, await cycleFormView(request, { projectId, ideaId }, input, errors)),
    );
  });

  app.get('/projects/:id/ideas/:ideaId/cycles/:cycleId', async (request, reply) => {
    const { projectId, ideaId, cycleId } = params(request);
    const { access, idea, entry, previous, followers } = await changes.cyclePage(request.ctx, projectId, ideaId, cycleId);
    return reply.page(`${V}/cycle.njk`, {
      ...projectView(access, 'ideas'),
      pageTitle: entry.cycle.title,
      idea,
      ideaHref: `/projects/${projectId}/ideas/${idea.id}`,
      cycle: entry.cycle,
      number: entry.number,
      previous,
      followers,
    });
  });

  app.get('/projects/:id/ideas/:ideaId/cycles/:cycleId/edit', async (request, reply) => {
    const { projectId, ideaId, cycleId } = params(request);
    return reply.page(`${V}/cycle-form.njk`, await cycleFormView(request, { projectId, ideaId, cycleId }, null, []));
  });

  app.post('/projects/:id/ideas/:ideaId/cycles/:cycleId', async (request, reply) => {
    const { projectId, ideaId, cycleId } = params(request);
    const input = cleanForm(request.body);
    return orRerender(
      reply,
      async () => {
        const saved = await changes.updateCycle(request.ctx, cycleId, input, { projectId, ideaId });
        reply.flash(cycleSavedMessage('pdsa.edit.done', saved));
        return reply.redirect(`/projects/${projectId}/ideas/${ideaId}/cycles/${saved.cycle.id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/cycle-form.njk`, await cycleFormView(request, { projectId, ideaId, cycleId }, input, errors)),
    );
  });
}

// ---------------------------------------------------------------- timeline

function timelineRoutes(app: FastifyInstance): void {
  app.get('/projects/:id/timeline', async (request, reply) => {
    const { projectId } = params(request);
    const tl = await changes.timeline(request.ctx, projectId);
    return reply.page(`${V}/timeline.njk`, {
      ...projectView(tl.access, 'timeline'),
      pageTitle: `${t('timeline.title')} – ${tl.access.project.title}`,
      groups: tl.groups,
      layout: tl.layout,
      total: tl.total,
      chartDescription: t('timeline.chart.description', { count: tl.total, ideas: tl.groups.length }),
    });
  });
}

/** Driver diagram, change ideas, PDSA cycles and the project timeline (HTML pages; the JSON API is in features/api). */
export default async function changesRoutes(app: FastifyInstance): Promise<void> {
  driverRoutes(app);
  ideaRoutes(app);
  cycleRoutes(app);
  timelineRoutes(app);
  await app.register(changesApiRoutes);
}
