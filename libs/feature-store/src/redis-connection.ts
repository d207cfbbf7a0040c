/**
 * The platform's Redis connection: every key goes under the configured prefix (per environment, per
 * test), commands fail fast with a retriable REDIS_UNAVAILABLE instead of queueing forever while Redis is
 * away, and a health probe answers within a bound.
 *
 * Note: ioredis applies `keyPrefix` to key arguments only — not to SCAN/KEYS patterns, which must add
 * `keyPrefix` themselves (see `scanKeys`).
 */
import Redis from 'ioredis';
import type { RedisConfig } from '@recsys/config';
import { AppError } from '@recsys/contracts';

const HEALTH_TIMEOUT_MS = 1_000;
/** Commands issued while disconnected are retried this many times across reconnects, then fail. */
const MAX_RETRIES_PER_REQUEST = 2;

export class RedisConnection {
  readonly client: Redis;

  constructor(readonly config: RedisConfig) {
    this.client = new Redis(config.url, {
      keyPrefix: config.keyPrefix,
      connectTimeout: config.connectTimeoutMs,
      lazyConnect: true,
      // quit() of a connection that never came up would otherwise keep the process alive for 2 s.
      disconnectTimeout: 200,
      maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    });
    // Without a listener ioredis prints every reconnect error; callers see failures through commands.
    this.client.on('error', () => undefined);
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
  async run<T>(description: string, commands: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await commands(this.client);
    } catch (error) {
      if (error instanceof AppError || isReplyError(error)) throw error;
      throw new AppError('REDIS_UNAVAILABLE', `${description} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /** Every key under this connection's prefix matching `pattern` (pattern without the prefix). */
  async scanKeys(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.client.scan(
        cursor,
        'MATCH',
        `${this.keyPrefix}${pattern}`,
        'COUNT',
        500,
      );
      keys.push(...batch.map((key) => key.slice(this.keyPrefix.length)));
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }
}

/** A reply error is Redis refusing a command (wrong type, script error): a bug, not an outage. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
