import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import { errorView } from '../http/forms.ts';
import { t } from '../i18n/index.ts';
import { can, type Principal } from '../rbac/index.ts';
import type { FieldError } from '../errors/index.ts';

const root = (p: string): string => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

export const TEMPLATE_PATHS = [root('views'), root('src/features'), root('node_modules/nhsuk-frontend/dist')];

const PAYMENT_PERMISSIONS = ['claims:manage', 'claims:second_approval', 'finance:pay', 'rates:manage'] as const;

export interface NavItem {
  href: string;
  text: string;
  active?: boolean;
}

/** Navigation shows only what the user may use. */
export function navigationFor(principal: Principal | null, currentPath: string): NavItem[] {
  return markActive(principal ? signedInItems(principal) : publicItems(), currentPath);
}

/** A member of the public can read stories, tell their own, and see what changed because of them. */
function publicItems(): NavItem[] {
  return [
    { href: '/stories', text: t('nav.stories') },
    { href: '/stories/new', text: t('nav.tellStory') },
    { href: '/you-said-we-did', text: t('nav.youSaidWeDid') },
  ];
}

/** The one active entry is the longest href the path is at or under ("/stories/new" over "/stories"). */
function markActive(items: NavItem[], currentPath: string): NavItem[] {
  const under = (href: string): boolean => (href === '/' ? currentPath === '/' : currentPath === href || currentPath.startsWith(`${href}/`));
  const active = items.filter((i) => under(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((i) => ({ ...i, active: i === active }));
}

function signedInItems(principal: Principal): NavItem[] {
  const items: NavItem[] = [{ href: '/', text: t('nav.home') }];
  // Partners see the projects they are members of, so everyone signed in has this entry.
  items.push({ href: '/projects', text: t('nav.projects') });
  // The involvement hub (register, groups, recruitment, outreach, matching) for staff who see people.
  if (can(principal, 'people:view')) items.push({ href: '/involvement', text: t('nav.involvement') });
  items.push({ href: '/opportunities', text: t('nav.opportunities') });
  // Forums and meetings: staff see their units' series, partners the series they belong to.
  items.push({ href: '/meetings', text: t('nav.meetings') });
  // The involvement dashboard for leadership, leads and QI staff.
  if (can(principal, 'insights:view')) items.push({ href: '/insights', text: t('nav.insights') });
  // Expenses and involvement payments: claims, approvals, finance and rates, by what each may do.
  if (PAYMENT_PERMISSIONS.some((p) => can(principal, p))) items.push({ href: '/payments', text: t('nav.payments') });
  // Feedback stories: staff see their units' stories, respond, discuss, moderate and follow; everyone
  // else signed in reads the public stories site.
  if (can(principal, 'stories:view')) items.push({ href: '/feedback', text: t('nav.feedback') });
  else items.push({ href: '/stories', text: t('nav.stories') });
  // Workshops: organisers run them; participants and supporters see the ones they are on.
  items.push({ href: '/workshops', text: t('nav.workshops') });
  // A partner's own profile, consents and history, and their own claims.
  if (principal.grants.some((g) => g.role === 'partner')) {
    items.push({ href: '/my-involvement', text: t('nav.myInvolvement') });
    items.push({ href: '/my-claims', text: t('nav.myClaims') });
  }
  if (can(principal, 'org:view')) items.push({ href: '/org', text: t('nav.organisation') });
  if (can(principal, 'users:manage')) items.push({ href: '/admin/users', text: t('nav.users') });
  if (can(principal, 'audit:view')) items.push({ href: '/admin/audit', text: t('nav.audit') });
  return items;
}

const FLASH_COOKIE = 'flash';

let documents: nunjucks.Environment | undefined;

/**
 * Renders a template to a whole document outside any request: a file sent with a message (a
 * large-print agenda, minutes) rather than a page, so no layout, navigation or CSRF token. The
 * template carries its own styles, since it is opened from the person's inbox, not this site.
 */
export function renderDocument(template: string, data: Record<string, unknown>): string {
  if (!documents) {
    documents = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATE_PATHS), { autoescape: true, throwOnUndefined: false });
    configureNunjucks(documents);
  }
  return documents.render(template, data);
}

export function configureNunjucks(env: nunjucks.Environment): void {
  env.addGlobal('t', t);
  // nunjucks' own trim uses a regex that is very slow on long indented HTML, and the nhsuk macros
  // trim rendered HTML again and again (about 40 % of render time on a chart page). Same result.
  env.addFilter('trim', (value: unknown) => {
    const trimmed = String(value ?? '').trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  env.addFilter('date', (iso: string | null | undefined) =>
    iso
      ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }).format(new Date(iso))
      : '',
  );
}

/** The trust's name for the header. Error pages must render even when the database is down. */
async function trustName(app: FastifyInstance): Promise<string> {
  try {
    const root = await app.db.selectFrom('org_units').select('name').where('parent_id', 'is', null).orderBy('id').executeTakeFirst();
    return root?.name ?? t('app.name');
  } catch {
    return t('app.name');
  }
}

export default fp(async function views(app: FastifyInstance) {
  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: TEMPLATE_PATHS,
    options: { onConfigure: configureNunjucks, autoescape: true, throwOnUndefined: false },
  });

  app.decorateReply('flash', function (this: FastifyReply, message: string) {
    this.setCookie(FLASH_COOKIE, message, { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: 'auto' });
  });

  /** Renders a page with what every layout needs: who is signed in, the navigation, CSRF token, flash. */
  app.decorateReply('page', function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    return renderPage(app, this, template, data);
  });
});

function renderPage(app: FastifyInstance, reply: FastifyReply, template: string, data: Record<string, unknown>): FastifyReply {
    const request: FastifyRequest = reply.request;
    const errors = (data.errors as FieldError[] | undefined) ?? [];
    const flashCookie = request.cookies[FLASH_COOKIE];
    let flash: string | null = null;
    if (flashCookie) {
      const unsigned = request.unsignCookie(flashCookie);
      flash = unsigned.valid ? unsigned.value : null;
      reply.clearCookie(FLASH_COOKIE, { path: '/' });
    }
    const path = request.url.split('?')[0] ?? '/';
    const render = async (): Promise<void> => {
      const html = await reply.viewAsync(template, {
        ...data,
        principal: request.principal,
        navigation: navigationFor(request.principal, path),
        csrfToken: reply.generateCsrf(),
        cspNonce: reply.cspNonce?.script,
        trustName: await trustName(app),
        flash,
        errorList: errorView(errors),
        values: data.values ?? {},
      });
      reply.type('text/html; charset=utf-8').send(html);
    };
    render().catch((err: unknown) => reply.send(err));
    return reply;
}
