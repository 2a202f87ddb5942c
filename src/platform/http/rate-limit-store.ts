import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A @fastify/rate-limit store kept in the database (fixed windows), so that N instances behind a
 * load balancer share one count per client instead of allowing N times the attempts.
 * One upsert per counted request: it starts a new window when the old one has ended.
 */
export function databaseRateLimitStore(db: Db) {
  return class DatabaseStore {
    async count(key: string, timeWindow: number): Promise<{ current: number; ttl: number }> {
      const now = Date.now();
      const row = await db
        .insertInto('rate_limits')
        .values({ key, window_start_ms: now, count: 1 })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`CASE WHEN rate_limits.window_start_ms + ${timeWindow} <= ${now} THEN 1 ELSE rate_limits.count + 1 END`,
            window_start_ms: sql<number>`CASE WHEN rate_limits.window_start_ms + ${timeWindow} <= ${now} THEN ${now} ELSE rate_limits.window_start_ms END`,
          }),
        )
        .returning(['count', 'window_start_ms'])
        .executeTakeFirstOrThrow();
      return { current: Number(row.count), ttl: Math.max(0, Number(row.window_start_ms) + timeWindow - now) };
    }

    incr(key: string, cb: Callback, timeWindow: number): void {
      this.count(key, timeWindow).then((r) => cb(null, r), (err: Error) => cb(err));
    }

    child(): DatabaseStore {
      return new DatabaseStore();
    }
  };
}

/** Housekeeping: forget windows that ended long ago. */
export async function pruneRateLimits(db: Db, olderThanMs = 3_600_000): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start_ms', '<', Date.now() - olderThanMs).execute();
}
