import type { OrgUnit } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import { indentedName } from '../org/service.ts';
import { formatPence, type TaxYear } from '../payments/service.ts';
import type { OverdueList, PaidList, PersonPayments, Statement, StatementRow } from './service.ts';

/** What the payment report pages show, in words. */

const longDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2026-04-06" → "6 April 2026". */
export const longDayText = (d: string): string => longDay.format(new Date(`${d}T00:00:00Z`));
/** "2026-04-06" → "6 Apr 2026". */
export const dayText = (d: string): string => shortDay.format(new Date(`${d}T00:00:00Z`));
/** "2026-11" → "November 2026". */
export const monthText = (month: string): string => monthFormat.format(new Date(`${month}-01T00:00:00Z`));

/** "6 April 2026 to 5 April 2027". */
export const taxYearText = (y: TaxYear): string => t('paymentReports.taxYear.range', { start: longDayText(y.start), end: longDayText(y.end) });
/** "2026 to 2027". */
export const taxYearShort = (y: TaxYear): string => t('paymentReports.taxYear.short', { start: y.startYear, end: y.startYear + 1 });

function withUnit(path: string, params: Record<string, string>, unit: OrgUnit | undefined): string {
  const search = new URLSearchParams(params);
  if (unit) search.set('unitId', String(unit.id));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

function unitItems(units: OrgUnit[], selected: OrgUnit | undefined) {
  return [{ value: '', text: t('paymentReports.filter.allUnits') }, ...units.map((u) => ({ value: String(u.id), text: indentedName(u), selected: u.id === selected?.id }))];
}

const whatFor = (r: { activity_kind: string; description: string }): string => t('paymentReports.whatFor', { kind: t(`paymentReports.activities.${r.activity_kind}`), description: r.description });

export function overdueView(o: OverdueList, isFirstPage: boolean) {
  return {
    pageTitle: t('paymentReports.overdue.title'),
    targetDays: o.targetDays,
    scopeText: o.unit ? t('paymentReports.forUnit', { unit: o.unit.name }) : t('paymentReports.forAll'),
    sentence: o.total === 0 ? t('paymentReports.overdue.none', { count: o.targetDays }) : t('paymentReports.overdue.sentence', { count: o.total, days: o.targetDays }),
    unitItems: unitItems(o.units, o.unit),
    rows: o.rows.map((r) => ({
      href: `/payments/people/${r.person_id}`,
      name: r.full_name,
      unit: r.unit_name,
      whatFor: whatFor(r),
      activityDate: dayText(r.activity_date),
      daysWaiting: String(r.daysWaiting),
      daysOverdue: String(r.daysOverdue),
      amount: formatPence(r.total_pence),
      status: t(`paymentReports.statuses.${r.status}`),
      waitingOn: t(`paymentReports.waitingOn.${r.waitingOn}`),
    })),
    nextHref: o.next ? withUnit('/payments/overdue', { after: o.next }, o.unit) : null,
    firstHref: isFirstPage ? null : withUnit('/payments/overdue', {}, o.unit),
    paidHref: withUnit('/payments/paid', {}, o.unit),
  };
}

export function paidView(p: PaidList, isFirstPage: boolean) {
  const month = monthText(p.month);
  const s = p.summary;
  return {
    pageTitle: t('paymentReports.paid.title', { month }),
    month,
    monthValue: p.month,
    scopeText: p.unit ? t('paymentReports.forUnit', { unit: p.unit.name }) : t('paymentReports.forAll'),
    sentence:
      s.paid === 0
        ? t('paymentReports.paid.none', { month })
        : t('paymentReports.paid.sentence', {
            count: s.paid,
            month,
            median: formatDays(s.medianDays),
            within: s.withinTarget,
            percent: percentText(s.withinTarget, s.paid),
            days: p.targetDays,
          }),
    unitItems: unitItems(p.units, p.unit),
    rows: p.rows.map((r) => ({
      href: `/payments/people/${r.person_id}`,
      name: r.full_name,
      unit: r.unit_name,
      whatFor: whatFor(r),
      activityDate: dayText(r.activity_date),
      paidOn: dayText(r.paidOn),
      days: String(r.days),
      within: t(r.withinTarget ? 'common.yes' : 'common.no'),
      late: !r.withinTarget,
      amount: formatPence(r.total_pence),
    })),
    nextHref: p.next ? withUnit('/payments/paid', { month: p.month, after: p.next }, p.unit) : null,
    firstHref: isFirstPage ? null : withUnit('/payments/paid', { month: p.month }, p.unit),
    overdueHref: withUnit('/payments/overdue', {}, p.unit),
  };
}

/** Days to one decimal place at most: "12" or "12.5". */
export function formatDays(days: number | null): string {
  return days === null ? t('paymentReports.none') : new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format(days);
}

/** "7 of 8" as a percentage to one decimal place at most: "87.5%". */
export function percentText(part: number, whole: number): string {
  return whole === 0 ? t('paymentReports.none') : `${new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }).format((part * 100) / whole)}%`;
}

export function personView(p: PersonPayments) {
  const s = p.status;
  return {
    pageTitle: t('paymentReports.person.title', { name: p.person.full_name }),
    name: p.person.full_name,
    unit: p.person.unit_name,
    payeeReference: p.person.payee_reference ?? t('paymentReports.person.noPayeeReference'),
    preference: t(`paymentReports.preferences.${p.person.payment_preference}`),
    registerHref: p.registerHref,
    yearText: taxYearText(s.year),
    paidSentence: t('paymentReports.person.paidSentence', { paid: formatPence(s.paidPence), threshold: formatPence(s.thresholdPence) }),
    level: s.level,
    warning: s.level === 'ok' ? null : t(`paymentReports.person.warning.${s.level}`, { paid: formatPence(s.paidPence), threshold: formatPence(s.thresholdPence), percent: p.warnAtPercent }),
    claims: p.claims.map((c) => ({
      activityDate: dayText(c.activity_date),
      whatFor: whatFor(c),
      unit: c.unit_name,
      amount: formatPence(c.total_pence),
      status: c.paid_at ? t('paymentReports.statuses.paid') : t(`paymentReports.statuses.${c.status}`),
      paidOn: c.paid_at ? dateOfInstant(c.paid_at) : t('paymentReports.none'),
    })),
    statements: p.years.map((y) => ({ href: `/payments/people/${p.person.id}/statement/${y.startYear}`, text: t('paymentReports.person.statementLink', { year: taxYearShort(y) }) })),
  };
}

const londonDayOf = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Europe/London' });
const dateOfInstant = (iso: string): string => londonDayOf.format(new Date(iso));

function statementRowView(r: StatementRow) {
  const money = (pence: number) => (pence === 0 ? '' : formatPence(pence));
  return {
    paidOn: dayText(r.paidOn),
    whatFor: t('paymentReports.statement.whatFor', { kind: t(`paymentReports.activities.${r.activityKind}`), description: r.description, date: dayText(r.activityDate) }),
    reversal: r.reversal,
    reversalText: r.reversal ? t(r.reason ? 'paymentReports.statement.reversedBecause' : 'paymentReports.statement.reversed', { date: dayText(r.reversedOn ?? r.paidOn), reason: r.reason ?? '' }) : null,
    method: r.method ? t(`paymentReports.methods.${r.method}`) : '',
    time: money(r.time),
    vouchers: money(r.vouchers),
    expenses: money(r.expenses),
    total: formatPence(r.total),
  };
}

export function statementView(s: Statement) {
  const base = s.self ? '/my-claims/statement' : `/payments/people/${s.person.id}/statement`;
  return {
    pageTitle: t('paymentReports.statement.title', { year: taxYearShort(s.year) }),
    heading: t('paymentReports.statement.heading'),
    name: s.person.full_name,
    payeeReference: s.person.payee_reference,
    yearText: taxYearText(s.year),
    made: longDayText(s.today),
    rows: s.rows.map(statementRowView),
    totals: {
      time: formatPence(s.totals.time),
      vouchers: formatPence(s.totals.vouchers),
      expenses: formatPence(s.totals.expenses),
      total: formatPence(s.totals.total),
    },
    sentences: [
      t('paymentReports.statement.involvementSentence', { amount: formatPence(s.totals.involvement), time: formatPence(s.totals.time), vouchers: formatPence(s.totals.vouchers) }),
      t('paymentReports.statement.expensesSentence', { amount: formatPence(s.totals.expenses) }),
    ],
    empty: s.rows.length === 0 ? t('paymentReports.statement.empty', { year: taxYearText(s.year) }) : null,
    backHref: s.self ? '/my-claims' : `/payments/people/${s.person.id}`,
    backText: s.self ? t('paymentReports.statement.backToMine') : t('paymentReports.statement.backToPerson', { name: s.person.full_name }),
    years: s.years.filter((y) => y.startYear !== s.year.startYear).map((y) => ({ href: `${base}/${y.startYear}`, text: t('paymentReports.person.statementLink', { year: taxYearShort(y) }) })),
  };
}
