import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createTestApp, createUser, seedOrg, type TestApp } from '../support/app.ts';

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

/** Runs axe-core in the page for WCAG 2.2 A and AA and fails on any violation. */
export async function expectAccessible(page: Page): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's strict CSP need not be relaxed for it.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  });
  const problems = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(problems, `accessibility problems on ${page.url()}`).toEqual([]);
}
