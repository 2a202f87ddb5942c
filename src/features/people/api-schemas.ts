import { z } from 'zod';
import {
  ACCESS_NEEDS, ANONYMITY, AVAILABILITY, CHANNELS, CONSENT_KINDS, CONSENT_METHODS, FORMATS, HEARD_VIA,
  PAYMENT_PREFERENCES, PERSON_STATUSES, RELATIONSHIPS,
} from '../../platform/db/types.ts';
import { noNul, recordId } from '../../platform/http/fields.ts';
import { consentSchema, registerEntrySchema, TAG_MAX, type RegisterQuery } from './schemas.ts';

/**
 * The involvement register in the JSON API (/api/v1/people…). Bodies are validated by the same
 * schemas as the register's forms (registerEntrySchema, consentSchema), inside the same services;
 * this file only adds what the API answers and how its list is filtered. Messages are catalogue
 * keys (errors.peopleApi in api-involvement.json, errors.people in people.json).
 */

const filterError = (key: string) => `errors.peopleApi.${key}`;

/** The register page's filters, each one named in a 400 when it is wrong (the page drops bad ones). */
export const registerApiQuerySchema = z.object({
  q: z.string().max(120, filterError('searchTooLong')).refine(noNul, 'errors.fields.badCharacter').optional().describe('Text to look for in names, email addresses, phone numbers and postcodes.'),
  status: z.enum(PERSON_STATUSES, { error: filterError('statusInvalid') }).optional(),
  interest: z
    .string()
    .max(TAG_MAX, filterError('interestInvalid'))
    .refine(noNul, 'errors.fields.badCharacter')
    .transform((s) => s.toLowerCase())
    .optional(),
  unitId: recordId(filterError('unitInvalid')).optional().describe('Only people registered in this unit and the units inside it.'),
  availability: z.enum(AVAILABILITY as [string, ...string[]], { error: filterError('availabilityInvalid') }).optional(),
  accessNeed: z.enum(ACCESS_NEEDS, { error: filterError('accessNeedInvalid') }).optional(),
  channel: z.enum(CHANNELS, { error: filterError('channelInvalid') }).optional(),
  format: z.enum(FORMATS, { error: filterError('formatInvalid') }).optional(),
  relationship: z.enum(RELATIONSHIPS, { error: filterError('relationshipInvalid') }).optional(),
  contactable: z.literal('yes', { error: filterError('contactableInvalid') }).optional().describe('"yes": only people whose latest consent to be contacted was given.'),
  before: recordId('errors.people.pageInvalid').optional().describe('Keyset cursor: the "next" of the previous page.'),
}) satisfies z.ZodType<RegisterQuery, unknown>;

/** PATCH: any of the register fields; those not sent keep their values, null or "" clears one. The reachability rules apply to the result. */
export const personPatchSchema = z.object(registerEntrySchema.shape).partial();

// ---- What the API answers

const attributes = {
  accessNeeds: z.array(z.enum(ACCESS_NEEDS)),
  interests: z.array(z.string()),
  skills: z.array(z.string()).describe('Skills and training done.'),
  availability: z.array(z.string()).describe('Days and times, e.g. tue_pm.'),
};

export const consentJsonSchema = z.object({
  kind: z.enum(CONSENT_KINDS),
  given: z.boolean().nullable().describe('The latest decision; null when none was ever recorded.'),
  method: z.enum(CONSENT_METHODS).nullable(),
  note: z.string().nullable(),
  recordedAt: z.string().nullable().describe('UTC, ISO 8601.'),
  recordedBy: z.string().nullable().describe('The name of who recorded it.'),
});

export const personJsonSchema = z.object({
  id: z.number().int(),
  unitId: z.number().int(),
  unitName: z.string(),
  fullName: z.string(),
  preferredName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  postcode: z.string().nullable(),
  preferredChannel: z.enum(CHANNELS),
  format: z.enum(FORMATS),
  formatLanguage: z.string().nullable(),
  ...attributes,
  accessNeedsOther: z.string().nullable(),
  relationship: z.enum(RELATIONSHIPS),
  servicesKnown: z.string().nullable(),
  availabilityNotes: z.string().nullable(),
  anonymity: z.enum(ANONYMITY),
  paymentPreference: z.enum(PAYMENT_PREFERENCES),
  heardVia: z.enum(HEARD_VIA).nullable(),
  outreachEventId: z.number().int().nullable(),
  status: z.enum(PERSON_STATUSES),
  notes: z.string().nullable().describe('The involvement lead’s notes; null when a partner reads their own record.'),
  accountEmail: z.string().nullable().describe('The email of the Alongside account linked to the person, if any.'),
  contactable: z.boolean().describe('Their latest consent to be contacted was given.'),
  consents: z.array(consentJsonSchema).describe('What holds now for each kind of consent.'),
  createdAt: z.string().describe('UTC, ISO 8601.'),
  updatedAt: z.string().describe('UTC, ISO 8601.'),
});
export type PersonJson = z.infer<typeof personJsonSchema>;

/** A row of the register list: what the register page shows. */
export const personSummaryJsonSchema = z.object({
  id: z.number().int(),
  fullName: z.string(),
  preferredName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  unitName: z.string(),
  status: z.enum(PERSON_STATUSES),
  preferredChannel: z.enum(CHANNELS),
  format: z.enum(FORMATS),
  relationship: z.enum(RELATIONSHIPS),
});

export const personListJsonSchema = z.object({
  items: z.array(personSummaryJsonSchema).describe('Newest first, 25 at a time.'),
  next: z.number().int().nullable().describe('Pass as ?before= for the next page; null on the last page.'),
});

export const consentDecisionJsonSchema = z.object({
  kind: z.enum(CONSENT_KINDS),
  given: z.boolean(),
  method: z.enum(CONSENT_METHODS),
  note: z.string().nullable(),
  contactable: z.boolean().describe('Whether the person may be contacted now, with this decision taken into account.'),
});

/**
 * The people part of /api/v1: registered by this feature (api.ts) and described from here in the
 * OpenAPI document (FEATURE_ENDPOINTS), so the two cannot disagree.
 */
export const PEOPLE_API = {
  requestSchemas: {
    CreatePerson: registerEntrySchema,
    UpdatePerson: personPatchSchema,
    RecordConsent: consentSchema,
  },
  responseSchemas: {
    Person: personJsonSchema,
    PersonList: personListJsonSchema,
    ConsentDecision: consentDecisionJsonSchema,
  },
  endpoints: {
    listPeople: { method: 'GET', path: '/people', scope: 'people:read', query: registerApiQuerySchema, response: { status: 200, schema: 'PersonList' } },
    createPerson: { method: 'POST', path: '/people', scope: 'people:write', request: 'CreatePerson', response: { status: 201, schema: 'Person' } },
    getPerson: { method: 'GET', path: '/people/:id', scope: 'people:read', response: { status: 200, schema: 'Person' } },
    updatePerson: { method: 'PATCH', path: '/people/:id', scope: 'people:write', request: 'UpdatePerson', response: { status: 200, schema: 'Person' } },
    recordConsent: { method: 'POST', path: '/people/:id/consents', scope: 'people:write', request: 'RecordConsent', response: { status: 201, schema: 'ConsentDecision' } },
  },
} as const;
