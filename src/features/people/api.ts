import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { z } from 'zod';
import { ValidationError } from '../../platform/errors/index.ts';
import { cleanForm } from '../../platform/http/forms.ts';
import { API_PREFIX } from '../api/openapi.ts';
import { API_BODY_LIMIT, apiConventions } from '../api/routes.ts';
import { PEOPLE_API, registerApiQuerySchema, type PersonJson } from './api-schemas.ts';
import { consentSchema } from './schemas.ts';
import * as people from './service.ts';

type OperationId = keyof typeof PEOPLE_API.endpoints;

const idParam = (request: FastifyRequest): number => Number((request.params as { id: string }).id);

/** Query strings are parsed like form fields ("" is not given); a bad one is a 400 naming each parameter. */
function parseQuery<S extends z.ZodType>(schema: S, request: FastifyRequest): z.infer<S> {
  const result = schema.safeParse(cleanForm(request.query));
  if (!result.success) throw ValidationError.fromZod(result.error);
  return result.data;
}

/** A person's whole record, as getPerson gives it (that call audits the view). */
export function personJson(p: Awaited<ReturnType<typeof people.getPerson>>): PersonJson {
  const { person, attributes } = p;
  return {
    id: person.id,
    unitId: person.unit_id,
    unitName: p.unit.name,
    fullName: person.full_name,
    preferredName: person.preferred_name,
    email: person.email,
    phone: person.phone,
    address: person.address,
    postcode: person.postcode,
    preferredChannel: person.preferred_channel,
    format: person.format,
    formatLanguage: person.format_language,
    accessNeeds: attributes.access_need as PersonJson['accessNeeds'],
    interests: attributes.interest,
    skills: attributes.skill,
    availability: attributes.availability,
    accessNeedsOther: person.access_needs_other,
    relationship: person.relationship,
    servicesKnown: person.services_known,
    availabilityNotes: person.availability_notes,
    anonymity: person.anonymity,
    paymentPreference: person.payment_preference,
    heardVia: person.heard_via,
    outreachEventId: person.outreach_event_id,
    status: person.status,
    // The lead's notes are for staff who see the register, not for the person reading their own record.
    notes: p.staffView ? person.notes : null,
    accountEmail: p.accountEmail,
    contactable: p.contactable,
    consents: p.consents.map((c) => ({ ...c, method: c.method as PersonJson['consents'][number]['method'] })),
    createdAt: person.created_at,
    updatedAt: person.updated_at,
  };
}

/**
 * The involvement register in the JSON API (/api/v1/people…). The same services as the register's
 * pages decide who may see and change whom (personAccess: a partner sees only their own record,
 * staff the people of their units); a token's scopes only narrow that. Every answer that holds a
 * person's whole record is audited as a view; a page of the list is audited like an export.
 */
async function peopleV1(app: FastifyInstance): Promise<void> {
  apiConventions(app);

  const answer = async (request: FastifyRequest, id: number) => personJson(await people.getPerson(request.ctx, id));

  const handlers: Record<OperationId, RouteHandlerMethod> = {
    listPeople: async (request) => {
      const { people: rows, nextBefore } = await people.listRegisterAudited(request.ctx, parseQuery(registerApiQuerySchema, request));
      return {
        items: rows.map((p) => ({
          id: p.id,
          fullName: p.full_name,
          preferredName: p.preferred_name,
          email: p.email,
          phone: p.phone,
          unitName: p.unit_name,
          status: p.status,
          preferredChannel: p.preferred_channel,
          format: p.format,
          relationship: p.relationship,
        })),
        next: nextBefore,
      };
    },

    createPerson: async (request, reply) => {
      const id = await people.createPerson(request.ctx, cleanForm(request.body));
      return reply.code(201).header('location', `${API_PREFIX}/people/${id}`).send(await answer(request, id));
    },

    getPerson: async (request) => answer(request, idParam(request)),

    // Only the fields sent change: the rest are the record as it is, and the whole is checked with
    // the register form's rules (so an email is still needed when the channel is email).
    updatePerson: async (request) => {
      const id = idParam(request);
      const { values } = await people.personForEdit(request.ctx, id);
      await people.updatePerson(request.ctx, id, { ...values, ...cleanForm(request.body) });
      return answer(request, id);
    },

    recordConsent: async (request, reply) => {
      const id = idParam(request);
      const body = cleanForm(request.body);
      await people.recordConsent(request.ctx, id, body);
      // Recorded, so the body passed the consent form's schema: answer with what was recorded.
      const decision = consentSchema.parse(body);
      return reply.code(201).send({
        kind: decision.kind,
        given: decision.given,
        method: decision.method,
        note: decision.note ?? null,
        contactable: await people.isContactable(request.ctx, id),
      });
    },
  };

  for (const [operationId, endpoint] of Object.entries(PEOPLE_API.endpoints) as [OperationId, (typeof PEOPLE_API.endpoints)[OperationId]][]) {
    app.route({ method: endpoint.method, url: endpoint.path, bodyLimit: API_BODY_LIMIT, config: { scope: endpoint.scope }, handler: handlers[operationId] });
  }
}

export default async function peopleApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(peopleV1, { prefix: API_PREFIX });
}
