/** Entry point of the `recsys` CLI (`npm run cli -- <command> …`). */
import { runCli } from './cli';

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
);
