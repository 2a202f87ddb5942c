import type { Config } from '../config.ts';
import type { ServiceContext } from './context.ts';
import { pruneExpiredSessions } from './auth/sessions.ts';
import type { Db, Dialect } from './db/index.ts';
import { pruneRateLimits } from './http/rate-limit-store.ts';
import { pruneOrphanFiles } from './files/index.ts';
import { deliverDue, type Mailer } from './outbox/index.ts';

export interface WorkerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const HOUSEKEEPING_EVERY_MS = 10 * 60_000;

/**
 * Periodic work a feature asks the worker to do (story digests, promise reminders). Each run must
 * be safe to repeat and to run on several workers at once: what it sends goes through the outbox
 * with an idempotency key, so a second run finds nothing new to send. Listed in src/features/jobs.ts.
 */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  /** Returns counts worth logging (e.g. { digests: 3 }); all zero is not logged. */
  run(ctx: ServiceContext, now: Date): Promise<Record<string, number>>;
}

/**
 * The background worker: delivers the outbox every few seconds and, every ten minutes, deletes
 * expired sessions and sign-in tokens. Runs until the signal aborts. Safe to run on several
 * machines at once (outbox rows are claimed; deletes are idempotent).
 */
export async function runBackgroundWork(
  deps: { db: Db; dialect: Dialect; config: Config; mailer: Mailer; log: WorkerLog; jobs?: readonly ScheduledJob[] },
  signal: AbortSignal,
  intervalMs = 2000,
): Promise<void> {
  const { db, dialect, config, mailer, log, jobs = [] } = deps;
  let lastHousekeeping = 0;
  const lastRun = new Map<string, number>();
  while (!signal.aborted) {
    try {
      const report = await deliverDue(db, dialect, mailer, config.mailFrom);
      if (report.sent || report.failed) log.info(report, 'outbox delivery');
      if (Date.now() - lastHousekeeping > HOUSEKEEPING_EVERY_MS) {
        await pruneExpiredSessions(db, { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs });
        await pruneRateLimits(db);
        // Uploaded registers the lead never imported (people import, migration 009).
        await db.deleteFrom('people_imports').where('expires_at', '<', new Date().toISOString()).execute();
        await pruneOrphanFiles(db);
        lastHousekeeping = Date.now();
      }
      for (const job of jobs) {
        if (Date.now() - (lastRun.get(job.name) ?? 0) < job.everyMs) continue;
        const counts = await job.run({ db, dialect, config, principal: null, ip: null }, new Date());
        if (Object.values(counts).some((n) => n > 0)) log.info(counts, job.name);
        lastRun.set(job.name, Date.now());
      }
    } catch (err) {
      // The database may be briefly unavailable; say so and try again on the next tick.
      log.error({ err }, 'background work failed; retrying');
    }
    await new Promise((r) => setTimeout(r, intervalMs).unref());
  }
}
