import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { DEFAULT_CHOICES, DEFAULTABLE, IMPORT_FIELDS } from './mapping.ts';
import { MAX_FILE_BYTES } from './read.ts';
import * as imports from './service.ts';

const V = 'people-import/views';
const BASE = '/people/import';

const idOf = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

/** Runs a form action; a ValidationError re-renders the page with status 400. */
async function withForm(action: () => Promise<FastifyReply>, rerender: (errors: FieldError[]) => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return rerender(translateErrors(err.fields));
  }
}

async function uploadView(request: FastifyRequest, extra: { errors?: FieldError[]; values?: Record<string, unknown> } = {}) {
  const units = await imports.managedUnits(request.ctx);
  const selected = extra.values?.unitId ?? (units.length === 1 ? String(units[0]?.id) : undefined);
  return {
    pageTitle: t('peopleImport.upload.title'),
    unitItems: [{ value: '', text: t('peopleImport.upload.chooseUnit') }, ...units.map((u) => ({ value: String(u.id), text: u.name, selected: String(u.id) === selected }))],
    maxMegabytes: MAX_FILE_BYTES / 1024 / 1024,
    errors: extra.errors ?? [],
    values: extra.values ?? {},
  };
}

async function mappingView(request: FastifyRequest, extra: { errors?: FieldError[]; form?: Record<string, unknown> } = {}) {
  const page = await imports.mappingPage(request.ctx, idOf(request));
  // After a refused form, show what the lead chose, not the saved or guessed mapping.
  const mapping = extra.form ? imports.mappingFromForm(extra.form, page.headers.length) : page.mapping;
  const fieldItems = (selected: string | null) => [
    { value: '', text: t('peopleImport.map.leaveOut'), selected: !selected },
    ...IMPORT_FIELDS.map((f) => ({ value: f, text: t(`peopleImport.fields.${f}`), selected: selected === f })),
  ];
  return {
    pageTitle: t('peopleImport.map.title'),
    record: page.record,
    base: `${BASE}/${page.record.id}`,
    columns: page.headers.map((header, i) => ({ index: i, header, sample: page.samples[i], items: fieldItems(mapping.columns[i] ?? null) })),
    defaults: DEFAULTABLE.map((field) => ({
      field,
      label: t(`peopleImport.fields.${field}`),
      items: DEFAULT_CHOICES[field].map((code) => ({ value: code, text: t(`peopleImport.choices.${field}.${code}`), selected: mapping.defaults[field] === code })),
    })),
    errors: extra.errors ?? [],
  };
}

async function previewView(request: FastifyRequest, extra: { errors?: FieldError[]; values?: Record<string, unknown>; refused?: { record: imports.ImportRecord; preview: imports.Preview } } = {}) {
  const { record, preview } = extra.refused ?? (await imports.previewImport(request.ctx, idOf(request)));
  return {
    pageTitle: t('peopleImport.preview.title'),
    record,
    preview,
    base: `${BASE}/${record.id}`,
    shownProblems: imports.SHOWN_PROBLEMS,
    errors: extra.errors ?? [],
    values: extra.values ?? { mode: 'all' },
  };
}

export default async function peopleImportRoutes(app: FastifyInstance): Promise<void> {
  app.get(BASE, async (request, reply) => reply.page(`${V}/upload.njk`, await uploadView(request)));

  app.post(`${BASE}/upload`, async (request, reply) => {
    // Who may import is checked before the file is read.
    await imports.managedUnits(request.ctx);
    const fail = async (key: string, params: Record<string, unknown> = {}, values: Record<string, unknown> = {}) =>
      reply.code(400).page(`${V}/upload.njk`, await uploadView(request, { errors: [{ field: 'file', message: t(`errors.peopleImport.${key}`, params) }], values }));
    if (!request.isMultipart()) return fail('noFile');
    let buffer: Buffer;
    let fileName = '';
    let unitId: unknown;
    try {
      const file = await request.file({ limits: { fileSize: MAX_FILE_BYTES, files: 1 } });
      if (!file) return fail('noFile');
      const field = file.fields.unitId;
      unitId = field && !Array.isArray(field) && field.type === 'field' ? field.value : undefined;
      fileName = file.filename;
      buffer = await file.toBuffer();
    } catch (err) {
      if (err instanceof app.multipartErrors.RequestFileTooLargeError) return fail('fileTooLarge', { max: MAX_FILE_BYTES / 1024 / 1024 });
      request.log.info({ err, reference: request.id }, 'upload could not be read');
      return fail('uploadBroken');
    }
    const values = { unitId: typeof unitId === 'string' ? unitId : undefined };
    return withForm(
      async () => {
        const id = await imports.startImport(request.ctx, { unitId, fileName, buffer });
        return reply.redirect(`${BASE}/${id}`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/upload.njk`, await uploadView(request, { errors, values })),
    );
  });

  app.get(`${BASE}/:id`, async (request, reply) => reply.page(`${V}/mapping.njk`, await mappingView(request)));

  app.post(`${BASE}/:id/mapping`, async (request, reply) => {
    const id = idOf(request);
    const form = cleanForm(request.body);
    return withForm(
      async () => {
        await imports.saveMapping(request.ctx, id, form);
        return reply.redirect(`${BASE}/${id}/preview`, 303);
      },
      async (errors) => reply.code(400).page(`${V}/mapping.njk`, await mappingView(request, { errors, form })),
    );
  });

  app.get(`${BASE}/:id/preview`, async (request, reply) =>
    withForm(
      async () => reply.page(`${V}/preview.njk`, await previewView(request)),
      // Not mapped yet: back to the mapping step.
      async () => reply.redirect(`${BASE}/${idOf(request)}`, 303),
    ),
  );

  app.post(`${BASE}/:id/confirm`, async (request, reply) => {
    const id = idOf(request);
    const form = cleanForm(request.body);
    return withForm(
      async () => {
        const outcome = await imports.commitImport(request.ctx, id, form);
        if ('refused' in outcome) {
          return reply.code(400).page(`${V}/preview.njk`, await previewView(request, { refused: { record: outcome.record, preview: outcome.refused }, errors: [{ field: outcome.field, message: outcome.message }], values: form }));
        }
        reply.flash(t('peopleImport.result.flash', { count: outcome.result.imported }));
        return reply.redirect(`${BASE}/${id}/result`, 303);
      },
      async () => reply.redirect(`${BASE}/${id}`, 303),
    );
  });

  app.get(`${BASE}/:id/result`, async (request, reply) => {
    const { record, result } = await imports.importResult(request.ctx, idOf(request));
    return reply.page(`${V}/result.njk`, { pageTitle: t('peopleImport.result.title'), record, result, shownProblems: imports.SHOWN_PROBLEMS });
  });
}
