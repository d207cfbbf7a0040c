/**
 * Poison messages written straight to events.raw.v1 (bypassing the collector), interleaved with good
 * events, against the preprocessor in process on real Kafka and Redis. Properties, per generated run:
 *  - every good event is applied (its user's counts are exact), whatever unicode its strings hold;
 *  - every poison message is dead-lettered with the reason of its kind (malformed JSON, contract break,
 *    implausible time), and no good one is;
 *  - the partition keeps moving: the group's committed offset reaches the log end;
 *  - nothing of a poison message is half-written: no key of its user, item or event id exists in Redis.
 * Failures print fast-check's seed and path; PROPERTY_SEED / PROPERTY_RUNS_FACTOR replay or enlarge.
 */
import fc from 'fast-check';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  contractJsonSchema,
  contractSchemas,
  physicalTopicName,
  type DeadLetterReason,
  type DeadLetterV1,
} from '@recsys/contracts';
import { FeatureStore, RedisConnection } from '@recsys/feature-store';
import { decodeUserFeatures } from '@recsys/features';
import { createHttpApp } from '@recsys/platform';
import {
  consumerGroupPositions,
  integrationEnvironment,
  mutationsOf,
  nastyText,
  propertyParameters,
  readTopic,
  serviceEnv,
  testNamespace,
  waitFor,
  writeRawMessages,
} from '@recsys/testing';
import { loadPreprocessorConfig } from '../src/config';
import { preprocessorService } from '../src/service';

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/** A message for the raw topic; `poison` says which reason its dead letter must carry. */
interface Message {
  key: string;
  value: string;
  poison?: DeadLetterReason;
  good?: { userId: string; behaviour: 'view' | 'cart' };
}

let sequence = 0;
const next = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(sequence += 1)}`;

/** Any id a storefront may legitimately send: nasty unicode included, no control characters. */
const idText = nastyText({ maxLength: 60 }).filter(
  (text) => text.length >= 1 && text.length <= 100 && !/[\u0000-\u001f\u007f]/.test(text),
);

function goodEvent(input: {
  userId: string;
  behaviour: 'view' | 'cart';
  nasty: string;
  ageMs: number;
}) {
  const base = {
    eventId: next('good'),
    schemaVersion: 1,
    userId: input.userId,
    sessionId: `s-${input.nasty}`.slice(0, 128),
    timestamp: new Date(Date.now() - input.ageMs).toISOString(),
    itemId: `item-${input.nasty}`.slice(0, 128),
    context: { page: { url: 'https://shop.example/p', title: input.nasty } },
    properties: { note: input.nasty },
  };
  return input.behaviour === 'view'
    ? { ...base, eventType: 'product_view', categoryPath: ['Nasty', input.nasty], price: 12.5 }
    : { ...base, eventType: 'add_to_cart', quantity: 2, price: 3.25, currency: 'eur' };
}

const goodMessages = (userId: string): fc.Arbitrary<Message> =>
  fc
    .record({
      behaviour: fc.constantFrom<'view' | 'cart'>('view', 'cart'),
      nasty: idText,
      ageMs: fc.integer({ min: 0, max: HOUR_MS }),
    })
    .map(({ behaviour, nasty, ageMs }) => ({
      key: userId,
      value: JSON.stringify(goodEvent({ userId, behaviour, nasty, ageMs })),
      good: { userId, behaviour },
    }));

/** A poison message of each kind, keyed by a user (and item) that nothing else touches. */
function poisonMessages(): fc.Arbitrary<Message> {
  // Its own user and item, so any key of either in Redis can only come from the poison message.
  const poisonEvent = (nasty: string) => ({
    ...goodEvent({ userId: next('poison'), behaviour: 'view', nasty, ageMs: 60_000 }),
    itemId: `${next('poison-item')}-${nasty}`.slice(0, 128),
  });
  const message = (reason: DeadLetterReason, owner: string, value: unknown): Message => ({
    key: owner,
    value: typeof value === 'string' ? value : JSON.stringify(value),
    poison: reason,
  });
  const notJson = fc
    .oneof(
      nastyText({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
      fc.constantFrom('', '{"eventId":', '{"a":1}}', 'NaN', '\u0000', '{"x":"\ud800'),
    )
    .filter((text) => !parses(text))
    .map((text) => message('malformed_json', next('poison'), text));
  const eventSchema = contractJsonSchema(contractSchemas['product-view.v1']);
  const contractBreak = idText.chain((nasty) => {
    const event = poisonEvent(nasty);
    const broken = mutationsOf(eventSchema, event)?.map((mutation) => mutation.value);
    return (broken ?? fc.constant({ ...event, eventType: 1 })).map((value) =>
      message('schema_violation', event.userId, value),
    );
  });
  const weird = fc
    .tuple(
      idText,
      fc.constantFrom<Record<string, unknown>>(
        { price: 'NaN' },
        { price: -0.01 },
        { price: '1e309' },
        { timestamp: 'NaN' },
        { categoryPath: [] },
        { '\u202e𝕳🏳️‍🌈': 1 },
        JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>,
        { itemId: 'x'.repeat(900_000) },
        { schemaVersion: 2 },
      ),
    )
    .map(([nasty, change]) => {
      const event = poisonEvent(nasty);
      return message('schema_violation', event.userId, { ...event, ...change });
    });
  const implausibleTime = fc
    .tuple(idText, fc.constantFrom(1, -1), fc.integer({ min: 2, max: 80 }), fc.boolean())
    .map(([nasty, direction, years, claimReceived]) => {
      const at = new Date(Date.now() + direction * years * YEAR_MS).toISOString();
      const event = poisonEvent(nasty);
      // A past receipt time is an import replaying history (accepted by design); a future one is not.
      const claim = claimReceived && direction > 0;
      const timed = { ...event, timestamp: at, ...(claim ? { receivedAt: at } : {}) };
      return message('timestamp_out_of_range', event.userId, timed);
    });
  return fc.oneof(notJson, contractBreak, weird, implausibleTime);
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('preprocessor under poison messages interleaved with good ones (properties)', () => {
  const environment = integrationEnvironment();
  const namespace = testNamespace('preprocessor-poison');
  const config = loadPreprocessorConfig({
    ...serviceEnv(environment, namespace),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'fatal',
    KAFKA_TOPIC_PARTITIONS: '2',
  });
  const rawTopic = physicalTopicName('events.raw.v1', namespace.topicPrefix);
  const redis = new RedisConnection(config.redis);
  const store = new FeatureStore(redis);
  let app: NestFastifyApplication;
  /** What every run sent: expected dead letters by key, good users' expected counts. */
  const expectedDeadLetters = new Map<string, DeadLetterReason>();
  const goodKeys = new Set<string>();

  beforeAll(async () => {
    await redis.connect();
    app = await createHttpApp(preprocessorService, config);
    await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    await redis.disconnect();
  });

  async function countsOf(userId: string) {
    return decodeUserFeatures(await store.readUser(userId), Date.now()).counts;
  }

  async function partitionsCaughtUp(): Promise<true | undefined> {
    const positions = await consumerGroupPositions({
      brokers: environment.kafkaBrokers,
      groupId: config.consumer.groupId,
      topic: rawTopic,
    });
    // A partition that never held a message has nothing to commit.
    const caughtUp = positions.every(
      ({ committed, end }) => committed === end || (end === 0 && committed === -1),
    );
    return caughtUp ? true : undefined;
  }

  /** Keys of this namespace that belong to a poison message's user, item or event id. */
  async function keysOf(messages: Message[]): Promise<string[]> {
    const all = await redis.client.keys(`${namespace.redisKeyPrefix}*`);
    const needles = messages.flatMap((message) => {
      const event = parseOrUndefined(message.value);
      return [message.key, event?.['itemId'], event?.['eventId']].filter(
        (needle): needle is string => typeof needle === 'string' && needle.length > 3,
      );
    });
    return all.filter((key) => needles.some((needle) => key.includes(needle)));
  }

  it('applies every good event, dead-letters every poison one, moves on, and half-writes nothing', async () => {
    const runs = fc
      .tuple(fc.constant(next('good-user')), fc.constant(next('good-user')))
      .chain(([first, second]) =>
        fc.array(
          fc.oneof(
            { weight: 2, arbitrary: goodMessages(first) },
            { weight: 1, arbitrary: goodMessages(second) },
            { weight: 3, arbitrary: poisonMessages() },
          ),
          { minLength: 2, maxLength: 12 },
        ),
      );
    await fc.assert(
      fc.asyncProperty(runs, async (messages) => {
        await writeRawMessages({
          brokers: environment.kafkaBrokers,
          topic: rawTopic,
          messages: messages.map(({ key, value }) => ({ key, value })),
        });
        const poison = messages.filter((message) => message.poison !== undefined);
        poison.forEach((message) => expectedDeadLetters.set(message.key, message.poison!));
        await waitFor(partitionsCaughtUp, { timeoutMs: 45_000, description: 'offsets committed' });
        for (const [userId, expected] of expectedCounts(messages)) {
          goodKeys.add(userId);
          expect(await countsOf(userId)).toMatchObject(expected);
        }
        expect(await keysOf(poison)).toEqual([]);
      }),
      propertyParameters(25),
    );
  }, 600_000);

  it('applies a good event whose item id holds a lone surrogate, readable by that id (regression)', async () => {
    // Counterexample of the property above (seed 20261129): Lua's cjson refused the "\udc00" escape, so
    // the whole batch script failed and the event — accepted by the collector — was dead-lettered.
    const userId = next('good-user');
    const itemId = `${next('item')}-lone \udc00 low surrogate`;
    const event = { ...goodEvent({ userId, behaviour: 'view', nasty: 'x', ageMs: 1_000 }), itemId };
    await writeRawMessages({
      brokers: environment.kafkaBrokers,
      topic: rawTopic,
      messages: [{ key: userId, value: JSON.stringify(event) }],
    });
    goodKeys.add(userId);
    await waitFor(async () => ((await countsOf(userId)).view === 1 ? true : undefined), {
      description: 'the lone-surrogate event applied',
    });
    expect((await store.readItems([itemId])).get(itemId)).toMatchObject({ 'n:view': '1' });
  });

  it('dead-lettered each poison message with the reason of its kind, and no good one', async () => {
    const dlqTopic = physicalTopicName('events.dlq.v1', namespace.topicPrefix);
    const positions = await consumerGroupPositions({
      brokers: environment.kafkaBrokers,
      groupId: namespace.groupId('nobody'),
      topic: dlqTopic,
    });
    const total = positions.reduce((sum, position) => sum + position.end, 0);
    expect(total).toBe(expectedDeadLetters.size);
    const records = await readTopic({
      brokers: environment.kafkaBrokers,
      topic: dlqTopic,
      count: total,
      timeoutMs: 60_000,
    });
    const reasons = new Map(
      records.map((record) => [record.key ?? '', (record.json as DeadLetterV1).reason]),
    );
    const mismatches = [...expectedDeadLetters]
      .filter(([key, reason]) => reasons.get(key) !== reason)
      .map(([key, reason]) => ({ key, expected: reason, got: reasons.get(key) }));
    expect(mismatches).toEqual([]);
    expect(records.filter((record) => goodKeys.has(record.key ?? ''))).toEqual([]);
    for (const record of records) {
      expect(contractSchemas['dead-letter.v1'].safeParse(record.json).error).toBeUndefined();
    }
  }, 120_000);
});

/** Expected totals per good user after all runs so far (counts accumulate across runs). */
const totals = new Map<string, { view: number; cart: number }>();
function expectedCounts(messages: Message[]): Map<string, { view: number; cart: number }> {
  for (const message of messages) {
    if (message.good === undefined) continue;
    const current = totals.get(message.good.userId) ?? { view: 0, cart: 0 };
    current[message.good.behaviour] += 1;
    totals.set(message.good.userId, current);
  }
  return new Map(
    [...totals].filter(([userId]) => messages.some((message) => message.good?.userId === userId)),
  );
}

function parseOrUndefined(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
