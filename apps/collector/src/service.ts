/** How the collector is started: shared by main.ts and the integration tests. */
import type { HttpServiceDefinition } from '@recsys/platform';
import { CollectorModule } from './app.module';
import { COLLECTOR_SERVICE_NAME, loadCollectorConfig, type CollectorConfig } from './config';

export const collectorService: HttpServiceDefinition<CollectorConfig> = {
  serviceName: COLLECTOR_SERVICE_NAME,
  loadConfig: () => loadCollectorConfig(),
  settings: (config) => config,
  module: (config) => CollectorModule.forRoot(config),
  bodyLimitBytes: (config) => config.limits.maxBodyBytes,
};
