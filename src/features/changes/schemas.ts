import { z } from 'zod';
import { IDEA_SIZES, IDEA_SOURCES, IDEA_STATUSES, PDSA_ACTS } from '../../platform/db/types.ts';

/**
 * Driver diagram, change ideas and PDSA cycles. Field names are the same in the HTML forms and the
 * JSON API (camelCase); error messages are catalogue keys under errors.changes.
 */

import { MAX_ID } from '../../platform/db/index.ts';

export { MAX_ID };

/** Free text: trimmed by cleanForm, length-limited, and never with a NUL character (PostgreSQL refuses them). */
const text = (max: number, tooLong: string) =>
  z
    .string({ error: 'errors.changes.textInvalid' })
    .max(max, tooLong)
    .refine((s) => !s.includes('\u0000'), 'errors.changes.badCharacter');

/** Optional free text: missing, "" (made missing by cleanForm) or null all mean "none". */
const optionalText = (max: number) => text(max, 'errors.changes.textTooLong').nullish();

const recordId = (message: string) => z.coerce.number({ error: message }).int(message).positive(message).max(MAX_ID, message);

const day = (message: string) => z.iso.date({ error: message });

// ---- driver diagram

export const driverSchema = z.object({
  title: z
    .string({ error: 'errors.changes.driverTitleRequired' })
    .min(1, 'errors.changes.driverTitleRequired')
    .max(200, 'errors.changes.driverTitleTooLong')
    .refine((s) => !s.includes('\u0000'), 'errors.changes.badCharacter'),
  /** Missing: a primary driver. Otherwise the primary driver it sits under. */
  parentId: recordId('errors.changes.driverParentInvalid').nullish(),
});

export const renameDriverSchema = driverSchema.pick({ title: true });

export const moveDriverSchema = z.object({
  direction: z.enum(['up', 'down'], { error: 'errors.changes.moveDirection' }),
});

// ---- change ideas

export const changeIdeaSchema = z.object({
  title: z
    .string({ error: 'errors.changes.ideaTitleRequired' })
    .min(1, 'errors.changes.ideaTitleRequired')
    .max(200, 'errors.changes.ideaTitleTooLong')
    .refine((s) => !s.includes('\u0000'), 'errors.changes.badCharacter')
    .describe('A short name for the change.'),
  description: optionalText(5000).describe('What the change is, in a few sentences.'),
  size: z.enum(IDEA_SIZES, { error: 'errors.changes.sizeRequired' }).describe('small_quick: small and quick to try; big: needs more time or money.'),
  source: z.enum(IDEA_SOURCES, { error: 'errors.changes.sourceRequired' }).describe('Where the idea came from.'),
  sourceRef: z
    .string()
    .max(120, 'errors.changes.sourceRefTooLong')
    .refine((s) => !s.includes('\u0000'), 'errors.changes.badCharacter')
    .nullish()
    .describe('Which story, forum or workshop it came from, e.g. "Story 12".'),
  status: z.enum(IDEA_STATUSES, { error: 'errors.changes.statusRequired' }).optional().describe('Defaults to "idea" for a new change idea.'),
  driverId: recordId('errors.changes.driverInvalid').nullish().describe('The primary or secondary driver of this project the idea works on.'),
});
export type ChangeIdeaInput = z.infer<typeof changeIdeaSchema>;

/** PATCH: send only what changes; null (or "") clears an optional field. */
export const changeIdeaPatchSchema = changeIdeaSchema.partial();

// ---- PDSA cycles

export const pdsaCycleSchema = z.object({
  title: z
    .string({ error: 'errors.changes.cycleTitleRequired' })
    .min(1, 'errors.changes.cycleTitleRequired')
    .max(200, 'errors.changes.cycleTitleTooLong')
    .refine((s) => !s.includes('\u0000'), 'errors.changes.badCharacter')
    .describe('A short name for this test.'),
  previousId: recordId('errors.changes.previousInvalid').nullish().describe('The cycle of the same change idea this one follows on from (a ramp).'),
  question: optionalText(5000).describe('Plan: what do we want to find out?'),
  prediction: optionalText(5000).describe('Plan: what do we think will happen?'),
  plan: optionalText(5000).describe('Plan: who, what, when and where.'),
  dataToCollect: optionalText(5000).describe('Plan: what we will count or ask.'),
  startOn: day('errors.changes.startOnInvalid').nullish().describe('The day the test starts (YYYY-MM-DD).'),
  whatHappened: optionalText(5000).describe('Do: what happened.'),
  observations: optionalText(5000).describe('Do: what we noticed, including anything unexpected.'),
  study: optionalText(5000).describe('Study: what the results show, compared with the prediction.'),
  act: z.enum(PDSA_ACTS, { error: 'errors.changes.actInvalid' }).nullish().describe('Act: adopt, adapt or abandon the change.'),
  nextSteps: optionalText(5000).describe('Act: what we will do next.'),
  endOn: day('errors.changes.endOnInvalid').nullish().describe('The day the test ended (YYYY-MM-DD).'),
});
export type PdsaCycleInput = z.infer<typeof pdsaCycleSchema>;

export const pdsaCyclePatchSchema = pdsaCycleSchema.partial();

export const ideaListQuerySchema = z.object({ after: recordId('errors.changes.pageInvalid').optional() });

// ---- what the JSON API answers

export const changeIdeaJsonSchema = z.object({
  id: z.number().int(),
  projectId: z.number().int(),
  driverId: z.number().int().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  size: z.enum(IDEA_SIZES),
  source: z.enum(IDEA_SOURCES),
  sourceRef: z.string().nullable(),
  status: z.enum(IDEA_STATUSES),
  createdAt: z.string().describe('When it was added (UTC, ISO 8601).'),
});
export type ChangeIdeaJson = z.infer<typeof changeIdeaJsonSchema>;

export const changeIdeaListJsonSchema = z.object({
  items: z.array(changeIdeaJsonSchema).describe('The project’s change ideas, oldest first.'),
});

export const pdsaCycleJsonSchema = z.object({
  id: z.number().int(),
  changeIdeaId: z.number().int(),
  previousId: z.number().int().nullable(),
  title: z.string(),
  question: z.string().nullable(),
  prediction: z.string().nullable(),
  plan: z.string().nullable(),
  dataToCollect: z.string().nullable(),
  startOn: z.string().nullable(),
  whatHappened: z.string().nullable(),
  observations: z.string().nullable(),
  study: z.string().nullable(),
  act: z.enum(PDSA_ACTS).nullable(),
  nextSteps: z.string().nullable(),
  endOn: z.string().nullable(),
  createdAt: z.string(),
});
export type PdsaCycleJson = z.infer<typeof pdsaCycleJsonSchema>;

export const pdsaCycleListJsonSchema = z.object({
  items: z.array(pdsaCycleJsonSchema).describe('The change idea’s cycles in ramp order: each cycle after the one it follows.'),
});

/**
 * Change ideas and PDSA cycles in the JSON API: request and response schemas and endpoints, which
 * src/features/api/openapi.ts spreads into the OpenAPI document and api.ts registers.
 */
export const CHANGES_API = {
  requestSchemas: {
    CreateChangeIdea: changeIdeaSchema,
    UpdateChangeIdea: changeIdeaPatchSchema,
    CreatePdsaCycle: pdsaCycleSchema,
    UpdatePdsaCycle: pdsaCyclePatchSchema,
  },
  responseSchemas: {
    ChangeIdea: changeIdeaJsonSchema,
    ChangeIdeaList: changeIdeaListJsonSchema,
    PdsaCycle: pdsaCycleJsonSchema,
    PdsaCycleList: pdsaCycleListJsonSchema,
  },
  endpoints: {
    listChangeIdeas: { method: 'GET', path: '/projects/:id/change-ideas', scope: 'projects:read', response: { status: 200, schema: 'ChangeIdeaList' } },
    createChangeIdea: { method: 'POST', path: '/projects/:id/change-ideas', scope: 'projects:write', request: 'CreateChangeIdea', response: { status: 201, schema: 'ChangeIdea' } },
    getChangeIdea: { method: 'GET', path: '/change-ideas/:id', scope: 'projects:read', response: { status: 200, schema: 'ChangeIdea' } },
    updateChangeIdea: { method: 'PATCH', path: '/change-ideas/:id', scope: 'projects:write', request: 'UpdateChangeIdea', response: { status: 200, schema: 'ChangeIdea' } },
    listPdsaCycles: { method: 'GET', path: '/change-ideas/:id/pdsa-cycles', scope: 'projects:read', response: { status: 200, schema: 'PdsaCycleList' } },
    createPdsaCycle: { method: 'POST', path: '/change-ideas/:id/pdsa-cycles', scope: 'projects:write', request: 'CreatePdsaCycle', response: { status: 201, schema: 'PdsaCycle' } },
    getPdsaCycle: { method: 'GET', path: '/pdsa-cycles/:id', scope: 'projects:read', response: { status: 200, schema: 'PdsaCycle' } },
    updatePdsaCycle: { method: 'PATCH', path: '/pdsa-cycles/:id', scope: 'projects:write', request: 'UpdatePdsaCycle', response: { status: 200, schema: 'PdsaCycle' } },
  },
} as const;
