/**
 * The console keeps no erased shopper's events, on the real broker and Redis: the preprocessor's
 * announcement on `privacy.erasures.v1` drops the shopper's recent events from the console's memory at
 * once, a late event of the erased history that reaches the tap afterwards is never shown, and a new
 * history after the erasure is.
 */
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { headerNames, userLookupV1Schema, type StorefrontEvent } from '@recsys/contracts';
import { ErasureStore, ErasureSubjects, RedisConnection } from '@recsys/feature-store';
import { pseudonymiseUserId } from '@recsys/features';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import { createHttpApp } from '@recsys/platform';
import {
  freePort,
  integrationEnvironment,
  serviceEnv,
  testNamespace,
  waitFor,
} from '@recsys/testing';
import { loadConsoleConfig } from '../src/config';
import { consoleService } from '../src/service';

const ADMIN = 'console-erasure-admin-token-0123456789';
const PSEUDONYMS = 'console-erasure-pseudonymisation-secret';
const TOMBSTONES = 'console-erasure-tombstone-secret-0123';
const ERASED_KEY = pseudonymiseUserId(PSEUDONYMS, 'erased-shopper');
const OTHER_KEY = pseudonymiseUserId(PSEUDONYMS, 'other-shopper');

function viewOf(userKey: string, eventId: string, atMs: number): StorefrontEvent {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    userId: userKey,
    sessionId: 'sess_console',
    timestamp: new Date(atMs).toISOString(),
    itemId: 'sku-1',
  };
}

describe('the console and an erased shopper', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('console-erasure');
  const redis = new RedisConnection({
    url: environment.redisUrl,
    keyPrefix: namespace.redisKeyPrefix,
    connectTimeoutMs: 2_000,
  });
  const erasures = new ErasureStore(redis, new ErasureSubjects(TOMBSTONES));
  let app: NestFastifyApplication;
  let url = '';
  let publisher: KafkaPublisher;

  beforeAll(async () => {
    const config = loadConsoleConfig({
      ...serviceEnv(environment, namespace),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      KAFKA_TOPIC_PARTITIONS: '1',
      ADMIN_TOKEN: ADMIN,
      SCORER_URL: `http://127.0.0.1:${await freePort()}`,
      CONSOLE_SCORER_TIMEOUT_MS: '500',
      CONSOLE_PSEUDONYMISATION_SECRET: PSEUDONYMS,
      PRIVACY_TOMBSTONE_SECRET: TOMBSTONES,
    });
    publisher = new KafkaPublisher(new KafkaClient(config.kafka));
    await redis.connect();
    app = await createHttpApp(consoleService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = await app.getUrl();
    await publisher.connect();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await publisher?.disconnect();
    await redis.disconnect();
  });

  const publishEvents = (events: StorefrontEvent[]) =>
    publisher.publish(
      'events.raw.v1',
      events.map((event) => ({
        key: event.userId!,
        value: event,
        headers: {
          [headerNames.eventId]: event.eventId,
          [headerNames.eventType]: event.eventType,
          [headerNames.eventTime]: event.timestamp,
        },
      })),
    );
  const recentEventIds = async (userKey: string): Promise<string[]> => {
    const response = await fetch(`${url}/api/v1/users/${userKey}?kind=key`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const lookup = userLookupV1Schema.parse(await response.json());
    return lookup.recentEvents.map((event) => event.eventId).sort();
  };
  const eventually = (userKey: string, expected: string[], description: string) =>
    waitFor(
      async () => {
        const ids = await recentEventIds(userKey);
        return JSON.stringify(ids) === JSON.stringify(expected) ? ids : undefined;
      },
      { timeoutMs: 30_000, description },
    );

  it('drops the shopper’s recent events on the announcement and never shows their old ones again', async () => {
    const before = Date.now() - 60_000;
    await publishEvents([
      viewOf(ERASED_KEY, 'erased-1', before),
      viewOf(ERASED_KEY, 'erased-2', before + 1),
      viewOf(OTHER_KEY, 'other-1', before),
    ]);
    await eventually(ERASED_KEY, ['erased-1', 'erased-2'], 'the shopper’s events in the console');
    await eventually(OTHER_KEY, ['other-1'], 'the other shopper’s events in the console');

    // What the preprocessor does: the tombstone, then the announcement.
    const requestId = `er-${randomUUID()}`;
    const erased = await erasures.erase({ userKey: ERASED_KEY, requestId });
    const erasedAtMs = erased.tombstone.erasedAtMs;
    await publisher.publish('privacy.erasures.v1', [
      {
        key: erased.tombstone.subject,
        value: {
          schemaVersion: 1,
          requestId,
          subject: erased.tombstone.subject,
          erasedAt: new Date(erasedAtMs).toISOString(),
        },
      },
    ]);
    await eventually(ERASED_KEY, [], 'the erased shopper’s events dropped');
    expect(await recentEventIds(OTHER_KEY)).toEqual(['other-1']);

    // A late event of the erased history, then (same key, so in order after it) a new history.
    await publishEvents([
      viewOf(ERASED_KEY, 'erased-late', erasedAtMs - 30_000),
      viewOf(ERASED_KEY, 'new-history', Date.now() + 1_000),
    ]);
    await eventually(ERASED_KEY, ['new-history'], 'the new history, without the late event');
  });
});
