/** One logger per service: JSON lines for log shippers, or text for a terminal; level from LOG_LEVEL. */
import { ConsoleLogger } from '@nestjs/common';
import { logLevels, type LogLevel } from '@recsys/config';

export interface LoggerSettings {
  serviceName: string;
  level: LogLevel;
  format: 'json' | 'text';
}

export function createLogger(settings: LoggerSettings): ConsoleLogger {
  // logLevels is ordered from most to least severe: enable the chosen level and everything above it.
  const enabled = logLevels.slice(0, logLevels.indexOf(settings.level) + 1);
  return new ConsoleLogger(settings.serviceName, {
    json: settings.format === 'json',
    logLevels: enabled,
    colors: settings.format === 'text' && process.stdout.isTTY === true,
  });
}
