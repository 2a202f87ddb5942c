import type { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { newSecret, sha256 } from '../../platform/auth/crypto.ts';
import { auditContext, type ServiceContext } from '../../platform/context.ts';
import { isRecordId, nowIso } from '../../platform/db/index.ts';
import type { Match, MatchStatus, Opportunity, OrgUnit, Person } from '../../platform/db/types.ts';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../../platform/errors/index.ts';
import { t } from '../../platform/i18n/index.ts';
import { enqueueForPerson } from '../../platform/outbox/index.ts';
import { can, requireInScope, requirePermission, requireSignedIn, scopePaths, type Principal } from '../../platform/rbac/index.ts';
import { shownName } from '../people/naming.ts';
import { isContactable } from '../people/service.ts';
import { londonDate, projectAccess } from '../projects/service.ts';
import { rankCandidates, scoreCandidate, type Fit } from './matching.ts';
import * as q from './queries.ts';
import { addMatchSchema, interestFormSchema, opportunitySchema, respondSchema, type InterestFormInput, type OpportunityInput } from './schemas.ts';
import { unitsUnder } from '../org/service.ts';

export const PAGE_SIZE = 25;
/** Suggestions shown on the matching page. */
export const SUGGESTIONS_SHOWN = 50;
export const RESPONSE_DAYS = 14;

export type { OpportunityRow, MatchRow, Wanted } from './queries.ts';
export type { Reason } from './matching.ts';

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

const today = (): string => londonDate();

// ---- Who may do what

export interface OpportunityAccess {
  opportunity: q.OpportunityRow;
  wanted: q.Wanted;
  /** May change and close it, and see who joined: opportunities:manage on its unit, its owner, or its project's team. */
  canManage: boolean;
  /** May see the people matched to it: the involvement lead (people:manage on its unit) or its owner. */
  canSeeMatches: boolean;
  /** May suggest, offer, start and end: the involvement lead. */
  canMatch: boolean;
  /** Open and not past its closing date. */
  isOpen: boolean;
}

async function editsProject(ctx: ServiceContext, projectId: number | null): Promise<boolean> {
  if (projectId == null) return false;
  try {
    return (await projectAccess(ctx, projectId, 'view')).canEdit;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

/**
 * The one place that decides who sees an opportunity: anyone for a public one, anyone signed in
 * for the others. A missing one, or an id out of range, is a 404.
 */
export async function opportunityAccess(ctx: ServiceContext, id: number): Promise<OpportunityAccess> {
  const opportunity = isRecordId(id) ? await q.opportunityById(ctx.db, id) : undefined;
  if (!opportunity) throw new NotFoundError();
  const principal = ctx.principal;
  if (!principal && opportunity.is_public !== 1) throw new UnauthenticatedError();
  const unit = { path: opportunity.unit_path };
  const owner = principal != null && opportunity.created_by === principal.userId;
  const canManage = principal != null && (owner || can(principal, 'opportunities:manage', unit) || (await editsProject(ctx, opportunity.project_id)));
  const canMatch = can(principal, 'people:manage', unit);
  return {
    opportunity,
    wanted: await q.attributesOf(ctx.db, id),
    canManage,
    canSeeMatches: canMatch || owner,
    canMatch,
    isOpen: opportunity.status === 'open' && (opportunity.closes_on == null || opportunity.closes_on >= today()),
  };
}

async function manageAccess(ctx: ServiceContext, id: number): Promise<OpportunityAccess> {
  requireSignedIn(ctx.principal);
  const access = await opportunityAccess(ctx, id);
  if (!access.canManage) throw new NotFoundError();
  return access;
}

async function matchAccess(ctx: ServiceContext, id: number): Promise<OpportunityAccess> {
  requireSignedIn(ctx.principal);
  const access = await opportunityAccess(ctx, id);
  if (!access.canMatch) throw new NotFoundError();
  return access;
}

// ---- Listing and reading

export async function listOpportunities(ctx: ServiceContext, before?: number): Promise<{ opportunities: q.OpportunityRow[]; nextBefore: number | null }> {
  const principal = ctx.principal;
  const rows = await q.listOpportunities(ctx.db, {
    signedIn: principal != null,
    prefixes: principal ? scopePaths(principal, 'opportunities:manage') : [],
    userId: principal?.userId ?? null,
    today: today(),
    before: before && isRecordId(before) ? before : undefined,
    limit: PAGE_SIZE + 1,
  });
  const more = rows.length > PAGE_SIZE;
  const page = rows.slice(0, PAGE_SIZE);
  return { opportunities: page, nextBefore: more ? (page.at(-1)?.id ?? null) : null };
}

/** Most opportunities a project page lists. */
const PROJECT_OPPORTUNITIES_LIMIT = 50;

export interface ProjectOpportunity {
  id: number;
  title: string;
  status: Opportunity['status'];
  places: number;
  closesOn: string | null;
  /** Open and not past its closing date. */
  isOpen: boolean;
}

/**
 * The project page's "partners wanted": the opportunities posted for a project the user may see
 * (newest first), and whether they may ask for another (they can edit the project).
 */
export async function opportunitiesForProject(ctx: ServiceContext, projectId: number): Promise<{ opportunities: ProjectOpportunity[]; canAsk: boolean }> {
  const access = await projectAccess(ctx, projectId, 'view');
  const rows = await q.opportunitiesOfProject(ctx.db, projectId, PROJECT_OPPORTUNITIES_LIMIT);
  const now = today();
  return {
    opportunities: rows.map((o) => ({
      id: o.id,
      title: o.title,
      status: o.status,
      places: o.places,
      closesOn: o.closes_on,
      isOpen: o.status === 'open' && (o.closes_on == null || o.closes_on >= now),
    })),
    canAsk: access.canEdit,
  };
}

/** Who joined (accepted, started or ended), by the names they chose to be shown by. For those who manage the opportunity. */
export async function whoJoined(ctx: ServiceContext, access: OpportunityAccess): Promise<{ name: string; status: MatchStatus; startedOn: string | null }[]> {
  if (!access.canManage) return [];
  const rows = await q.matchesOf(ctx.db, access.opportunity.id, ['accepted', 'started', 'ended']);
  return rows.map((m) => ({ name: shownName(m), status: m.status, startedOn: m.started_on }));
}

/** Can the signed-in user express interest with one click (they have a register entry), and have they already? */
export async function myInterest(ctx: ServiceContext, opportunityId: number): Promise<{ hasPerson: boolean; match: Match | undefined }> {
  if (!ctx.principal) return { hasPerson: false, match: undefined };
  const person = await q.personForUser(ctx.db, ctx.principal.userId);
  if (!person) return { hasPerson: false, match: undefined };
  const match = await ctx.db.selectFrom('matches').selectAll().where('opportunity_id', '=', opportunityId).where('person_id', '=', person.id).executeTakeFirst();
  return { hasPerson: true, match };
}

// ---- Posting

export interface PostingContext {
  /** Fixed by the project or group it is posted for; otherwise chosen from `units`. */
  unit?: OrgUnit | undefined;
  projectId?: number | undefined;
  projectTitle?: string | undefined;
  groupId?: number | undefined;
  units: OrgUnit[];
}

/** Where a new opportunity goes: a project the user can edit, a group in a unit they manage opportunities in, or a unit they choose. */
export async function postingContext(ctx: ServiceContext, opts: { projectId?: unknown; groupId?: unknown }): Promise<PostingContext> {
  const principal = requireSignedIn(ctx.principal);
  const projectId = Number(opts.projectId);
  if (opts.projectId != null && opts.projectId !== '') {
    const access = await projectAccess(ctx, projectId, 'edit');
    return { unit: access.unit, projectId, projectTitle: access.project.title, units: [] };
  }
  if (opts.groupId != null && opts.groupId !== '') {
    const groupId = Number(opts.groupId);
    const unit = isRecordId(groupId) ? await q.groupUnit(ctx.db, groupId) : undefined;
    requireInScope(principal, 'opportunities:manage', unit);
    return { unit, groupId, units: [] };
  }
  requirePermission(principal, 'opportunities:manage');
  return { units: await unitsUnder(ctx.db, scopePaths(principal, 'opportunities:manage')) };
}

function wantedOf(input: OpportunityInput): q.Wanted {
  return { interests: input.interests, availability: input.availability, relationships: input.relationships, venueAccess: input.venueAccess };
}

export async function createOpportunity(ctx: ServiceContext, raw: Record<string, unknown>): Promise<Opportunity> {
  const principal = requireSignedIn(ctx.principal);
  const posting = await postingContext(ctx, { projectId: raw.projectId, groupId: raw.groupId });
  const input = parse(opportunitySchema, raw);
  let unit = posting.unit;
  if (!unit) {
    if (input.unitId == null) throw ValidationError.one('unitId', 'errors.opportunities.unitRequired');
    unit = posting.units.find((u) => u.id === input.unitId);
    if (!unit || !can(principal, 'opportunities:manage', unit)) throw ValidationError.one('unitId', 'errors.opportunities.unitRequired');
  }
  const now = nowIso();
  const unitId = unit.id;
  return ctx.db.transaction().execute(async (trx) => {
    const opportunity = await trx
      .insertInto('opportunities')
      .values({
        unit_id: unitId,
        project_id: posting.projectId ?? null,
        group_id: posting.groupId ?? null,
        title: input.title,
        description: input.description,
        when_where: input.whenWhere ?? null,
        time_commitment: input.timeCommitment ?? null,
        places: input.places,
        lived_experience: input.livedExperience ?? null,
        payment_offered: input.paymentOffered,
        closes_on: input.closesOn ?? null,
        is_public: input.isPublic ? 1 : 0,
        status: 'open',
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
        filled_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await q.replaceAttributes(trx, opportunity.id, wantedOf(input));
    await audit(trx, auditContext(ctx), {
      action: 'opportunity.created',
      entityType: 'opportunity',
      entityId: opportunity.id,
      details: { unitId, projectId: posting.projectId ?? null, groupId: posting.groupId ?? null, public: input.isPublic },
    });
    return opportunity;
  });
}

export async function opportunityForEdit(ctx: ServiceContext, id: number): Promise<OpportunityAccess> {
  return manageAccess(ctx, id);
}

export async function updateOpportunity(ctx: ServiceContext, id: number, raw: Record<string, unknown>): Promise<void> {
  const access = await manageAccess(ctx, id);
  const input = parse(opportunitySchema, raw);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('opportunities')
      .set({
        title: input.title,
        description: input.description,
        when_where: input.whenWhere ?? null,
        time_commitment: input.timeCommitment ?? null,
        places: input.places,
        lived_experience: input.livedExperience ?? null,
        payment_offered: input.paymentOffered,
        closes_on: input.closesOn ?? null,
        is_public: input.isPublic ? 1 : 0,
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    await q.replaceAttributes(trx, id, wantedOf(input));
    if (access.opportunity.status !== 'closed') await refreshFilled(trx, id);
    await audit(trx, auditContext(ctx), { action: 'opportunity.updated', entityType: 'opportunity', entityId: id });
  });
}

export async function closeOpportunity(ctx: ServiceContext, id: number): Promise<void> {
  const access = await manageAccess(ctx, id);
  if (access.opportunity.status === 'closed') return;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('opportunities').set({ status: 'closed', updated_at: nowIso() }).where('id', '=', id).execute();
    await audit(trx, auditContext(ctx), { action: 'opportunity.closed', entityType: 'opportunity', entityId: id });
  });
}

/** Open ↔ filled as places are taken and given up; a closed opportunity stays closed. */
async function refreshFilled(db: Parameters<typeof q.placesTaken>[0], id: number): Promise<void> {
  const opp = await db.selectFrom('opportunities').select(['status', 'places']).where('id', '=', id).executeTakeFirstOrThrow();
  if (opp.status === 'closed') return;
  const taken = await q.placesTaken(db, id);
  const status = taken >= opp.places ? 'filled' : 'open';
  if (status !== opp.status) {
    await db
      .updateTable('opportunities')
      .set({ status, filled_at: status === 'filled' ? nowIso() : null, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }
}

// ---- Expressing interest

function requireOpen(access: OpportunityAccess): void {
  if (!access.isOpen) throw ValidationError.one('opportunity', 'errors.opportunities.notOpen');
}

/**
 * A partner with a register entry says they are interested. Returns false when the user has no
 * register entry (the public form is the way in then).
 */
export async function expressInterest(ctx: ServiceContext, id: number): Promise<boolean> {
  requireSignedIn(ctx.principal);
  const access = await opportunityAccess(ctx, id);
  requireOpen(access);
  const person = await q.personForUser(ctx.db, (ctx.principal as Principal).userId);
  if (!person) return false;
  await ctx.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const inserted = await trx
      .insertInto('matches')
      .values({ opportunity_id: id, person_id: person.id, status: 'interested', source: 'interest', created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['opportunity_id', 'person_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      await audit(trx, auditContext(ctx), { action: 'match.created', entityType: 'match', entityId: inserted.id, details: { opportunityId: id, personId: person.id, source: 'interest' } });
    }
  });
  return true;
}

/** Anyone may open the public form of an opportunity they can see, while it is open. */
export async function interestFormAccess(ctx: ServiceContext, id: number): Promise<OpportunityAccess> {
  const access = await opportunityAccess(ctx, id);
  return access;
}

/**
 * The public form: finds the person in the opportunity's unit register by email (or phone), or
 * adds them as an enquiry heard of through the website and records the two consents they gave
 * (only then: an existing person's consents are never changed by a form anyone can send); adds
 * a match. Sending the same form twice changes nothing more.
 */
export async function submitInterestForm(ctx: ServiceContext, id: number, raw: Record<string, unknown>): Promise<void> {
  const access = await opportunityAccess(ctx, id);
  const input: InterestFormInput = parse(interestFormSchema, raw);
  requireOpen(access);
  const opp = access.opportunity;
  await ctx.db.transaction().execute(async (trx) => {
    const now = nowIso();
    const actor = auditContext(ctx);
    let person = await q.personByContact(trx, opp.unit_id, { email: input.email, phone: input.email ? null : input.phone });
    // Consents come only with a new register entry: anyone can type someone else's email, so an
    // existing person's consents (a withdrawal above all) stay exactly as they are.
    const isNew = !person;
    if (!person) {
      person = await trx
        .insertInto('people')
        .values({
          unit_id: opp.unit_id,
          user_id: null,
          full_name: input.name,
          preferred_name: null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          address: null,
          postcode: null,
          preferred_channel: input.contactBy,
          format: 'standard',
          format_language: null,
          access_needs_other: null,
          relationship: input.relationship,
          services_known: null,
          availability_notes: null,
          anonymity: 'first_name',
          payment_preference: 'involvement_rate',
          heard_via: 'website',
          outreach_event_id: null,
          status: 'enquiry',
          notes: input.why ?? null,
          created_by: null,
          created_at: now,
          updated_at: now,
          erased_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.insertInto('person_status_history').values({ person_id: person.id, status: 'enquiry', changed_at: now, changed_by: null }).execute();
      await audit(trx, actor, { action: 'person.created', entityType: 'person', entityId: person.id, details: { via: 'opportunity_interest_form', opportunityId: id } });
    }
    const personId = person.id;
    if (isNew) {
      for (const kind of ['contact', 'hold_details'] as const) {
        await trx.insertInto('consents').values({ person_id: personId, kind, given: 1, method: 'online', note: t('opportunities.interestForm.consentNote', { title: opp.title }), recorded_at: now, recorded_by: null }).execute();
      }
      await audit(trx, actor, { action: 'consent.recorded', entityType: 'person', entityId: personId, details: { kinds: ['contact', 'hold_details'], method: 'online' } });
    }
    const inserted = await trx
      .insertInto('matches')
      .values({
        opportunity_id: id,
        person_id: personId,
        status: 'interested',
        source: 'public_form',
        reasons: input.why ? JSON.stringify({ message: input.why }) : null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['opportunity_id', 'person_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) await audit(trx, actor, { action: 'match.created', entityType: 'match', entityId: inserted.id, details: { opportunityId: id, personId, source: 'public_form' } });
  });
}

// ---- Matching

export interface MatchView {
  id: number;
  personId: number;
  name: string;
  status: MatchStatus;
  source: Match['source'];
  message: string | null;
  fit: Fit | undefined;
  canContact: boolean;
  offeredAt: string | null;
  startedOn: string | null;
  endedOn: string | null;
  expiresAt: string | null;
}

export interface MatchingPage {
  access: OpportunityAccess;
  matches: MatchView[];
  /** For the involvement lead only: ranked people not yet matched. */
  suggestions: { id: number; name: string; fit: Fit }[];
  /** People who would be candidates but whose latest consent to be contacted is not given. */
  withoutConsent: number;
}

function messageOf(m: Match): string | null {
  if (!m.reasons) return null;
  try {
    const parsed = JSON.parse(m.reasons) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : null;
  } catch {
    return null;
  }
}

/** The matching page: everyone matched so far and, for the lead, suggestions ranked by fit. Every view is audited. */
export async function matchingPage(ctx: ServiceContext, id: number): Promise<MatchingPage> {
  requireSignedIn(ctx.principal);
  const access = await opportunityAccess(ctx, id);
  if (!access.canSeeMatches) throw new NotFoundError();
  const rows = await q.matchesOf(ctx.db, id);
  const facts = new Map((await q.candidatesByIds(ctx.db, rows.map((r) => r.person_id))).map((c) => [c.id, c]));
  const matches = rows.map((m): MatchView => {
    const c = facts.get(m.person_id);
    return {
      id: m.id,
      personId: m.person_id,
      // The register's full name for the lead; the name people chose to be shown by for the owner.
      name: access.canMatch ? m.full_name : shownName(m),
      status: m.status,
      source: m.source,
      message: messageOf(m),
      fit: c ? scoreCandidate(access.wanted, c) : undefined,
      canContact: c?.canContact ?? false,
      offeredAt: m.offered_at,
      startedOn: m.started_on,
      endedOn: m.ended_on,
      expiresAt: m.status === 'offered' ? m.response_expires_at : null,
    };
  });
  let suggestions: MatchingPage['suggestions'] = [];
  let withoutConsent = 0;
  if (access.canMatch) {
    const scope = scopePaths(ctx.principal as Principal, 'people:manage');
    const candidates = await q.loadCandidates(ctx.db, { unitPath: access.opportunity.unit_path, opportunityId: id, scope });
    const names = new Map(candidates.map((c) => [c.id, c.fullName]));
    suggestions = rankCandidates(access.wanted, candidates)
      .slice(0, SUGGESTIONS_SHOWN)
      .map((fit) => ({ id: fit.id, name: names.get(fit.id) ?? '', fit }));
    withoutConsent = (await q.loadCandidates(ctx.db, { unitPath: access.opportunity.unit_path, opportunityId: id, scope, withoutConsent: true })).length;
  }
  await audit(ctx.db, auditContext(ctx), {
    action: 'opportunity.matches_viewed',
    entityType: 'opportunity',
    entityId: id,
    details: { matches: matches.length, suggestions: suggestions.length },
  });
  return { access, matches, suggestions, withoutConsent };
}

/** The lead adds someone from the register to the shortlist ("suggested"). */
export async function addMatch(ctx: ServiceContext, id: number, raw: Record<string, unknown>): Promise<{ name: string; added: boolean }> {
  const access = await matchAccess(ctx, id);
  const { personId } = parse(addMatchSchema, raw);
  const person = await q.personById(ctx.db, personId);
  const candidate = (await q.candidatesByIds(ctx.db, [personId]))[0];
  // Only people the lead may manage, in the opportunity's branch of the organisation.
  const branch = q.ancestorPaths(access.opportunity.unit_path);
  const inBranch = person != null && (branch.includes(person.unit_path) || person.unit_path.startsWith(access.opportunity.unit_path));
  if (!person || !candidate || !inBranch || !can(ctx.principal, 'people:manage', { path: person.unit_path })) {
    throw ValidationError.one('personId', 'errors.opportunities.personRequired');
  }
  if (['left', 'paused'].includes(person.status)) throw ValidationError.one('personId', 'errors.opportunities.personNotAvailable');
  if (!candidate.canContact) throw ValidationError.one('personId', 'errors.opportunities.noConsent');
  const fit = scoreCandidate(access.wanted, candidate);
  const now = nowIso();
  const added = await ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('matches')
      .values({ opportunity_id: id, person_id: personId, status: 'suggested', source: 'suggestion', score: fit.score, reasons: JSON.stringify(fit.reasons), created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['opportunity_id', 'person_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) await audit(trx, auditContext(ctx), { action: 'match.created', entityType: 'match', entityId: inserted.id, details: { opportunityId: id, personId, source: 'suggestion', score: fit.score } });
    return inserted !== undefined;
  });
  return { name: person.full_name, added };
}

/** Which step may follow which. Accepting and declining happen through the person's link. */
const TRANSITIONS: Record<'offer' | 'start' | 'end' | 'withdraw' | 'accept' | 'decline', MatchStatus[]> = {
  offer: ['interested', 'suggested'],
  accept: ['offered'],
  decline: ['offered'],
  start: ['accepted'],
  end: ['started'],
  withdraw: ['interested', 'suggested', 'offered', 'accepted'],
};

function checkTransition(match: Match, step: keyof typeof TRANSITIONS): void {
  if (!TRANSITIONS[step].includes(match.status)) {
    throw ValidationError.one('status', `errors.opportunities.transition.${step}`);
  }
}

async function loadMatch(ctx: ServiceContext, id: number, matchId: number): Promise<{ access: OpportunityAccess; match: Match; person: Person & { unit_path: string } }> {
  const access = await matchAccess(ctx, id);
  const match = isRecordId(matchId) ? await q.matchById(ctx.db, id, matchId) : undefined;
  if (!match) throw new NotFoundError();
  const person = await q.personById(ctx.db, match.person_id);
  if (!person) throw new NotFoundError();
  return { access, match, person };
}

const greetingName = (p: Person): string => (p.preferred_name ?? p.full_name).trim().split(/\s+/)[0] ?? '';

/** The offer message, in plain words or easy read (short sentences). Large print, audio and other languages use the plain words: the messages page prints letters large. */
export function offerMessage(person: Person, opp: Opportunity, link: string): { subject: string; text: string } {
  const vars = {
    name: greetingName(person),
    title: opp.title,
    description: opp.description,
    whenWhere: opp.when_where ?? t('opportunities.message.notYetKnown'),
    time: opp.time_commitment ?? t('opportunities.message.notYetKnown'),
    payment: t(`opportunities.payment.${opp.payment_offered}`),
    link,
    days: RESPONSE_DAYS,
  };
  const style = person.format === 'easy_read' ? 'easyRead' : 'plain';
  return { subject: t(`opportunities.message.${style}.subject`, vars), text: t(`opportunities.message.${style}.body`, vars) };
}

/** Offers the place: a single-use link (14 days) in a message in the person's channel. Refused when they cannot be reached. */
export async function offerMatch(ctx: ServiceContext, id: number, matchId: number): Promise<{ name: string; channel: string }> {
  const { access, match, person } = await loadMatch(ctx, id, matchId);
  checkTransition(match, 'offer');
  if (!(await isContactable(ctx.db, person.id))) throw ValidationError.one('status', 'errors.opportunities.noConsent');
  const token = newSecret(32);
  const now = new Date();
  const offeredAt = now.toISOString();
  const link = `${ctx.config.baseUrl}/respond/${token}`;
  const message = offerMessage(person, access.opportunity, link);
  const channel = await ctx.db.transaction().execute(async (trx) => {
    const sent = await enqueueForPerson(trx, { idempotencyKey: `match-offer:${match.id}:${offeredAt}`, person, subject: message.subject, text: message.text });
    if (!sent) throw ValidationError.one('status', 'errors.opportunities.unreachable');
    await trx
      .updateTable('matches')
      .set({
        status: 'offered',
        offered_at: offeredAt,
        response_token_hash: sha256(token),
        response_expires_at: new Date(now.getTime() + RESPONSE_DAYS * 86_400_000).toISOString(),
        updated_at: offeredAt,
      })
      .where('id', '=', match.id)
      .execute();
    await audit(trx, auditContext(ctx), { action: 'match.offered', entityType: 'match', entityId: match.id, details: { opportunityId: id, personId: person.id, channel: sent } });
    return sent;
  });
  return { name: person.full_name, channel };
}

const PARTNER_ROLE = (relationship: Person['relationship']) => (relationship === 'carer' ? 'carer_partner' : 'service_user_partner');

/** The person has started: they join the project's team, if the opportunity is for a project. */
export async function startMatch(ctx: ServiceContext, id: number, matchId: number): Promise<{ name: string }> {
  const { access, match, person } = await loadMatch(ctx, id, matchId);
  checkTransition(match, 'start');
  const projectId = access.opportunity.project_id;
  const on = today();
  await ctx.db.transaction().execute(async (trx) => {
    let memberId: number | null = null;
    if (projectId != null) {
      const existing = await trx
        .selectFrom('project_members')
        .select('id')
        .where('project_id', '=', projectId)
        .where('left_on', 'is', null)
        .where((eb) => eb.or([eb('person_id', '=', person.id), ...(person.user_id != null ? [eb('user_id', '=', person.user_id)] : [])]))
        .executeTakeFirst();
      if (existing) {
        memberId = existing.id;
        await trx.updateTable('project_members').set({ person_id: person.id }).where('id', '=', existing.id).execute();
      } else {
        const inserted = await trx
          .insertInto('project_members')
          .values({ project_id: projectId, user_id: person.user_id, display_name: shownName(person), role: PARTNER_ROLE(person.relationship), joined_on: on, left_on: null, person_id: person.id })
          .returning('id')
          .executeTakeFirstOrThrow();
        memberId = inserted.id;
        await audit(trx, auditContext(ctx), {
          action: 'project_member.added',
          entityType: 'project_member',
          entityId: memberId,
          subjectUserId: person.user_id,
          details: { projectId, role: PARTNER_ROLE(person.relationship), viaMatch: match.id },
        });
      }
    }
    await trx.updateTable('matches').set({ status: 'started', started_on: on, project_member_id: memberId, updated_at: nowIso() }).where('id', '=', match.id).execute();
    await refreshFilled(trx, id);
    await audit(trx, auditContext(ctx), { action: 'match.started', entityType: 'match', entityId: match.id, details: { opportunityId: id, personId: person.id, projectMemberId: memberId } });
  });
  return { name: person.full_name };
}

export async function endMatch(ctx: ServiceContext, id: number, matchId: number): Promise<{ name: string }> {
  const { match, person } = await loadMatch(ctx, id, matchId);
  checkTransition(match, 'end');
  const on = today();
  await ctx.db.transaction().execute(async (trx) => {
    if (match.project_member_id != null) {
      await trx.updateTable('project_members').set({ left_on: on }).where('id', '=', match.project_member_id).where('left_on', 'is', null).execute();
    }
    // The place was used: a filled opportunity does not reopen when someone finishes.
    await trx.updateTable('matches').set({ status: 'ended', ended_on: on, updated_at: nowIso() }).where('id', '=', match.id).execute();
    await audit(trx, auditContext(ctx), { action: 'match.ended', entityType: 'match', entityId: match.id, details: { opportunityId: id, personId: person.id } });
  });
  return { name: person.full_name };
}

export async function withdrawMatch(ctx: ServiceContext, id: number, matchId: number): Promise<{ name: string }> {
  const { match, person } = await loadMatch(ctx, id, matchId);
  checkTransition(match, 'withdraw');
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('matches').set({ status: 'withdrawn', response_token_hash: null, response_expires_at: null, updated_at: nowIso() }).where('id', '=', match.id).execute();
    await refreshFilled(trx, id);
    await audit(trx, auditContext(ctx), { action: 'match.withdrawn', entityType: 'match', entityId: match.id, details: { opportunityId: id, personId: person.id, from: match.status } });
  });
  return { name: person.full_name };
}

// ---- The person's answer, through the link in their message (no sign-in)

async function offerByToken(ctx: ServiceContext, token: string): Promise<{ match: Match; opportunity: q.OpportunityRow } | undefined> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) return undefined;
  const match = await q.matchByTokenHash(ctx.db, sha256(token));
  if (!match || match.status !== 'offered' || !match.response_expires_at || match.response_expires_at <= nowIso()) return undefined;
  const opportunity = await q.opportunityById(ctx.db, match.opportunity_id);
  return opportunity ? { match, opportunity } : undefined;
}

/** What the link shows: the opportunity, and whether the link still works. Opening it changes nothing. */
export async function peekOffer(ctx: ServiceContext, token: string): Promise<q.OpportunityRow | undefined> {
  return (await offerByToken(ctx, token))?.opportunity;
}

/** Accept or decline; the link then stops working. Returns undefined for a used, expired or unknown link. */
export async function respondToOffer(ctx: ServiceContext, token: string, raw: Record<string, unknown>): Promise<{ action: 'accept' | 'decline'; opportunity: q.OpportunityRow } | undefined> {
  const { action } = parse(respondSchema, raw);
  const found = await offerByToken(ctx, token);
  if (!found) return undefined;
  const { match, opportunity } = found;
  const now = nowIso();
  const done = await ctx.db.transaction().execute(async (trx) => {
    // Only the first answer counts: the hash is cleared in the same statement that checks it.
    const updated = await trx
      .updateTable('matches')
      .set({ status: action === 'accept' ? 'accepted' : 'declined', responded_at: now, response_token_hash: null, response_expires_at: null, updated_at: now })
      .where('id', '=', match.id)
      .where('status', '=', 'offered')
      .where('response_token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    if (action === 'accept') await refreshFilled(trx, match.opportunity_id);
    await audit(trx, auditContext(ctx), { action: action === 'accept' ? 'match.accepted' : 'match.declined', entityType: 'match', entityId: match.id, details: { opportunityId: match.opportunity_id, personId: match.person_id, via: 'link' } });
    return true;
  });
  return done ? { action, opportunity } : undefined;
}
