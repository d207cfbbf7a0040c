/**
 * The console's OpenAPI 3.1 document: its JSON API (`/api/v1`, admin only, generated from libs/contracts
 * console-api.v1, the schemas its tests parse real answers with) and the page with its assets (public),
 * with the shared parts (error body, admin scheme, health, metrics) from libs/contracts' OpenAPI builder.
 */
import {
  ERROR_RESPONSE_COMPONENT,
  adminErrorResponses,
  adminSecurity,
  adminSecuritySchemes,
  componentJsonSchemas,
  componentRef as ref,
  errorResponse,
  errorResponseV1Schema,
  experimentsV1Schema,
  jsonContent as json,
  liveQueryV1Schema,
  liveV1Schema,
  modelsV1Schema,
  openApiDocument,
  operationalPaths,
  pathParameter,
  queryParameters,
  userLookupIdV1Schema,
  userLookupQueryV1Schema,
  userLookupV1Schema,
  type JsonSchema,
  type OpenApiDocument,
} from '@recsys/contracts';

const SERVICE = 'console';

const noStore = {
  'Cache-Control': { description: 'Never cached: `no-store`.', schema: { const: 'no-store' } },
};

/** A JSON view of the console: admin only, never cached. */
function view(input: { operationId: string; summary: string; component: string }) {
  return {
    operationId: input.operationId,
    summary: input.summary,
    tags: ['console'],
    security: adminSecurity(),
    responses: {
      '200': {
        description: 'The view; a source that is away is marked `unavailable` in its section.',
        headers: noStore,
        content: json(ref(input.component)),
      },
      ...adminErrorResponses(SERVICE),
    },
  };
}

function apiPaths(): Record<string, unknown> {
  const invalid = errorResponse(
    'A query parameter or the id breaks its contract (REQUEST_INVALID).',
  );
  const live = view({
    operationId: 'liveView',
    summary: 'Event rates, dead letters, consumer lag, quality gate and freshness.',
    component: 'LiveV1',
  });
  const user = view({
    operationId: 'userView',
    summary: "One shopper's features, recent items and events, and the scorer's current answer.",
    component: 'UserLookupV1',
  });
  return {
    '/api/v1/live': {
      get: {
        ...live,
        parameters: queryParameters(liveQueryV1Schema),
        responses: { ...live.responses, '400': invalid },
      },
    },
    '/api/v1/models': {
      get: view({
        operationId: 'modelsView',
        summary: 'Model versions with their metrics, the champion and its promotions.',
        component: 'ModelsV1',
      }),
    },
    '/api/v1/experiments': {
      get: view({
        operationId: 'experimentsView',
        summary: 'Every experiment with its report and the guardrails’ decision.',
        component: 'ExperimentsV1',
      }),
    },
    '/api/v1/users/{id}': {
      get: {
        ...user,
        parameters: [
          pathParameter('id', userLookupIdV1Schema, 'A user id, an anonymous id or a user key.'),
          ...queryParameters(userLookupQueryV1Schema),
        ],
        responses: { ...user.responses, '400': invalid },
      },
    },
  };
}

const text = { type: 'string' };
const ifNoneMatch = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  description: 'The ETag of a copy held: 304 when it is still current.',
  schema: text,
};

/** A file of the page, public, revalidated on every load (ETag). */
function file(input: { operationId: string; summary: string; mediaTypes: string[] }) {
  return {
    operationId: input.operationId,
    summary: input.summary,
    tags: ['page'],
    parameters: [ifNoneMatch],
    responses: {
      '200': {
        description: 'The file, with its ETag and a strict Content-Security-Policy.',
        headers: { ETag: { required: true, schema: text } },
        content: Object.fromEntries(input.mediaTypes.map((type) => [type, { schema: text }])),
      },
      '304': { description: 'The copy held (If-None-Match) is current.' },
    },
  };
}

function pagePaths(): Record<string, unknown> {
  const asset = file({
    operationId: 'asset',
    summary: 'A script, style sheet or image of the page.',
    mediaTypes: ['text/html', 'text/javascript', 'text/css', 'image/svg+xml'],
  });
  return {
    '/': {
      get: file({ operationId: 'page', summary: 'The console page.', mediaTypes: ['text/html'] }),
    },
    '/favicon.ico': {
      get: file({ operationId: 'favicon', summary: 'The icon.', mediaTypes: ['image/svg+xml'] }),
    },
    '/assets/{name}': {
      get: {
        ...asset,
        parameters: [{ name: 'name', in: 'path', required: true, schema: text }, ifNoneMatch],
        responses: { ...asset.responses, '404': errorResponse('No such file (NOT_FOUND).') },
      },
    },
  };
}

export function buildConsoleOpenApiDocument(): OpenApiDocument {
  return openApiDocument({
    info: {
      title: 'recsys console',
      version: '1.0.0',
      description:
        'The operations console: its page (public) and the JSON API the page reads, behind ' +
        '`Authorization: Bearer <ADMIN_TOKEN>` (the user lookup shows personal data). Every error ' +
        'carries a stable `error.code`.',
    },
    paths: { ...apiPaths(), ...pagePaths(), ...operationalPaths() },
    schemas: componentSchemas(),
    securitySchemes: adminSecuritySchemes(SERVICE),
  });
}

function componentSchemas(): Record<string, JsonSchema> {
  return componentJsonSchemas({
    LiveV1: liveV1Schema,
    ModelsV1: modelsV1Schema,
    ExperimentsV1: experimentsV1Schema,
    UserLookupV1: userLookupV1Schema,
    [ERROR_RESPONSE_COMPONENT]: errorResponseV1Schema,
  });
}
