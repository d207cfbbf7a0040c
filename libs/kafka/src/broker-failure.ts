/**
 * Which publish failures say the cluster is unreachable (and so open the publisher's circuit breaker),
 * as opposed to failures of one request that the next request would not share: a message too large,
 * an unknown topic, a refused authorisation, a payload that failed validation.
 */
import { AppError } from '@recsys/contracts';

/** `details.reason` of the KAFKA_UNAVAILABLE the publisher raises when Kafka did not acknowledge in time. */
export const SEND_TIMEOUT_REASON = 'send_timeout';

/** kafkajs errors about the connection to a broker, not about a request. */
const UNREACHABLE_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
]);

/** Node socket errors (kafkajs usually wraps them, but not always). */
const UNREACHABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
]);

const MAX_CAUSE_DEPTH = 5;

/**
 * True when the error, or an error it wraps (`cause`, kafkajs' `originalError` after its retries ran
 * out), shows that no broker could be reached or none answered in time.
 */
export function isBrokerUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (showsUnreachable(current)) return true;
    current = current.cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

function showsUnreachable(error: Error): boolean {
  if (error instanceof AppError) {
    return error.code === 'KAFKA_UNAVAILABLE' && error.details['reason'] === SEND_TIMEOUT_REASON;
  }
  const code = (error as { code?: unknown }).code;
  return (
    UNREACHABLE_ERROR_NAMES.has(error.name) ||
    (typeof code === 'string' && UNREACHABLE_SOCKET_CODES.has(code))
  );
}
