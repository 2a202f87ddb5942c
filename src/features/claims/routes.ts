import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClaimLine, ClaimStatus, LineStatus } from '../../platform/db/types.ts';
import { ValidationError, type FieldError } from '../../platform/errors/index.ts';
import { cleanForm, translateErrors } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { dayText } from '../groups/service.ts';
import { londonShortDay } from '../meetings/service.ts';
import { formatPence, type TaxYearStatus } from '../payments/service.ts';
import { myListQuerySchema, personSearchSchema } from './schemas.ts';
import * as claims from './service.ts';

const V = 'claims/views';
const idParam = (request: FastifyRequest, name = 'id'): number => Number((request.params as Record<string, string>)[name]);
const BASE: Record<claims.As, string> = { staff: '/claims', self: '/my-claims' };

// ---- Words for values

const STATUS_COLOURS: Record<ClaimStatus, string> = { draft: 'grey', submitted: 'blue', second_approval: 'purple', approved: 'green', rejected: 'red', withdrawn: 'white' };
const LINE_COLOURS: Record<LineStatus, string> = { pending: 'grey', approved: 'green', rejected: 'red' };
export const statusTag = (s: ClaimStatus) => ({ text: t(`claims.statuses.${s}`), classes: `nhsuk-tag--${STATUS_COLOURS[s]}` });
const lineTag = (s: LineStatus) => ({ text: t(`claims.lineStatuses.${s}`), classes: `nhsuk-tag--${LINE_COLOURS[s]}` });

/** How much of something a line is for, in words: "2 hours 30 minutes", "1 half day", "12.5 miles". */
export function quantityText(line: Pick<ClaimLine, 'kind' | 'category' | 'quantity'>): string {
  if (line.kind === 'time') {
    if (line.category === 'hour') {
      const h = Math.floor(line.quantity / 60);
      const m = line.quantity % 60;
      return [h ? t('claims.quantity.hours', { count: h }) : '', m ? t('claims.quantity.minutes', { count: m }) : ''].filter(Boolean).join(' ');
    }
    return t(line.category === 'half_day' ? 'claims.quantity.halfDays' : 'claims.quantity.fullDays', { count: line.quantity });
  }
  if (line.category === 'mileage') return t('claims.quantity.miles', { miles: `${Math.floor(line.quantity / 10)}.${line.quantity % 10}` });
  return '';
}

const lineWhat = (line: Pick<ClaimLine, 'kind' | 'category'>): string =>
  line.kind === 'time' ? t('claims.lines.time', { basis: t(`claims.bases.${line.category}`) }) : t(`claims.categories.${line.category}`);

/** The tax-year warning in plain words, for the person (you) or for staff (their name); null when all is well. */
function taxWarning(tax: TaxYearStatus, who: { self: true } | { self: false; name: string }) {
  if (tax.level === 'ok') return null;
  const params = {
    paid: formatPence(tax.paidPence),
    threshold: formatPence(tax.thresholdPence),
    start: dayText(tax.year.start),
    end: dayText(tax.year.end),
    name: who.self ? '' : who.name,
  };
  const whose = who.self ? 'self' : 'staff';
  return { heading: t('claims.tax.heading'), body: t(`claims.tax.${whose}.${tax.level}`, params), advice: t(`claims.tax.${whose}.advice`) };
}

function preferenceNote(preference: string): string | null {
  if (preference === 'vouchers') return t('claims.preference.vouchers');
  if (preference === 'expenses_only') return t('claims.preference.expensesOnly');
  return null;
}

const sizeText = (bytes: number): string =>
  bytes >= 1024 * 1024 ? t('claims.receipts.sizeMb', { size: (bytes / 1024 / 1024).toFixed(1) }) : t('claims.receipts.sizeKb', { size: Math.max(1, Math.round(bytes / 1024)) });

/** "attachment" with the name in plain ASCII and, for other characters, RFC 5987 encoded. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

// ---- Page data

interface DetailForms {
  time?: Record<string, unknown>;
  expense?: Record<string, unknown>;
  errors?: FieldError[];
}

async function claimView(request: FastifyRequest, as: claims.As, id: number, forms: DetailForms = {}) {
  const page = await claims.claimPage(request.ctx, id, as);
  const { claim } = page.access;
  const base = `${BASE[as]}/${claim.id}`;
  const time = forms.time ?? { basis: 'hour' };
  const expense = forms.expense ?? {};
  return {
    pageTitle: t('claims.detail.title', { activity: t(`claims.activities.${claim.activity_kind}`), date: dayText(claim.activity_date) }),
    as,
    base,
    backHref: BASE[as],
    claim,
    personName: page.personName,
    statusTag: statusTag(claim.status),
    activityName: t(`claims.activities.${claim.activity_kind}`),
    dateText: dayText(claim.activity_date),
    totalText: formatPence(claim.total_pence),
    paidText: formatPence(page.paidPence),
    submittedText: claim.submitted_at ? londonShortDay(claim.submitted_at) : null,
    meetingText: page.meetingText,
    preferenceName: t(`claims.preferences.${claim.preference}`),
    preferenceNote: preferenceNote(claim.preference),
    lines: page.lines.map((l) => ({
      id: l.id,
      kind: l.kind,
      what: lineWhat(l),
      description: l.description,
      quantityText: quantityText(l),
      amountText: formatPence(l.amount_pence),
      tag: lineTag(l.status),
      reason: l.reason,
      paidText: formatPence(l.paidPence),
      owedText: formatPence(l.owedPence),
      paid: l.paidPence > 0,
      owed: l.owedPence > 0,
      lastPaidText: l.lastPaidOn ? dayText(l.lastPaidOn) : null,
      receipts: l.receipts.map((r) => ({ ...r, href: `${base}/receipts/${r.id}`, sizeText: sizeText(r.size) })),
    })),
    mayChange: page.mayChange,
    maySubmit: page.maySubmit,
    timeAllowed: claim.preference !== 'expenses_only' && claim.preference !== 'none',
    reviewHref: page.reviewHref,
    taxWarning: taxWarning(page.tax, as === 'self' ? { self: true } : { self: false, name: page.personName }),
    taxTotalText: formatPence(page.tax.paidPence),
    basisItems: claims.RATE_BASES.map((b) => ({ value: b, text: t(`claims.bases.${b}`), checked: time.basis === b })),
    categoryItems: [
      { value: '', text: t('claims.expenseForm.chooseCategory') },
      ...claims.EXPENSE_CATEGORIES.map((c) => ({ value: c, text: t(`claims.categories.${c}`), selected: expense.category === c })),
    ],
    timeValues: time,
    expenseValues: expense,
    maxMb: claims.RECEIPT_MAX_BYTES / 1024 / 1024,
    errors: forms.errors ?? [],
  };
}

const meetingText = (m: { title: string | null; series_name: string; starts_at: string }) => `${m.title ?? m.series_name}, ${londonShortDay(m.starts_at)}`;

async function newClaimView(request: FastifyRequest, as: claims.As, values: Record<string, unknown>, errors: FieldError[] = []) {
  const query = personSearchSchema.safeParse(cleanForm(request.query));
  const search = query.success ? query.data.q : undefined;
  const personId = values.personId != null ? Number(values.personId) : query.success ? query.data.person : undefined;
  const found = as === 'staff' ? await claims.newClaimForLead(request.ctx, { personId, search }) : { claimFor: await claims.newClaimForSelf(request.ctx), results: null };
  const claimFor = found.claimFor;
  return {
    pageTitle: as === 'self' ? t('claims.new.selfTitle') : claimFor ? t('claims.new.forTitle', { name: claimFor.person.full_name }) : t('claims.new.title'),
    as,
    backHref: BASE[as],
    action: BASE[as],
    noRecord: as === 'self' && !claimFor,
    search,
    searched: search !== undefined,
    searchError: query.success ? undefined : t('errors.claims.searchTooLong'),
    results: (found.results ?? []).map((p) => ({ ...p, href: `/claims/new?person=${p.id}`, preferenceName: t(`claims.preferences.${p.payment_preference}`) })),
    person: claimFor?.person,
    blocked: claimFor?.person.payment_preference === 'none',
    preferenceName: claimFor ? t(`claims.preferences.${claimFor.person.payment_preference}`) : null,
    preferenceNote: claimFor ? preferenceNote(claimFor.person.payment_preference) : null,
    activityItems: claims.CLAIM_ACTIVITIES.map((a) => ({ value: a, text: t(`claims.activities.${a}`), checked: values.activityKind === a })),
    meetingItems: claimFor?.meetings.length
      ? [{ value: '', text: t('claims.new.noMeeting') }, ...claimFor.meetings.map((m) => ({ value: String(m.meeting_id), text: meetingText(m), selected: String(values.meetingId ?? '') === String(m.meeting_id) }))]
      : null,
    projectItems: claimFor?.projects.length
      ? [{ value: '', text: t('claims.new.noProject') }, ...claimFor.projects.map((p) => ({ value: String(p.id), text: p.title, selected: String(values.projectId ?? '') === String(p.id) }))]
      : null,
    values,
    errors,
  };
}

async function withErrors(reply: FastifyReply, template: string, view: Promise<Record<string, unknown>>): Promise<FastifyReply> {
  return reply.code(400).page(template, await view);
}

function listUrl(filter: claims.ListQuery, after?: string): string {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.unitId) params.set('unitId', String(filter.unitId));
  if (filter.q) params.set('q', filter.q);
  if (after) params.set('after', after);
  const s = params.toString();
  return `/claims${s ? `?${s}` : ''}`;
}

export default async function claimsRoutes(app: FastifyInstance): Promise<void> {
  // ---- The lead's list
  app.get('/claims', async (request, reply) => {
    const filter = claims.parseListQuery(cleanForm(request.query));
    const list = await claims.listClaims(request.ctx, filter);
    const { after: _after, ...shown } = filter;
    return reply.page(`${V}/list.njk`, {
      pageTitle: t('claims.list.title'),
      claims: list.claims.map((c) => ({
        ...c,
        tag: statusTag(c.status),
        activityName: t(`claims.activities.${c.activity_kind}`),
        dateText: dayText(c.activity_date),
        totalText: formatPence(c.total_pence),
      })),
      total: list.total,
      statusItems: [{ value: '', text: t('claims.list.anyStatus') }, ...claims.CLAIM_STATUSES.map((s) => ({ value: s, text: t(`claims.statuses.${s}`), selected: filter.status === s }))],
      unitItems: [{ value: '', text: t('claims.list.allUnits') }, ...list.units.map((u) => ({ value: String(u.id), text: u.name, selected: filter.unitId === u.id }))],
      values: { q: filter.q },
      filtered: Boolean(filter.status || filter.unitId || filter.q),
      nextUrl: list.next ? listUrl(shown, list.next) : undefined,
      firstPageUrl: filter.after ? listUrl(shown) : undefined,
    });
  });

  // ---- The partner's own list
  app.get('/my-claims', async (request, reply) => {
    const query = myListQuerySchema.safeParse(cleanForm(request.query));
    const mine = await claims.myClaims(request.ctx, query.success ? query.data.after : undefined);
    if (!mine) return reply.page(`${V}/no-record.njk`, { pageTitle: t('claims.mine.title') });
    return reply.page(`${V}/mine.njk`, {
      pageTitle: t('claims.mine.title'),
      blocked: mine.person.payment_preference === 'none',
      preferenceName: t(`claims.preferences.${mine.person.payment_preference}`),
      preferenceNote: preferenceNote(mine.person.payment_preference),
      claims: mine.claims.map((c) => ({
        ...c,
        tag: statusTag(c.status),
        activityName: t(`claims.activities.${c.activity_kind}`),
        dateText: dayText(c.activity_date),
        totalText: formatPence(c.total_pence),
        paidText: formatPence(c.paidPence),
      })),
      taxTotalText: formatPence(mine.tax.paidPence),
      taxStartYear: mine.tax.year.startYear,
      taxYearText: t('claims.tax.yearRange', { start: dayText(mine.tax.year.start), end: dayText(mine.tax.year.end) }),
      taxWarning: taxWarning(mine.tax, { self: true }),
      nextUrl: mine.next ? `/my-claims?after=${encodeURIComponent(mine.next)}` : undefined,
      firstPageUrl: query.success && query.data.after ? '/my-claims' : undefined,
    });
  });

  for (const as of ['staff', 'self'] as const) {
    const base = BASE[as];

    // ---- Making a claim
    app.get(`${base}/new`, async (request, reply) => reply.page(`${V}/new.njk`, await newClaimView(request, as, {})));

    app.post(base, async (request, reply) => {
      const input = cleanForm(request.body);
      try {
        const id = await claims.createClaim(request.ctx, as, input);
        reply.flash(t('claims.new.created'));
        return reply.redirect(`${base}/${id}`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return withErrors(reply, `${V}/new.njk`, newClaimView(request, as, input, translateErrors(err.fields)));
      }
    });

    // ---- One claim
    app.get(`${base}/:id`, async (request, reply) => reply.page(`${V}/claim.njk`, await claimView(request, as, idParam(request))));

    /** Runs a change on the claim page; a ValidationError re-renders it (400) with the form's input kept. */
    const onClaimPage = async (request: FastifyRequest, reply: FastifyReply, change: () => Promise<string>, forms: Omit<DetailForms, 'errors'> = {}) => {
      const id = idParam(request);
      try {
        reply.flash(await change());
        return reply.redirect(`${base}/${id}`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return withErrors(reply, `${V}/claim.njk`, claimView(request, as, id, { ...forms, errors: translateErrors(err.fields) }));
      }
    };

    app.post(`${base}/:id/time`, async (request, reply) => {
      const input = cleanForm(request.body);
      return onClaimPage(request, reply, async () => {
        await claims.addTimeLine(request.ctx, idParam(request), as, input);
        return t('claims.lines.added');
      }, { time: input });
    });

    app.post(`${base}/:id/expenses`, async (request, reply) => {
      const input = cleanForm(request.body);
      return onClaimPage(request, reply, async () => {
        await claims.addExpenseLine(request.ctx, idParam(request), as, input);
        return t('claims.lines.added');
      }, { expense: input });
    });

    app.post(`${base}/:id/lines/:lineId/delete`, async (request, reply) =>
      onClaimPage(request, reply, async () => {
        await claims.removeLine(request.ctx, idParam(request), idParam(request, 'lineId'), as);
        return t('claims.lines.removed');
      }),
    );

    app.post(`${base}/:id/submit`, async (request, reply) =>
      onClaimPage(request, reply, async () => {
        await claims.submitClaim(request.ctx, idParam(request), as);
        return t('claims.detail.submitted');
      }),
    );

    app.post(`${base}/:id/withdraw`, async (request, reply) =>
      onClaimPage(request, reply, async () => {
        await claims.withdrawClaim(request.ctx, idParam(request), as);
        return t('claims.detail.withdrawn');
      }),
    );

    // ---- Receipts
    app.post(`${base}/:id/lines/:lineId/receipts`, async (request, reply) => {
      const id = idParam(request);
      const lineId = idParam(request, 'lineId');
      // Who may add receipts is checked before the file is read.
      await claims.receiptTarget(request.ctx, id, lineId, as);
      const field = `receipt-${lineId}`;
      const fail = async (key: string, params: Record<string, unknown> = {}) =>
        withErrors(reply, `${V}/claim.njk`, claimView(request, as, id, { errors: [{ field, message: t(`errors.claims.receipt.${key}`, params) }] }));
      if (!request.isMultipart()) return fail('noFile');
      let filename = '';
      let content: Buffer;
      try {
        const file = await request.file({ limits: { fileSize: claims.RECEIPT_MAX_BYTES, files: 1 } });
        if (!file) return fail('noFile');
        filename = file.filename;
        content = await file.toBuffer();
      } catch (err) {
        if (err instanceof app.multipartErrors.RequestFileTooLargeError) return fail('tooLarge', { max: claims.RECEIPT_MAX_BYTES / 1024 / 1024 });
        request.log.info({ err, reference: request.id }, 'receipt upload could not be read');
        return fail('uploadBroken');
      }
      if (!filename) return fail('noFile');
      return onClaimPage(request, reply, async () => {
        await claims.uploadReceipt(request.ctx, id, lineId, as, { filename, content });
        return t('claims.receipts.uploaded');
      });
    });

    app.get(`${base}/:id/receipts/:receiptId`, async (request, reply) => {
      const receipt = await claims.receiptDownload(request.ctx, idParam(request), idParam(request, 'receiptId'), as);
      return reply
        .header('content-type', receipt.contentType)
        .header('content-disposition', attachment(receipt.filename))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(receipt.content);
    });

    app.post(`${base}/:id/receipts/:receiptId/delete`, async (request, reply) =>
      onClaimPage(request, reply, async () => {
        const name = await claims.removeReceipt(request.ctx, idParam(request), idParam(request, 'receiptId'), as);
        return t('claims.receipts.removed', { name });
      }),
    );
  }
}
