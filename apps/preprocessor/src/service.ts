/** How the preprocessor is started: shared by main.ts and the tests. */
import type { HttpServiceDefinition } from '@recsys/platform';
import { PreprocessorModule } from './app.module';
import {
  PREPROCESSOR_SERVICE_NAME,
  loadPreprocessorConfig,
  type PreprocessorConfig,
} from './config';

export const preprocessorService: HttpServiceDefinition<PreprocessorConfig> = {
  serviceName: PREPROCESSOR_SERVICE_NAME,
  loadConfig: () => loadPreprocessorConfig(),
  settings: (config) => config,
  module: (config) => PreprocessorModule.forRoot(config),
};
