import { z } from 'zod';
import { isApiScope } from '../../platform/auth/api-tokens.ts';

/** Checkboxes arrive as one string when one is ticked, a list when several are, nothing when none are. */
const asList = (v: unknown): unknown => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const createTokenSchema = z.object({
  name: z.string({ error: 'errors.tokens.nameRequired' }).max(80, 'errors.tokens.nameTooLong'),
  scopes: z.preprocess(
    asList,
    z
      .array(z.string(), { error: 'errors.tokens.scopesRequired' })
      .min(1, 'errors.tokens.scopesRequired')
      .refine((list) => list.every(isApiScope), 'errors.tokens.scopeUnknown')
      .transform((list) => [...new Set(list.filter(isApiScope))]),
  ),
});

export const tokenListSchema = z.object({
  before: z.coerce.number().int().positive().optional(),
});
