/**
 * Runs tools/kafka.sh, tools/redis.sh and tools/redis-cluster.sh: the project's own local Kafka (KRaft
 * from Maven Central jars), Debian redis-server, and a Redis Cluster of three redis-server primaries
 * (tests of the cluster mode; no container image is needed for it).
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '../../../..');

/** Tests keep their processes apart from `npm start`'s (`.run/`), so stopping one never stops the other. */
export const TEST_RUN_DIR = join(REPO_ROOT, '.run', 'test');

export type LocalService = 'kafka' | 'redis' | 'redis-cluster';

async function script(
  service: LocalService,
  command: 'start' | 'stop' | 'status',
): Promise<string> {
  const { stdout } = await run('bash', [join(REPO_ROOT, 'tools', `${service}.sh`), command], {
    env: { ...process.env, RECSYS_RUN_DIR: TEST_RUN_DIR },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

export interface LocalStart {
  address: string;
  /** false when a process from an earlier run was still up and was reused. */
  startedNow: boolean;
}

export async function startLocal(service: LocalService): Promise<LocalStart> {
  const running = await script(service, 'status').catch(() => '');
  if (running !== '') return { address: running, startedNow: false };
  return { address: await script(service, 'start'), startedNow: true };
}

export async function stopLocal(service: LocalService): Promise<void> {
  await script(service, 'stop');
}
