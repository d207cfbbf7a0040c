/**
 * The trainer's OpenAPI 3.1 document: the models API (registry, champion, train now, promote, roll back)
 * and what the trainer holds of erased shoppers, generated from the zod schemas the controllers validate
 * with and the answers are typed by (http/models-api.ts, libs/contracts), with the shared parts (error
 * body, admin scheme, health, metrics) from libs/contracts' OpenAPI builder.
 */
import {
  ERROR_RESPONSE_COMPONENT,
  adminErrorResponses,
  adminSecurity,
  adminSecuritySchemes,
  componentJsonSchemas,
  componentRef as ref,
  erasureRequestIdSchema,
  erasureSubjectSchema,
  errorResponse,
  errorResponseV1Schema,
  jsonContent as json,
  openApiDocument,
  operationalPaths,
  pathParameter,
  queryParameters,
  unavailableResponse,
  type JsonSchema,
  type OpenApiDocument,
} from '@recsys/contracts';
import {
  cycleResultSchema,
  modelVersionSchema,
  modelsListSchema,
  modelsQuerySchema,
  promotionRecordSchema,
  subjectExamplesSchema,
  windowErasureSchema,
} from '../http/models-api';

const SERVICE = 'trainer';
const admin = { security: adminSecurity() };
const ok = (description: string, component: string) => ({
  '200': { description, content: json(ref(component)) },
});
const invalid = (what: string) => errorResponse(`${what} (REQUEST_INVALID, each issue listed).`);
const announced = errorResponse(
  'Kafka did not acknowledge the announcement on models.published.v1, or Redis did not answer ' +
    '(KAFKA_UNAVAILABLE, REDIS_UNAVAILABLE); retry later.',
  { retryAfter: true },
);

const MODELS_TAGS = ['models'];

function modelPaths(): Record<string, unknown> {
  const tags = MODELS_TAGS;
  return {
    '/v1/models': {
      get: {
        operationId: 'listModels',
        summary: 'The registry: versions with their metrics, the champion, promotions, the window.',
        tags,
        parameters: queryParameters(modelsQuerySchema),
        responses: {
          ...ok('Newest first.', 'ModelsList'),
          '400': invalid('An unknown or out-of-range query parameter'),
          '503': unavailableResponse(),
        },
      },
    },
    '/v1/models/train': {
      post: {
        operationId: 'trainNow',
        summary: 'Train on the current window now and promote the challenger if it wins (admin).',
        tags,
        ...admin,
        responses: {
          ...ok('What the run did: skipped (and why), promoted or rejected.', 'CycleResult'),
          ...adminErrorResponses(SERVICE),
          '503': announced,
        },
      },
    },
    ...promotionPaths(),
  };
}

/** Rollback and promotion: the admin operations that change the champion. */
function promotionPaths(): Record<string, unknown> {
  const tags = MODELS_TAGS;
  return {
    '/v1/models/rollback': {
      post: {
        operationId: 'rollbackModel',
        summary: 'Make the previous champion champion again, and announce it (admin).',
        tags,
        ...admin,
        responses: {
          ...ok('The promotion recorded.', 'PromotionRecord'),
          ...adminErrorResponses(SERVICE),
          '409': errorResponse('There is no earlier champion (MODEL_ROLLBACK_UNAVAILABLE).'),
          '503': announced,
        },
      },
    },
    '/v1/models/{version}/promote': {
      post: {
        operationId: 'promoteModel',
        summary: 'Make a stored version champion, and announce it (admin).',
        tags,
        ...admin,
        parameters: [pathParameter('version', modelVersionSchema, 'A version of the registry.')],
        responses: {
          ...ok('The promotion recorded.', 'PromotionRecord'),
          '400': invalid('The version is not `[A-Za-z0-9._-]{1,128}`'),
          ...adminErrorResponses(SERVICE),
          '404': errorResponse('The registry has no such version (MODEL_VERSION_UNKNOWN).'),
          '503': announced,
        },
      },
    },
  };
}

function privacyPaths(): Record<string, unknown> {
  const privacy = { tags: ['privacy'], ...admin };
  return {
    '/v1/privacy/erasures/{requestId}': {
      get: {
        operationId: 'windowErasure',
        summary: 'Whether this trainer applied an announced erasure, and what it purged (admin).',
        ...privacy,
        parameters: [pathParameter('requestId', erasureRequestIdSchema, 'The erasure’s id.')],
        responses: {
          ...ok('Applied; `remainingExamples` is 0.', 'WindowErasure'),
          '400': invalid('The id is not `er-<uuid>`'),
          ...adminErrorResponses(SERVICE),
          '404': errorResponse('Not announced to this process (ERASURE_UNKNOWN).'),
        },
      },
    },
    '/v1/privacy/subjects/{subject}': {
      get: {
        operationId: 'subjectExamples',
        summary: "A subject's examples in the training window (admin).",
        ...privacy,
        parameters: [pathParameter('subject', erasureSubjectSchema, 'The erasure subject.')],
        responses: {
          ...ok('Counts (never the examples).', 'SubjectExamples'),
          '400': invalid('The subject is not `s_<32 hex>`'),
          ...adminErrorResponses(SERVICE),
        },
      },
    },
  };
}

export function buildTrainerOpenApiDocument(): OpenApiDocument {
  return openApiDocument({
    info: {
      title: 'recsys trainer',
      version: '1.0.0',
      description:
        'The model registry over HTTP (read), and the admin actions behind `Authorization: Bearer ' +
        '<ADMIN_TOKEN>`: train now, promote, roll back, and what the trainer holds of erased shoppers. ' +
        'Every error carries a stable `error.code`.',
    },
    paths: { ...modelPaths(), ...privacyPaths(), ...operationalPaths() },
    schemas: componentSchemas(),
    securitySchemes: adminSecuritySchemes(SERVICE),
  });
}

function componentSchemas(): Record<string, JsonSchema> {
  return componentJsonSchemas({
    ModelsList: modelsListSchema,
    CycleResult: cycleResultSchema,
    PromotionRecord: promotionRecordSchema,
    WindowErasure: windowErasureSchema,
    SubjectExamples: subjectExamplesSchema,
    [ERROR_RESPONSE_COMPONENT]: errorResponseV1Schema,
  });
}
