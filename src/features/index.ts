import type { FastifyInstance } from 'fastify';
import healthRoutes from './health/routes.ts';
import authRoutes from './auth/routes.ts';
import homeRoutes from './home/routes.ts';
import usersRoutes from './users/routes.ts';
import accountRoutes from './account/routes.ts';
import orgRoutes from './org/routes.ts';
import auditLogRoutes from './audit-log/routes.ts';
import apiRoutes from './api/routes.ts';
import apiTokenRoutes from './api-tokens/routes.ts';
import projectsRoutes from './projects/routes.ts';
import changesRoutes from './changes/routes.ts';
import measuresRoutes from './measures/routes.ts';
import involvementRoutes from './involvement/routes.ts';
import opportunitiesRoutes from './opportunities/routes.ts';
import groupsRoutes from './groups/routes.ts';
import recruitmentRoutes from './recruitment/routes.ts';
import outreachRoutes from './outreach/routes.ts';
import peopleRoutes from './people/routes.ts';
import peopleImportRoutes from './people-import/routes.ts';
import peopleApiRoutes from './people/api.ts';
import opportunitiesApiRoutes from './opportunities/api.ts';

/** Every feature's routes, registered in one place. A new feature adds one line here. */
export async function featureRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(homeRoutes);
  await app.register(usersRoutes);
  await app.register(accountRoutes);
  await app.register(orgRoutes);
  await app.register(auditLogRoutes);
  await app.register(apiRoutes);
  await app.register(apiTokenRoutes);
  await app.register(projectsRoutes);
  await app.register(changesRoutes);
  await app.register(measuresRoutes);
  await app.register(involvementRoutes);
  await app.register(opportunitiesRoutes);
  await app.register(groupsRoutes);
  await app.register(recruitmentRoutes);
  await app.register(outreachRoutes);
  await app.register(peopleRoutes);
  await app.register(peopleImportRoutes);
  await app.register(peopleApiRoutes);
  await app.register(opportunitiesApiRoutes);
}
