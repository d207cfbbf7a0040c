/**
 * The one error type the platform throws on purpose. It carries a stable `code` (see error-codes.ts),
 * whether retrying can help, the underlying cause, and details that are safe to log and return.
 * It lives with the contracts because its `code` and `retriable` flag are part of what services and
 * clients agree on (HTTP error bodies, dead-letter headers); it imports nothing.
 */
import { errorCodes, type ErrorCode } from './error-codes';

export interface AppErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly retriable: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.retriable = errorCodes[code].retriable;
    this.details = options.details ?? {};
  }

  toJSON(): {
    code: ErrorCode;
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

/** True for errors that say trying again later can succeed (AppError or any `{ retriable: true }`). */
export function isRetriable(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'retriable' in error && error.retriable === true
  );
}
