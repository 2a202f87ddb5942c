import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';

const SESSION_COOKIE = 'alongside_session';

/** Behind TLS the cookie gets the __Host- prefix: secure, host-only, path=/. */
export const sessionCookieName = (config: Config): string =>
  config.baseUrl.startsWith('https://') ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;

export function setSessionCookie(reply: FastifyReply, config: Config, secret: string): void {
  reply.setCookie(sessionCookieName(config), secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.baseUrl.startsWith('https://'),
    maxAge: Math.floor(config.sessionAbsoluteMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), { path: '/' });
}
