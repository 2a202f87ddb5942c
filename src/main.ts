import { buildApp } from './app.ts';
import { loadConfig, ConfigError } from './config.ts';
import { openDatabase } from './platform/db/index.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { bootstrapFirstAdmin } from './features/users/service.ts';
import { createMailer } from './platform/outbox/index.ts';
import { runBackgroundWork } from './platform/worker.ts';
import { scheduledJobs } from './features/jobs.ts';

/** Starts the web server: migrate, make sure someone can sign in, listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const handle = openDatabase(config.databaseUrl);
  await migrateToLatest(handle.db);
  const firstAdmin = await bootstrapFirstAdmin(handle.db);
  const app = await buildApp(config, handle);
  const controller = new AbortController();
  if (config.runWorker) {
    // One process is enough on SQLite; with PostgreSQL and several instances, run `alongside worker` instead.
    const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir });
    void runBackgroundWork({ db: handle.db, dialect: handle.dialect, config, mailer, log: app.log, jobs: scheduledJobs }, controller.signal);
  }
  await app.listen({ port: config.port, host: config.host });
  if (firstAdmin) {
    // Printed once, to the terminal only (never to the structured log).
    process.stdout.write(
      `\nAlongside is ready at ${config.baseUrl}\nSign in as ${firstAdmin.email} with password: ${firstAdmin.password}\n` +
        `(or create your own admin: npx alongside create-admin --email you@example.org)\n\n`,
    );
  }
  const stop = async (): Promise<void> => {
    controller.abort();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
