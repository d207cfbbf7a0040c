/**
 * The shapes `POST /v1/events` accepts: one event object, a JSON array of events, or
 * `{ "events": [...] }` (the batch form SDKs send).
 */
import { AppError } from '@recsys/contracts';

export function eventsOfRequestBody(body: unknown, maxBatchEvents: number): unknown[] {
  const events = extractEvents(body);
  if (events.length === 0) throw new AppError('BATCH_INVALID', 'the request contains no events');
  if (events.length > maxBatchEvents) {
    throw new AppError(
      'BATCH_INVALID',
      `a batch holds at most ${maxBatchEvents} events, got ${events.length}`,
      {
        details: { maxBatchEvents, received: events.length },
      },
    );
  }
  return events;
}

function extractEvents(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === 'object' && body !== null) {
    if ('events' in body) {
      if (Array.isArray(body.events)) return body.events;
      throw new AppError('BATCH_INVALID', '"events" must be an array');
    }
    return [body];
  }
  throw new AppError('BATCH_INVALID', 'the body must be a JSON object or array of events');
}
