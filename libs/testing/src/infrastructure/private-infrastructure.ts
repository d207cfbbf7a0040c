/**
 * A Kafka broker and a Redis server of one test's own, for fault tests that kill and restart them (the
 * shared test infrastructure must never be touched). Started with tools/kafka.sh and tools/redis.sh under
 * a private RECSYS_RUN_DIR; `kill` is SIGKILL (a crash), `restart` brings the same server back on the same
 * port and data directory (the broker keeps its cluster id and log, Redis reloads its AOF), so clients
 * reconnect to the address they were given.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IntegrationEnvironment } from '../environment';
import { REPO_ROOT, type LocalService } from './local-processes';

const run = promisify(execFile);

/** One server under the test's control. */
export interface ControlledServer {
  /** `127.0.0.1:<port>` for Kafka, `redis://127.0.0.1:<port>` for Redis; the same after a restart. */
  readonly address: string;
  readonly port: number;
  /** SIGKILL; returns once the process is gone. Data and port are kept. */
  kill(): Promise<void>;
  /** Stops it gracefully if it runs, then starts it again on the same port and data; resolves when ready. */
  restart(): Promise<void>;
}

/** Redis, with its append-only file in reach: a test can cut off what it wrote last. */
export interface ControlledRedis extends ControlledServer {
  /** Bytes of the AOF Redis appends to now (its newest incremental file). */
  aofBytes(): Promise<number>;
  /**
   * Cuts the AOF back to `bytes` (a size `aofBytes` gave earlier) while Redis is down, as a slow disk
   * or a machine crash would under `appendfsync everysec`; Redis loads what is left of a cut-off
   * command or transaction as nothing (`aof-load-truncated yes`, its default). Returns the bytes cut.
   */
  truncateAof(bytes: number): Promise<number>;
}

export interface PrivateInfrastructure {
  readonly runDir: string;
  readonly kafka: ControlledServer;
  readonly redis: ControlledRedis;
  /** The addresses in the shape `serviceEnv` takes. */
  readonly environment: IntegrationEnvironment;
  /** Stops both servers and deletes their data. */
  stop(): Promise<void>;
}

/** Kafka's first start resolves jars and formats storage; on a loaded machine it takes tens of seconds. */
const SCRIPT_TIMEOUT_MS = 5 * 60_000;

async function script(
  runDir: string,
  service: LocalService,
  ...command: string[]
): Promise<string> {
  const { stdout } = await run('bash', [join(REPO_ROOT, 'tools', `${service}.sh`), ...command], {
    env: { ...process.env, RECSYS_RUN_DIR: runDir },
    maxBuffer: 16 * 1024 * 1024,
    timeout: SCRIPT_TIMEOUT_MS,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

function controlled(runDir: string, service: LocalService, address: string): ControlledServer {
  return {
    address,
    port: Number(/:(\d+)$/.exec(address)?.[1] ?? 0),
    kill: async () => {
      await script(runDir, service, 'kill');
    },
    restart: async () => {
      await script(runDir, service, 'restart');
    },
  };
}

function controlledRedis(runDir: string, address: string): ControlledRedis {
  const aofDir = join(runDir, 'redis', 'appendonlydir');
  /** The incremental file the manifest lists last: where Redis appends. */
  const incrementalFile = async (): Promise<string> => {
    const manifest = await readFile(join(aofDir, 'appendonly.aof.manifest'), 'utf8');
    const files = [...manifest.matchAll(/^file (\S+) seq \d+ type i$/gm)].map((match) => match[1]!);
    if (files.length === 0) throw new Error(`no incremental AOF in ${aofDir}`);
    return join(aofDir, files.at(-1)!);
  };
  return {
    ...controlled(runDir, 'redis', address),
    aofBytes: async () => (await stat(await incrementalFile())).size,
    truncateAof: async (bytes) => {
      const file = await incrementalFile();
      const size = (await stat(file)).size;
      if (bytes > size)
        throw new Error(`${file} has ${size} bytes, fewer than ${bytes}: rewritten?`);
      await truncate(file, bytes);
      return size - bytes;
    },
  };
}

/**
 * If the test process dies without its teardown (a crashed worker, Ctrl-C), the servers would outlive
 * it: on exit, kill whatever pid files the run directory still names.
 */
function killOnExit(pidFiles: readonly string[]): () => void {
  const onExit = () => {
    for (const pidFile of pidFiles) {
      try {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // already stopped
      }
    }
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

/** Starts a private Kafka and Redis (in parallel) under a fresh run directory in the OS temp dir. */
export async function startPrivateInfrastructure(label: string): Promise<PrivateInfrastructure> {
  const runDir = join(tmpdir(), 'recsys-faults', `${label}-${randomBytes(4).toString('hex')}`);
  const forget = killOnExit(['kafka', 'redis'].map((service) => join(runDir, service, 'pid')));
  const stopBoth = async () => {
    await Promise.allSettled([script(runDir, 'kafka', 'stop'), script(runDir, 'redis', 'stop')]);
    await rm(runDir, { recursive: true, force: true });
    forget();
  };
  const started = await Promise.allSettled([
    script(runDir, 'kafka', 'start'),
    script(runDir, 'redis', 'start'),
  ]);
  if (started.some((result) => result.status === 'rejected')) {
    await stopBoth();
    const failure = started.find((result) => result.status === 'rejected');
    throw (failure as PromiseRejectedResult).reason;
  }
  const [kafkaAddress, redisAddress] = started.map(
    (result) => (result as PromiseFulfilledResult<string>).value,
  ) as [string, string];
  return {
    runDir,
    kafka: controlled(runDir, 'kafka', kafkaAddress),
    redis: controlledRedis(runDir, redisAddress),
    environment: { kafkaBrokers: [kafkaAddress], redisUrl: redisAddress },
    stop: stopBoth,
  };
}

/** A three-primary Redis Cluster of one test's own (tools/redis-cluster.sh), whose nodes it can crash. */
export interface PrivateRedisCluster {
  /** Seed nodes, `host:port,…` (the value of REDIS_CLUSTER_NODES); the same after a node restarts. */
  readonly nodes: string;
  /** SIGKILL of node 1–3 (a crash): its slots are down until `restartNode`. Port and AOF are kept. */
  killNode(node: 1 | 2 | 3): Promise<void>;
  /** Starts the node again on its port and AOF; resolves when the cluster is `ok` again. */
  restartNode(node: 1 | 2 | 3): Promise<void>;
  /** Stops every node and deletes their data. */
  stop(): Promise<void>;
}

export async function startPrivateRedisCluster(label: string): Promise<PrivateRedisCluster> {
  const runDir = join(tmpdir(), 'recsys-faults', `${label}-${randomBytes(4).toString('hex')}`);
  const pidFiles = [1, 2, 3].map((node) => join(runDir, 'redis-cluster', `node-${node}`, 'pid'));
  const forget = killOnExit(pidFiles);
  const stop = async () => {
    await script(runDir, 'redis-cluster', 'stop').catch(() => undefined);
    await rm(runDir, { recursive: true, force: true });
    forget();
  };
  try {
    const nodes = await script(runDir, 'redis-cluster', 'start');
    return {
      nodes,
      killNode: async (node) => {
        await script(runDir, 'redis-cluster', 'kill', String(node));
      },
      restartNode: async (node) => {
        await script(runDir, 'redis-cluster', 'restart', String(node));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
