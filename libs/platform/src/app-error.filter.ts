/**
 * Maps every error that reaches HTTP to one JSON body shape `{ error: { code, message, retriable,
 * details } }` and a status: unavailable dependencies → 503 with Retry-After, bad input → 400/413,
 * anything unexpected → 500 without internals.
 */
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppError, type ErrorCode } from '@recsys/contracts';

const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  EVENT_INVALID: 400,
  BATCH_INVALID: 400,
  PAYLOAD_NOT_JSON: 400,
  MESSAGE_INVALID: 400,
  EVENT_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  ITEM_INVALID: 400,
  ITEM_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  ORIGIN_NOT_ALLOWED: 403,
  ADMIN_DISABLED: 403,
  RATE_LIMITED: 429,
  KAFKA_UNAVAILABLE: 503,
  REDIS_UNAVAILABLE: 503,
  TIMEOUT: 503,
  REQUEST_INVALID: 400,
  MODEL_VERSION_UNKNOWN: 404,
  MODEL_ROLLBACK_UNAVAILABLE: 409,
  MODEL_UNAVAILABLE: 503,
  MODEL_INVALID: 500,
  TRAINING_DATA_INSUFFICIENT: 409,
  EXPERIMENT_UNKNOWN: 404,
  EXPERIMENT_INVALID: 400,
  ERASURE_UNKNOWN: 404,
  PSEUDONYMISATION_UNCONFIGURED: 501,
};

export const RETRY_AFTER_SECONDS = 5;

export interface ErrorBody {
  error: { code: string; message: string; retriable: boolean; details?: Record<string, unknown> };
}

@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.describe(exception);
    if (status === 503) void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (status >= 500) this.logger.error(`${body.error.code}: ${describeCause(exception)}`);
    void reply.status(status).send(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof AppError) {
      return { status: STATUS_BY_CODE[exception.code] ?? 500, body: { error: exception.toJSON() } };
    }
    if (exception instanceof HttpException) {
      return { status: exception.getStatus(), body: httpExceptionBody(exception) };
    }
    return {
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'internal error', retriable: true } },
    };
  }
}

/**
 * Nest hands Fastify's own failures (unparseable JSON, body over the limit, unknown route) over as
 * HttpExceptions that carry only a status and Fastify's message; give them the platform's codes.
 */
function httpExceptionBody(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  return {
    error: {
      code: httpErrorCode(status, exception.message),
      message: exception.message,
      retriable: status >= 500,
    },
  };
}

function httpErrorCode(status: number, message: string): string {
  if (status === 400 && /JSON/i.test(message)) return 'PAYLOAD_NOT_JSON';
  if (status === 413) return 'BATCH_TOO_LARGE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return `HTTP_${status}`;
}

function describeCause(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
