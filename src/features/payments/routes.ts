import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CLAIM_ACTIVITIES, EXPENSE_CATEGORIES, RATE_BASES, type PaymentSettings } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import * as payments from './service.ts';
import { formatPence, penceAsPounds, shownDay, type ExpenseRateView, type TimeRateView } from './service.ts';

const V = 'payments/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);

/** A rate form opened from a row of the rates table starts with that row's kind chosen. */
const timeQuery = z.object({ activityKind: z.enum(CLAIM_ACTIVITIES).optional(), basis: z.enum(RATE_BASES).optional() }).catch({});
const expenseQuery = z.object({ category: z.enum(EXPENSE_CATEGORIES).optional() }).catch({});

/** Where the hub links to, under which heading, and what the user must be allowed to do. */
const HUB_SECTIONS = [
  { key: 'claims', links: [
    { key: 'claims', href: '/claims' },
    { key: 'approvals', href: '/approvals' },
    { key: 'overdue', href: '/payments/overdue' },
  ] },
  { key: 'finance', links: [{ key: 'finance', href: '/finance' }] },
  { key: 'rules', links: [
    { key: 'rates', href: '/payments/rates' },
    { key: 'settings', href: '/payments/settings' },
    { key: 'costCentres', href: '/payments/cost-centres' },
  ] },
] as const;

function hubView(h: payments.Hub) {
  const may: Record<string, boolean> = { ...h.may, settings: h.may.rates };
  return {
    pageTitle: t('payments.hub.title'),
    target: t('payments.hub.target', { count: h.targetDays }),
    sections: HUB_SECTIONS.map((s) => ({
      heading: t(`payments.hub.sections.${s.key}`),
      links: s.links.filter((l) => may[l.key]).map((l) => ({
        href: l.href,
        heading: t(`payments.hub.links.${l.key}.heading`),
        description: t(`payments.hub.links.${l.key}.description`),
      })),
    })).filter((s) => s.links.length > 0),
  };
}

const timeName = (r: { activity_kind: string; basis: string }): string =>
  t('payments.rates.timeName', { activity: t(`payments.activities.${r.activity_kind}`), basis: t(`payments.rates.basisShort.${r.basis}`) });
const expenseName = (r: { category: string }): string => t(`payments.categories.${r.category}`);

function expenseTerms(r: ExpenseRateView | { limit_pence: number | null; pence_per_mile: number | null }) {
  return {
    limit: r.limit_pence == null ? t('payments.rates.noLimit') : formatPence(r.limit_pence),
    perMile: r.pence_per_mile == null ? '' : formatPence(r.pence_per_mile),
  };
}

/** The rates page: what is in force today for every kind, and every rate past and future. */
async function ratesView(request: FastifyRequest, errors: FieldError[] = []) {
  const r = await payments.rates(request.ctx);
  const state = (s: payments.RateState) => t(`payments.rates.status.${s}`);
  const time = (rate: TimeRateView) => ({
    id: rate.id,
    name: timeName(rate),
    activity: t(`payments.activities.${rate.activity_kind}`),
    basis: t(`payments.bases.${rate.basis}`),
    amount: formatPence(rate.amount_pence),
    from: shownDay(rate.effective_from),
    state: rate.state,
    stateName: state(rate.state),
    deletable: rate.deletable,
  });
  const expense = (rate: ExpenseRateView) => ({
    id: rate.id,
    name: expenseName(rate),
    ...expenseTerms(rate),
    needsApproval: rate.needs_approval === 1,
    from: shownDay(rate.effective_from),
    state: rate.state,
    stateName: state(rate.state),
    deletable: rate.deletable,
  });
  return {
    pageTitle: t('payments.rates.title'),
    today: shownDay(r.today),
    timeKinds: r.time.kinds.map((k) => ({
      name: timeName({ activity_kind: k.activityKind, basis: k.basis }),
      activity: t(`payments.activities.${k.activityKind}`),
      basis: t(`payments.bases.${k.basis}`),
      current: k.current ? time(k.current) : null,
      next: k.next ? t('payments.rates.nextChange', { amount: formatPence(k.next.amount_pence), date: shownDay(k.next.effective_from) }) : null,
      addHref: `/payments/rates/time/new?activityKind=${k.activityKind}&basis=${k.basis}`,
    })),
    timeHistory: r.time.history.map(time),
    expenseKinds: r.expenses.kinds.map((k) => ({
      name: t(`payments.categories.${k.category}`),
      current: k.current ? expense(k.current) : null,
      next: k.next ? t('payments.rates.nextChange', { amount: expenseTerms(k.next).perMile || expenseTerms(k.next).limit, date: shownDay(k.next.effective_from) }) : null,
      addHref: `/payments/rates/expenses/new?category=${k.category}`,
    })),
    expenseHistory: r.expenses.history.map(expense),
    errors,
  };
}

function timeFormView(values: Record<string, unknown>, errors: FieldError[] = []) {
  return {
    pageTitle: t('payments.rates.newTime.title'),
    activityItems: CLAIM_ACTIVITIES.map((k) => ({ value: k, text: t(`payments.activities.${k}`), checked: values.activityKind === k })),
    basisItems: RATE_BASES.map((b) => ({ value: b, text: t(`payments.bases.${b}`), checked: values.basis === b })),
    values,
    errors,
  };
}

function expenseFormView(values: Record<string, unknown>, errors: FieldError[] = []) {
  return {
    pageTitle: t('payments.rates.newExpense.title'),
    categoryItems: [
      { value: '', text: t('payments.rates.newExpense.category') },
      ...EXPENSE_CATEGORIES.map((c) => ({ value: c, text: t(`payments.categories.${c}`), selected: values.category === c })),
    ],
    values,
    errors,
  };
}

function settingsView(s: PaymentSettings, values?: Record<string, unknown>, errors: FieldError[] = []) {
  return {
    pageTitle: t('payments.settings.title'),
    lastChanged: t('payments.settings.lastChanged', { date: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }).format(new Date(s.updated_at)) }),
    values: values ?? {
      targetDays: String(s.target_days),
      secondApproval: penceAsPounds(s.second_approval_over_pence),
      taxThreshold: penceAsPounds(s.tax_year_threshold_pence),
      warnAt: String(s.warn_at_percent),
    },
    errors,
  };
}

async function costCentreView(request: FastifyRequest, unitId: number, values?: Record<string, unknown>, errors: FieldError[] = []) {
  const c = await payments.unitCostCentre(request.ctx, unitId);
  return {
    pageTitle: t('payments.costCentres.edit.title', { unit: c.unit.name }),
    unit: c.unit,
    // What the unit uses without a code of its own (so what clearing the field would do).
    inheritedNow: c.inherited
      ? t('payments.costCentres.edit.inheritedNow', { code: c.inherited.code, unit: c.inherited.unit.name })
      : t('payments.costCentres.edit.noneNow'),
    values: values ?? { code: c.own ?? '' },
    errors,
  };
}

/** Runs a form's service call: on bad input, re-renders the form with what was typed and a 400. */
async function formPost(reply: FastifyReply, template: string, run: () => Promise<string>, view: (errors: FieldError[]) => Promise<Record<string, unknown>> | Record<string, unknown>) {
  try {
    return reply.redirect(await run(), 303);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return reply.code(400).page(template, await view(translateErrors(err.fields)));
  }
}

export default async function paymentsRoutes(app: FastifyInstance): Promise<void> {
  app.get('/payments', async (request, reply) => reply.page(`${V}/hub.njk`, hubView(await payments.hub(request.ctx))));

  app.get('/payments/rates', async (request, reply) => reply.page(`${V}/rates.njk`, await ratesView(request)));

  app.get('/payments/rates/time/new', async (request, reply) => {
    await payments.mayManageRates(request.ctx);
    return reply.page(`${V}/time-rate.njk`, timeFormView(timeQuery.parse(cleanForm(request.query))));
  });

  app.post('/payments/rates/time/new', async (request, reply) => {
    const input = cleanForm(request.body);
    return formPost(reply, `${V}/time-rate.njk`, async () => {
      const rate = await payments.addTimeRate(request.ctx, input);
      reply.flash(t('payments.rates.newTime.done', { what: timeName(rate), amount: formatPence(rate.amount_pence), date: shownDay(rate.effective_from) }));
      return '/payments/rates';
    }, (errors) => timeFormView(input, errors));
  });

  app.get('/payments/rates/expenses/new', async (request, reply) => {
    await payments.mayManageRates(request.ctx);
    return reply.page(`${V}/expense-rate.njk`, expenseFormView(expenseQuery.parse(cleanForm(request.query))));
  });

  app.post('/payments/rates/expenses/new', async (request, reply) => {
    const input = cleanForm(request.body);
    return formPost(reply, `${V}/expense-rate.njk`, async () => {
      const rate = await payments.addExpenseRate(request.ctx, input);
      reply.flash(t('payments.rates.newExpense.done', { what: expenseName(rate), date: shownDay(rate.effective_from) }));
      return '/payments/rates';
    }, (errors) => expenseFormView(input, errors));
  });

  app.post('/payments/rates/time/:id/delete', async (request, reply) =>
    formPost(reply, `${V}/rates.njk`, async () => {
      await payments.deleteTimeRate(request.ctx, idParam(request));
      reply.flash(t('payments.rates.deleted'));
      return '/payments/rates';
    }, (errors) => ratesView(request, errors)));

  app.post('/payments/rates/expenses/:id/delete', async (request, reply) =>
    formPost(reply, `${V}/rates.njk`, async () => {
      await payments.deleteExpenseRate(request.ctx, idParam(request));
      reply.flash(t('payments.rates.deleted'));
      return '/payments/rates';
    }, (errors) => ratesView(request, errors)));

  app.get('/payments/settings', async (request, reply) => reply.page(`${V}/settings.njk`, settingsView(await payments.settings(request.ctx))));

  app.post('/payments/settings', async (request, reply) => {
    const input = cleanForm(request.body);
    return formPost(reply, `${V}/settings.njk`, async () => {
      await payments.updateSettings(request.ctx, input);
      reply.flash(t('payments.settings.done'));
      return '/payments/settings';
    }, async (errors) => settingsView(await payments.settings(request.ctx), input, errors));
  });

  app.get('/payments/cost-centres', async (request, reply) => {
    const rows = await payments.costCentres(request.ctx);
    return reply.page(`${V}/cost-centres.njk`, {
      pageTitle: t('payments.costCentres.title'),
      units: rows.map((r) => ({
        id: r.unit.id,
        name: r.unit.name,
        indentedName: `${'– '.repeat(r.depth)}${r.unit.name}`,
        code: r.code,
        source: r.own !== null ? t('payments.costCentres.own') : r.from ? t('payments.costCentres.inherited', { unit: r.from.name }) : t('payments.costCentres.none'),
      })),
    });
  });

  app.get('/payments/cost-centres/:unitId', async (request, reply) => reply.page(`${V}/cost-centre.njk`, await costCentreView(request, idParam(request, 'unitId'))));

  app.post('/payments/cost-centres/:unitId', async (request, reply) => {
    const unitId = idParam(request, 'unitId');
    const input = cleanForm(request.body);
    return formPost(reply, `${V}/cost-centre.njk`, async () => {
      const { unit, cleared } = await payments.setCostCentre(request.ctx, unitId, input);
      reply.flash(t(cleared ? 'payments.costCentres.edit.cleared' : 'payments.costCentres.edit.done', { unit: unit.name }));
      return '/payments/cost-centres';
    }, (errors) => costCentreView(request, unitId, input, errors));
  });
}
