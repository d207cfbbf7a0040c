/** How the trainer is started: shared by main.ts and the tests. */
import type { HttpServiceDefinition } from '@recsys/platform';
import { TrainerModule } from './app.module';
import { TRAINER_SERVICE_NAME, loadTrainerConfig, type TrainerConfig } from './config';

export const trainerService: HttpServiceDefinition<TrainerConfig> = {
  serviceName: TRAINER_SERVICE_NAME,
  loadConfig: () => loadTrainerConfig(),
  settings: (config) => config,
  module: (config) => TrainerModule.forRoot(config),
};
