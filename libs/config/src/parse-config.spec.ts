import { z } from 'zod';
import {
  ConfigError,
  httpConfigFrom,
  httpEnvShape,
  kafkaConfigFrom,
  kafkaEnvShape,
  parseConfig,
  redisConfigFrom,
  redisEnvShape,
  REPORTED_WITH_OTHER_ISSUES,
  requireRedisTarget,
  requireSaslCredentials,
} from './index';

const schema = z
  .object({ ...kafkaEnvShape, ...redisEnvShape, ...httpEnvShape(8080) })
  .superRefine(requireSaslCredentials)
  .superRefine(requireRedisTarget, REPORTED_WITH_OTHER_ISSUES)
  .transform((env) => ({
    kafka: kafkaConfigFrom(env, 'collector'),
    redis: redisConfigFrom(env),
    http: httpConfigFrom(env),
  }));

const minimal = { KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: 'redis://127.0.0.1:6379' };

function issuesOf(env: Record<string, string>): string[] {
  try {
    parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => issue.variable);
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('builds a typed nested object with documented defaults', () => {
    const config = parseConfig(schema, minimal);
    expect(config).toEqual({
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'recsys-collector',
        topicPrefix: '',
        ssl: false,
        compression: 'none',
        connectionTimeoutMs: 5000,
        requestTimeoutMs: 30000,
      },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'recsys:', connectTimeoutMs: 5000 },
      http: { host: '127.0.0.1', port: 8080 },
    });
  });

  it('splits a broker list and reads booleans and integers', () => {
    const config = parseConfig(schema, {
      ...minimal,
      KAFKA_BROKERS: 'a:9092, b:9093,',
      KAFKA_SSL: 'yes',
      HTTP_PORT: '3001',
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.kafka.ssl).toBe(true);
    expect(config.http.port).toBe(3001);
  });

  it('binds loopback unless HTTP_HOST or HOST says otherwise; HTTP_HOST wins over HOST', () => {
    const hostOf = (env: Record<string, string>) =>
      parseConfig(schema, { ...minimal, ...env }).http.host;
    expect(hostOf({})).toBe('127.0.0.1');
    expect(hostOf({ HOST: '0.0.0.0' })).toBe('0.0.0.0');
    expect(hostOf({ HTTP_HOST: '::' })).toBe('::');
    expect(hostOf({ HOST: '0.0.0.0', HTTP_HOST: '10.0.0.5' })).toBe('10.0.0.5');
    expect(hostOf({ HOST: ' ', HTTP_HOST: '' })).toBe('127.0.0.1');
  });

  it('names every missing variable in one error', () => {
    expect(issuesOf({})).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'REDIS_URL']));
    expect(() => parseConfig(schema, {})).toThrow(/KAFKA_BROKERS: is required/);
  });

  it('treats an empty value as unset', () => {
    expect(issuesOf({ ...minimal, KAFKA_BROKERS: '  ' })).toEqual(['KAFKA_BROKERS']);
  });

  it.each([
    ['HTTP_PORT', 'eighty'],
    ['HTTP_PORT', '70000'],
    ['KAFKA_BROKERS', 'no-port-here'],
    ['KAFKA_SSL', 'maybe'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['KAFKA_TOPIC_PREFIX', 'Has Spaces'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    expect(issuesOf({ ...minimal, [variable]: value })).toEqual([variable]);
  });

  it('requires both SASL credentials once a mechanism is set, without echoing values', () => {
    const env = { ...minimal, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' };
    expect(issuesOf(env)).toEqual(['KAFKA_SASL_PASSWORD']);
    const config = parseConfig(schema, { ...env, KAFKA_SASL_PASSWORD: 's3cret-value' });
    expect(config.kafka.sasl).toEqual({
      mechanism: 'plain',
      username: 'svc',
      password: 's3cret-value',
    });
    expect(() => parseConfig(schema, { ...env, HTTP_PORT: 'x' })).not.toThrow(/s3cret/);
  });

  it('selects a Redis Cluster from REDIS_CLUSTER_NODES, credentials and TLS from REDIS_URL', () => {
    const { KAFKA_BROKERS } = minimal;
    const cluster = parseConfig(schema, {
      KAFKA_BROKERS,
      REDIS_CLUSTER_NODES: 'redis-0.redis:6379, 10.0.0.2:7001',
    }).redis;
    expect(cluster).toMatchObject({
      url: 'redis://redis-0.redis:6379',
      clusterNodes: [
        { host: 'redis-0.redis', port: 6379 },
        { host: '10.0.0.2', port: 7001 },
      ],
    });
    const secured = parseConfig(schema, {
      KAFKA_BROKERS,
      REDIS_URL: 'rediss://app:pw@ignored:1',
      REDIS_CLUSTER_NODES: 'node-a:7000',
    }).redis;
    expect(secured).toMatchObject({
      url: 'rediss://app:pw@ignored:1',
      clusterNodes: [{ port: 7000 }],
    });
    expect(parseConfig(schema, minimal).redis.clusterNodes).toBeUndefined();
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: 'no-port' }, ['REDIS_CLUSTER_NODES']],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_KEY_PREFIX: 'app:{1}:' }, ['REDIS_KEY_PREFIX']],
    [{}, ['REDIS_URL']],
  ])('refuses a Redis target that cannot work: %j', (redisEnv, variables) => {
    expect(issuesOf({ KAFKA_BROKERS: minimal.KAFKA_BROKERS, ...redisEnv })).toEqual(variables);
  });

  it('marks configuration errors as not retriable with a stable code', () => {
    const error = new ConfigError([{ variable: 'X', message: 'is required' }]);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', retriable: false });
  });
});
