import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CHART_TYPES, DIRECTIONS, MEASURE_KINDS } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import measuresApiRoutes from './api.ts';
import { MAX_FILE_BYTES } from './import.ts';
import { needsDenominator } from './points.ts';
import * as measures from './service.ts';

const V = 'measures/views';

interface Params {
  id: string;
  measureId?: string;
  pointId?: string;
  annotationId?: string;
}
const params = (request: FastifyRequest) => {
  const p = request.params as Params;
  return { projectId: Number(p.id), measureId: Number(p.measureId), pointId: Number(p.pointId), annotationId: Number(p.annotationId) };
};
const base = (projectId: number, measureId?: number): string => `/projects/${projectId}/measures${measureId ? `/${measureId}` : ''}`;

/** Larger form posts for pasted data and the rows carried from the preview (about 5,000 rows). */
const IMPORT_BODY_LIMIT = 4 * 1024 * 1024;

function radios<T extends string>(values: readonly T[], prefix: string, selected: unknown, withHints = true) {
  return values.map((v) => ({ value: v, text: t(`${prefix}.${v}.name`), ...(withHints ? { hint: { text: t(`${prefix}.${v}.hint`) } } : {}), checked: selected === v }));
}

/** The add/change form: radios with plain-English hints for kind, direction and chart type. */
function formView(project: { id: number; title: string }, values: Record<string, unknown>, errors: FieldError[], measureId?: number) {
  return {
    pageTitle: measureId ? t('measures.edit.title') : t('measures.new.title'),
    project,
    measureId,
    action: measureId ? base(project.id, measureId) : base(project.id),
    kindItems: radios(MEASURE_KINDS, 'measures.kinds', values.kind),
    directionItems: radios(DIRECTIONS, 'measures.directions', values.direction, false),
    chartItems: radios(CHART_TYPES, 'measures.chartTypes', values.chart),
    values,
    errors,
  };
}

/** A measure's values as the form shows them. */
function formValues(m: measures.Measure): Record<string, unknown> {
  return {
    name: m.name,
    kind: m.kind,
    definition: m.definition,
    unitLabel: m.unit_label,
    direction: m.direction,
    chart: m.chart,
    target: m.target ?? undefined,
    baselinePoints: m.baseline_points ?? undefined,
    screenMovingRanges: m.screen_moving_ranges ? 'true' : undefined,
  };
}

function measureRows(m: measures.Measure) {
  const none = t('common.none');
  const rows = [
    { key: { text: t('measures.fields.kind') }, value: { text: t(`measures.kinds.${m.kind}.name`) } },
    { key: { text: t('measures.fields.definition') }, value: { text: m.definition ?? none } },
    { key: { text: t('measures.fields.unitLabel') }, value: { text: m.unit_label ?? none } },
    { key: { text: t('measures.fields.direction') }, value: { text: t(`measures.directions.${m.direction}.name`) } },
    { key: { text: t('measures.fields.chart') }, value: { text: t(`measures.chartTypes.${m.chart}.name`) } },
    { key: { text: t('measures.fields.target') }, value: { text: m.target === null ? none : m.chart === 'p' ? `${m.target}%` : String(m.target) } },
    { key: { text: t('measures.fields.baselinePoints') }, value: { text: m.baseline_points === null ? t('measures.show.noBaseline') : t('measures.show.baseline', { count: m.baseline_points }) } },
  ];
  if (m.chart === 'xmr') rows.push({ key: { text: t('measures.fields.screenMovingRanges') }, value: { text: m.screen_moving_ranges ? t('common.yes') : t('common.no') } });
  return rows;
}

/** The measure page, with the add-a-point and add-a-note forms (and their errors, if any). */
async function measurePageView(request: FastifyRequest, errors: FieldError[] = [], values: Record<string, unknown> = {}) {
  const { projectId, measureId } = params(request);
  const page = await measures.measurePage(request.ctx, projectId, measureId);
  return {
    pageTitle: page.measure.name,
    ...page,
    base: base(projectId, measureId),
    needsDenominator: needsDenominator(page.measure.chart),
    summaryRows: measureRows(page.measure),
    values,
    errors,
  };
}

async function pointView(request: FastifyRequest, errors: FieldError[] = [], values?: Record<string, unknown>) {
  const { projectId, measureId, pointId } = params(request);
  const { project, measure, point } = await measures.getPoint(request.ctx, projectId, measureId, pointId);
  const [year, month, day] = point.period.split('-');
  return {
    pageTitle: t('measures.point.title'),
    project,
    measure,
    point,
    base: base(projectId, measureId),
    needsDenominator: needsDenominator(measure.chart),
    values: values ?? {
      dateDay: String(Number(day)),
      dateMonth: String(Number(month)),
      dateYear: year,
      value: String(point.value),
      denominator: point.denominator === null ? undefined : String(point.denominator),
      note: point.note,
      excluded: point.excluded ? 'true' : undefined,
      rebase: point.rebase ? 'true' : undefined,
    },
    errors,
  };
}

async function importView(request: FastifyRequest, extra: Record<string, unknown> = {}) {
  const { projectId, measureId } = params(request);
  const { project, measure } = await measures.getMeasure(request.ctx, projectId, measureId, 'edit');
  return {
    pageTitle: t('import.title'),
    project,
    measure,
    base: base(projectId, measureId),
    needsDenominator: needsDenominator(measure.chart),
    maxMegabytes: MAX_FILE_BYTES / 1024 / 1024,
    ...extra,
  };
}

/** Runs a form action; a ValidationError re-renders the page with status 400 and the input kept. */
async function withForm(reply: FastifyReply, action: () => Promise<FastifyReply>, rerender: (errors: FieldError[]) => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return rerender(translateErrors(err.fields));
  }
}

/** Errors from the add-a-note form, named after its own fields so they do not clash with the point form. */
const annotationErrors = (errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ ...e, field: e.field === 'date' ? 'annotationDate' : e.field === 'text' ? 'annotationText' : e.field }));

export default async function measuresRoutes(app: FastifyInstance): Promise<void> {
  await app.register(measuresApiRoutes);

  // ---- measures

  app.get('/projects/:id/measures', async (request, reply) => {
    const { projectId } = params(request);
    const list = await measures.listMeasures(request.ctx, projectId);
    return reply.page(`${V}/list.njk`, { pageTitle: t('measures.list.title'), ...list, base: base(projectId) });
  });

  app.get('/projects/:id/measures/new', async (request, reply) => {
    const { project } = await measures.projectForMeasures(request.ctx, params(request).projectId, 'edit');
    return reply.page(`${V}/form.njk`, formView(project, { screenMovingRanges: 'true' }, []));
  });

  app.post('/projects/:id/measures', async (request, reply) => {
    const { projectId } = params(request);
    const input = cleanForm(request.body);
    return withForm(
      reply,
      async () => {
        const measure = await measures.createMeasure(request.ctx, projectId, measures.measureFromForm(input));
        reply.flash(t('measures.new.done', { name: measure.name }));
        return reply.redirect(base(projectId, measure.id), 303);
      },
      async (errors) => {
        const { project } = await measures.projectForMeasures(request.ctx, projectId, 'edit');
        return reply.code(400).page(`${V}/form.njk`, formView(project, input, errors));
      },
    );
  });

  app.get('/projects/:id/measures/:measureId', async (request, reply) => reply.page(`${V}/measure.njk`, await measurePageView(request)));

  app.get('/projects/:id/measures/:measureId/edit', async (request, reply) => {
    const { projectId, measureId } = params(request);
    const { project, measure } = await measures.getMeasure(request.ctx, projectId, measureId, 'edit');
    return reply.page(`${V}/form.njk`, formView(project, formValues(measure), [], measure.id));
  });

  app.post('/projects/:id/measures/:measureId', async (request, reply) => {
    const { projectId, measureId } = params(request);
    const input = cleanForm(request.body);
    return withForm(
      reply,
      async () => {
        await measures.updateMeasure(request.ctx, projectId, measureId, measures.measureFromForm(input));
        reply.flash(t('measures.edit.done'));
        return reply.redirect(base(projectId, measureId), 303);
      },
      async (errors) => {
        const { project } = await measures.getMeasure(request.ctx, projectId, measureId, 'edit');
        return reply.code(400).page(`${V}/form.njk`, formView(project, input, errors, measureId));
      },
    );
  });

  app.get('/projects/:id/measures/:measureId/delete', async (request, reply) => {
    const { projectId, measureId } = params(request);
    const page = await measures.getMeasure(request.ctx, projectId, measureId, 'edit');
    return reply.page(`${V}/delete.njk`, { pageTitle: t('measures.delete.title', { name: page.measure.name }), ...page, base: base(projectId, measureId) });
  });

  app.post('/projects/:id/measures/:measureId/delete', async (request, reply) => {
    const { projectId, measureId } = params(request);
    const measure = await measures.deleteMeasure(request.ctx, projectId, measureId);
    reply.flash(t('measures.delete.done', { name: measure.name }));
    return reply.redirect(base(projectId), 303);
  });

  // ---- data points by hand

  app.post('/projects/:id/measures/:measureId/points', async (request, reply) => {
    const { projectId, measureId } = params(request);
    const input = cleanForm(request.body);
    return withForm(
      reply,
      async () => {
        await measures.addPoint(request.ctx, projectId, measureId, measures.pointFromForm(input));
        reply.flash(t('measures.point.added'));
        return reply.redirect(`${base(projectId, measureId)}#data`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/measure.njk`, await measurePageView(request, errors, input)),
    );
  });

  app.get('/projects/:id/measures/:measureId/points/:pointId', async (request, reply) => reply.page(`${V}/point.njk`, await pointView(request)));

  app.post('/projects/:id/measures/:measureId/points/:pointId', async (request, reply) => {
    const { projectId, measureId, pointId } = params(request);
    const input = cleanForm(request.body);
    return withForm(
      reply,
      async () => {
        await measures.updatePoint(request.ctx, projectId, measureId, pointId, measures.pointFromForm(input));
        reply.flash(t('measures.point.saved'));
        return reply.redirect(`${base(projectId, measureId)}#data`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/point.njk`, await pointView(request, errors, input)),
    );
  });

  app.post('/projects/:id/measures/:measureId/points/:pointId/delete', async (request, reply) => {
    const { projectId, measureId, pointId } = params(request);
    await measures.deletePoint(request.ctx, projectId, measureId, pointId);
    reply.flash(t('measures.point.deleted'));
    return reply.redirect(`${base(projectId, measureId)}#data`, 303);
  });

  // ---- paste or upload, preview, then import

  app.get('/projects/:id/measures/:measureId/import', async (request, reply) => reply.page(`${V}/import.njk`, await importView(request)));

  app.post('/projects/:id/measures/:measureId/import', { bodyLimit: IMPORT_BODY_LIMIT }, async (request, reply) => {
    const { projectId, measureId } = params(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = typeof body.data === 'string' ? body.data : '';
    return withForm(
      reply,
      async () => {
        const { preview } = await measures.previewImport(request.ctx, projectId, measureId, { kind: 'text', text });
        return reply.page(`${V}/import.njk`, await importView(request, { preview, values: { data: text, mode: 'all' } }));
      },
      async (errors) => reply.code(400).page(`${V}/import.njk`, await importView(request, { errors, values: { data: text } })),
    );
  });

  app.post('/projects/:id/measures/:measureId/import/upload', async (request, reply) => {
    const { projectId, measureId } = params(request);
    // Check access before reading the file: someone who may not change the measure learns nothing.
    await measures.getMeasure(request.ctx, projectId, measureId, 'edit');
    const noFile = async (key: string, values: Record<string, unknown> = {}) =>
      reply.code(400).page(`${V}/import.njk`, await importView(request, { errors: [{ field: 'file', message: t(`errors.measures.import.${key}`, values) }] }));
    if (!request.isMultipart()) return noFile('noFile');
    let buffer: Buffer;
    try {
      const file = await request.file({ limits: { fileSize: MAX_FILE_BYTES, files: 1 } });
      if (!file) return noFile('noFile');
      buffer = await file.toBuffer();
    } catch (err) {
      if (err instanceof app.multipartErrors.RequestFileTooLargeError) return noFile('fileTooLarge', { max: MAX_FILE_BYTES / 1024 / 1024 });
      // Anything else here is a body the browser did not finish or did not form properly.
      request.log.info({ err, reference: request.id }, 'upload could not be read');
      return noFile('uploadBroken');
    }
    return withForm(
      reply,
      async () => {
        const { preview } = await measures.previewImport(request.ctx, projectId, measureId, { kind: 'file', buffer });
        return reply.page(`${V}/import.njk`, await importView(request, { preview, values: { mode: 'all' } }));
      },
      async (errors) => reply.code(400).page(`${V}/import.njk`, await importView(request, { errors })),
    );
  });

  app.post('/projects/:id/measures/:measureId/import/confirm', { bodyLimit: IMPORT_BODY_LIMIT }, async (request, reply) => {
    const { projectId, measureId } = params(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = typeof body.text === 'string' ? body.text : '';
    return withForm(
      reply,
      async () => {
        const outcome = await measures.commitImport(request.ctx, projectId, measureId, { data: body.data, mode: body.mode });
        if ('refused' in outcome) {
          const errors = [{ field: 'mode', message: outcome.message }];
          return reply.code(400).page(`${V}/import.njk`, await importView(request, { preview: outcome.refused, errors, values: { data: text, mode: body.mode } }));
        }
        const { added, updated, skipped } = outcome.result;
        reply.flash([t('import.done', { added, updated, count: added + updated }), ...(skipped ? [t('import.skipped', { count: skipped })] : [])].join(' '));
        return reply.redirect(`${base(projectId, measureId)}#data`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/import.njk`, await importView(request, { errors, values: { data: text } })),
    );
  });

  // ---- annotations

  app.post('/projects/:id/measures/:measureId/annotations', async (request, reply) => {
    const { projectId, measureId } = params(request);
    const input = cleanForm(request.body);
    return withForm(
      reply,
      async () => {
        await measures.addAnnotation(request.ctx, projectId, measureId, { dateDay: input.annotationDay, dateMonth: input.annotationMonth, dateYear: input.annotationYear, text: input.annotationText });
        reply.flash(t('measures.annotations.added'));
        return reply.redirect(`${base(projectId, measureId)}#annotations`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/measure.njk`, await measurePageView(request, annotationErrors(errors), input)),
    );
  });

  app.post('/projects/:id/measures/:measureId/annotations/:annotationId/delete', async (request, reply) => {
    const { projectId, measureId, annotationId } = params(request);
    await measures.deleteAnnotation(request.ctx, projectId, measureId, annotationId);
    reply.flash(t('measures.annotations.removed'));
    return reply.redirect(`${base(projectId, measureId)}#annotations`, 303);
  });
}
