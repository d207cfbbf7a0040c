import { ConfigError } from '@recsys/config';
import { loadConsoleConfig } from './config';

const required = {
  KAFKA_BROKERS: 'k1:9092,k2:9092',
  REDIS_URL: 'rediss://user:secret@redis:6380/0',
  ADMIN_TOKEN: 'an-admin-token-of-16+',
  SCORER_URL: 'http://scorer:3004/',
};

describe('loadConsoleConfig', () => {
  it('reads the shared Kafka and Redis settings and the console’s own, with defaults', () => {
    const config = loadConsoleConfig({ ...required, KAFKA_TOPIC_PREFIX: 'prod' });
    expect(config.http.port).toBe(3005);
    expect(config.kafka).toMatchObject({
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'recsys-console',
    });
    expect(config.redis.url).toBe('rediss://user:secret@redis:6380/0');
    expect(config.scorer).toEqual({ url: 'http://scorer:3004', timeoutMs: 3_000 });
    expect(config.groupId).toBe('prod.console');
    expect(config.pseudonymisationSecret).toBeUndefined();
    expect(config.modelName).toBe('ranker');
  });

  it('takes SASL, a group id and the pseudonymisation secret', () => {
    const config = loadConsoleConfig({
      ...required,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'console',
      KAFKA_SASL_PASSWORD: 'pw',
      CONSOLE_GROUP_ID: 'console-replica-2',
      CONSOLE_PSEUDONYMISATION_SECRET: 'the-collectors-secret',
    });
    expect(config.kafka.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'console',
      password: 'pw',
    });
    expect(config.groupId).toBe('console-replica-2');
    expect(config.pseudonymisationSecret).toBe('the-collectors-secret');
  });

  it.each([
    ['ADMIN_TOKEN', { ADMIN_TOKEN: undefined }],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: 'short' }],
    ['SCORER_URL', { SCORER_URL: 'ftp://scorer' }],
    ['SCORER_URL', { SCORER_URL: undefined }],
    ['KAFKA_SASL_PASSWORD', { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }],
    ['CONSOLE_PSEUDONYMISATION_SECRET', { CONSOLE_PSEUDONYMISATION_SECRET: 'short' }],
  ])('refuses a bad or missing %s', (variable, overrides) => {
    let error: unknown;
    try {
      loadConsoleConfig({ ...required, ...overrides });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.variable)).toContain(variable);
  });
});
