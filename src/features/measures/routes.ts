import type { FastifyInstance } from 'fastify';

export default async function measuresRoutes(_app: FastifyInstance): Promise<void> {
  // Routes are being built.
}
