/**
 * The shapes the ingestion endpoints accept: `POST /v1/events` takes one event object, a JSON array of
 * events, or `{ "events": [...] }` (the batch form SDKs send); `POST /v1/items` takes one item, an array,
 * or `{ "items": [...] }`.
 */
import { AppError } from '@recsys/contracts';

export function eventsOfRequestBody(body: unknown, maxBatchEvents: number): unknown[] {
  return batchOfRequestBody(body, { field: 'events', maxBatch: maxBatchEvents });
}

export function itemsOfRequestBody(body: unknown, maxBatchItems: number): unknown[] {
  return batchOfRequestBody(body, { field: 'items', maxBatch: maxBatchItems });
}

function batchOfRequestBody(
  body: unknown,
  options: { field: 'events' | 'items'; maxBatch: number },
): unknown[] {
  const { field, maxBatch } = options;
  const values = extractBatch(body, field);
  if (values.length === 0) throw new AppError('BATCH_INVALID', `the request contains no ${field}`);
  if (values.length > maxBatch) {
    throw new AppError(
      'BATCH_INVALID',
      `a batch holds at most ${maxBatch} ${field}, got ${values.length}`,
      {
        details: {
          [field === 'events' ? 'maxBatchEvents' : 'maxBatchItems']: maxBatch,
          received: values.length,
        },
      },
    );
  }
  return values;
}

function extractBatch(body: unknown, field: 'events' | 'items'): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    if (field in body) {
      const values = (body as Record<string, unknown>)[field];
      if (Array.isArray(values)) return values;
      throw new AppError('BATCH_INVALID', `"${field}" must be an array`);
    }
    return [body];
  }
  throw new AppError('BATCH_INVALID', `the body must be a JSON object or array of ${field}`);
}
