/**
 * Starts the "Fastify + kafkajs, no validation" arm (unvalidated-ingest.server.ts) as its own process,
 * like the collector, so both arms pay for their own event loop and both are measured from outside.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@recsys/testing';

export interface UnvalidatedArm {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/**
 * The Node options the services of this run get (RECSYS_SERVICE_NODE_ARGS, e.g. `--cpu-prof`): the
 * arm runs under the same ones, so profiling slows both arms alike.
 */
function serviceNodeArgs(): string[] {
  return (process.env['RECSYS_SERVICE_NODE_ARGS'] ?? '').split(/\s+/).filter((arg) => arg !== '');
}

export async function startUnvalidatedArm(options: {
  brokers: string;
  topic: string;
}): Promise<UnvalidatedArm> {
  const script = join(REPO_ROOT, 'tools/bench/unvalidated-ingest.server.ts');
  const serverArgs = ['--brokers', options.brokers, '--topic', options.topic];
  const child = spawn(
    process.execPath,
    [...serviceNodeArgs(), '-r', '@swc-node/register', script, ...serverArgs],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer:\n${output}`)), READY_TIMEOUT_MS);
    const watch = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8_000);
      const ready = /^listening (\S+)$/m.exec(output);
      if (ready === null) return;
      clearTimeout(timer);
      resolve(ready[1]!);
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    void exited.then(() => reject(new Error(`exited during start-up:\n${output}`)));
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`the unvalidated arm did not start: ${String(error)}`, { cause: error });
  });
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
