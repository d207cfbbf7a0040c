import { ConfigError } from '@recsys/config';
import { loadPreprocessorConfig } from './config';

const minimal = { KAFKA_BROKERS: '127.0.0.1:9092', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadPreprocessorConfig', () => {
  it('names the consumer group after the topic prefix, so deployments sharing a cluster never share a group', () => {
    expect(loadPreprocessorConfig(minimal).consumer.groupId).toBe('preprocessor');
    expect(
      loadPreprocessorConfig({ ...minimal, KAFKA_TOPIC_PREFIX: 'staging' }).consumer.groupId,
    ).toBe('staging.preprocessor');
    expect(
      loadPreprocessorConfig({
        ...minimal,
        KAFKA_TOPIC_PREFIX: 'staging',
        PREPROCESSOR_GROUP_ID: 'pp',
      }).consumer.groupId,
    ).toBe('pp');
  });

  it('runs on a Redis Cluster (every write of the feature store touches one slot)', () => {
    const config = loadPreprocessorConfig({ ...minimal, REDIS_CLUSTER_NODES: 'redis-0:6379' });
    expect(config.redis.clusterNodes).toEqual([{ host: 'redis-0', port: 6379 }]);
  });

  it('defaults the accepted event age to 30 days and the user-state cache to 100k users', () => {
    const config = loadPreprocessorConfig(minimal);
    expect(config.checks.maxAgeMs).toBe(30 * 86_400_000);
    expect(config.featureStore.userCacheSize).toBe(100_000);
  });

  it('refuses quality thresholds outside 0..1 and a session timeout below the broker minimum', () => {
    expect(() =>
      loadPreprocessorConfig({ ...minimal, PREPROCESSOR_QUALITY_MAX_LATE: '1.5' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadPreprocessorConfig({ ...minimal, PREPROCESSOR_SESSION_TIMEOUT_MS: '1000' }),
    ).toThrow(/PREPROCESSOR_SESSION_TIMEOUT_MS/);
  });
});
