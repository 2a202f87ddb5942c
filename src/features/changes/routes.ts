import type { FastifyInstance } from 'fastify';

export default async function changesRoutes(_app: FastifyInstance): Promise<void> {
  // Routes are being built.
}
