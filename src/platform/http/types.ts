import type { Config } from '../../config.ts';
import type { Db, Dialect } from '../db/index.ts';
import type { Principal } from '../rbac/index.ts';
import type { ServiceContext } from '../context.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    dialect: Dialect;
    config: Config;
    routeList: { method: string; url: string; public: boolean }[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The raw session cookie value, when signed in through the browser. */
    sessionSecret: string | null;
    ctx: ServiceContext;
  }
  interface FastifyReply {
    flash(message: string): void;
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
  interface FastifyContextConfig {
    /** Routes the access-matrix test should treat as public. */
    public?: boolean;
  }
}
export {};
