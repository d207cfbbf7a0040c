import 'reflect-metadata';
import { ConfigError } from '@recsys/config';
import { runHttpService } from '@recsys/platform';
import { loadPreprocessorConfig } from './config';
import { rebuildFeatureStore } from './rebuild';
import { preprocessorService } from './service';

/** `main.js` runs the service; `main.js rebuild` rebuilds the feature store from Kafka and exits. */
async function main(command: string | undefined): Promise<void> {
  if (command === undefined || command === 'serve') return runHttpService(preprocessorService);
  if (command !== 'rebuild')
    throw new Error(`unknown command "${command}" (expected serve or rebuild)`);
  const report = await rebuildFeatureStore(loadPreprocessorConfig());
  process.stdout.write(`${JSON.stringify({ rebuild: report })}\n`);
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(
    `preprocessor: ${error instanceof ConfigError ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
