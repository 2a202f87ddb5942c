import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CANDIDATE_STAGES } from '../../platform/db/types.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { can } from '../../platform/rbac/index.ts';
import { londonDate } from '../projects/service.ts';
import * as involvement from './service.ts';

const V = 'involvement/views';
const idParam = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

const dayFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
/** An instant as the London day people read, e.g. "3 Jun 2025". */
const shownDay = (iso: string): string => dayFormat.format(new Date(`${londonDate(new Date(iso))}T00:00:00Z`));
/** A stored date (YYYY-MM-DD) as people read it. */
const shownDate = (d: string | null): string => (d ? dayFormat.format(new Date(`${d}T00:00:00Z`)) : '');
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthName = (month: string): string => monthFormat.format(new Date(`${month}-01T00:00:00Z`));
const hours = (minutes: number): string => (Math.round(minutes / 6) / 10).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Filters in the address: a bad one is dropped rather than refused. */
const dashboardQuery = z.object({ unitId: z.coerce.number().int().positive().optional() }).catch({});
const messagesQuery = z.object({ after: z.coerce.number().int().positive().optional() }).catch({});

/** Where the hub links to, and who sees each link. */
const HUB_LINKS = [
  { href: '/people', key: 'register', manage: false },
  { href: '/people/import', key: 'import', manage: true },
  { href: '/groups', key: 'groups', manage: false },
  { href: '/recruitment', key: 'recruitment', manage: false },
  { href: '/outreach', key: 'outreach', manage: false },
  { href: '/opportunities', key: 'opportunities', manage: false },
  { href: '/involvement/messages', key: 'messages', manage: true },
  { href: '/people/equality', key: 'equality', manage: true },
  { href: '/insights', key: 'insights', manage: false },
] as const;

function dashboardView(d: involvement.Dashboard, unitId: number | undefined) {
  return {
    pageTitle: t('involvement.hub.title'),
    links: HUB_LINKS.filter((l) => !l.manage || d.canManage).map((l) => ({
      href: l.href,
      heading: t(`involvement.hub.links.${l.key}.heading`),
      description: t(`involvement.hub.links.${l.key}.description`),
    })),
    unitItems: [
      { value: '', text: t('involvement.dashboard.allUnits') },
      ...d.units.map((u) => ({
        value: String(u.id),
        text: `${'– '.repeat(Math.max(0, u.path.split('/').length - (d.units[0]?.path.split('/').length ?? 0)))}${u.name}`,
        selected: u.id === unitId,
      })),
    ],
    unit: d.unit,
    opportunities: d.opportunities.rows.map((o) => ({
      ...o,
      opened: shownDay(o.created_at),
      filled: t('involvement.dashboard.opportunities.filled', { taken: o.taken, count: o.places }),
    })),
    opportunityTotal: d.opportunities.total,
    longWaitDays: involvement.LONG_WAIT_DAYS,
    statuses: d.statuses.map((s) => ({ name: t(`involvement.statuses.${s.status}`), count: s.count })),
    statusTotal: d.statusTotal,
    enquiries: {
      thisMonth: monthName(d.enquiries.thisMonth),
      lastMonth: monthName(d.enquiries.lastMonth),
      rows: d.enquiries.rows.map((r) => ({ ...r, name: t(r.source ? `involvement.heardVia.${r.source}` : 'involvement.heardVia.notRecorded') })),
      totals: d.enquiries.totals,
    },
    stages: CANDIDATE_STAGES.map((s) => ({ key: s, name: t(`involvement.stages.${s}`) })),
    campaigns: d.campaigns.map((c) => ({
      ...c,
      period: c.ends_on ? t('involvement.dashboard.campaigns.period', { from: shownDate(c.starts_on), to: shownDate(c.ends_on) }) : t('involvement.dashboard.campaigns.since', { from: shownDate(c.starts_on) }),
      hours: hours(c.minutes),
    })),
    emails: d.emails,
  };
}

export default async function involvementRoutes(app: FastifyInstance): Promise<void> {
  app.get('/involvement', async (request, reply) => {
    const { unitId } = dashboardQuery.parse(cleanForm(request.query));
    const d = await involvement.dashboard(request.ctx, { unitId });
    return reply.page(`${V}/hub.njk`, dashboardView(d, unitId));
  });

  app.get('/involvement/messages', async (request, reply) => {
    const { after } = messagesQuery.parse(cleanForm(request.query));
    const page = await involvement.messagesToSend(request.ctx, { after });
    return reply.page(`${V}/messages.njk`, {
      pageTitle: t('involvement.messages.title'),
      messages: page.messages.map((m) => ({
        ...m,
        channelName: t(`involvement.channels.${m.channel}`),
        formatName: t(`involvement.formats.${m.format ?? 'standard'}`),
        queued: shownDay(m.created_at),
      })),
      total: page.total,
      emails: page.emails,
      nextUrl: page.nextAfter ? `/involvement/messages?after=${page.nextAfter}` : null,
      firstPageUrl: after ? '/involvement/messages' : null,
    });
  });

  app.get('/involvement/messages/:id/letter', async (request, reply) => {
    const letter = await involvement.letter(request.ctx, idParam(request));
    return reply.page(`${V}/letter.njk`, {
      pageTitle: t('involvement.letter.title', { subject: letter.subject }),
      letter,
      addressLines: letter.recipient.split('\n'),
      paragraphs: letter.body_text.split(/\n\s*\n/).map((p) => p.split('\n')),
      date: shownDay(new Date().toISOString()),
      canMarkSent: letter.status === 'pending' && can(request.principal, 'people:manage'),
    });
  });

  app.post('/involvement/messages/:id/sent', async (request, reply) => {
    const { changed } = await involvement.markSent(request.ctx, idParam(request));
    reply.flash(t(changed ? 'involvement.messages.markedSent' : 'involvement.messages.alreadySent'));
    return reply.redirect('/involvement/messages', 303);
  });
}
