import type { Config } from '../config.ts';
import { withDatabase } from './database.ts';
import { describeDatabase, say } from './io.ts';

export async function migrateCommand(config: Config): Promise<void> {
  await withDatabase(config, async (_handle, applied) => {
    say(`Database: ${describeDatabase(config.databaseUrl)}`);
    say(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date: no migrations to apply.');
  });
}
