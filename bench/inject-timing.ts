/**
 * Timing pages of the real app in this process (`app.inject`), shared by the dashboard and payments
 * benches: sign in as a user, render a page a warm-up then N times, and time a bare Fastify reply
 * of the same bytes as the baseline, so the ratio does not depend on the machine.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { DbHandle } from '../src/platform/db/index.ts';
import type { BenchDatabase } from './databases.ts';

export interface Timing {
  median: number;
  p95: number;
  bytes: number;
}

export const cookiesOf = (res: LightMyRequestResponse): string[] => (res.cookies as { name: string; value: string }[]).map((c) => `${c.name}=${c.value}`);

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<string> {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (!token) throw new Error('no CSRF token on the sign-in page');
  const res = await app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(form).join('; ') },
    payload: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  const session = cookiesOf(res).find((c) => c.includes('session='));
  if (res.statusCode !== 303 || !session) throw new Error(`sign-in failed: HTTP ${res.statusCode}`);
  return session;
}

export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export async function timed(work: () => Promise<unknown>, warmup: number, iterations: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await work();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await work();
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return ms.sort((a, b) => a - b);
}

export async function timePage(app: FastifyInstance, url: string, cookie: string, warmup: number, iterations: number): Promise<{ timing: Timing; body: string; contentType: string }> {
  let last = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  if (last.statusCode !== 200) throw new Error(`${url}: HTTP ${last.statusCode}; the figures would mean nothing`);
  const ms = await timed(
    async () => {
      last = await app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
      if (last.statusCode !== 200) throw new Error(`${url}: HTTP ${last.statusCode}`);
    },
    warmup,
    iterations,
  );
  return {
    timing: { median: percentile(ms, 50), p95: percentile(ms, 95), bytes: Buffer.byteLength(last.body) },
    body: last.body,
    contentType: String(last.headers['content-type'] ?? 'text/html; charset=utf-8'),
  };
}

export async function timeBare(body: string, contentType: string, warmup: number, iterations: number): Promise<Timing> {
  const bare = Fastify({ logger: false });
  bare.get('/', (_request, reply) => reply.type(contentType).send(body));
  await bare.ready();
  try {
    return (await timePage(bare, '/', '', warmup, iterations)).timing;
  } finally {
    await bare.close();
  }
}

/** The real app on a bench database, as in production but quiet, with no worker and no rate limit to trip. */
export async function benchApp(database: BenchDatabase, handle: DbHandle): Promise<FastifyInstance> {
  const config = {
    ...loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      BASE_URL: 'http://127.0.0.1:3000',
      LOG_LEVEL: 'silent',
      RUN_WORKER: 'false',
    }),
    rateLimitPerMinute: 1_000_000,
  };
  const app = await buildApp(config, handle, { logger: false });
  await app.ready();
  return app;
}
