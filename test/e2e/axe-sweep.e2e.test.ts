import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_DEFAULTS, guessMapping } from '../../src/features/people-import/mapping.ts';
import { sha256 } from '../../src/platform/auth/crypto.ts';
import type { TokenPurpose } from '../../src/platform/db/types.ts';
import { MATRIX_EMAILS, concreteUrl, createMatrixUsers, seedMatrixRecords, type MatrixRecords, type SignedInRole } from '../integration/matrix-fixture.ts';
import { axeViolations, launchBrowser, signIn, startApp, type RunningApp } from './support.ts';

/**
 * Axe on every page: each registered GET route that answers an HTML page is opened in Chromium,
 * with the access matrix's records behind it, as the first user who may see it, and checked
 * against WCAG 2.2 A and AA. All problems are gathered and reported together at the end.
 */

/** Who tries each page, most privileged first; the first to get a 200 HTML page checks it. */
const VISITORS = ['admin', 'lead', 'staff', 'partner', 'anonymous'] as const;
type Visitor = (typeof VISITORS)[number];

/** Not pages: the JSON API, static files, health probes and downloads named by their suffix. */
const NOT_PAGES = [/^\/api\//, /^\/(assets|css|js|public)\//, /^\/(health|ready)$/, /\.(csv|xlsx|json)$/];

/** Downloads whose URL does not say so; the sweep checks they answer something other than HTML. */
const DOWNLOADS = new Set(['/admin/users/:id/export', '/people/:id/export', '/meetings/:id/papers/:paperId', '/finance/exports/:id.csv', '/claims/:id/receipts/:receiptId', '/my-claims/:id/receipts/:receiptId']);

/**
 * Pages the sweep cannot reach, each with the reason. Keep this as short as possible: a page
 * here has no automatic accessibility check.
 */
const SKIP = new Map<string, string>([]);

/** Pages that look different enough to someone else to be checked again as them too. */
const ALSO_AS: [string, Visitor][] = [
  // The partner's home page and their own register entry (the admin has none).
  ['/', 'partner'],
  ['/my-involvement', 'partner'],
  // The public side of opportunities, with the short form for people not signed in.
  ['/opportunities', 'anonymous'],
  ['/opportunities/:id', 'anonymous'],
  ['/opportunities/:id/interest-form', 'anonymous'],
  // The answer link of a meeting invitation, opened from the message without signing in.
  ['/rsvp/:token', 'anonymous'],
  // Minutes published to everyone, read without signing in.
  ['/minutes/:id', 'anonymous'],
  // The partner's own claims and claim form (the admin has no register entry, so sees "not found in the register").
  ['/my-claims', 'partner'],
  ['/my-claims/new', 'partner'],
  // The public story form and its thank-you page as a member of the public sees them.
  ['/stories/new', 'anonymous'],
  ['/stories/new/thanks', 'anonymous'],
  // The public stories list with the header for people not signed in (the pages are the same for everyone).
  ['/stories', 'anonymous'],
  // A workshop and its live results as a participant sees them (the admin sees them as an organiser).
  ['/workshops/:id', 'partner'],
  ['/workshops/:id/results', 'partner'],
  // The participant's own promises with the check-in form, and a supporter's view with the encouragement form.
  ['/my-promises', 'partner'],
  ['/my-promises', 'staff'],
];

/** Valid single-use tokens, so the token pages show their form rather than "link expired". */
const TOKENS: Partial<Record<string, { secret: string; purpose: TokenPurpose }>> = {
  '/sign-in/link/:token': { secret: 'axe-sweep-magic-link-token-0123456789abcdefghijkl', purpose: 'magic_link' },
  '/reset-password/:token': { secret: 'axe-sweep-reset-token-0123456789abcdefghijklmnopq', purpose: 'password_reset' },
  '/invitation/:token': { secret: 'axe-sweep-invitation-token-0123456789abcdefghijklm', purpose: 'invite' },
};

describe('axe on every page', () => {
  let app: RunningApp;
  let records: MatrixRecords;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startApp();
    const { t, org } = app;
    const admin = await t.db.db.selectFrom('users').select('id').where('email', '=', MATRIX_EMAILS.admin).executeTakeFirstOrThrow();
    const users = await createMatrixUsers(t, org, { admin: admin.id });
    records = await seedMatrixRecords(t, org, users);
    // The invitation is for a user who has not chosen a password yet; the other links are the staff user's.
    const invited = (
      await t.db.db
        .insertInto('users')
        .values({ email: 'invited@example.org', name: 'Ivy Invited', password_hash: null, failed_sign_ins: 0, created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const now = Date.now();
    for (const token of Object.values(TOKENS)) {
      if (!token) continue;
      const { secret, purpose } = token;
      await t.db.db
        .insertInto('sign_in_tokens')
        .values({
          token_hash: sha256(secret),
          user_id: purpose === 'invite' ? invited : users.staff,
          purpose,
          created_at: new Date(now).toISOString(),
          expires_at: new Date(now + 3_600_000).toISOString(),
        })
        .execute();
    }
    // The imports still to do have their columns mapped, so their preview step shows too.
    await t.db.db
      .updateTable('people_imports')
      .set({ mapping: JSON.stringify({ columns: guessMapping(['Name', 'Email']), defaults: { ...INITIAL_DEFAULTS } }) })
      .where('imported_at', 'is', null)
      .execute();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('finds no WCAG 2.2 AA problems on any HTML page', { timeout: 900_000 }, async () => {
    const gets = app.t.app.routeList.filter((r) => r.method === 'GET' && !NOT_PAGES.some((re) => re.test(r.url))).map((r) => r.url);
    // A download may also be named by its suffix (e.g. .csv): it is still checked to answer a file.
    const allGets = app.t.app.routeList.filter((r) => r.method === 'GET').map((r) => r.url);
    const stale = [...SKIP.keys(), ...DOWNLOADS].filter((url) => !allGets.includes(url));
    expect(stale, 'these SKIP or DOWNLOADS entries have no GET route').toEqual([]);
    const pages = gets.filter((url) => !SKIP.has(url) && !DOWNLOADS.has(url));

    const url = (route: string, role: Visitor): string => {
      const token = TOKENS[route];
      return concreteUrl(token ? route.replace(':token', token.secret) : route, records, role);
    };
    const checked = new Map<string, Visitor>();
    const downloadsSeen = new Set<string>();
    const problems: string[] = [];

    /** Opens the route as the signed-in role; answers false when it is not a 200 for them (redirects are not followed). */
    const visit = async (route: string, role: Visitor): Promise<boolean> => {
      const target = url(route, role);
      const res = await page.request.get(`${app.baseUrl}${target}`, { maxRedirects: 0 });
      if (res.status() !== 200) return false;
      const type = res.headers()['content-type'] ?? '';
      if (DOWNLOADS.has(route) || !type.startsWith('text/html')) {
        if (!DOWNLOADS.has(route)) problems.push(`${target} (${route}) answers ${type}: add it to DOWNLOADS if it is a download`);
        else if (type.startsWith('text/html')) problems.push(`${target} (${route}) is listed as a download but answers an HTML page`);
        return true;
      }
      await page.goto(`${app.baseUrl}${target}`);
      if (new URL(page.url()).pathname !== target.split('?')[0]) problems.push(`${target} (as ${role}) went on to ${page.url()}`);
      const violations = await axeViolations(page);
      if (violations.length > 0) problems.push(`${target} (as ${role}):\n    ${violations.join('\n    ')}`);
      return true;
    };

    for (const role of VISITORS) {
      if (role === 'anonymous') await page.context().clearCookies();
      else await signIn(page, app.baseUrl, MATRIX_EMAILS[role as SignedInRole]);
      for (const route of [...pages, ...DOWNLOADS]) {
        if (checked.has(route) || downloadsSeen.has(route)) continue;
        if (!(await visit(route, role))) continue;
        if (DOWNLOADS.has(route)) downloadsSeen.add(route);
        else checked.set(route, role);
      }
      for (const [route, also] of ALSO_AS) {
        if (also === role && !(await visit(route, role))) problems.push(`${route}: listed in ALSO_AS for ${role}, who does not get it`);
      }
    }

    const unreached = pages.filter((route) => !checked.has(route));
    for (const route of unreached) problems.push(`${route}: no visitor got a 200 HTML page (make a record it can show, or SKIP it with the reason)`);
    for (const route of DOWNLOADS) if (!downloadsSeen.has(route)) problems.push(`${route}: listed as a download, but no visitor could download it`);
    expect(problems, `accessibility sweep problems:\n${problems.join('\n')}\n`).toEqual([]);
    // Every HTML GET route but the skipped ones was opened and checked: the sweep cannot pass by checking nothing.
    expect(pages.length).toBeGreaterThan(50);
    expect(checked.size).toBeGreaterThanOrEqual(pages.length);
  });
});
