import 'reflect-metadata';
import { runHttpService } from '@recsys/platform';
import { trainerService } from './service';

runHttpService(trainerService).catch((error: unknown) => {
  process.stderr.write(`trainer: ${String(error)}\n`);
  process.exit(1);
});
