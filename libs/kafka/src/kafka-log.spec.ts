import { logLevel, type LogEntry } from 'kafkajs';
import { forwardLog } from './kafka-client';
import type { AdapterLogger } from './logger';

/** A logger that keeps what it was given, by level. */
function recordingLogger() {
  const lines: Record<'log' | 'warn' | 'error' | 'debug', string[]> = {
    log: [],
    warn: [],
    error: [],
    debug: [],
  };
  const logger: AdapterLogger = {
    log: (message) => lines.log.push(message),
    warn: (message) => lines.warn.push(message),
    error: (message) => lines.error.push(message),
    debug: (message) => lines.debug.push(message),
  };
  return { logger, lines };
}

const entryOf = (level: logLevel, log: Record<string, unknown>): LogEntry => ({
  namespace: 'Connection',
  level,
  label: 'ERROR',
  log: { timestamp: '2030-01-01T00:00:00.000Z', logger: 'kafkajs', message: '', ...log },
});

describe('kafkajs log forwarding', () => {
  it('logs a starting broker’s retriable "coordinator is loading" at debug, not as an error', () => {
    const { logger, lines } = recordingLogger();

    forwardLog(
      logger,
      entryOf(logLevel.ERROR, {
        message: 'Response GroupCoordinator(key: 10, version: 2)',
        error: "The coordinator is loading and hence can't process requests",
        correlationId: 3,
      }),
    );

    expect(lines.error).toEqual([]);
    expect(lines.debug).toEqual([expect.stringMatching(/coordinator is loading/)]);
  });

  it('still logs other errors as errors and warnings as warnings', () => {
    const { logger, lines } = recordingLogger();

    forwardLog(logger, entryOf(logLevel.ERROR, { message: 'Connection error: ECONNREFUSED' }));
    forwardLog(logger, entryOf(logLevel.WARN, { message: 'Broker disconnected' }));

    expect(lines.error).toEqual(['kafkajs Connection: Connection error: ECONNREFUSED']);
    expect(lines.warn).toEqual(['kafkajs Connection: Broker disconnected']);
  });
});
