/**
 * Stable error codes. Clients, dashboards and alerts match on these strings: never rename one.
 * `retriable` says whether trying the same thing again later can succeed.
 */
export const errorCodes = {
  CONFIG_INVALID: { retriable: false },
  EVENT_INVALID: { retriable: false },
  EVENT_TOO_LARGE: { retriable: false },
  BATCH_INVALID: { retriable: false },
  BATCH_TOO_LARGE: { retriable: false },
  PAYLOAD_NOT_JSON: { retriable: false },
  MESSAGE_INVALID: { retriable: false },
  HANDLER_FAILED: { retriable: false },
  KAFKA_UNAVAILABLE: { retriable: true },
  REDIS_UNAVAILABLE: { retriable: true },
  TIMEOUT: { retriable: true },
  /** A catalogue item that breaks its contract. */
  ITEM_INVALID: { retriable: false },
  ITEM_TOO_LARGE: { retriable: false },
  /** No write key, or one the service does not know. */
  UNAUTHORIZED: { retriable: false },
  /** The request's Origin is not among those allowed for its write key. */
  ORIGIN_NOT_ALLOWED: { retriable: false },
  /** Over the caller's rate limit; retry after the time the response names. */
  RATE_LIMITED: { retriable: true },
} as const;

export type ErrorCode = keyof typeof errorCodes;
export const errorCodeList = Object.keys(errorCodes) as ErrorCode[];
