import { z } from 'zod';
import { ACCESS_NEEDS, MATCH_SOURCES, MATCH_STATUSES, OPPORTUNITY_STATUSES, PAYMENT_PREFERENCES } from '../../platform/db/types.ts';
import { recordId } from '../../platform/http/fields.ts';
import { opportunitySchema, WANTED_RELATIONSHIPS } from './schemas.ts';

/**
 * Involvement opportunities in the JSON API (/api/v1/opportunities…). A new one is validated by the
 * same schema as the posting form (opportunitySchema), inside the same service; this file adds what
 * the API answers. Messages are catalogue keys.
 */

export const opportunityListQuerySchema = z.object({
  before: recordId('errors.opportunitiesApi.pageInvalid').optional().describe('Keyset cursor: the "next" of the previous page.'),
});

const fields = {
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  projectId: z.number().int().nullable(),
  projectTitle: z.string().nullable(),
  groupId: z.number().int().nullable(),
  title: z.string(),
  description: z.string(),
  whenWhere: z.string().nullable(),
  timeCommitment: z.string().nullable(),
  places: z.number().int(),
  livedExperience: z.string().nullable(),
  paymentOffered: z.enum(PAYMENT_PREFERENCES),
  closesOn: z.string().nullable().describe('YYYY-MM-DD'),
  isPublic: z.boolean().describe('Shown on the public page, without signing in.'),
  status: z.enum(OPPORTUNITY_STATUSES),
  isOpen: z.boolean().describe('Open and not past its closing date: people may express interest.'),
  createdAt: z.string().describe('UTC, ISO 8601.'),
  updatedAt: z.string().describe('UTC, ISO 8601.'),
};

export const opportunitySummaryJsonSchema = z.object(fields);

export const opportunityJsonSchema = z.object({
  ...fields,
  relationships: z.array(z.enum(WANTED_RELATIONSHIPS)).describe('The lived experience wanted.'),
  interests: z.array(z.string()),
  availability: z.array(z.string()).describe('Days and times, e.g. tue_pm.'),
  venueAccess: z.array(z.enum(ACCESS_NEEDS)).describe('Access needs the venue meets.'),
  canManage: z.boolean().describe('You may change and close it.'),
  canSeeMatches: z.boolean().describe('You may list who is matched to it (GET …/matches).'),
  joined: z
    .array(z.object({ name: z.string().describe('The name they chose to be shown by.'), status: z.enum(MATCH_STATUSES), startedOn: z.string().nullable() }))
    .describe('Who took a place; only for those who may change it, otherwise empty.'),
});
export type OpportunityJson = z.infer<typeof opportunityJsonSchema>;

export const opportunityListJsonSchema = z.object({
  items: z.array(opportunitySummaryJsonSchema).describe('Newest first, 25 at a time: open ones, and every one you manage or posted.'),
  next: z.number().int().nullable().describe('Pass as ?before= for the next page; null on the last page.'),
});

const reasonJsonSchema = z.object({
  code: z.enum(['interests', 'availability', 'relationship', 'relationshipOther', 'accessMet', 'accessUnmet', 'busy', 'status', 'noConsent']),
  values: z.array(z.string()).optional(),
  value: z.string().optional(),
  count: z.number().int().optional(),
  text: z.string().describe('The reason in words.'),
});

export const matchJsonSchema = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  name: z.string().describe('The register’s full name for the involvement lead; the name they chose to be shown by for the opportunity’s owner.'),
  status: z.enum(MATCH_STATUSES),
  source: z.enum(MATCH_SOURCES),
  message: z.string().nullable().describe('What they wrote when they expressed interest.'),
  score: z.number().nullable(),
  reasons: z.array(reasonJsonSchema),
  canContact: z.boolean(),
  offeredAt: z.string().nullable(),
  startedOn: z.string().nullable(),
  endedOn: z.string().nullable(),
  expiresAt: z.string().nullable().describe('While offered: when the link in their message stops working.'),
});

export const matchListJsonSchema = z.object({
  items: z.array(matchJsonSchema),
  suggestions: z
    .array(z.object({ personId: z.number().int(), name: z.string(), score: z.number(), reasons: z.array(reasonJsonSchema) }))
    .describe('For the involvement lead: people not yet matched, best fit first. Empty for anyone else.'),
  withoutConsent: z.number().int().describe('People who would be candidates but have not agreed to be contacted.'),
});

/**
 * The opportunities part of /api/v1: registered by this feature (api.ts) and described from here
 * in the OpenAPI document (FEATURE_ENDPOINTS).
 */
export const OPPORTUNITIES_API = {
  requestSchemas: {
    CreateOpportunity: opportunitySchema,
  },
  responseSchemas: {
    Opportunity: opportunityJsonSchema,
    OpportunityList: opportunityListJsonSchema,
    MatchList: matchListJsonSchema,
  },
  endpoints: {
    listOpportunities: { method: 'GET', path: '/opportunities', scope: 'opportunities:read', query: opportunityListQuerySchema, response: { status: 200, schema: 'OpportunityList' } },
    createOpportunity: { method: 'POST', path: '/opportunities', scope: 'opportunities:write', request: 'CreateOpportunity', response: { status: 201, schema: 'Opportunity' } },
    getOpportunity: { method: 'GET', path: '/opportunities/:id', scope: 'opportunities:read', response: { status: 200, schema: 'Opportunity' } },
    listOpportunityMatches: { method: 'GET', path: '/opportunities/:id/matches', scope: 'opportunities:read', response: { status: 200, schema: 'MatchList' } },
  },
} as const;
