/**
 * Starts an HTTP service the same way everywhere: configuration parsed first (a bad value stops the
 * process with exit code 1 and a message naming the variable), NestJS on Fastify, graceful shutdown on
 * SIGTERM/SIGINT, one error shape, and the listening URL printed.
 */
import type { AddressInfo } from 'node:net';
import { Logger, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ConfigError,
  loadObservabilityConfig,
  type HttpConfig,
  type LogLevel,
  type ObservabilityConfig,
} from '@recsys/config';
import { startTracing } from '@recsys/telemetry';
import type { FastifyInstance } from 'fastify';
import { AppErrorFilter } from './app-error.filter';
import { answerClientError } from './client-error';
import { installHttpProtocol } from './http-protocol';
import { configureLogHashing, createLogger, logProcessWarnings } from './logger';

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
    // `__proto__` / `constructor.prototype` keys stay plain data instead of failing the whole body as
    // "not JSON": every body is validated by strict zod schemas (and the collector's batch check), which
    // refuse such an entry with a reason while the rest of a batch is accepted. No code merges bodies.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    clientErrorHandler: answerClientError,
    // Path ids are up to 128 characters (idSchema), percent-encoded up to 12 bytes each; the router's
    // default (100) answered longer ones with its own 414 before any validation.
    routerOptions: { maxParamLength: 2_048 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module(config), adapter, {
    logger: createLogger({
      serviceName: definition.serviceName,
      level: log.level,
      format: log.format,
    }),
    bufferLogs: true,
  });
  const instance: FastifyInstance = app.getHttpAdapter().getInstance();
  app.useGlobalFilters(new AppErrorFilter(installHttpProtocol(instance)));
  app.enableShutdownHooks();
  return app;
}

/** The `main.ts` of every HTTP service. */
export async function runHttpService<TConfig>(
  definition: HttpServiceDefinition<TConfig>,
): Promise<void> {
  let config: TConfig;
  let observability: ObservabilityConfig;
  try {
    config = definition.loadConfig();
    observability = loadObservabilityConfig(definition.serviceName);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.serviceName}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  configureLogHashing(observability.logHashKey);
  logProcessWarnings();
  const tracing = startTracing({
    config: observability.tracing,
    onDiagnostic: (message) => new Logger('tracing').warn(message),
  });
  const app = await createHttpApp(definition, config);
  // Closing the app (SIGTERM) exports the spans still buffered.
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', () => tracing.shutdown());
  const { http } = definition.settings(config);
  await app.listen({ host: http.host, port: http.port });
  new Logger(definition.serviceName).log(`listening on ${listeningUrl(fastify.server.address())}`);
}

/**
 * The URL of the address the server actually bound, as it is: `0.0.0.0` / `::` (every interface) stay
 * so, where Nest's `getUrl()` prints 127.0.0.1 for them and so hides that the service is on the network.
 */
export function listeningUrl(address: AddressInfo | string | null): string {
  if (address === null) return 'nothing (the server is not listening)';
  if (typeof address === 'string') return `unix:${address}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const everyInterface = address.address === '0.0.0.0' || address.address === '::';
  return `http://${host}:${address.port}${everyInterface ? ' (every interface)' : ''}`;
}
