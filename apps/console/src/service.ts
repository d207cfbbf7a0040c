/** How the console is started: shared by main.ts and the tests. */
import type { HttpServiceDefinition } from '@recsys/platform';
import { ConsoleModule } from './app.module';
import { CONSOLE_SERVICE_NAME, loadConsoleConfig, type ConsoleConfig } from './config';

export const consoleService: HttpServiceDefinition<ConsoleConfig> = {
  serviceName: CONSOLE_SERVICE_NAME,
  loadConfig: () => loadConsoleConfig(),
  settings: (config) => config,
  module: (config) => ConsoleModule.forRoot(config),
};
