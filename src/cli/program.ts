import { Command } from 'commander';
import { backupCommand, restoreCommand } from './backup.ts';
import { createAdminCommand } from './create-admin.ts';
import { cliConfig } from './database.ts';
import { migrateCommand } from './migrate.ts';
import { DEMO_PASSWORD, seedCommand } from './seed.ts';
import { spcCommand, type SpcFlags } from './spc.ts';
import { workerCommand } from './worker.ts';

/**
 * The `alongside` command. Every subcommand reads its settings (DATABASE_URL and the rest) the way
 * the web process does, and those that write to the database bring its schema up to date first.
 */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('alongside')
    .description('Alongside: co-produced quality improvement for NHS trusts.\nSettings come from the environment (DATABASE_URL, …): see README.md.')
    .showHelpAfterError('(run alongside --help for usage)');

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(() => migrateCommand(cliConfig()));

  program
    .command('create-admin')
    .description('create an admin account for the trust (password from ALONGSIDE_ADMIN_PASSWORD, or asked for with echo off)')
    .requiredOption('--email <email>', 'email address to sign in with')
    .option('--name <name>', 'full name shown in the app', 'Administrator')
    .option('--trust-name <name>', 'name of the trust, when the database has none yet')
    .action((opts: { email: string; name: string; trustName?: string }) => createAdminCommand(cliConfig(), opts));

  program
    .command('seed')
    .description('fill the database with example data')
    .option('--demo', `a demo trust: two boroughs, teams, staff and partner accounts (password "${DEMO_PASSWORD}")`)
    .action((opts: { demo?: boolean }) => seedCommand(cliConfig(), opts));

  program
    .command('worker')
    .description('deliver queued email (the outbox) until stopped with SIGINT/SIGTERM')
    .option('--once', 'deliver what is due once, then exit')
    .action((opts: { once?: boolean }) => workerCommand(cliConfig(), opts));

  program
    .command('backup')
    .description('copy the SQLite database to <file> while the app runs (PostgreSQL: use pg_dump)')
    .argument('<file>', 'where to write the backup')
    .option('--force', 'overwrite <file> if it exists')
    .action((file: string, opts: { force?: boolean }) => backupCommand(cliConfig(), file, opts));

  program
    .command('restore')
    .description('replace the SQLite database with a backup; stop the app first (PostgreSQL: use pg_restore)')
    .argument('<file>', 'a backup made by alongside backup')
    .action((file: string) => restoreCommand(cliConfig(), file));

  program
    .command('spc')
    .description('analyse a measure as a run or SPC chart: CSV in (x,value or x,numerator,denominator), JSON out')
    .option('--chart <kind>', 'run, xmr, p, c or u')
    .option('--improvement <direction>', 'increase, decrease or neutral', 'neutral')
    .option('--baseline <n>', 'freeze the limits after the first n points of each segment')
    .option('--exclude <rows>', 'rows (from 1) kept on the chart but left out of the limits, e.g. 6,20')
    .option('--rebase <rows>', 'rows (from 1) where new limits start, e.g. 13,25')
    .option('--target <t>', 'target, in the units plotted (a proportion for p, a rate for u)')
    .option('--no-screen', 'do not screen out large moving ranges (XmR), as the Excel tools do')
    .option('--input <file>', 'CSV file to read (default: standard input)')
    // A bad option is a one-line error here, like bad input, so scripts can show it as it is.
    .showHelpAfterError(false)
    .action((opts: SpcFlags) => spcCommand(opts));

  return program;
}
