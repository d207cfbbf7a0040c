/**
 * Cross-origin access for browser clients, on @fastify/cors. The service decides which origins may call
 * it (a fixed list, or a per-tenant one); preflights from other origins get no CORS headers, so the
 * browser refuses the call. No credentials (cookies) are ever allowed: browser clients authenticate with
 * headers listed in `allowedHeaders`.
 */
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export interface CorsPolicy {
  isOriginAllowed: (origin: string) => boolean;
  /** Request headers a browser may send, e.g. `content-type` and an API-key header. */
  allowedHeaders: string[];
  /** Response headers a browser script may read. @default ['retry-after'] */
  exposedHeaders?: string[];
  /** @default ['GET', 'POST'] */
  methods?: string[];
  /** How long a browser may cache a preflight answer. @default 600 */
  maxAgeSeconds?: number;
}

/**
 * Queues the CORS plugin; Fastify loads it when the app gets ready, in registration order, so hooks
 * registered after it (authentication) run after it. Deliberately not awaited: awaiting a registration
 * from a Nest lifecycle hook makes Fastify load the routes Nest already declared before Nest installed
 * its error handler, and those routes would then answer errors in Fastify's default shape.
 */
export function registerCors(fastify: FastifyInstance, policy: CorsPolicy): void {
  void fastify.register(cors, {
    origin: (origin, callback) =>
      callback(null, origin !== undefined && policy.isOriginAllowed(origin)),
    allowedHeaders: policy.allowedHeaders,
    exposedHeaders: policy.exposedHeaders ?? ['retry-after'],
    methods: policy.methods ?? ['GET', 'POST'],
    maxAge: policy.maxAgeSeconds ?? 600,
    credentials: false,
  });
}
