import type { Kysely } from 'kysely';

/** Workshops, challenges, votes, promises to self, supporters and check-ins (issue 7). */
export async function up(_db: Kysely<unknown>): Promise<void> {
  // Filled in by the workshops feature.
}

export async function down(_db: Kysely<unknown>): Promise<void> {}
