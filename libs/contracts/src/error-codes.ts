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
} as const;

export type ErrorCode = keyof typeof errorCodes;
export const errorCodeList = Object.keys(errorCodes) as ErrorCode[];
