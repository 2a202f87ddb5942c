import type { ServiceContext } from '../../platform/context.ts';
import { isRecordId } from '../../platform/db/index.ts';
import type { Meeting, MeetingSeries, OrgUnit, SeriesMemberRole } from '../../platform/db/types.ts';
import { NotFoundError } from '../../platform/errors/index.ts';
import { can, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';

export interface SeriesAccess {
  series: MeetingSeries;
  unit: OrgUnit;
  /** The user's own membership of the series (as staff, or through their register entry). */
  membership: { role: SeriesMemberRole } | null;
  /** Staff who see the series through a role on its unit (they see every meeting and the action log). */
  staff: boolean;
  /**
   * May run the series: staff with meetings:manage on its unit, or a chair or co-chair — so a
   * person with lived experience can co-chair and take attendance or write minutes as an equal.
   */
  canManage: boolean;
}

export interface MeetingAccess extends SeriesAccess {
  meeting: Meeting;
}

const CHAIRS: readonly SeriesMemberRole[] = ['chair', 'co_chair'];

/**
 * The one place that decides who may see and run a meeting series and its meetings. Every meetings,
 * invitations, minutes and insights service that touches one series calls this first. A series the
 * user may not see, or may see but not run when running is needed, is a 404.
 */
export async function seriesAccess(ctx: ServiceContext, seriesId: number, need: 'view' | 'manage' = 'view'): Promise<SeriesAccess> {
  const principal = requireSignedIn(ctx.principal);
  if (!isRecordId(seriesId)) throw new NotFoundError();
  const series = await ctx.db.selectFrom('meeting_series').selectAll().where('id', '=', seriesId).executeTakeFirst();
  if (!series) throw new NotFoundError();
  const unit = await ctx.db.selectFrom('org_units').selectAll().where('id', '=', series.unit_id).executeTakeFirstOrThrow();
  const membership = await membershipOf(ctx, principal, seriesId);
  const staff = can(principal, 'meetings:view', unit);
  if (!staff && !membership) throw new NotFoundError();
  const canManage = can(principal, 'meetings:manage', unit) || (membership !== null && CHAIRS.includes(membership.role));
  if (need === 'manage' && !canManage) throw new NotFoundError();
  return { series, unit, membership, staff, canManage };
}

export async function meetingAccess(ctx: ServiceContext, meetingId: number, need: 'view' | 'manage' = 'view'): Promise<MeetingAccess> {
  requireSignedIn(ctx.principal);
  if (!isRecordId(meetingId)) throw new NotFoundError();
  const meeting = await ctx.db.selectFrom('meetings').selectAll().where('id', '=', meetingId).executeTakeFirst();
  if (!meeting) throw new NotFoundError();
  return { ...(await seriesAccess(ctx, meeting.series_id, need)), meeting };
}

/** The strongest membership the user holds in the series, directly or through their register entry. */
async function membershipOf(ctx: ServiceContext, principal: Principal, seriesId: number): Promise<{ role: SeriesMemberRole } | null> {
  const rows = await ctx.db
    .selectFrom('series_members')
    .leftJoin('people', 'people.id', 'series_members.person_id')
    .select('series_members.role')
    .where('series_members.series_id', '=', seriesId)
    .where((eb) => eb.or([eb('series_members.user_id', '=', principal.userId), eb('people.user_id', '=', principal.userId)]))
    .execute();
  if (rows.length === 0) return null;
  return { role: rows.find((r) => CHAIRS.includes(r.role))?.role ?? rows[0]!.role };
}

/**
 * Which series a user sees in lists: those in units where they have meetings:view (path prefixes),
 * and those they belong to (series ids). Lists filter with both in SQL.
 */
export async function seriesScope(ctx: ServiceContext): Promise<{ prefixes: string[]; memberOf: number[] }> {
  const principal = requireSignedIn(ctx.principal);
  const rows = await ctx.db
    .selectFrom('series_members')
    .leftJoin('people', 'people.id', 'series_members.person_id')
    .select('series_members.series_id')
    .where((eb) => eb.or([eb('series_members.user_id', '=', principal.userId), eb('people.user_id', '=', principal.userId)]))
    .distinct()
    .execute();
  return { prefixes: scopePaths(principal, 'meetings:view'), memberOf: rows.map((r) => r.series_id) };
}
