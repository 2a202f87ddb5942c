import type { FastifyInstance } from 'fastify';
import { requireSignedIn } from '../../platform/rbac/index.ts';
import { navigationFor } from '../../platform/views/index.ts';
import { t } from '../../platform/i18n/index.ts';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => {
    const principal = requireSignedIn(request.principal);
    // The home page offers the same places as the navigation, as cards with a sentence each.
    const places = navigationFor(principal, '/').filter((i) => i.href !== '/');
    return reply.page('home/views/home.njk', { pageTitle: t('home.title'), places });
  });
  app.get('/accessibility', { config: { public: true } }, async (_request, reply) =>
    reply.page('home/views/static.njk', { pageTitle: t('accessibility.title'), paragraphs: t('accessibility.body', { returnObjects: true }) }),
  );
  app.get('/privacy', { config: { public: true } }, async (_request, reply) =>
    reply.page('home/views/static.njk', { pageTitle: t('privacy.title'), paragraphs: t('privacy.body', { returnObjects: true }) }),
  );
}
