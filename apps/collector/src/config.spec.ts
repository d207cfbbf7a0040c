import { ConfigError } from '@recsys/config';
import { loadCollectorConfig } from './config';

const KEY = 'k-0123456789abcdef';
const SECRET = 'pseudonymisation-secret-for-tests';
const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
};
const withKeys = (keys: unknown) => ({ ...base, COLLECTOR_WRITE_KEYS: JSON.stringify(keys) });

function configError(env: Record<string, string>): ConfigError {
  try {
    loadCollectorConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadCollectorConfig', () => {
  it('reads write keys, Redis and the documented defaults', () => {
    const config = loadCollectorConfig(
      withKeys([{ storefront: 'shop-1', key: KEY, allowedOrigins: ['https://shop.example'] }]),
    );
    expect(config.auth).toEqual({
      mode: 'write-keys',
      keys: [{ storefront: 'shop-1', key: KEY, allowedOrigins: ['https://shop.example'] }],
    });
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: 'recsys:',
      connectTimeoutMs: 5000,
    });
    expect(config.rateLimit).toEqual({ eventsPerSecond: 2000 });
    expect(config.limits).toEqual({
      maxBatchEvents: 500,
      maxBatchItems: 500,
      maxBodyBytes: 512_000,
      maxEventBytes: 32_768,
    });
    expect(config.pseudonymisationSecret).toBe(SECRET);
  });

  it('gives a key without allowedOrigins none: it is for servers only', () => {
    const config = loadCollectorConfig(withKeys([{ storefront: 'shop-1', key: KEY }]));
    expect(config.auth).toEqual({
      mode: 'write-keys',
      keys: [{ storefront: 'shop-1', key: KEY, allowedOrigins: [] }],
    });
  });

  it('refuses to start without write keys unless authentication is disabled explicitly', () => {
    expect(configError(base).issues).toEqual([
      {
        variable: 'COLLECTOR_WRITE_KEYS',
        message: expect.stringMatching(/COLLECTOR_AUTH_DISABLED/),
      },
    ]);
    expect(loadCollectorConfig({ ...base, COLLECTOR_AUTH_DISABLED: 'true' }).auth).toEqual({
      mode: 'disabled',
    });
  });

  it('refuses write keys and COLLECTOR_AUTH_DISABLED=true together', () => {
    const env = { ...withKeys([{ storefront: 's', key: KEY }]), COLLECTOR_AUTH_DISABLED: 'true' };
    expect(configError(env).issues.map((issue) => issue.variable)).toEqual([
      'COLLECTOR_AUTH_DISABLED',
    ]);
  });

  it.each([
    [
      'a short key',
      [{ storefront: 'shop-1', key: 'short-secret' }],
      /\[0\]\.key must be at least 16/,
    ],
    ['text that is not JSON', 'short-secret{', /must be a JSON array/],
    ['an empty list', [], /at least one key/],
    [
      'a repeated key',
      [
        { storefront: 'a', key: KEY },
        { storefront: 'b', key: KEY },
      ],
      /twice/,
    ],
    [
      'an origin with a path',
      [{ storefront: 'a', key: KEY, allowedOrigins: ['https://a.example/x'] }],
      /\[0\]\.allowedOrigins\[0\] must be an origin/,
    ],
    [
      'a storefront with spaces',
      [{ storefront: 'my shop', key: KEY }],
      /\[0\]\.storefront must be/,
    ],
  ])('rejects %s without echoing any key', (_case, keys, message) => {
    const env = typeof keys === 'string' ? { ...base, COLLECTOR_WRITE_KEYS: keys } : withKeys(keys);
    const error = configError(env);
    expect(error.issues.map((issue) => issue.variable)).toEqual(['COLLECTOR_WRITE_KEYS']);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/short-secret|0123456789abcdef/);
  });

  it('requires a pseudonymisation secret of at least 16 characters and never echoes it', () => {
    const env = { ...withKeys([{ storefront: 's', key: KEY }]) } as Record<string, string>;
    delete env['COLLECTOR_PSEUDONYMISATION_SECRET'];
    expect(configError(env).issues).toEqual([
      { variable: 'COLLECTOR_PSEUDONYMISATION_SECRET', message: 'is required' },
    ]);
    const short = configError({ ...env, COLLECTOR_PSEUDONYMISATION_SECRET: 'tiny-secret' });
    expect(short.message).toMatch(/COLLECTOR_PSEUDONYMISATION_SECRET: must be at least 16/);
    expect(short.message).not.toContain('tiny-secret');
  });

  it('refuses a rate limit that a full batch could never pass', () => {
    const env = {
      ...withKeys([{ storefront: 's', key: KEY }]),
      COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND: '100',
      COLLECTOR_MAX_BATCH_EVENTS: '50',
      COLLECTOR_MAX_BATCH_ITEMS: '200',
    };
    expect(configError(env).issues).toEqual([
      { variable: 'COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND', message: expect.stringMatching(/200/) },
    ]);
  });
});
