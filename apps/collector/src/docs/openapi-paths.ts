/** The operations of the collector's OpenAPI document: request bodies and every answer they can get. */
import { componentRef as ref, errorResponse, jsonContent as json } from '@recsys/contracts';
import type { OpenApiSettings } from './openapi';

export const SECURITY_SCHEME = 'writeKey';

/** One entry, a JSON array of entries, or `{ <field>: [...] }`. */
function batchBody(options: { entry: string; field: string; maxBatch: number }) {
  const batch = {
    type: 'array',
    items: ref(options.entry),
    minItems: 1,
    maxItems: options.maxBatch,
  };
  return {
    required: true,
    content: json({
      anyOf: [
        ref(options.entry),
        batch,
        { type: 'object', required: [options.field], properties: { [options.field]: batch } },
      ],
    }),
  };
}

function ingestResponses(noun: string, settings: OpenApiSettings) {
  return {
    '202': {
      description: `Accepted: Kafka acknowledged every valid ${noun}; invalid ones are listed.`,
      content: json(ref('IngestResult')),
    },
    '400': errorResponse(
      `No ${noun} was valid (each reason is listed), the body is not JSON, or the batch is malformed.`,
    ),
    '401': errorResponse(
      `The \`x-write-key\` header is missing or holds no valid key (UNAUTHORIZED).`,
    ),
    '403': errorResponse(
      'The request comes from an origin its key does not allow (ORIGIN_NOT_ALLOWED).',
    ),
    '413': errorResponse(
      `The body is over ${settings.limits.maxBodyBytes} bytes (BATCH_TOO_LARGE).`,
    ),
    '415': errorResponse('The body is not `application/json` (UNSUPPORTED_MEDIA_TYPE).'),
    '429': errorResponse(
      `The storefront sent more than ${settings.rateLimit.eventsPerSecond} events and items per second (RATE_LIMITED).`,
      { retryAfter: true },
    ),
    '503': errorResponse(
      'Kafka did not acknowledge in time (KAFKA_UNAVAILABLE); nothing was accepted.',
      { retryAfter: true },
    ),
  };
}

export function ingestPaths(settings: OpenApiSettings): Record<string, unknown> {
  const security = [{ [SECURITY_SCHEME]: [] }];
  return {
    '/v1/events': {
      post: {
        operationId: 'ingestEvents',
        summary: 'Send storefront events (one, an array, or { events: [...] }).',
        security,
        requestBody: batchBody({
          entry: 'StorefrontEventV1',
          field: 'events',
          maxBatch: settings.limits.maxBatchEvents,
        }),
        responses: ingestResponses('event', settings),
      },
    },
    '/v1/items': {
      post: {
        operationId: 'upsertItems',
        summary: 'Upsert catalogue items (one, an array, or { items: [...] }).',
        security,
        requestBody: batchBody({
          entry: 'ItemUpsertedV1',
          field: 'items',
          maxBatch: settings.limits.maxBatchItems,
        }),
        responses: ingestResponses('item', settings),
      },
    },
  };
}
