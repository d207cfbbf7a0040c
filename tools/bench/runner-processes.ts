/**
 * The processes the bench runner starts: its own Kafka and Redis (tools/kafka.sh, tools/redis.sh under a
 * private RECSYS_RUN_DIR, so nobody else's are touched), and each bench as a child in its own process
 * group (a bench that hangs is killed together with the services it started). Plus the facts a result is
 * stamped with: machine and git revision.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@recsys/testing';
import type { Machine } from './bench-run';

const run = promisify(execFile);

export interface RunnerInfrastructure {
  kafka: string;
  redis: string;
  /** Stops what the runner started (nothing when the addresses came from the environment). */
  stop: () => Promise<void>;
}

type LocalService = 'kafka' | 'redis';

async function script(service: LocalService, command: 'start' | 'stop', runDir: string) {
  const { stdout } = await run('bash', [join(REPO_ROOT, 'tools', `${service}.sh`), command], {
    env: { ...process.env, RECSYS_RUN_DIR: runDir },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

/** KAFKA_BROKERS / REDIS_URL when given; otherwise each is started under a private run directory. */
export async function startInfrastructure(
  log: (line: string) => void,
): Promise<RunnerInfrastructure> {
  const given = { kafka: process.env['KAFKA_BROKERS'], redis: process.env['REDIS_URL'] };
  const missing = (['kafka', 'redis'] as const).filter((name) => !given[name]);
  if (missing.length === 0)
    return { kafka: given.kafka!, redis: given.redis!, stop: async () => undefined };
  const runDir = mkdtempSync(join(tmpdir(), 'recsys-bench-'));
  log(`starting ${missing.join(' and ')} under RECSYS_RUN_DIR=${runDir}`);
  const stop = async () => {
    await Promise.allSettled(missing.map((name) => script(name, 'stop', runDir)));
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.all(missing.map((name) => script(name, 'start', runDir)));
    const address = (name: LocalService) => given[name] || started[missing.indexOf(name)]!;
    return { kafka: address('kafka'), redis: address('redis'), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface ChildOutcome {
  exitCode: number | null;
  timedOut: boolean;
  /** The last lines it printed, for a failure message. */
  tail: string;
}

/**
 * Runs `node -r @swc-node/register <args>` with its output prefixed into ours. Detached, so it leads a
 * process group: on timeout (or when the runner is interrupted) the whole group gets SIGKILL.
 */
export function runChild(options: {
  label: string;
  args: string[];
  env: Record<string, string>;
  timeoutMs: number;
}): { done: Promise<ChildOutcome>; kill: () => void } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...options.args], {
    cwd: REPO_ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let tail = '';
  let partial = '';
  const forward = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-4_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) process.stderr.write(`[${options.label}] ${line}\n`);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  // The group outlives its leader while a service it started still runs: signal the group, not the pid.
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // nothing left in the group
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const done = new Promise<ChildOutcome>((resolve) => {
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      // Services a bench started are in its group: none may outlive it.
      kill();
      // The last output may still be in the pipes; a grandchild holding them must not stall us.
      void Promise.race([closed, new Promise((wait) => setTimeout(wait, 2_000))]).then(() => {
        if (partial !== '') process.stderr.write(`[${options.label}] ${partial}\n`);
        resolve({ exitCode, timedOut, tail });
      });
    });
  });
  return { done, kill };
}

export function machine(): Machine {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: (processors[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${osType()} ${release()}`,
    node: process.versions.node,
  };
}

export const loadAverage = (): number => Number(loadavg()[0]!.toFixed(2));

/**
 * Waits (at most `maxWaitMs`) for the one-minute load average to fall to three quarters of the cores:
 * the previous bench's own load decays slowly (a one-minute average), and the next bench would otherwise
 * start on a machine that looks busy. Returns the load it settled at.
 */
export async function settledLoad(maxWaitMs: number): Promise<number> {
  const quiet = 0.75 * cpus().length;
  const deadline = Date.now() + maxWaitMs;
  while (loadAverage() > quiet && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return loadAverage();
}

/** The short commit, `-dirty` when tracked files differ from it; `unknown` outside a checkout. */
export async function gitRevision(): Promise<string> {
  try {
    const head = (await run('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT })).stdout;
    const changes = (
      await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT })
    ).stdout;
    return `${head.trim()}${changes.trim() === '' ? '' : '-dirty'}`;
  } catch {
    return 'unknown';
  }
}
