/**
 * One logger per service: JSON lines for log shippers, or text for a terminal; level from LOG_LEVEL.
 * JSON lines carry the active trace and span ids, so a line leads to its trace.
 *
 * Logs hold no personal data. Log calls name counts, codes and ids the platform made (request ids,
 * model versions), never user ids, session ids, IP addresses or payloads; where a line must tell
 * shoppers apart it uses `hashForLog(id)`, a keyed hash (HMAC-SHA256 with LOG_HASH_KEY — a plain hash of
 * an id is still personal data: anyone can hash a guess). As a last guard every line is scrubbed of
 * e-mail addresses, which have a recognisable shape (ids do not).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { ConsoleLogger, Logger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { logLevels, type LogLevel } from '@recsys/config';
import { activeTraceIds } from '@recsys/telemetry';

export interface LoggerSettings {
  serviceName: string;
  level: LogLevel;
  format: 'json' | 'text';
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

/** Replaces e-mail addresses in log text; other values pass unchanged. */
export function scrubLogText<T>(value: T): T | string {
  return typeof value === 'string' ? value.replace(EMAIL, '[email]') : value;
}

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

export class PlatformLogger extends ConsoleLogger {
  protected override getJsonLogObject(
    message: unknown,
    options: JsonLogOptions,
  ): ReturnType<ConsoleLogger['getJsonLogObject']> & { trace_id?: string; span_id?: string } {
    const entry = super.getJsonLogObject(scrubLogText(message), {
      ...options,
      ...(options.errorStack === undefined ? {} : { errorStack: scrubLogText(options.errorStack) }),
    });
    const ids = activeTraceIds();
    return ids === undefined ? entry : { ...entry, trace_id: ids.traceId, span_id: ids.spanId };
  }

  protected override stringifyMessage(message: unknown, logLevel: NestLogLevel): unknown {
    return scrubLogText(super.stringifyMessage(message, logLevel) as unknown);
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(String(scrubLogText(stack)));
  }
}

export function createLogger(settings: LoggerSettings): ConsoleLogger {
  // logLevels is ordered from most to least severe: enable the chosen level and everything above it.
  const enabled = logLevels.slice(0, logLevels.indexOf(settings.level) + 1);
  return new PlatformLogger(settings.serviceName, {
    json: settings.format === 'json',
    logLevels: enabled,
    colors: settings.format === 'text' && process.stdout.isTTY === true,
  });
}

/** Random until configured: hashes then correlate lines within one process lifetime only. */
let logHashKey: Buffer = randomBytes(32);

/** Sets the LOG_HASH_KEY the service was configured with (at start, before anything logs). */
export function configureLogHashing(key: string | undefined): void {
  logHashKey = key === undefined ? randomBytes(32) : Buffer.from(key, 'utf8');
}

/**
 * A stand-in for an identifier in a log line: `h:` and 16 hex digits of HMAC-SHA256(LOG_HASH_KEY, id).
 * Equal ids give equal stand-ins; without the key they cannot be reversed or checked against a guess.
 */
export function hashForLog(identifier: string): string {
  return `h:${createHmac('sha256', logHashKey).update(identifier).digest('hex').slice(0, 16)}`;
}

/**
 * Node prints process warnings (deprecations of a dependency) to stderr as plain text, which would break
 * the one-JSON-object-per-line stream: they go through the service's logger instead.
 */
export function logProcessWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    const code = (warning as Error & { code?: string }).code;
    new Logger('node').warn(`${warning.name}${code ? ` ${code}` : ''}: ${warning.message}`);
  });
}
