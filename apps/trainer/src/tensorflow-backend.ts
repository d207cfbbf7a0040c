/** Picks the TensorFlow.js backend once, before anything trains or loads a model. */
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { initialiseTensorflow } from '@recsys/model';
import { APP_CONFIG } from '@recsys/platform';

@Injectable()
export class TensorflowBackend implements OnModuleInit {
  private readonly logger = new Logger('tensorflow');
  backend = 'unknown';

  constructor(@Inject(APP_CONFIG) private readonly config: { model: { backend: string } }) {}

  async onModuleInit(): Promise<void> {
    const preference = this.config.model.backend;
    const chosen = await initialiseTensorflow({
      ...(preference === 'auto' ? {} : { prefer: preference as 'tensorflow' | 'wasm' | 'cpu' }),
      log: (message) => this.logger.log(message),
    });
    this.backend = chosen.backend;
  }
}
