import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type DbHandle } from '../platform/db/index.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';

/** Config from the environment (DATABASE_URL and friends), exactly as the web process reads it. */
export function cliConfig(): Config {
  return loadConfig();
}

/** Opens the configured database (migrating it first unless told not to), runs fn, always closes. */
export async function withDatabase<T>(
  config: Config,
  fn: (handle: DbHandle, applied: string[]) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const handle = openDatabase(config.databaseUrl);
  try {
    const applied = options.migrate === false ? [] : await migrateToLatest(handle.db);
    return await fn(handle, applied);
  } finally {
    await handle.close();
  }
}
