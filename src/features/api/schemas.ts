import { z } from 'zod';
import { API_SCOPES } from '../../platform/auth/api-tokens.ts';
import { ROLES, UNIT_KINDS } from '../../platform/db/types.ts';

/**
 * Shapes of what the JSON API answers. Request bodies reuse the feature schemas
 * (e.g. org's createUnitSchema), so the API and the HTML forms apply the same rules.
 * The OpenAPI document is generated from these with z.toJSONSchema.
 */

export const orgUnitSchema = z.object({
  id: z.number().int().describe('The unit’s id.'),
  parentId: z.number().int().nullable().describe('The unit this one sits inside; null for the trust.'),
  name: z.string(),
  kind: z.enum(UNIT_KINDS),
  path: z.string().describe('Materialised path of ids from the trust down, e.g. "/1/4/9/".'),
});
export type OrgUnitJson = z.infer<typeof orgUnitSchema>;

export const orgUnitListSchema = z.object({
  items: z.array(orgUnitSchema).describe('Every unit you may see, sorted by path (parents before children).'),
});

export const meSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  roles: z.array(
    z.object({
      unitId: z.number().int(),
      unitName: z.string(),
      role: z.enum(ROLES),
    }),
  ),
});
export type MeJson = z.infer<typeof meSchema>;

/** RFC 9457 problem details, as sent by platform/errors/handler.ts. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string().describe('What went wrong, in plain English.'),
  status: z.number().int(),
  instance: z.string().describe('The path that was asked for.'),
  reference: z.string().describe('Quote this to support: it is in the server log.'),
  missingScope: z.enum(API_SCOPES).optional().describe('On 403: the scope the token would need.'),
});

export const validationProblemSchema = problemSchema.extend({
  errors: z.array(z.object({ field: z.string(), message: z.string() })).describe('One entry for each field that was wrong.'),
});
