/**
 * The trainer on a Redis Cluster: compact training examples (`training.examples.v2`, the preprocessor's
 * format) fill its window, a run trains a ranker, and the model registry — all keys of a model under one
 * hash tag — stores and promotes it on the three-primary cluster of the global setup. The examples are
 * made here with a learnable rule (the acted-on item has the higher conversion feature), so the first
 * model must beat the popularity baseline and is promoted.
 */
import {
  MAX_TRAINING_RECORDS_PER_MESSAGE,
  type TrainingExamplesV2,
  type TrainingRecord,
} from '@recsys/contracts';
import { FEATURE_SPEC_VERSION, trainingFeatureOrder } from '@recsys/features';
import { RedisConnection, RedisModelRegistry } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher } from '@recsys/kafka';
import {
  buildServices,
  integrationEnvironment,
  redisTargets,
  serviceEnv,
  startServiceProcess,
  testKafkaConfig,
  testNamespace,
  waitFor,
  type ServiceProcess,
} from '@recsys/testing';

const ADMIN = 'e2e-trainer-cluster-admin-token-0123';
const RECORDS = 1_200;
const ITEMS = 60;

/** One labelled event: the positive converts well, the three negatives do not. */
function recordOf(index: number, startMs: number): TrainingRecord {
  const values = (names: readonly string[], of: (name: string) => number) => names.map(of);
  const itemValues = (conversion: number) =>
    values(trainingFeatureOrder.item, (name) =>
      name === 'item.conversion' ? conversion : name === 'item.views_total' ? 2 : 0,
    );
  const item = (offset: number) => `sku-${(index * 7 + offset * 13) % ITEMS}`;
  return {
    eventId: `tc-${index}`,
    userKey: `user-${index % 150}`,
    outcome: 'click',
    occurredAtMs: startMs + index * 1_000,
    context: { hourOfDay: index % 24, dayOfWeek: index % 7, device: 'mobile' },
    sequence: [item(4), item(5), item(6)],
    shared: values(trainingFeatureOrder.shared, () => 0.5),
    items: [
      { itemId: item(0), label: 1, features: itemValues(0.2 + (index % 5) * 0.01) },
      ...[1, 2, 3].map((offset) => ({
        itemId: item(offset),
        label: 0 as const,
        features: itemValues(0.01),
      })),
    ],
  };
}

describe('the trainer on a Redis Cluster', () => {
  const environment = integrationEnvironment();
  const cluster = redisTargets(environment).find((target) => target.name === 'Redis Cluster')!;
  const namespace = testNamespace('e2e-trainer-cluster');
  const kafka = new KafkaClient(
    testKafkaConfig(environment.kafkaBrokers, namespace, 'trainer-cluster'),
  );
  const publisher = new KafkaPublisher(kafka);
  const redis = new RedisConnection(cluster.config(namespace.redisKeyPrefix));
  let trainer: ServiceProcess;

  beforeAll(async () => {
    await buildServices(['trainer']);
    await Promise.all([redis.connect(), publisher.connect()]);
    const { REDIS_URL: _single, ...env } = serviceEnv(environment, namespace);
    trainer = await startServiceProcess({
      name: 'trainer',
      env: {
        ...env,
        REDIS_CLUSTER_NODES: environment.redisClusterNodes!,
        LOG_LEVEL: 'warn',
        ADMIN_TOKEN: ADMIN,
        TRAINER_MIN_EXAMPLES: '500',
        TRAINER_RETRAIN_AFTER_EXAMPLES: '10000000',
        TRAINER_RETRAIN_INTERVAL_SECONDS: '604800',
        TRAINER_EPOCHS: '3',
        TRAINER_EMBEDDING_DIM: '8',
      },
      readyTimeoutMs: 60_000,
    });
  }, 240_000);

  afterAll(async () => {
    await trainer?.stop();
    await Promise.all([redis.disconnect(), publisher.disconnect()]);
  });

  it('trains on compact examples and promotes its first model in the cluster’s registry', async () => {
    const startMs = Date.now() - RECORDS * 1_000;
    const records = Array.from({ length: RECORDS }, (_, index) => recordOf(index, startMs));
    const messages: TrainingExamplesV2[] = [];
    for (let start = 0; start < records.length; start += MAX_TRAINING_RECORDS_PER_MESSAGE) {
      messages.push({
        schemaVersion: 2,
        batchId: `events.raw.v1:0:${start}-${start + MAX_TRAINING_RECORDS_PER_MESSAGE - 1}/0`,
        featureSpecVersion: FEATURE_SPEC_VERSION,
        sharedFeatures: [...trainingFeatureOrder.shared],
        itemFeatures: [...trainingFeatureOrder.item],
        qualityFlagged: false,
        writtenAt: new Date().toISOString(),
        records: records.slice(start, start + MAX_TRAINING_RECORDS_PER_MESSAGE),
      });
    }
    await publisher.publish(
      'training.examples.v2',
      messages.map((value) => ({ key: 'events.raw.v1:0', value })),
    );
    await waitFor(
      async () => {
        const response = await fetch(`${trainer.url}/v1/models`);
        const body = (await response.json()) as { window: { examples: number } };
        return body.window.examples >= RECORDS * 4 ? true : undefined;
      },
      { description: 'every example in the window', timeoutMs: 120_000, intervalMs: 500 },
    );

    const response = await fetch(`${trainer.url}/v1/models/train`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const run = (await response.json()) as {
      status: string;
      version: string;
      challenger: { auc: number };
    };
    expect({ status: response.status, run: run.status }).toEqual({ status: 200, run: 'promoted' });
    expect(run.challenger.auc).toBeGreaterThan(0.9);

    const registry = new RedisModelRegistry(redis, 'ranker');
    expect(await registry.champion()).toBe(run.version);
    expect(await registry.get(run.version)).toBeDefined();
  }, 300_000);
});
