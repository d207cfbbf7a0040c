/**
 * Who a request acts for, decided before its body is read (a Fastify onRequest hook), so an
 * unauthenticated client cannot make the collector parse half a megabyte. Health, metrics and the API
 * document are public; CORS preflights carry no key by design and are answered by the CORS plugin.
 * Everything else needs a write key: unknown routes answer 401 to strangers rather than revealing 404s.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { AppError } from '@recsys/contracts';
import { WRITE_KEY_HEADER, WriteKeyRegistry, authenticate, type WriteKeyEntry } from './write-keys';

declare module 'fastify' {
  interface FastifyRequest {
    /** The storefront whose write key authenticated this request; null on public routes. */
    storefront: string | null;
  }
}

export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  '/health/live',
  '/health/ready',
  '/metrics',
  '/docs/openapi.json',
]);

/** The storefront every request acts for when authentication is disabled (local development only). */
export const UNAUTHENTICATED_STOREFRONT = 'unauthenticated';

export type AuthSettings = { mode: 'write-keys'; keys: WriteKeyEntry[] } | { mode: 'disabled' };

export interface RequestAuthenticator {
  /** The storefront a request acts for; throws UNAUTHORIZED or ORIGIN_NOT_ALLOWED. */
  storefrontOf(request: { headers: IncomingHttpHeaders }): string;
  /** Whether a CORS preflight from `origin` gets an answer the browser accepts. */
  isOriginAllowed(origin: string): boolean;
}

export function createAuthenticator(settings: AuthSettings): RequestAuthenticator {
  switch (settings.mode) {
    case 'write-keys':
      return writeKeyAuthenticator(new WriteKeyRegistry(settings.keys));
    case 'disabled':
      return {
        storefrontOf: () => UNAUTHENTICATED_STOREFRONT,
        isOriginAllowed: () => true,
      };
  }
}

function writeKeyAuthenticator(registry: WriteKeyRegistry): RequestAuthenticator {
  const preflightOrigins = registry.allOrigins();
  return {
    storefrontOf: ({ headers }) =>
      authenticate(registry, { presentedKey: headers[WRITE_KEY_HEADER], origin: headers.origin })
        .name,
    isOriginAllowed: (origin) => preflightOrigins.has(origin),
  };
}

/**
 * The onRequest hook. A refusal is thrown as an AppError, which Nest's error handler maps to the
 * platform's error body (401/403) like any other error; `onRefused` sees its code first (metrics).
 */
export function authenticationHook(options: {
  authenticator: RequestAuthenticator;
  onRefused: (code: string) => void;
}): onRequestAsyncHookHandler {
  return async (request: FastifyRequest) => {
    if (request.method === 'OPTIONS' || isPublic(request)) return;
    try {
      request.storefront = options.authenticator.storefrontOf(request);
    } catch (error) {
      if (error instanceof AppError) options.onRefused(error.code);
      throw error;
    }
  };
}

/** The authenticated storefront of a request that passed the hook. */
export function storefrontOf(request: FastifyRequest): string {
  if (request.storefront === null) {
    throw new AppError('UNAUTHORIZED', 'the request was not authenticated');
  }
  return request.storefront;
}

function isPublic(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && PUBLIC_ROUTES.has(route);
}
