import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD, createTestApp, createUser, seedOrg, type TestApp } from '../support/app.ts';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Debian's Chromium, never a test tool's own download. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface RunningApp {
  t: TestApp;
  baseUrl: string;
  org: Awaited<ReturnType<typeof seedOrg>>;
  close(): Promise<void>;
}

/** The real app listening on a random localhost port, with a small organisation and an admin. */
export async function startApp(): Promise<RunningApp> {
  const t = await createTestApp();
  const org = await seedOrg(t.db);
  await createUser(t.db, 'admin@example.org', [{ unitId: org.trust.id, role: 'admin' }], 'Ada Admin');
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return { t, org, baseUrl: `http://127.0.0.1:${port}`, close: () => t.close() };
}

/** Runs axe-core in the page for WCAG 2.2 A and AA and answers its violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP need not be relaxed for it.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  });
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Runs axe-core in the page for WCAG 2.2 A and AA and fails on any violation. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page), `accessibility problems on ${page.url()}`).toEqual([]);
}

/** Lena Lead (lena@example.org), the involvement lead for North borough; returns her user id. */
export async function createLead(app: RunningApp): Promise<number> {
  return createUser(app.t.db, 'lena@example.org', [{ unitId: app.org.north.id, role: 'lead' }], 'Lena Lead');
}

/** Quinn QI (quinn@example.org), QI staff in the North team; returns their user id. */
export async function createQiStaff(app: RunningApp): Promise<number> {
  return createUser(app.t.db, 'quinn@example.org', [{ unitId: app.org.northTeam.id, role: 'qi_staff' }], 'Quinn QI');
}

/**
 * A new page (in the browser or a context of it) that waits at most ten seconds and adds every
 * Content Security Policy error in its console to cspErrors, for the test to check is empty.
 */
export async function openPage(from: Browser | BrowserContext, cspErrors: string[]): Promise<Page> {
  const page = await from.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) cspErrors.push(msg.text());
  });
  return page;
}

/** Signs in with the keyboard through the sign-in page (dropping any earlier session) and waits for the home page. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForURL(`${baseUrl}/`);
}

/** Chooses the option whose text contains the words (options may be indented to show a tree). */
export async function selectByText(page: Page, label: string, text: string): Promise<void> {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value ?? '');
}

/** Waits for the error summary and answers its text. */
export async function errorSummary(page: Page): Promise<string> {
  await expect.poll(() => page.locator('.nhsuk-error-summary').isVisible()).toBe(true);
  return (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
}

/** The notification banner's text (empty when there is none). */
export async function banner(page: Page): Promise<string> {
  return (await page.locator('.nhsuk-notification-banner').textContent()) ?? '';
}

/** The page's heading. */
export async function h1(page: Page): Promise<string> {
  return ((await page.locator('h1').textContent()) ?? '').trim();
}
