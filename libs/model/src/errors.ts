/**
 * Errors this library throws on purpose. Each carries a stable `code` (dashboards and callers match on
 * it — never rename one) and whether retrying the same call later can succeed, the same shape as the
 * platform's AppError, whose code list belongs to the contracts and has no model-specific entries.
 */
export const modelErrorCodes = {
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
} as const;

export type ModelErrorCode = keyof typeof modelErrorCodes;

export interface ModelErrorOptions {
  cause?: unknown;
  /** Safe to log and to return to a caller: no feature values, no user data. */
  details?: Record<string, unknown>;
}

export class ModelError extends Error {
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options: ModelErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ModelError';
    this.retriable = modelErrorCodes[code].retriable;
    this.details = options.details ?? {};
  }

  toJSON(): {
    code: ModelErrorCode;
    message: string;
    retriable: boolean;
    details: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      details: this.details,
    };
  }
}
