import 'reflect-metadata';
import { runHttpService } from '@recsys/platform';
import { scorerService } from './service';

runHttpService(scorerService).catch((error: unknown) => {
  process.stderr.write(`scorer: ${String(error)}\n`);
  process.exit(1);
});
