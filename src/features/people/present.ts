import { ACCESS_NEEDS, ANONYMITY, CHANNELS, FORMATS, PAYMENT_PREFERENCES, RELATIONSHIPS } from '../../platform/db/types.ts';
import { t } from '../../platform/i18n/index.ts';
import type * as people from './service.ts';

/** How the register's pages and the partner's own pages show a person: options and history in words. */

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
/** A date (YYYY-MM-DD) as people read it, e.g. "3 Jun 2025". */
export const day = (d: string | null | undefined): string => (d ? dayFormat.format(new Date(`${d}T00:00:00Z`)) : '');

// ---- Form items: every option with its words from the catalogue

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

export const radioItems = (values: readonly string[], catalogue: string, selected: unknown, hints = false) =>
  values.map((v) => ({ value: v, text: t(`${catalogue}.${v}`), checked: selected === v, ...(hints ? { hint: { text: t(`${catalogue}Hints.${v}`) } } : {}) }));

export const selectItems = (values: readonly string[], catalogue: string, selected: unknown, emptyText: string) => [
  { value: '', text: emptyText },
  ...values.map((v) => ({ value: v, text: t(`${catalogue}.${v}`), selected: selected === v })),
];

export const checkboxItems = (values: readonly string[], catalogue: string, selected: unknown) => {
  const chosen = new Set(asList(selected));
  return values.map((v) => ({ value: v, text: t(`${catalogue}.${v}`), checked: chosen.has(v) }));
};

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const PARTS = ['am', 'pm', 'eve'] as const;

/** Availability as a table: a row per day, a checkbox per part of the day. */
export function availabilityGrid(selected: unknown) {
  const chosen = new Set(asList(selected));
  return DAYS.map((d) => ({
    day: d,
    dayName: t(`people.days.${d}`),
    parts: PARTS.map((p) => ({ value: `${d}_${p}`, partName: t(`people.dayParts.${p}`), checked: chosen.has(`${d}_${p}`) })),
  }));
}
export const dayParts = () => PARTS.map((p) => t(`people.dayParts.${p}`));

/** The fields every person form shares (register form and the partner's own profile). */
export function personFormItems(values: Record<string, unknown>) {
  return {
    channelItems: radioItems(CHANNELS, 'people.channels', values.preferredChannel),
    formatItems: radioItems(FORMATS, 'people.formats', values.format),
    accessNeedItems: checkboxItems(ACCESS_NEEDS, 'people.accessNeeds', values.accessNeeds),
    relationshipItems: radioItems(RELATIONSHIPS, 'people.relationships', values.relationship),
    anonymityItems: radioItems(ANONYMITY, 'people.anonymity', values.anonymity, true),
    paymentItems: radioItems(PAYMENT_PREFERENCES, 'people.payment', values.paymentPreference),
    availabilityGrid: availabilityGrid(values.availability),
    dayParts: dayParts(),
  };
}

// ---- History in words (person page and the partner's own page)

/** Time as people say it: "2 hours 30 minutes", "1 hour", "45 minutes". */
export function duration(totalMinutes: number): string {
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  const parts = [...(h > 0 || m === 0 ? [t('people.time.hours', { count: h })] : []), ...(m > 0 ? [t('people.time.minutes', { count: m })] : [])];
  return parts.join(' ');
}

type History = Awaited<ReturnType<typeof people.getPerson>>['history'];
type Activity = History['activities'][number];

/** What an activity was for: its project, group or opportunity, in words. */
const activityFor = (a: Activity): string =>
  [
    a.project_title ? t('people.activity.forProject', { title: a.project_title }) : '',
    a.group_name ? t('people.activity.forGroup', { title: a.group_name }) : '',
    a.opportunity_title ? t('people.activity.forOpportunity', { title: a.opportunity_title }) : '',
  ].filter(Boolean).join('; ');

export function historyView(history: History) {
  return {
    matches: history.matches.map((m) => ({ title: m.title, status: t(`people.matchStatuses.${m.status}`), started: day(m.started_on), ended: day(m.ended_on) })),
    projects: history.projects.map((p) => ({ id: p.project_id, title: p.title, role: t(`memberRoles.${p.role}.name`), joined: day(p.joined_on), left: day(p.left_on) })),
    groups: history.groups.map((g) => ({ name: g.name, role: t(`people.groupRoles.${g.role}`), joined: day(g.joined_on), left: day(g.left_on) })),
    activities: history.activities.map((a) => ({
      id: a.id,
      on: day(a.on_date),
      kind: t(`people.activityKinds.${a.kind}`),
      description: a.description,
      for: activityFor(a),
      time: duration(a.minutes),
    })),
    totalTime: duration(history.totalMinutes),
    timeThisYear: duration(history.minutesThisYear),
  };
}

export function consentView(c: people.CurrentConsent) {
  return {
    kind: c.kind,
    kindName: t(`people.consentKinds.${c.kind}`),
    state: c.given === null ? t('people.consent.notRecorded') : c.given ? t('people.consent.given') : t('people.consent.withdrawn'),
    given: c.given,
    how: c.method ? t(`people.consentMethods.${c.method}`) : '',
    when: c.recordedAt,
    who: c.recordedBy ?? '',
    note: c.note ?? '',
  };
}

