import type { FastifyInstance } from 'fastify';
import { cleanForm, parseInput } from '../../platform/http/forms.ts';
import { t } from '../../platform/i18n/index.ts';
import { requirePermission } from '../../platform/rbac/index.ts';
import { auditFilterSchema } from './schemas.ts';
import { searchAuditLog } from './service.ts';

export default async function auditLogRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/audit', async (request, reply) => {
    requirePermission(request.principal, 'audit:view');
    const values = cleanForm(request.query);
    const parsed = parseInput(auditFilterSchema, values);
    if (!parsed.ok) {
      return reply.code(400).page('audit-log/views/audit.njk', { pageTitle: t('audit.title'), values, errors: parsed.errors, entries: [], entityTypes: [] });
    }
    const result = await searchAuditLog(request.ctx, parsed.data);
    const { before: _before, ...filters } = values;
    const nextQuery = result.nextBefore
      ? new URLSearchParams({ ...(filters as Record<string, string>), before: String(result.nextBefore) }).toString()
      : undefined;
    return reply.page('audit-log/views/audit.njk', {
      pageTitle: t('audit.title'),
      values,
      ...result,
      entityTypeItems: [{ value: '', text: t('audit.anyRecord') }, ...result.entityTypes.map((e) => ({ value: e, text: e, selected: values.entityType === e }))],
      nextHref: nextQuery ? `/admin/audit?${nextQuery}` : undefined,
    });
  });
}
