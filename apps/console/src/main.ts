import 'reflect-metadata';
import { runHttpService } from '@recsys/platform';
import { consoleService } from './service';

runHttpService(consoleService).catch((error: unknown) => {
  process.stderr.write(`console: ${String(error)}\n`);
  process.exit(1);
});
