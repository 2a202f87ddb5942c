import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Config } from '../config.ts';
import { dialectOf, openDatabase } from '../platform/db/index.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { migrations } from '../migrations/index.ts';
import { CliError, say } from './io.ts';

/** Tables a database must have to be one of ours. */
export const REQUIRED_TABLES = ['kysely_migration', 'org_units', 'users', 'role_grants', 'sessions', 'audit_log', 'outbox'];

const pgBackupGuidance = (file: string): string =>
  [
    'backup copies the embedded SQLite database only. For PostgreSQL use pg_dump, for example:',
    `  pg_dump --format=custom --no-owner --file=${JSON.stringify(file)} "$DATABASE_URL"`,
    'See docs/operations.md (Backups).',
  ].join('\n');

const pgRestoreGuidance = (file: string): string =>
  [
    'restore replaces the embedded SQLite database only. For PostgreSQL stop Alongside, then use',
    `  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" ${JSON.stringify(file)}`,
    `or, for a plain SQL dump: psql "$DATABASE_URL" --single-transaction --file=${JSON.stringify(file)}`,
    'See docs/operations.md (Backups).',
  ].join('\n');

function sqliteFile(config: Config): string {
  const file = config.databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:' || file === '') throw new CliError('an in-memory database cannot be backed up or restored');
  return resolve(file);
}

const sidecars = (file: string): string[] => [`${file}-wal`, `${file}-shm`, `${file}-journal`];

function removeWithSidecars(file: string): void {
  for (const f of [file, ...sidecars(file)]) rmSync(f, { force: true });
}

const kb = (file: string): string => `${Math.max(1, Math.round(statSync(file).size / 1024))} KB`;

/** Online backup: safe while the app is running (SQLite's backup API copies a consistent snapshot). */
export async function backupCommand(config: Config, file: string, flags: { force?: boolean }): Promise<void> {
  if (dialectOf(config.databaseUrl) === 'postgres') throw new CliError(pgBackupGuidance(file));
  const source = sqliteFile(config);
  const target = resolve(file);
  if (!existsSync(source)) throw new CliError(`there is no database at ${source} to back up`);
  if (target === source) throw new CliError('the backup file must not be the database itself');
  if (existsSync(target) && !flags.force) throw new CliError(`${target} already exists; choose another name or add --force to overwrite it`);
  if (!existsSync(dirname(target))) throw new CliError(`the folder ${dirname(target)} does not exist`);

  const partial = `${target}.partial`;
  removeWithSidecars(partial);
  const handle = openDatabase(config.databaseUrl);
  try {
    await handle.sqlite?.backup(partial);
  } finally {
    await handle.close();
  }
  removeWithSidecars(target);
  renameSync(partial, target);
  say(`Backed up ${source} to ${target} (${kb(target)}).`);
}

function looksLikeSqlite(file: string): boolean {
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, header, 0, 16, 0) === 16 && header.toString('latin1') === 'SQLite format 3\u0000';
  } finally {
    closeSync(fd);
  }
}

/** Checks that a copy of a backup is a sound Alongside database this version can use. */
function verifyBackup(file: string, original: string): void {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { fileMustExist: true });
  } catch {
    throw new CliError(`${original} is not a SQLite database`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new CliError(`${original} is damaged (SQLite quick_check: ${String(check)})`);
    const tables = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw new CliError(`${original} is not an Alongside database (it has no ${missing.join(', ')} table)`);
    const applied = (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name);
    const unknown = applied.filter((name) => !(name in migrations));
    if (unknown.length) throw new CliError(`${original} comes from a newer version of Alongside (migrations ${unknown.join(', ')}); upgrade first`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${original} could not be read as a SQLite database: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    db.close();
  }
}

/** True when another connection (the web server or a worker) has the database open. */
function inUse(file: string): boolean {
  const db = new SQLite(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw err;
  } finally {
    // As the last connection, closing also folds any write-ahead log back into the file.
    db.close();
  }
}

export async function restoreCommand(config: Config, file: string): Promise<void> {
  if (dialectOf(config.databaseUrl) === 'postgres') throw new CliError(pgRestoreGuidance(file));
  const target = sqliteFile(config);
  const source = resolve(file);
  if (!existsSync(source) || !statSync(source).isFile()) throw new CliError(`there is no backup file at ${source}`);
  if (source === target) throw new CliError('the backup file is the database itself');
  if (!looksLikeSqlite(source)) throw new CliError(`${source} is not a SQLite database`);

  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target) && inUse(target)) {
    throw new CliError(`the database ${target} is in use: stop Alongside (every web process and the worker), then restore again`);
  }

  // Check a copy beside the database, then swap it in with a rename, keeping the old one.
  const incoming = `${target}.restoring`;
  removeWithSidecars(incoming);
  copyFileSync(source, incoming);
  try {
    verifyBackup(incoming, source);
  } catch (err) {
    removeWithSidecars(incoming);
    throw err;
  }
  let kept: string | undefined;
  if (existsSync(target)) {
    kept = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, kept);
  }
  for (const f of sidecars(target)) rmSync(f, { force: true });
  renameSync(incoming, target);

  const handle = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) say(`Brought the restored database up to date: ${applied.join(', ')}.`);
  } finally {
    await handle.close();
  }
  say(`Restored ${target} from ${source} (${kb(target)}).`);
  if (kept) say(`The database as it was before is kept at ${kept}.`);
}
