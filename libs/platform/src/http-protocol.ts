/**
 * What every service answers at the protocol level, the same way (RFC 9110):
 *   - a method the path does not declare → 405 with `Allow` listing the ones it does (Fastify's router
 *     only knows "no route", which Nest answers with 404); an unknown path stays 404;
 *   - a body that is not JSON by its media type → 415 `UNSUPPORTED_MEDIA_TYPE`. Fastify parses
 *     `text/plain` by default, so such a body reached the zod schemas as a string and came back as a 400.
 * The routes are learnt from Fastify as Nest declares them; catch-all routes (`*`, e.g. CORS preflights)
 * do not count as declaring a path.
 */
import type { FastifyInstance } from 'fastify';

/** One declared path (as Fastify spells it, e.g. `/v1/experiments/:id`) and its methods. */
interface DeclaredRoute {
  readonly segments: readonly string[];
  readonly methods: Set<string>;
}

export class DeclaredRoutes {
  private readonly routes = new Map<string, DeclaredRoute>();

  add(methods: string | readonly string[], url: string): void {
    if (url === '*' || url === '/*') return;
    const route = this.routes.get(url) ?? { segments: url.split('/'), methods: new Set<string>() };
    for (const method of typeof methods === 'string' ? [methods] : methods) {
      route.methods.add(method.toUpperCase());
      // Fastify answers HEAD for every GET route.
      if (method.toUpperCase() === 'GET') route.methods.add('HEAD');
    }
    this.routes.set(url, route);
  }

  /** Every method declared for a request path (query string ignored), sorted; empty if none matches. */
  methodsFor(url: string): string[] {
    const segments = (url.split('?')[0] ?? '').split('/');
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (!matches(route.segments, segments)) continue;
      for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

/** A static segment matches itself, a parameter (`:id`) any non-empty segment, `*` the rest. */
function matches(route: readonly string[], path: readonly string[]): boolean {
  for (const [index, part] of route.entries()) {
    if (part === '*') return true;
    const given = path[index];
    if (given === undefined) return false;
    const isParameter = part.includes(':');
    if (isParameter ? given.length === 0 : given !== part) return false;
  }
  return route.length === path.length;
}

/**
 * Installs the protocol rules on a Fastify instance before Nest declares its routes, and returns the
 * table the error filter asks when a request found no route.
 */
export function installHttpProtocol(fastify: FastifyInstance): DeclaredRoutes {
  const routes = new DeclaredRoutes();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  fastify.removeContentTypeParser('text/plain');
  return routes;
}
