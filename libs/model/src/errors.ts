/**
 * Errors this library throws on purpose: the platform's AppError (stable code, retriable flag, safe
 * details) restricted to the model codes of libs/contracts' error list, under its own name so logs say
 * which library threw.
 */
import { AppError, errorCodes, type AppErrorOptions } from '@recsys/contracts';

export const modelErrorCodeNames = [
  'TENSORFLOW_UNAVAILABLE',
  'TENSORFLOW_NOT_INITIALISED',
  'MODEL_CONFIG_INVALID',
  'TRAINING_DATA_INVALID',
  'VOCABULARY_INVALID',
  'MODEL_METADATA_MISSING',
  'MODEL_NOT_FOUND',
  'MODEL_ARTIFACTS_INVALID',
  'MODEL_DISPOSED',
] as const satisfies ReadonlyArray<keyof typeof errorCodes>;

export type ModelErrorCode = (typeof modelErrorCodeNames)[number];

/** Safe to log and to return to a caller: no feature values, no user data in `details`. */
export type ModelErrorOptions = AppErrorOptions;

export class ModelError extends AppError {
  declare readonly code: ModelErrorCode;

  constructor(code: ModelErrorCode, message: string, options: ModelErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ModelError';
  }
}
