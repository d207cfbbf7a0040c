/**
 * Starts an HTTP service the same way everywhere: configuration parsed first (a bad value stops the
 * process with exit code 1 and a message naming the variable), NestJS on Fastify, graceful shutdown on
 * SIGTERM/SIGINT, one error shape, and the listening URL printed.
 */
import { Logger, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, type HttpConfig, type LogLevel } from '@recsys/config';
import { AppErrorFilter } from './app-error.filter';
import { createLogger } from './logger';

export interface HttpServiceDefinition<TConfig> {
  serviceName: string;
  loadConfig: () => TConfig;
  settings: (config: TConfig) => {
    http: HttpConfig;
    log: { level: LogLevel; format: 'json' | 'text' };
  };
  module: (config: TConfig) => DynamicModule;
  /** Largest request body accepted, in bytes. @default 1 MiB */
  bodyLimitBytes?: (config: TConfig) => number;
}

export async function createHttpApp<TConfig>(
  definition: HttpServiceDefinition<TConfig>,
  config: TConfig,
): Promise<NestFastifyApplication> {
  const { log } = definition.settings(config);
  const adapter = new FastifyAdapter({
    bodyLimit: definition.bodyLimitBytes?.(config) ?? 1024 * 1024,
    // Behind a load balancer the peer address is the proxy's; requests carry the client's.
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module(config), adapter, {
    logger: createLogger({
      serviceName: definition.serviceName,
      level: log.level,
      format: log.format,
    }),
    bufferLogs: true,
  });
  app.useGlobalFilters(new AppErrorFilter());
  app.enableShutdownHooks();
  return app;
}

/** The `main.ts` of every HTTP service. */
export async function runHttpService<TConfig>(
  definition: HttpServiceDefinition<TConfig>,
): Promise<void> {
  let config: TConfig;
  try {
    config = definition.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.serviceName}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createHttpApp(definition, config);
  const { http } = definition.settings(config);
  await app.listen({ host: http.host, port: http.port });
  new Logger(definition.serviceName).log(`listening on ${await app.getUrl()}`);
}
