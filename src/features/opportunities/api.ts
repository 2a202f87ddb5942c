import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { z } from 'zod';
import { ValidationError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { londonDate } from '../projects/service.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { API_BODY_LIMIT, apiConventions } from '../api/routes.ts';
import { OPPORTUNITIES_API, opportunityListQuerySchema, type OpportunityJson } from './api-schemas.ts';
import type { Reason } from './matching.ts';
import { reasonText } from './routes.ts';
import * as opps from './service.ts';

type OperationId = keyof typeof OPPORTUNITIES_API.endpoints;

const idParam = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

function parseQuery<S extends z.ZodType>(schema: S, request: FastifyRequest): z.infer<S> {
  const result = schema.safeParse(cleanForm(request.query));
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

function summaryJson(o: opps.OpportunityRow, today: string) {
  return {
    id: o.id,
    unitId: o.unit_id,
    unitName: o.unit_name,
    projectId: o.project_id,
    projectTitle: o.project_title,
    groupId: o.group_id,
    title: o.title,
    description: o.description,
    whenWhere: o.when_where,
    timeCommitment: o.time_commitment,
    places: o.places,
    livedExperience: o.lived_experience,
    paymentOffered: o.payment_offered,
    closesOn: o.closes_on,
    isPublic: o.is_public === 1,
    status: o.status,
    isOpen: o.status === 'open' && (o.closes_on == null || o.closes_on >= today),
    createdAt: o.created_at,
    updatedAt: o.updated_at,
  };
}

const reasonJson = (r: Reason) => ({ ...r, text: reasonText(r) });

/**
 * Involvement opportunities in the JSON API (/api/v1/opportunities…). The same services as the
 * pages decide what the token's owner may see and do (opportunityAccess); the scopes only narrow
 * that. The matches answer names people as the matching page does, and is audited like it.
 */
async function opportunitiesV1(app: FastifyInstance): Promise<void> {
  apiConventions(app);

  const answer = async (request: FastifyRequest, id: number): Promise<OpportunityJson> => {
    const access = await opps.opportunityAccess(request.ctx, id);
    const joined = await opps.whoJoined(request.ctx, access);
    return {
      ...summaryJson(access.opportunity, londonDate()),
      isOpen: access.isOpen,
      relationships: access.wanted.relationships as OpportunityJson['relationships'],
      interests: access.wanted.interests,
      availability: access.wanted.availability,
      venueAccess: access.wanted.venueAccess as OpportunityJson['venueAccess'],
      canManage: access.canManage,
      canSeeMatches: access.canSeeMatches,
      joined,
    };
  };

  const handlers: Record<OperationId, RouteHandlerMethod> = {
    listOpportunities: async (request) => {
      const { before } = parseQuery(opportunityListQuerySchema, request);
      const { opportunities, nextBefore } = await opps.listOpportunities(request.ctx, before);
      const today = londonDate();
      return { items: opportunities.map((o) => summaryJson(o, today)), next: nextBefore };
    },

    createOpportunity: async (request, reply) => {
      const created = await opps.createOpportunity(request.ctx, cleanForm(request.body));
      return reply.code(201).header('location', `${API_PREFIX}/opportunities/${created.id}`).send(await answer(request, created.id));
    },

    getOpportunity: async (request) => answer(request, idParam(request)),

    listOpportunityMatches: async (request) => {
      const page = await opps.matchingPage(request.ctx, idParam(request));
      return {
        items: page.matches.map((m) => ({
          id: m.id,
          personId: m.personId,
          name: m.name,
          status: m.status,
          source: m.source,
          message: m.message,
          score: m.fit?.score ?? null,
          reasons: (m.fit?.reasons ?? []).map(reasonJson),
          canContact: m.canContact,
          offeredAt: m.offeredAt,
          startedOn: m.startedOn,
          endedOn: m.endedOn,
          expiresAt: m.expiresAt,
        })),
        suggestions: page.suggestions.map((s) => ({ personId: s.id, name: s.name, score: s.fit.score, reasons: s.fit.reasons.map(reasonJson) })),
        withoutConsent: page.withoutConsent,
      };
    },
  };

  for (const [operationId, endpoint] of Object.entries(OPPORTUNITIES_API.endpoints) as [OperationId, (typeof OPPORTUNITIES_API.endpoints)[OperationId]][]) {
    app.route({ method: endpoint.method, url: endpoint.path, bodyLimit: API_BODY_LIMIT, config: { scope: endpoint.scope }, handler: handlers[operationId] });
  }
}

export default async function opportunitiesApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(opportunitiesV1, { prefix: API_PREFIX });
}
