import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNIT_KINDS } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { can } from '../../platform/rbac/index.ts';
import * as org from './service.ts';

const V = 'org/views';
const idParam = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

/** Data for the "add a unit" form. */
async function newUnitView(request: FastifyRequest, values: Record<string, unknown>, errors: FieldError[] = []) {
  const parents = await org.manageableUnits(request.ctx);
  return {
    pageTitle: t('org.new.title'),
    parentItems: [
      { value: '', text: t('org.new.chooseParent') },
      ...parents.map((u) => ({ value: String(u.id), text: org.indentedName(u), selected: String(values.parentId ?? '') === String(u.id) })),
    ],
    kindItems: UNIT_KINDS.filter((k) => k !== 'trust').map((k) => ({
      value: k,
      text: t(`org.kinds.${k}`),
      hint: { text: t(`org.kindHints.${k}`) },
      checked: values.kind === k,
    })),
    values,
    errors,
  };
}

/** Data for one unit's page: its place in the tree and, for managers, the rename and archive forms. */
async function unitView(request: FastifyRequest, id: number, errors: FieldError[] = [], values?: Record<string, unknown>) {
  const unit = await org.getUnit(request.ctx, id);
  const units = await org.visibleUnits(request.ctx);
  return {
    pageTitle: unit.name,
    unit,
    kind: t(`org.kinds.${unit.kind}`),
    parent: units.find((u) => u.id === unit.parent_id),
    children: units.filter((u) => u.parent_id === unit.id),
    canManage: can(request.principal, 'org:manage', unit),
    values: values ?? { name: unit.name },
    errors,
  };
}

export default async function orgRoutes(app: FastifyInstance): Promise<void> {
  app.get('/org', async (request, reply) => {
    const units = await org.visibleUnits(request.ctx);
    return reply.page(`${V}/tree.njk`, { pageTitle: t('org.title'), tree: org.toTree(units), canManage: can(request.principal, 'org:manage') });
  });

  app.get('/org/new', async (request, reply) => {
    const { parent } = request.query as { parent?: string };
    return reply.page(`${V}/new.njk`, await newUnitView(request, { parentId: parent }));
  });

  app.post('/org', async (request, reply) => {
    const input = cleanForm(request.body);
    try {
      const unit = await org.createUnit(request.ctx, input);
      reply.flash(t('org.new.done', { name: unit.name }));
      return reply.redirect(`/org/${unit.id}`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const view = await newUnitView(request, input, translateErrors(err.fields));
      return reply.code(400).page(`${V}/new.njk`, view);
    }
  });

  app.get('/org/:id', async (request, reply) => reply.page(`${V}/unit.njk`, await unitView(request, idParam(request))));

  app.post('/org/:id', async (request, reply) => {
    const id = idParam(request);
    const input = cleanForm(request.body);
    try {
      await org.renameUnit(request.ctx, id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const view = await unitView(request, id, translateErrors(err.fields), input);
      return reply.code(400).page(`${V}/unit.njk`, view);
    }
    reply.flash(t('org.rename.done'));
    return reply.redirect(`/org/${id}`, 303);
  });

  app.post('/org/:id/archive', async (request, reply) => {
    const id = idParam(request);
    try {
      await org.archiveUnit(request.ctx, id);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const view = await unitView(request, id, translateErrors(err.fields));
      return reply.code(400).page(`${V}/unit.njk`, view);
    }
    reply.flash(t('org.archive.done'));
    return reply.redirect('/org', 303);
  });
}
