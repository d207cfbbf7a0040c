/**
 * Maps every error that reaches HTTP to one JSON body shape `{ error: { code, message, retriable,
 * details } }` and a status: unavailable dependencies → 503 with Retry-After, bad input → 400/413/415,
 * a method the path does not declare → 405 with Allow, anything unexpected → 500 without internals.
 */
import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '@recsys/contracts';
import type { DeclaredRoutes } from './http-protocol';

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
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

export const RETRY_AFTER_SECONDS = 5;

export interface ErrorBody {
  error: { code: string; message: string; retriable: boolean; details?: Record<string, unknown> };
}

@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  /** `routes`: the declared routes (see installHttpProtocol); without them a wrong method is a 404. */
  constructor(private readonly routes?: DeclaredRoutes) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body } = this.describe(this.methodNotAllowed(exception, request) ?? exception);
    if (status === 405) void reply.header('Allow', this.allowedMethods(request).join(', '));
    if (status === 503) void reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (status >= 500) this.logger.error(`${body.error.code}: ${describeCause(exception)}`);
    void reply.status(status).send(body);
  }

  /** A 404 for a path that exists with other methods is a 405. */
  private methodNotAllowed(exception: unknown, request: FastifyRequest): AppError | undefined {
    if (!(exception instanceof HttpException) || exception.getStatus() !== 404) return undefined;
    const allowed = this.allowedMethods(request);
    if (allowed.length === 0 || allowed.includes(request.method)) return undefined;
    return new AppError(
      'METHOD_NOT_ALLOWED',
      `${request.method} is not allowed here; the path takes ${allowed.join(', ')}`,
    );
  }

  private allowedMethods(request: FastifyRequest): string[] {
    return this.routes?.methodsFor(request.url) ?? [];
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
