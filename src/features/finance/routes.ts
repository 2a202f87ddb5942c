import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PAYMENT_METHODS } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { formatPence } from '../payments/service.ts';
import { EXPORT_FILTERS, chosenLinesQuery, linesQuery, pageQuery, type LinesQuery } from './schemas.ts';
import * as finance from './service.ts';

const V = 'finance/views';
const idParam = (request: FastifyRequest, name: string): number => Number((request.params as Record<string, string>)[name]);

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** A date (YYYY-MM-DD) in words: "3 Nov 2026". */
export const dayText = (d: string): string => dayFormat.format(new Date(`${d}T12:00:00Z`));
const whenFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
const whenText = (iso: string): string => whenFormat.format(new Date(iso));

/** How a line shows in a table or summary, in words. */
function lineView(l: finance.PayableLine) {
  return {
    ...l,
    href: `/finance/lines/${l.line_id}`,
    payeeHref: `/finance/payees/${l.person_id}`,
    activityText: t(`finance.activities.${l.activity_kind}`),
    dateText: dayText(l.activity_date),
    daysText: t('finance.list.days', { count: l.daysSince }),
    overdueText: l.overdue ? t('finance.list.overdue') : '',
    kindText: `${t(`finance.kinds.${l.kind}`)}: ${t(`finance.categories.${l.category}`)}`,
    amountText: formatPence(l.amount_pence),
    balanceText: formatPence(l.balance),
    howText: t(`finance.how.${l.how}`),
    costCentreText: l.costCentre ?? t('finance.list.noCostCentre'),
    exportedText: l.export_id ? t('finance.list.exportedIn', { id: l.export_id }) : t('finance.list.notExported'),
    claimText: t('finance.list.claimNumber', { id: l.claim_id }),
  };
}

function methodItems(chosen: unknown) {
  return PAYMENT_METHODS.map((m) => ({ value: m, text: t(`finance.methods.${m}`), checked: chosen === m }));
}

function listUrl(q: LinesQuery, after?: string): string {
  const params = new URLSearchParams();
  if (q.unitId) params.set('unitId', String(q.unitId));
  if (q.exported !== 'all') params.set('exported', q.exported);
  if (after) params.set('after', after);
  const s = params.toString();
  return `/finance${s ? `?${s}` : ''}`;
}

async function payView(request: FastifyRequest, chosen: number[], values: Record<string, unknown>, errors: FieldError[] = []) {
  const form = await finance.paymentForm(request.ctx, chosen);
  const ticked = values.line === undefined ? undefined : new Set((Array.isArray(values.line) ? values.line : [values.line]).map(String));
  return {
    pageTitle: t('finance.pay.title'),
    lines: form.lines.map((l) => ({ ...lineView(l), payable: l.payable, checked: ticked ? ticked.has(String(l.line_id)) : l.payable })),
    leftOut: form.leftOut,
    totalText: formatPence(form.totalPence),
    action: '/finance/pay',
    batch: true,
    methodItems: methodItems(values.method),
    values: { paidOn: form.today, ...values },
    errors,
  };
}

async function linePayView(request: FastifyRequest, lineId: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const form = await finance.linePaymentForm(request.ctx, lineId);
  return {
    pageTitle: t('finance.pay.oneTitle'),
    line: lineView(form.line),
    payable: form.payable,
    action: `/finance/lines/${lineId}/pay`,
    batch: false,
    methodItems: methodItems(values.method),
    values: { paidOn: form.today, ...values },
    errors,
  };
}

async function reverseView(request: FastifyRequest, entryId: number, values: Record<string, unknown>, errors: FieldError[] = []) {
  const { entry, line, blockedBy } = await finance.entryForReversal(request.ctx, entryId);
  return {
    pageTitle: t('finance.reverse.title'),
    entry: { ...entry, kindText: t(`finance.ledgerKinds.${entry.kind}`), amountText: formatPence(entry.amount_pence), whenText: whenText(entry.created_at) },
    line: { line_id: line.line_id, full_name: line.full_name, claimText: t('finance.list.claimNumber', { id: line.claim_id }), href: `/finance/lines/${line.line_id}` },
    blocked: blockedBy ? t(blockedBy) : undefined,
    values,
    errors,
  };
}

async function payeeView(request: FastifyRequest, personId: number, values: Record<string, unknown> | undefined, errors: FieldError[] = []) {
  const person = await finance.payeeForEdit(request.ctx, personId);
  return { pageTitle: t('finance.payee.title'), person, values: values ?? { payeeReference: person.payeeReference }, errors };
}

const refuse = async (reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> => reply.code(400).page(template, await view);

/** Finance: payable lines, payments, exports, reversals and payee references (finance:pay). */
export default async function financeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/finance', async (request, reply) => {
    const query = linesQuery.parse(cleanForm(request.query));
    const list = await finance.payableList(request.ctx, query);
    return reply.page(`${V}/lines.njk`, {
      pageTitle: t('finance.list.title'),
      lines: list.lines.map(lineView),
      targetDays: list.targetDays,
      unitItems: list.units.length > 1
        ? [{ value: '', text: t('finance.list.allUnits') }, ...list.units.map((u) => ({ value: String(u.id), text: u.name, selected: list.unit?.id === u.id }))]
        : undefined,
      exportedItems: EXPORT_FILTERS.map((f) => ({ value: f, text: t(`finance.list.exportFilter.${f}`), selected: list.exported === f })),
      filtered: Boolean(list.unit) || list.exported !== 'all',
      nextUrl: list.nextAfter ? listUrl(query, list.nextAfter) : undefined,
      firstPageUrl: query.after ? listUrl(query) : undefined,
    });
  });

  app.get('/finance/pay', async (request, reply) => {
    const { line } = chosenLinesQuery.parse(cleanForm(request.query));
    return reply.page(`${V}/pay.njk`, await payView(request, line ?? [], {}));
  });

  app.post('/finance/pay', async (request, reply) => {
    const input = cleanForm(request.body);
    let done: { count: number; totalPence: number };
    try {
      done = await finance.payLines(request.ctx, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const chosen = chosenLinesQuery.parse({ line: input.line }).line ?? [];
      return refuse(reply, `${V}/pay.njk`, payView(request, chosen, input, translateErrors(err.fields)));
    }
    reply.flash(t('finance.pay.done', { count: done.count, total: formatPence(done.totalPence) }));
    return reply.redirect('/finance', 303);
  });

  app.get('/finance/lines/:lineId', async (request, reply) => {
    const lineId = idParam(request, 'lineId');
    const h = await finance.lineHistory(request.ctx, lineId);
    return reply.page(`${V}/line.njk`, {
      pageTitle: t('finance.line.title', { line: lineId }),
      line: lineView(h.line),
      payable: h.payable,
      entries: h.entries.map((e) => ({
        ...e,
        kindText: t(`finance.ledgerKinds.${e.kind}`),
        amountText: formatPence(e.amount_pence),
        whenText: whenText(e.created_at),
        paidOnText: e.paid_on ? dayText(e.paid_on) : '',
        methodText: e.method ? t(`finance.methods.${e.method}`) : '',
      })),
    });
  });

  app.get('/finance/lines/:lineId/pay', async (request, reply) => {
    return reply.page(`${V}/pay.njk`, await linePayView(request, idParam(request, 'lineId'), {}));
  });

  app.post('/finance/lines/:lineId/pay', async (request, reply) => {
    const lineId = idParam(request, 'lineId');
    const input = cleanForm(request.body);
    try {
      // The line is the one in the address, whatever the form says.
      await finance.linePaymentForm(request.ctx, lineId);
      const done = await finance.payLines(request.ctx, { ...input, line: String(lineId) });
      reply.flash(t('finance.pay.done', { count: done.count, total: formatPence(done.totalPence) }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return refuse(reply, `${V}/pay.njk`, linePayView(request, lineId, input, translateErrors(err.fields)));
    }
    return reply.redirect(`/finance/lines/${lineId}`, 303);
  });

  app.get('/finance/entries/:entryId/reverse', async (request, reply) => {
    return reply.page(`${V}/reverse.njk`, await reverseView(request, idParam(request, 'entryId'), {}));
  });

  app.post('/finance/entries/:entryId/reverse', async (request, reply) => {
    const entryId = idParam(request, 'entryId');
    const input = cleanForm(request.body);
    let lineId: number;
    try {
      lineId = await finance.reverseEntry(request.ctx, entryId, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return refuse(reply, `${V}/reverse.njk`, reverseView(request, entryId, input, translateErrors(err.fields)));
    }
    reply.flash(t('finance.reverse.done'));
    return reply.redirect(`/finance/lines/${lineId}`, 303);
  });

  app.get('/finance/exports', async (request, reply) => {
    const { before } = pageQuery.parse(cleanForm(request.query));
    const page = await finance.exportsPage(request.ctx, before);
    return reply.page(`${V}/exports.njk`, {
      pageTitle: t('finance.exports.title'),
      exports: page.exports.map((e) => ({
        ...e,
        whenText: whenText(e.created_at),
        totalText: formatPence(e.total_pence),
        href: `/finance/exports/${e.id}.csv`,
      })),
      nextUrl: page.nextBefore ? `/finance/exports?before=${page.nextBefore}` : undefined,
      firstPageUrl: before ? '/finance/exports' : undefined,
    });
  });

  app.post('/finance/exports', async (request, reply) => {
    const made = await finance.createExport(request.ctx);
    reply.flash(made ? t('finance.exports.done', { id: made.id, count: made.lines, total: formatPence(made.totalPence) }) : t('finance.exports.nothing'));
    return reply.redirect('/finance/exports', 303);
  });

  app.get('/finance/exports/:id.csv', async (request, reply) => {
    const { filename, body } = await finance.exportCsv(request.ctx, idParam(request, 'id'));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });

  app.get('/finance/payees/:personId', async (request, reply) => {
    return reply.page(`${V}/payee.njk`, await payeeView(request, idParam(request, 'personId'), undefined));
  });

  app.post('/finance/payees/:personId', async (request, reply) => {
    const personId = idParam(request, 'personId');
    const input = cleanForm(request.body);
    try {
      const { name } = await finance.savePayee(request.ctx, personId, input);
      reply.flash(t('finance.payee.done', { name }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return refuse(reply, `${V}/payee.njk`, payeeView(request, personId, input, translateErrors(err.fields)));
    }
    return reply.redirect('/finance', 303);
  });
}
