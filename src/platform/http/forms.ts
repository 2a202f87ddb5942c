import type { z } from 'zod';
import { ValidationError, type FieldError } from '../errors/index.ts';
import { t } from '../i18n/index.ts';

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/** Form fields arrive as strings; treat empty strings as "not given" before validating. */
export function cleanForm(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k === '_csrf') continue;
      out[k] = typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v;
    }
  }
  return out;
}

/**
 * Reads list filters from a query string leniently: each field is checked on its own and one that
 * makes no sense is left out, so a mistyped link still shows the list rather than an error.
 */
export function parseFilters<S extends z.ZodObject>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const out: Record<string, unknown> = {};
  for (const [k, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const r = field.safeParse(raw[k]);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out as z.infer<S>;
}

/** Validates with zod and translates each message key through the catalogue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, errors: translateErrors(ValidationError.fromZod(result.error).fields) };
}

export function translateErrors(fields: FieldError[]): FieldError[] {
  return fields.map((f) => ({ field: f.field, message: t(f.message) }));
}

/** Shapes errors for the nhsuk error summary and per-field error messages. */
export function errorView(errors: FieldError[]): { summary: { text: string; href: string }[]; byField: Record<string, { text: string }> } {
  return {
    summary: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    byField: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
  };
}
