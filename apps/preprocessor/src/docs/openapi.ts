/**
 * The preprocessor's OpenAPI 3.1 document: its privacy (erasure) API, generated from the zod schemas
 * that validate the requests and describe the receipts (libs/contracts privacy-api.v1), with the shared
 * parts (error body, admin scheme, health, metrics) from libs/contracts' OpenAPI builder.
 */
import {
  ERROR_RESPONSE_COMPONENT,
  adminErrorResponses,
  adminSecurity,
  adminSecuritySchemes,
  componentJsonSchemas,
  componentRef as ref,
  erasureReceiptV1Schema,
  erasureRequestIdSchema,
  erasureRequestV1Schema,
  errorResponse,
  errorResponseV1Schema,
  jsonContent as json,
  openApiDocument,
  operationalPaths,
  pathParameter,
  unavailableResponse,
  type JsonSchema,
  type OpenApiDocument,
} from '@recsys/contracts';

const SERVICE = 'preprocessor';

/** The body's one rule zod states with a refinement: exactly one identity. */
const EXACTLY_ONE_IDENTITY = [{ required: ['userId'] }, { required: ['anonymousId'] }];

function erasurePaths(): Record<string, unknown> {
  const admin = { tags: ['privacy'], security: adminSecurity() };
  return {
    '/v1/privacy/erasures': {
      post: {
        operationId: 'eraseShopper',
        summary:
          'Erase one shopper (by storefront user id or anonymous id): features, sessions, experiment and offer traces; answers with the receipt (admin).',
        ...admin,
        requestBody: { required: true, content: json(ref('ErasureRequestV1')) },
        responses: {
          '200': {
            description:
              'Erased (or nothing was left: `outcome: nothing_found`); the receipt is stored under its `requestId`.',
            content: json(ref('ErasureReceiptV1')),
          },
          '400': errorResponse(
            'The body breaks its contract (REQUEST_INVALID, each issue listed) or is not JSON (PAYLOAD_NOT_JSON).',
          ),
          ...adminErrorResponses(SERVICE),
          '413': errorResponse('The body is over 1 MiB (BATCH_TOO_LARGE).'),
          '415': errorResponse('The body is not `application/json`.'),
          '501': errorResponse(
            'PREPROCESSOR_PSEUDONYMISATION_SECRET is not configured: ids cannot be matched to stored pseudonyms (PSEUDONYMISATION_UNCONFIGURED).',
          ),
          '503': unavailableResponse(),
        },
      },
    },
    '/v1/privacy/erasures/{requestId}': {
      get: {
        operationId: 'erasureReceipt',
        summary: 'A stored erasure receipt (admin).',
        ...admin,
        parameters: [
          pathParameter('requestId', erasureRequestIdSchema, 'The receipt’s `requestId`.'),
        ],
        responses: {
          '200': { description: 'The receipt.', content: json(ref('ErasureReceiptV1')) },
          '400': errorResponse('The id is not `er-<uuid>` (REQUEST_INVALID).'),
          ...adminErrorResponses(SERVICE),
          '404': errorResponse('No receipt with this id (ERASURE_UNKNOWN).'),
          '503': unavailableResponse(),
        },
      },
    },
  };
}

export function buildPreprocessorOpenApiDocument(): OpenApiDocument {
  return openApiDocument({
    info: {
      title: 'recsys preprocessor',
      version: '1.0.0',
      description:
        'The privacy API: erase a shopper and read erasure receipts. Every operation needs ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`; every error carries a stable `error.code`.',
    },
    paths: { ...erasurePaths(), ...operationalPaths() },
    schemas: componentSchemas(),
    securitySchemes: adminSecuritySchemes(SERVICE),
  });
}

function componentSchemas(): Record<string, JsonSchema> {
  return componentJsonSchemas(
    {
      ErasureRequestV1: erasureRequestV1Schema,
      ErasureReceiptV1: erasureReceiptV1Schema,
      [ERROR_RESPONSE_COMPONENT]: errorResponseV1Schema,
    },
    {
      override: ({ zodSchema, jsonSchema }) => {
        if (zodSchema === erasureRequestV1Schema) jsonSchema['oneOf'] = EXACTLY_ONE_IDENTITY;
      },
    },
  );
}
