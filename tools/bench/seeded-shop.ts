/**
 * A storefront with history, for the benches that serve recommendations (scorer, end to end): a
 * synthetic storefront's week applied to the feature store with the preprocessor's own update plans and
 * Lua script, and a sequence ranker trained on the point-in-time examples those updates produce,
 * registered and promoted as champion — what the scorer finds in production after a week.
 */
import {
  expandTrainingExamples,
  type StorefrontEvent,
  type TrainingExample,
  type TrainingRecord,
} from '@recsys/contracts';
import { generateStorefront, type SyntheticStorefront } from '@recsys/datasets';
import { FeatureStore, RedisModelRegistry } from '@recsys/feature-store';
import {
  pseudonymiseUserId,
  trainingExampleMessages,
  trainingRecordOf,
  updatePlanOf,
} from '@recsys/features';
import { ItemVocabulary, SequenceRanker, initialiseTensorflow } from '@recsys/model';

/** The collector's and the scorer's pseudonymisation secret in the benches. */
export const BENCH_PSEUDONYMISATION_SECRET = 'bench-scorer-pseudonymisation-secret';
const DAY_MS = 86_400_000;

export interface SeededShop {
  storefront: SyntheticStorefront;
  userIds: string[];
  examples: TrainingExample[];
}

/** The collector would have pseudonymised the id; the scorer derives the same key to find the user. */
function pseudonym(userId: string | undefined): string | undefined {
  return userId === undefined
    ? undefined
    : pseudonymiseUserId(BENCH_PSEUDONYMISATION_SECRET, userId);
}

export async function seedStore(
  store: FeatureStore,
  options: { users: number; items: number },
): Promise<SeededShop> {
  const storefront = generateStorefront({
    seed: 3,
    users: options.users,
    items: options.items,
    categories: 40,
    days: 7,
    loggedOutShare: 0,
    startTime: new Date(Date.now() - 7 * DAY_MS - 3_600_000).toISOString(),
  });
  const records: TrainingRecord[] = [];
  let batch: StorefrontEvent[] = [];
  const flush = async () => {
    const plans = batch.map((event) => ({ event, plan: updatePlanOf(event) }));
    const outcomes = await store.apply({ plans: plans.map(({ plan }) => ({ plan })) });
    outcomes.forEach((outcome, index) => {
      if (outcome.status !== 'applied' || outcome.snapshot === undefined) return;
      const { event, plan } = plans[index]!;
      const record = trainingRecordOf({ event, plan, snapshot: outcome.snapshot });
      if (record !== undefined) records.push(record);
    });
    batch = [];
  };
  for (const record of storefront.records()) {
    if (record.kind === 'item') await store.upsertItem(record.item);
    else batch.push({ ...record.event, userId: pseudonym(record.event.userId) });
    if (batch.length >= 500) await flush();
  }
  await flush();
  // What the trainer reads: the records as messages, expanded to one example per item.
  const examples = trainingExampleMessages(
    records,
    { source: 'seeded-shop', firstOffset: 0n, lastOffset: 0n, qualityFlagged: false },
    new Date(),
  ).flatMap(expandTrainingExamples);
  return { storefront, userIds: storefront.users.map((user) => user.userId), examples };
}

export interface PublishedModel {
  version: string;
  backend: string;
  examplesPerSecond: number;
}

/** Trains a Conv1D sequence ranker on the examples and promotes it to champion in the registry. */
export async function trainAndPublish(
  registry: RedisModelRegistry,
  input: { examples: TrainingExample[]; epochs: number },
): Promise<PublishedModel> {
  const { examples } = input;
  const { backend } = await initialiseTensorflow();
  const labelled = examples.map((example) => ({
    sequence: example.sequence,
    itemId: example.itemId,
    features: example.features,
    label: example.label,
  }));
  const featureNames = Object.keys(examples[0]!.features).sort();
  const ranker = SequenceRanker.create(
    {
      sequenceLength: 20,
      embeddingDim: 32,
      encoder: 'conv1d',
      hiddenUnits: [64, 32],
      learningRate: 0.003,
      featureNames,
    },
    ItemVocabulary.fromExamples(labelled),
  );
  const summary = await ranker.fit(labelled, { epochs: input.epochs, batchSize: 256 });
  const version = `bench-${Date.now()}`;
  const createdAt = new Date().toISOString();
  const trainingWindow = { fromMs: 0, toMs: Date.now(), examples: labelled.length };
  const stamped = ranker.withMetadata({
    modelName: registry.modelName,
    version,
    featureSpecVersion: examples[0]!.featureSpecVersion,
    trainingWindow,
    metrics: {},
    createdAt,
  });
  await stamped.save(registry, version);
  await registry.register({
    version,
    kind: 'sequence_ranker',
    createdAt,
    featureSpecVersion: examples[0]!.featureSpecVersion,
    metrics: {},
    status: 'candidate',
    trainingWindow,
  });
  await registry.promote(version, 'first_model');
  ranker.dispose();
  stamped.dispose();
  return { version, backend, examplesPerSecond: summary.examplesPerSecond };
}
