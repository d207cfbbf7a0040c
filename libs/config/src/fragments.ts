/**
 * Per-concern configuration fragments. An app composes the env shapes it needs into one schema and maps
 * them with the matching `*ConfigFrom` functions, so every service spells a setting the same way.
 */
import { z } from 'zod';
import { envBoolean, envInt, envList } from './env-types';

const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

export const kafkaEnvShape = {
  /** Bootstrap servers, `host:port[,host:port]`. */
  KAFKA_BROKERS: envList.pipe(
    z
      .array(z.string().regex(HOST_PORT, 'each broker must be host:port'))
      .min(1, 'at least one broker'),
  ),
  /** @default "recsys" (the service name is appended) */
  KAFKA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default('recsys'),
  /** Prefix for every topic name, for sharing one cluster between environments. @default "" */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-"')
    .optional(),
  /** @default false */
  KAFKA_SSL: envBoolean.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /**
   * Producer compression. kafkajs compresses gzip in JavaScript on the service's own thread, which costs
   * more CPU than the loopback or in-cluster bandwidth it saves for these small JSON messages; turn it on
   * where the network is the bottleneck. @default "none"
   */
  KAFKA_COMPRESSION: z.enum(['none', 'gzip']).default('none'),
  /** @default 5000 */
  KAFKA_CONNECTION_TIMEOUT_MS: envInt({ min: 100, max: 120_000 }).default(5_000),
  /** @default 30000 */
  KAFKA_REQUEST_TIMEOUT_MS: envInt({ min: 100, max: 300_000 }).default(30_000),
};
type KafkaEnv = z.output<z.ZodObject<typeof kafkaEnvShape>>;

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  ssl: boolean;
  compression: 'none' | 'gzip';
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
}

export function kafkaConfigFrom(env: KafkaEnv, serviceName: string): KafkaConfig {
  const config: KafkaConfig = {
    brokers: env.KAFKA_BROKERS,
    clientId: `${env.KAFKA_CLIENT_ID}-${serviceName}`,
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    ssl: env.KAFKA_SSL,
    compression: env.KAFKA_COMPRESSION,
    connectionTimeoutMs: env.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: env.KAFKA_REQUEST_TIMEOUT_MS,
  };
  if (env.KAFKA_SASL_MECHANISM !== undefined) {
    config.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME ?? '',
      password: env.KAFKA_SASL_PASSWORD ?? '',
    };
  }
  return config;
}

/** SASL needs both credentials; checked across variables, so it is a schema-level refinement. */
export function requireSaslCredentials(env: Partial<KafkaEnv>, ctx: z.RefinementCtx): void {
  if (env.KAFKA_SASL_MECHANISM === undefined) return;
  for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
    if (env[variable] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [variable],
        message: 'is required when KAFKA_SASL_MECHANISM is set',
      });
    }
  }
}

const hostPortSchema = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { error: 'must be host:port' })
  .transform((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });

export const redisEnvShape = {
  /**
   * `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. With REDIS_CLUSTER_NODES it is
   * optional and gives only the credentials and TLS of every node.
   */
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional(),
  /**
   * Redis Cluster: seed nodes `host:port,host:port,…` (the rest is discovered). Unset: one Redis at
   * REDIS_URL.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value) => value.split(',').map((node) => node.trim()))
    .pipe(z.array(hostPortSchema).min(1))
    .optional(),
  /** Prepended to every key, e.g. per environment. @default "recsys:" */
  REDIS_KEY_PREFIX: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9:._{}-]*$/)
    .default('recsys:'),
  /** @default 5000 */
  REDIS_CONNECT_TIMEOUT_MS: envInt({ min: 100, max: 120_000 }).default(5_000),
};
type RedisEnv = z.output<z.ZodObject<typeof redisEnvShape>>;

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisConfig {
  /** One Redis; in cluster mode the credentials and TLS (scheme) of every node. */
  url: string;
  keyPrefix: string;
  connectTimeoutMs: number;
  /** Set: Redis Cluster from these seed nodes. */
  clusterNodes?: readonly RedisNode[];
}

/** Needs `requireRedisTarget` in the service's schema (REDIS_URL or REDIS_CLUSTER_NODES is set). */
export function redisConfigFrom(env: RedisEnv): RedisConfig {
  const nodes = env.REDIS_CLUSTER_NODES;
  const seed = nodes?.[0];
  return {
    url: env.REDIS_URL ?? (seed ? `redis://${seed.host}:${seed.port}` : ''),
    keyPrefix: env.REDIS_KEY_PREFIX,
    connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
    ...(nodes === undefined ? {} : { clusterNodes: nodes }),
  };
}

/**
 * For `.superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)`: a missing REDIS_URL is named in
 * the same error as every other missing variable (a refinement is skipped after other issues otherwise).
 */
export const REPORTED_WITH_OTHER_ISSUES = { when: (): boolean => true };

/**
 * One Redis (REDIS_URL) or a cluster (REDIS_CLUSTER_NODES). On a cluster the key prefix holds no hash
 * tag: Redis hashes a key by its first `{…}`, so a tag in the prefix would put every key in one slot.
 */
export function requireRedisTarget(env: Partial<RedisEnv>, ctx: z.RefinementCtx): void {
  if (env.REDIS_URL === undefined && env.REDIS_CLUSTER_NODES === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message: 'is required (or REDIS_CLUSTER_NODES for a Redis Cluster)',
    });
  }
  const prefix = typeof env.REDIS_KEY_PREFIX === 'string' ? env.REDIS_KEY_PREFIX : '';
  if (env.REDIS_CLUSTER_NODES !== undefined && /[{}]/.test(prefix)) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_KEY_PREFIX'],
      message:
        'must not contain { or } on a Redis Cluster (a hash tag would put every key in one slot)',
    });
  }
}

/**
 * For a service whose Redis scripts still span hash slots (issue "Feature write path …" moves them):
 * on a cluster they would fail at run time with CROSSSLOT errors, so the service refuses at start.
 */
export function refuseRedisCluster(service: string) {
  return (env: Partial<RedisEnv>, ctx: z.RefinementCtx): void => {
    if (env.REDIS_CLUSTER_NODES === undefined) return;
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_CLUSTER_NODES'],
      message: `the ${service} does not run on a Redis Cluster yet (scripts over keys in several slots); set REDIS_URL to one Redis`,
    });
  };
}

/**
 * Loopback only unless asked: a service started on a laptop is not reachable from the network (its admin
 * API included). Containers and pods set `0.0.0.0` (the Helm chart and the image do).
 */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

export function httpEnvShape(defaultPort: number) {
  return {
    /** Address the HTTP server binds; wins over `HOST`. `0.0.0.0` is every interface. @default "127.0.0.1" */
    HTTP_HOST: z.string().min(1).optional(),
    /** The conventional name for `HTTP_HOST`, read when that is unset. @default "127.0.0.1" */
    HOST: z.string().min(1).optional(),
    HTTP_PORT: envInt({ min: 0, max: 65_535 }).default(defaultPort),
  };
}

export interface HttpConfig {
  host: string;
  port: number;
}

export function httpConfigFrom(env: {
  HTTP_HOST?: string | undefined;
  HOST?: string | undefined;
  HTTP_PORT: number;
}): HttpConfig {
  return { host: env.HTTP_HOST ?? env.HOST ?? DEFAULT_HTTP_HOST, port: env.HTTP_PORT };
}

export const logLevels = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof logLevels)[number];

export const logEnvShape = {
  /** Lowest level written. @default "log" */
  LOG_LEVEL: z.enum(logLevels).default('log'),
  /** JSON lines (for log shippers) or human-readable text. @default "json" */
  LOG_FORMAT: z.enum(['json', 'text']).default('json'),
};

export const modelEnvShape = {
  /** Registry name of the ranking model the trainer publishes and the scorer serves. @default "ranker" */
  MODEL_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)
    .default('ranker'),
  /**
   * TensorFlow.js backend: `auto` tries tfjs-node (native, when installed), then WebAssembly, then the
   * pure-JavaScript cpu backend. @default "auto"
   */
  MODEL_BACKEND: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
};

export const adminEnvShape = {
  /**
   * Bearer token for the admin endpoints (promote, rollback, experiments). Unset: they answer 403.
   * At least 16 characters.
   */
  ADMIN_TOKEN: z.string().min(16).optional(),
};

/**
 * A service's default consumer group: `<topic prefix>.<service>`, so deployments sharing a cluster through
 * KAFKA_TOPIC_PREFIX never share groups.
 */
export function defaultGroupIdOf(topicPrefix: string | undefined, service: string): string {
  return topicPrefix ? `${topicPrefix}.${service}` : service;
}
