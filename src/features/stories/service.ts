import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, Naming } from '../../platform/db/types.ts';
import { scopePaths, type Permission, type Principal } from '../../platform/rbac/index.ts';

/*
 * Feedback stories. This file is the one way other features reach stories (DESIGN: a feature
 * imports another only through its service.ts). The rules every story feature shares are here:
 * how a teller is named, what the public may see, and which stories a member of staff may see.
 */

/**
 * The name shown with a story, from how the teller asked to be named. A moderator may still edit
 * the result (public_name) before publishing.
 */
export function publicNameFor(naming: Naming, tellerName: string | null | undefined, anonymous: string): string {
  const words = (tellerName ?? '').trim().split(/\s+/).filter(Boolean);
  if (naming === 'anonymous' || words.length === 0) return anonymous;
  if (naming === 'full_name') return words.join(' ');
  if (naming === 'first_name') return words[0] as string;
  return words.map((w) => `${w.charAt(0).toUpperCase()}.`).join(' ');
}

/**
 * The public site shows a story only when it is published and the teller agreed to publication.
 * A published story without that consent still goes to the teams it is about. Erasure withdraws
 * consent, so an erased story leaves the public site too.
 */
export function onPublicSite(eb: ExpressionBuilder<Database, 'stories'>): Expression<SqlBool> {
  return eb.and([eb('stories.status', '=', 'published'), eb('stories.consent_publish', '=', 1)]);
}

/**
 * Stories about a unit in the principal's scope for the permission: the story's own unit or any
 * unit the moderator tagged it with, at or below one of the principal's units.
 */
export function storyInScope(eb: ExpressionBuilder<Database, 'stories'>, principal: Principal, permission: Permission): Expression<SqlBool> {
  return storyUnderPaths(eb, scopePaths(principal, permission));
}

/** Stories about a unit at or below any of these unit paths (see storyInScope). */
export function storyUnderPaths(eb: ExpressionBuilder<Database, 'stories'>, paths: string[]): Expression<SqlBool> {
  if (paths.length === 0) return eb.val(false);
  return eb.or([
    eb.exists(
      eb.selectFrom('org_units as main_u').select('main_u.id').whereRef('main_u.id', '=', 'stories.unit_id')
        .where((u) => u.or(paths.map((p) => u('main_u.path', 'like', `${p}%`)))),
    ),
    eb.exists(
      eb.selectFrom('story_units as su').innerJoin('org_units as su_u', 'su_u.id', 'su.unit_id').select('su.story_id')
        .whereRef('su.story_id', '=', 'stories.id')
        .where((u) => u.or(paths.map((p) => u('su_u.path', 'like', `${p}%`)))),
    ),
  ]);
}
