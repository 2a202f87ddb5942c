import type { FastifyInstance } from 'fastify';

export default async function projectsRoutes(_app: FastifyInstance): Promise<void> {
  // Routes are being built.
}
