/**
 * The platform's Redis connection: every key goes under the configured prefix (per environment, per
 * test), commands fail fast with a retriable REDIS_UNAVAILABLE instead of queueing forever while Redis is
 * away, and a health probe answers within a bound.
 *
 * One Redis (`url`) or a Redis Cluster (`clusterNodes`): the same commands either way; on a cluster,
 * ioredis routes each to the primary of its key's slot, and a command or script over several keys needs
 * them in one slot (a shared hash tag).
 *
 * Note: ioredis applies `keyPrefix` to key arguments only — not to SCAN/KEYS patterns, which must add
 * `keyPrefix` themselves (see `scanKeys`, which scans every primary of a cluster).
 */
import calculateSlot from 'cluster-key-slot';
import Redis, { Cluster } from 'ioredis';
import type { RedisConfig } from '@recsys/config';
import { AppError } from '@recsys/contracts';
import { pipelineValues } from './pipeline-values';

const HEALTH_TIMEOUT_MS = 1_000;
/** Commands issued while disconnected are retried this many times across reconnects, then fail. */
const MAX_RETRIES_PER_REQUEST = 2;

/** A command as its name and arguments (keys without the connection's prefix: ioredis adds it). */
export type RedisCommand = readonly [name: string, ...args: Array<string | number>];

/** A connection to one Redis or to a Redis Cluster: the same command interface. */
export type RedisClient = Redis | Cluster;

const retryDelayMs = (attempt: number): number => Math.min(50 * 2 ** attempt, 2_000);

export interface RedisConnectionOptions {
  /**
   * Queue commands issued while disconnected and re-send, after reconnecting, the ones whose replies
   * were lost (ioredis's defaults). A writer whose guards assume Redis holds what it acknowledged turns
   * both off: a command then reaches a server only if it was issued after the last connection loss was
   * counted (`connectionLosses`), so a writer that checks the count before writing never writes on top
   * of a restarted server that lost its last writes without knowing. @default true
   */
  resendAfterReconnect?: boolean;
}

export class RedisConnection {
  readonly client: RedisClient;
  private losses = 0;
  private readonly resend: boolean;

  constructor(
    readonly config: RedisConfig,
    options: RedisConnectionOptions = {},
  ) {
    this.resend = options.resendAfterReconnect ?? true;
    this.client = config.clusterNodes
      ? clusterClient(config, this.resend)
      : singleClient(config, this.resend);
    // Without a listener ioredis prints every reconnect error; callers see failures through commands.
    this.client.on('error', () => undefined);
    // One Redis: the connection closed. A cluster: a node's connection ended (it is re-created on the
    // next slot refresh) or the whole cluster connection closed.
    const countLoss = () => {
      this.losses += 1;
    };
    this.client.on('close', countLoss);
    if (this.client instanceof Cluster) this.client.on('-node', countLoss);
  }

  /**
   * How many times a server connection was lost since start. The server may have restarted meanwhile,
   * and a restart from an AOF written `everysec` can lack what it acknowledged in its last second.
   */
  get connectionLosses(): number {
    return this.losses;
  }

  /** True on a Redis Cluster: a multi-key command must keep its keys in one slot. */
  get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  get keyPrefix(): string {
    return this.config.keyPrefix;
  }

  async connect(): Promise<void> {
    if (this.client.status === 'ready') return;
    try {
      await this.client.connect();
    } catch (error) {
      throw new AppError('REDIS_UNAVAILABLE', `cannot connect to Redis: ${String(error)}`, {
        cause: error,
      });
    }
  }

  async disconnect(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** True when PING answers within 1 s. */
  async isHealthy(): Promise<boolean> {
    if (this.client.status !== 'ready') return false;
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS).unref(),
    );
    const ping = this.client.ping().then(
      (reply) => reply === 'PONG',
      () => false,
    );
    return Promise.race([ping, timeout]);
  }

  /** Runs Redis commands, turning connection failures into a retriable REDIS_UNAVAILABLE. */
  async run<T>(description: string, commands: (client: RedisClient) => Promise<T>): Promise<T> {
    if (!this.resend && this.client.status !== 'ready')
      throw new AppError(
        'REDIS_UNAVAILABLE',
        `${description} failed: Redis is ${this.client.status}`,
      );
    try {
      return await commands(this.client);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (isReplyError(error) && !isTopologyError(error)) throw error;
      // A slot moved: read the slots again, so that the retry goes where the slot is now.
      if (isTopologyError(error) && this.client instanceof Cluster) this.client.refreshSlotsCache();
      throw new AppError('REDIS_UNAVAILABLE', `${description} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * The primary that serves a key (`host:port`) on a cluster, as this client last read the slots;
   * undefined on one Redis or before the slots are known.
   */
  primaryOf(key: string): string | undefined {
    if (!(this.client instanceof Cluster)) return undefined;
    return this.client.slots[calculateSlot(`${this.keyPrefix}${key}`)]?.[0];
  }

  /**
   * Many reads in few socket writes: one pipeline on one Redis. On a cluster a group of several commands
   * (its keys must share a slot) is one pipeline, a group of one a plain command (a pipeline per command
   * cost more than it saved there). Resolves to each group's replies in order; a reply error is thrown.
   * Without it, a connection that does not auto-pipeline (a writer's) writes each command to the socket
   * on its own: a tenth of the preprocessor's time went to those writes.
   */
  async readGroups(
    description: string,
    groups: ReadonlyArray<readonly RedisCommand[]>,
  ): Promise<unknown[][]> {
    if (groups.length === 0) return [];
    return this.run(description, async (client) => {
      if (client instanceof Cluster)
        return Promise.all(
          groups.map(async (group) =>
            group.length === 1
              ? [await sendCommand(client, group[0]!)]
              : pipelineValues(await client.pipeline(group.map((command) => [...command])).exec()),
          ),
        );
      const replies = pipelineValues(
        await client
          .pipeline(groups.flatMap((group) => group.map((command) => [...command])))
          .exec(),
      );
      let start = 0;
      return groups.map((group) => replies.slice(start, (start += group.length)));
    });
  }

  /**
   * Every key under this connection's prefix matching `pattern` (pattern without the prefix); on a
   * cluster, from every primary.
   */
  async scanKeys(pattern: string): Promise<string[]> {
    const servers = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    const perServer = await Promise.all(
      servers.map((server) => scanServer(server, `${this.keyPrefix}${pattern}`)),
    );
    return perServer.flat().map((key) => key.slice(this.keyPrefix.length));
  }

  /** Each server's own connection: the one Redis, or every primary of the cluster. */
  primaries(): Redis[] {
    return this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
  }
}

async function scanServer(server: Redis, match: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await server.scan(cursor, 'MATCH', match, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** A command through its named method, so ioredis's reply transforms apply (HGETALL → an object). */
function sendCommand(client: RedisClient, [name, ...args]: RedisCommand): Promise<unknown> {
  const method = (client as unknown as Record<string, (...values: unknown[]) => Promise<unknown>>)[
    name
  ];
  if (method === undefined) throw new Error(`unknown Redis command ${name}`);
  return method.apply(client, args);
}

function singleClient(config: RedisConfig, resend: boolean): Redis {
  return new Redis(config.url, {
    enableOfflineQueue: resend,
    autoResendUnfulfilledCommands: resend,
    keyPrefix: config.keyPrefix,
    connectTimeout: config.connectTimeoutMs,
    lazyConnect: true,
    // Commands issued in the same tick share one round trip (a flush sends one script per slot group).
    // Not without the offline queue: an auto-pipeline that goes out after its connection dropped can
    // stay unsettled, and every later command of the connection queues behind it (seen under lost
    // replies; redis/ioredis#1511). Commands then go one by one, still without waiting for replies.
    enableAutoPipelining: resend,
    // quit() of a connection that never came up would otherwise keep the process alive for 2 s.
    disconnectTimeout: 200,
    // Without re-sending, ioredis drops the commands a lost connection left unanswered once it is back,
    // never settling them, unless it fails them first: 0 fails them as the connection closes.
    maxRetriesPerRequest: resend ? MAX_RETRIES_PER_REQUEST : 0,
    retryStrategy: retryDelayMs,
  });
}

/** Credentials and TLS from the URL apply to every node; the nodes themselves come from the seeds. */
function clusterClient(config: RedisConfig, resend: boolean): Cluster {
  const url = new URL(config.url);
  return new Cluster(
    (config.clusterNodes ?? []).map((node) => ({ host: node.host, port: node.port })),
    {
      // ioredis's node connections always queue; a command routed again after a node was lost can still
      // reach it once it is back (FORMAT.md, "Writes and exactly once", says what that leaves).
      enableOfflineQueue: resend,
      keyPrefix: config.keyPrefix,
      lazyConnect: true,
      // No auto-pipelining on a cluster: ioredis groups auto-pipelined commands per node and, when a
      // slot moved (a primary restarted or resharded), hands the MOVED reply to the caller instead of
      // following it (redis/ioredis#2075; seen here in the cluster-primary fault test's reader).
      enableAutoPipelining: false,
      clusterRetryStrategy: retryDelayMs,
      redisOptions: {
        autoResendUnfulfilledCommands: resend,
        connectTimeout: config.connectTimeoutMs,
        disconnectTimeout: 200,
        maxRetriesPerRequest: resend ? MAX_RETRIES_PER_REQUEST : 0,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    },
  );
}

/** A reply error is Redis refusing a command (wrong type, script error): a bug, not an outage. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * A cluster reply saying a slot is elsewhere or unavailable for now (a primary failed over, a slot
 * moved): transient, not a bug. ioredis follows these for single commands; a pipeline of writes hands
 * them back, and a retry after the slots were read again succeeds.
 */
function isTopologyError(error: unknown): boolean {
  return error instanceof Error && /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /.test(error.message);
}
