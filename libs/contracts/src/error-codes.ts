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
  /** Admin endpoints are switched off: the service has no ADMIN_TOKEN configured. */
  ADMIN_DISABLED: { retriable: false },
  /** Over the caller's rate limit; retry after the time the response names. */
  RATE_LIMITED: { retriable: true },
  /** The path exists but not with this method; the answer's `Allow` header lists the methods it has. */
  METHOD_NOT_ALLOWED: { retriable: false },
  /** A body that is not `application/json` on a route that takes JSON. */
  UNSUPPORTED_MEDIA_TYPE: { retriable: false },
  /** A scorer/admin request that breaks its contract (bad query or body). */
  REQUEST_INVALID: { retriable: false },
  /** The registry has no such model version. */
  MODEL_VERSION_UNKNOWN: { retriable: false },
  /** A rollback was asked for but no earlier champion exists. */
  MODEL_ROLLBACK_UNAVAILABLE: { retriable: false },
  /** No model could be loaded (none trained yet, or its artifacts are missing). */
  MODEL_UNAVAILABLE: { retriable: true },
  /** Stored model artifacts or metadata that cannot be used (corrupt, or a different feature spec). */
  MODEL_INVALID: { retriable: false },
  /** Training refused: too few examples, mixed feature-spec versions, or a single class. */
  TRAINING_DATA_INSUFFICIENT: { retriable: true },
  /** An experiment id the registry does not know, or a definition that breaks its schema. */
  EXPERIMENT_UNKNOWN: { retriable: false },
  EXPERIMENT_INVALID: { retriable: false },
  /** No TensorFlow.js backend could be started (not even cpu). */
  TENSORFLOW_UNAVAILABLE: { retriable: false },
  /** A model was built before `initialiseTensorflow()` picked a backend. */
  TENSORFLOW_NOT_INITIALISED: { retriable: false },
  /** A ranker configuration that cannot build a model. */
  MODEL_CONFIG_INVALID: { retriable: false },
  /** Training or prediction input that cannot be used (empty set, missing feature, bad label). */
  TRAINING_DATA_INVALID: { retriable: false },
  /** A serialised item vocabulary that does not parse. */
  VOCABULARY_INVALID: { retriable: false },
  /** Saving a model that has not been stamped with a version (see `withMetadata`). */
  MODEL_METADATA_MISSING: { retriable: false },
  /** No artifacts under the key (yet): retrying helps when a publisher is still writing them. */
  MODEL_NOT_FOUND: { retriable: true },
  /** Stored artifacts that do not describe a loadable model. */
  MODEL_ARTIFACTS_INVALID: { retriable: false },
  /** A ranker used after `dispose()`. */
  MODEL_DISPOSED: { retriable: false },
  /** No erasure receipt with this request id. */
  ERASURE_UNKNOWN: { retriable: false },
  /** Erasing by storefront user id needs the collector's pseudonymisation secret, not configured here. */
  PSEUDONYMISATION_UNCONFIGURED: { retriable: false },
  /** PRIVACY_TOMBSTONE_SECRET differs from the one the stored tombstones were written with. */
  TOMBSTONE_KEY_MISMATCH: { retriable: false },
  /**
   * A feature write found its slot group changed since it was read (an erasure, or a previous owner of
   * the partition still flushing): the batch runs again from fresh state.
   */
  FEATURE_WRITE_CONFLICT: { retriable: true },
  /**
   * The feature store's connection was lost since the source's last flush: Redis may have restarted
   * without its last acknowledged writes, so the source resumes from the offset the store holds.
   */
  FEATURE_STORE_RECONNECTED: { retriable: true },
  /** A user's packed state in the feature store is not a state this version can read. */
  FEATURE_STATE_UNREADABLE: { retriable: false },
} as const;

export type ErrorCode = keyof typeof errorCodes;
export const errorCodeList = Object.keys(errorCodes) as ErrorCode[];
