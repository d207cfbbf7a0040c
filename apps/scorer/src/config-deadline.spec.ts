import { ConfigError } from '@recsys/config';
import { loadScorerConfig } from './config';

const env = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  REDIS_URL: 'redis://127.0.0.1:6379',
  SCORER_PSEUDONYMISATION_SECRET: 'a-secret-of-sixteen-chars',
  ADMIN_TOKEN: 'an-admin-token-0123456789',
};

describe('scorer request deadline', () => {
  it('is 250 ms by default, and leaves a slower ranker its time', () => {
    expect(loadScorerConfig(env).requestDeadlineMs).toBe(250);
    expect(loadScorerConfig({ ...env, SCORER_RANKER_TIMEOUT_MS: '2000' }).requestDeadlineMs).toBe(
      2_200,
    );
  });

  it('refuses a deadline the ranker timeout does not fit in', () => {
    expect(() =>
      loadScorerConfig({
        ...env,
        SCORER_RANKER_TIMEOUT_MS: '300',
        SCORER_REQUEST_DEADLINE_MS: '300',
      }),
    ).toThrow(ConfigError);
    expect(
      loadScorerConfig({
        ...env,
        SCORER_RANKER_TIMEOUT_MS: '300',
        SCORER_REQUEST_DEADLINE_MS: '600',
      }).requestDeadlineMs,
    ).toBe(600);
  });
});
