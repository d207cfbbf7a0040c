/** How the scorer is started: shared by main.ts and the tests. */
import type { HttpServiceDefinition } from '@recsys/platform';
import { ScorerModule } from './app.module';
import { SCORER_SERVICE_NAME, loadScorerConfig, type ScorerConfig } from './config';

export const scorerService: HttpServiceDefinition<ScorerConfig> = {
  serviceName: SCORER_SERVICE_NAME,
  loadConfig: () => loadScorerConfig(),
  settings: (config) => config,
  module: (config) => ScorerModule.forRoot(config),
};
