/**
 * No id that names a shopper leaves the collector: events with user, anonymous and session ids, valid
 * and invalid, go through real HTTP onto a real broker, and both topics are read back byte for byte. Any
 * raw id in a key, value or header fails the test; the pseudonyms are the ones the preprocessor, scorer
 * and erasure API derive (libs/features), so every consumer still finds the shopper.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { physicalTopicName, type DeadLetterV1, type StorefrontEvent } from '@recsys/contracts';
import {
  pseudonymiseAnonymousId,
  pseudonymiseSessionId,
  pseudonymiseUserId,
} from '@recsys/features';
import { createHttpApp } from '@recsys/platform';
import {
  integrationEnvironment,
  readTopic,
  serviceEnv,
  testNamespace,
  type ReadRecord,
} from '@recsys/testing';
import { loadCollectorConfig } from '../src/config';
import { collectorService } from '../src/service';

const SECRET = 'pseudonyms-int-test-secret-0123';
const environment = integrationEnvironment();

/** Raw ids distinctive enough that no pseudonym, header or other field contains them by chance. */
const RAW = {
  anonymousId: 'device-cookie-7f3a-raw',
  sessionId: 'session-visit-91c2-raw',
  userId: 'shopper-4401-raw',
  loggedInSession: 'session-login-55d0-raw',
};

function eventOf(eventId: string, identity: Record<string, string>): Record<string, unknown> {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    ...identity,
    timestamp: new Date().toISOString(),
    itemId: 'sku-1',
  };
}

function everythingOf(record: ReadRecord): string {
  return [record.key ?? '', record.value, JSON.stringify(record.headers)].join('\n');
}

describe('collector pseudonymises user, anonymous and session ids on every topic', () => {
  const namespace = testNamespace('collector-pseudonyms');
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const config = loadCollectorConfig({
      ...serviceEnv(environment, namespace),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      COLLECTOR_PSEUDONYMISATION_SECRET: SECRET,
      COLLECTOR_AUTH_DISABLED: 'true',
    });
    app = await createHttpApp(collectorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  it('writes no raw id to events.raw.v1 or events.dlq.v1, only the pseudonyms consumers derive', async () => {
    const anonymous = { anonymousId: RAW.anonymousId, sessionId: RAW.sessionId };
    const loggedIn = {
      userId: RAW.userId,
      anonymousId: RAW.anonymousId,
      sessionId: RAW.loggedInSession,
    };
    const events = [
      eventOf('evt-anon-ok', anonymous),
      eventOf('evt-user-ok', loggedIn),
      { ...eventOf('evt-anon-bad', anonymous), itemId: 42 },
      // Invalid in shape: ids nested where no contract puts them are pseudonymised too.
      { ...eventOf('evt-nested-bad', loggedIn), properties: { again: loggedIn } },
    ];
    const response = await fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(202);
    const answer = await response.text();
    for (const rawId of Object.values(RAW)) expect(answer).not.toContain(rawId);

    const brokers = environment.kafkaBrokers;
    const raw = await readTopic({
      brokers,
      topic: physicalTopicName('events.raw.v1', namespace.topicPrefix),
      count: 2,
    });
    const deadLetters = await readTopic({
      brokers,
      topic: physicalTopicName('events.dlq.v1', namespace.topicPrefix),
      count: 2,
    });
    for (const record of [...raw, ...deadLetters]) {
      for (const rawId of Object.values(RAW)) expect(everythingOf(record)).not.toContain(rawId);
    }

    const anonymousKey = pseudonymiseAnonymousId(SECRET, RAW.anonymousId);
    const byId = new Map(raw.map((record) => [(record.json as StorefrontEvent).eventId, record]));
    expect(byId.get('evt-anon-ok')!.key).toBe(anonymousKey);
    expect(byId.get('evt-anon-ok')!.json).toMatchObject({
      anonymousId: anonymousKey,
      sessionId: pseudonymiseSessionId(SECRET, RAW.sessionId),
    });
    expect(byId.get('evt-user-ok')!.key).toBe(pseudonymiseUserId(SECRET, RAW.userId));
    expect(byId.get('evt-user-ok')!.json).toMatchObject({
      anonymousId: anonymousKey,
      sessionId: pseudonymiseSessionId(SECRET, RAW.loggedInSession),
    });
    const anonymousDeadLetter = deadLetters.find(
      (record) => (record.json as DeadLetterV1).eventId === 'evt-anon-bad',
    );
    expect(anonymousDeadLetter!.key).toBe(anonymousKey);
  });
});
