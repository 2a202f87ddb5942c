import type { Config } from '../config.ts';
import { createMailer, deliverDue } from '../platform/outbox/index.ts';
import { scheduledJobs } from '../features/jobs.ts';
import { runBackgroundWork } from '../platform/worker.ts';
import { withDatabase } from './database.ts';
import { say } from './io.ts';

/**
 * Delivers the outbox: once (`--once`, e.g. from cron), or until SIGINT/SIGTERM.
 * Any number of workers may run against one PostgreSQL: messages are claimed with SKIP LOCKED.
 */
export async function workerCommand(config: Config, flags: { once?: boolean }): Promise<void> {
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir });
  const where = config.smtpUrl ? 'by SMTP' : `to files in ${config.dataDir}/mail (SMTP_URL is not set)`;
  await withDatabase(config, async ({ db, dialect }) => {
    if (flags.once) {
      const report = await deliverDue(db, dialect, mailer, config.mailFrom);
      say(`Outbox: ${report.sent} sent, ${report.failed} failed (will be retried) — delivered ${where}.`);
      return;
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // The worker sleeps on unref'd timers; this keeps the process alive until we are told to stop.
    const keepAlive = setInterval(() => undefined, 60_000);
    say(`Worker started: delivering email ${where}. Stop with Ctrl-C or SIGTERM.`);
    try {
      const log = {
        info: (obj: object, msg: string) => say(`${msg}: ${JSON.stringify(obj)}`),
        error: (obj: object, msg: string) => say(`${msg}: ${String((obj as { err?: unknown }).err)}`),
      };
      await runBackgroundWork({ db, dialect, config, mailer, log, jobs: scheduledJobs }, controller.signal);
    } finally {
      clearInterval(keepAlive);
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    say('Worker stopped.');
  });
}
