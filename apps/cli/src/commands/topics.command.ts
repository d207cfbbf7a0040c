/**
 * `topics ensure`: creates every platform topic (the contracts' registry, under KAFKA_TOPIC_PREFIX) with
 * the configured partitions, replication factor and retention, and brings the configs of existing topics
 * in line. Idempotent: a second run changes nothing. It is the Helm chart's pre-install/pre-upgrade Job.
 *
 * Existing topics are never recreated. Only safe changes are applied: topic configs (retention…) always,
 * more partitions only with --grow-partitions (a key's partition moves, so per-user ordering breaks for a
 * moment); fewer partitions or another replication factor cannot be applied and are reported as drift.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  kafkaConfigFrom,
  kafkaEnvShape,
  parseConfig,
  requireSaslCredentials,
  type EnvSource,
  type KafkaConfig,
} from '@recsys/config';
import { topicNames, type TopicName } from '@recsys/contracts';
import { KafkaClient } from '@recsys/kafka';
import type { Command } from '../io';
import { formatColumns } from '../summary';
import { UsageError, integerOption, parseOptions } from '../usage';

const USAGE = `recsys topics ensure [--spec <file.json>] [--partitions N] [--replication-factor N]
                     [--retention-ms MS] [--grow-partitions] [--dry-run] [--check]

  Creates the platform's topics (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, KAFKA_SSL, KAFKA_SASL_*) and applies
  configured topic configs to existing ones. Safe to run any number of times.
  --spec                JSON: {"defaults": S, "topics": {"events.raw.v1": S, …}} where S is
                        {"partitions", "replicationFactor", "retentionMs", "configs": {"k": "v"}}
  --partitions …        defaults for every topic (override the spec's defaults; per-topic entries win)
  --grow-partitions     add partitions to topics that have fewer than configured
  --dry-run             print the plan, change nothing
  --check               exit 1 when drift remains (partitions, replication factor); with --dry-run,
                        also when anything would change`;

const topicSettingsSchema = z
  .object({
    partitions: z.number().int().min(1).max(10_000).optional(),
    replicationFactor: z.number().int().min(1).max(32).optional(),
    /** -1 keeps messages forever. */
    retentionMs: z.number().int().min(-1).optional(),
    configs: z.record(z.string().regex(/^[a-z0-9.]+$/), z.string()).optional(),
  })
  .strict();
type TopicSettings = z.infer<typeof topicSettingsSchema>;

const topicsSpecSchema = z
  .object({
    defaults: topicSettingsSchema.default({}),
    topics: z.partialRecord(z.enum(topicNames), topicSettingsSchema).default({}),
  })
  .strict();
type TopicsSpec = z.infer<typeof topicsSpecSchema>;

/** What a topic should look like. */
export interface DesiredTopic {
  topic: TopicName;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/** What a topic looks like on the cluster: configs are effective values (defaults included). */
export interface ObservedTopic {
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** Configs set on the topic itself: alterConfigs replaces this whole set, so it is kept. */
  topicLevelConfigs: Record<string, string>;
}

export interface TopicPlan {
  desired: DesiredTopic;
  create: boolean;
  /** Partition count to grow to. */
  growTo?: number;
  /** The full topic-level config set to write (kept entries plus changes), when something changes. */
  alterConfigs?: Record<string, string>;
  /** Differences that are not applied (and fail --check). */
  drift: string[];
}

const DEFAULT_SETTINGS = { partitions: 3, replicationFactor: 1 } as const;

/** Broker-side configs a topic always has, whatever the spec says: the catalogue keeps each item's latest state. */
const FIXED_CONFIGS: Partial<Record<TopicName, Record<string, string>>> = {
  'catalog.items.v1': { 'cleanup.policy': 'compact' },
};

function configsOf(settings: TopicSettings): Record<string, string> {
  return {
    ...settings.configs,
    ...(settings.retentionMs === undefined ? {} : { 'retention.ms': String(settings.retentionMs) }),
  };
}

/** Per topic: built-in defaults < spec defaults < command-line defaults < the spec's entry for the topic. */
export function desiredTopics(spec: TopicsSpec, overrides: TopicSettings): DesiredTopic[] {
  return topicNames.map((topic) => {
    const layers = [spec.defaults, overrides, spec.topics[topic] ?? {}];
    const pick = <K extends 'partitions' | 'replicationFactor'>(key: K): number =>
      layers.reduce<number>((value, layer) => layer[key] ?? value, DEFAULT_SETTINGS[key]);
    const configs = Object.assign({}, ...layers.map(configsOf), FIXED_CONFIGS[topic]) as Record<
      string,
      string
    >;
    return {
      topic,
      partitions: pick('partitions'),
      replicationFactor: pick('replicationFactor'),
      configs,
    };
  });
}

function partitionPlan(
  desired: DesiredTopic,
  observed: ObservedTopic,
  growPartitions: boolean,
): { growTo?: number; drift: string[] } {
  if (observed.partitions > desired.partitions) {
    return {
      drift: [`${observed.partitions} partitions, configured ${desired.partitions}: cannot shrink`],
    };
  }
  if (observed.partitions < desired.partitions && !growPartitions) {
    return {
      drift: [
        `${observed.partitions} partitions, configured ${desired.partitions}: not grown (--grow-partitions)`,
      ],
    };
  }
  return observed.partitions < desired.partitions
    ? { growTo: desired.partitions, drift: [] }
    : { drift: [] };
}

export function planTopic(
  desired: DesiredTopic,
  observed: ObservedTopic | undefined,
  options: { growPartitions: boolean },
): TopicPlan {
  if (observed === undefined) return { desired, create: true, drift: [] };
  const { growTo, drift } = partitionPlan(desired, observed, options.growPartitions);
  if (observed.replicationFactor !== desired.replicationFactor) {
    drift.push(
      `replication factor ${observed.replicationFactor}, configured ${desired.replicationFactor}: ` +
        'needs a partition reassignment',
    );
  }
  const changed = Object.entries(desired.configs).filter(
    ([name, value]) => observed.configs[name] !== value,
  );
  return {
    desired,
    create: false,
    ...(growTo === undefined ? {} : { growTo }),
    ...(changed.length === 0
      ? {}
      : { alterConfigs: { ...observed.topicLevelConfigs, ...Object.fromEntries(changed) } }),
    drift,
  };
}

type Admin = ReturnType<KafkaClient['kafka']['admin']>;
const TOPIC_RESOURCE = 2; // kafkajs ConfigResourceTypes.TOPIC
const TOPIC_CONFIG_SOURCE = 1; // kafkajs ConfigSource.TOPIC_CONFIG

async function observeTopics(
  admin: Admin,
  physicalNames: string[],
): Promise<Map<string, ObservedTopic>> {
  const existing = new Set(await admin.listTopics());
  const present = physicalNames.filter((name) => existing.has(name));
  if (present.length === 0) return new Map();
  const [metadata, described] = await Promise.all([
    admin.fetchTopicMetadata({ topics: present }),
    admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((name) => ({ type: TOPIC_RESOURCE, name })),
    }),
  ]);
  const observed = new Map<string, ObservedTopic>();
  for (const topic of metadata.topics) {
    const entries =
      described.resources.find((resource) => resource.resourceName === topic.name)?.configEntries ??
      [];
    const topicLevel = entries.filter(
      (entry) => Number(entry.configSource) === TOPIC_CONFIG_SOURCE,
    );
    if (topicLevel.some((entry) => entry.isSensitive)) {
      throw new Error(`${topic.name} has sensitive topic configs; refusing to rewrite them`);
    }
    observed.set(topic.name, {
      partitions: topic.partitions.length,
      replicationFactor: Math.min(
        ...topic.partitions.map((partition) => partition.replicas.length),
      ),
      configs: Object.fromEntries(entries.map((entry) => [entry.configName, entry.configValue])),
      topicLevelConfigs: Object.fromEntries(
        topicLevel.map((entry) => [entry.configName, entry.configValue]),
      ),
    });
  }
  return observed;
}

async function applyChanges(input: { client: KafkaClient; admin: Admin; plans: TopicPlan[] }) {
  const { client, admin, plans } = input;
  const toCreate = plans.filter((plan) => plan.create).map((plan) => plan.desired);
  // ensureTopics creates what is missing and survives a service creating the same topic meanwhile.
  if (toCreate.length > 0) await client.ensureTopics(toCreate);
  const toGrow = plans.filter((plan) => plan.growTo !== undefined);
  if (toGrow.length > 0) {
    await admin.createPartitions({
      topicPartitions: toGrow.map((plan) => ({
        topic: client.topicName(plan.desired.topic),
        count: plan.growTo ?? plan.desired.partitions,
      })),
    });
  }
  const toAlter = plans.filter((plan) => plan.alterConfigs !== undefined);
  if (toAlter.length > 0) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: toAlter.map((plan) => ({
        type: TOPIC_RESOURCE,
        name: client.topicName(plan.desired.topic),
        configEntries: Object.entries(plan.alterConfigs ?? {}).map(([name, value]) => ({
          name,
          value,
        })),
      })),
    });
  }
}

function outcomeOf(plan: TopicPlan, dryRun: boolean): string {
  const verb = (done: string, planned: string) => (dryRun ? planned : done);
  const changes = [
    ...(plan.create ? [verb('created', 'would create')] : []),
    ...(plan.growTo === undefined
      ? []
      : [verb(`grown to ${plan.growTo} partitions`, `would grow to ${plan.growTo} partitions`)]),
    ...(plan.alterConfigs === undefined
      ? []
      : [
          verb('configs updated', 'would update configs') +
            ` (${Object.keys(plan.desired.configs).join(', ')})`,
        ]),
    ...plan.drift.map((drift) => `DRIFT: ${drift}`),
  ];
  return changes.length === 0 ? 'unchanged' : changes.join('; ');
}

function report(plans: TopicPlan[], client: KafkaClient, dryRun: boolean): string {
  const rows = plans.map((plan) => [
    client.topicName(plan.desired.topic),
    String(plan.desired.partitions),
    String(plan.desired.replicationFactor),
    plan.desired.configs['retention.ms'] ?? '(broker default)',
    outcomeOf(plan, dryRun),
  ]);
  return formatColumns(['topic', 'partitions', 'replication', 'retention.ms', 'result'], rows);
}

/** --check: drift always fails; with --dry-run, so does any change that would be made. */
function failOnDifferences(plans: TopicPlan[], dryRun: boolean): void {
  const differing = plans.filter(
    (plan) =>
      plan.drift.length > 0 ||
      (dryRun && (plan.create || plan.growTo !== undefined || plan.alterConfigs !== undefined)),
  );
  if (differing.length > 0) {
    throw new Error(
      `${differing.length} topic(s) differ from the configuration: ` +
        differing.map((plan) => plan.desired.topic).join(', '),
    );
  }
}

const topicsEnvSchema = z
  .object(kafkaEnvShape)
  .superRefine(requireSaslCredentials)
  .transform((env) => kafkaConfigFrom(env, 'cli'));

function kafkaSettings(env: EnvSource | undefined): KafkaConfig {
  return parseConfig(topicsEnvSchema, env);
}

async function readSpec(path: string | undefined): Promise<TopicsSpec> {
  if (path === undefined) return topicsSpecSchema.parse({});
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new UsageError(
      `--spec ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--spec ${path} is not JSON: ${String(error)}`);
  }
  const parsed = topicsSpecSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`--spec ${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function overridesFrom(values: {
  partitions?: string;
  'replication-factor'?: string;
  'retention-ms'?: string;
}): TopicSettings {
  const partitions = integerOption('partitions', values.partitions, { min: 1, max: 10_000 });
  const replicationFactor = integerOption('replication-factor', values['replication-factor'], {
    min: 1,
    max: 32,
  });
  const retention = values['retention-ms'];
  const retentionMs =
    retention === '-1'
      ? -1
      : integerOption('retention-ms', retention, { min: 1, max: Number.MAX_SAFE_INTEGER });
  return {
    ...(partitions === undefined ? {} : { partitions }),
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
    ...(retentionMs === undefined ? {} : { retentionMs }),
  };
}

export const topicsCommand: Command = {
  name: 'topics',
  summary:
    'create the platform topics with their partitions, replication and retention (idempotent)',
  usage: USAGE,
  async run(args, io) {
    const [action, ...rest] = args;
    if (action !== 'ensure') throw new UsageError('expected ensure');
    const values = parseOptions(rest, {
      spec: { type: 'string' },
      partitions: { type: 'string' },
      'replication-factor': { type: 'string' },
      'retention-ms': { type: 'string' },
      'grow-partitions': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      check: { type: 'boolean' },
    });
    const desired = desiredTopics(await readSpec(values.spec), overridesFrom(values));
    const dryRun = values['dry-run'] === true;
    const client = new KafkaClient(kafkaSettings(io.env));
    const admin = client.kafka.admin();
    await admin.connect();
    try {
      const observed = await observeTopics(
        admin,
        desired.map((topic) => client.topicName(topic.topic)),
      );
      const plans = desired.map((topic) =>
        planTopic(topic, observed.get(client.topicName(topic.topic)), {
          growPartitions: values['grow-partitions'] === true,
        }),
      );
      if (!dryRun) await applyChanges({ client, admin, plans });
      io.stdout.write(`${report(plans, client, dryRun)}\n`);
      if (values.check === true) failOnDifferences(plans, dryRun);
    } finally {
      await admin.disconnect();
    }
  },
};
