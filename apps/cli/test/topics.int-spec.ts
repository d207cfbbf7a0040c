import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { physicalTopicName, topicNames } from '@recsys/contracts';
import { KafkaClient } from '@recsys/kafka';
import { integrationEnvironment, testKafkaConfig, testNamespace, waitFor } from '@recsys/testing';
import { runCli } from '../src/cli';

const environment = integrationEnvironment();
const namespace = testNamespace('cli-topics');
// kafkajs' admin client (through the adapter: apps may not import kafkajs) checks what the command did.
const admin = new KafkaClient(
  testKafkaConfig(environment.kafkaBrokers, namespace, 'topics-int-spec'),
).kafka.admin();
const dir = mkdtempSync(join(tmpdir(), 'recsys-topics-int-'));

beforeAll(() => admin.connect());
afterAll(async () => {
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function topics(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['topics', ...argv], {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: {
      KAFKA_BROKERS: environment.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: namespace.topicPrefix,
    },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function specFile(name: string, spec: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

async function retentionOf(topic: string): Promise<string | undefined> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
  });
  const entries = described.resources[0]?.configEntries ?? [];
  return entries.find((entry) => entry.configName === 'retention.ms')?.configValue;
}

/** Waits until the broker reports `retentionMs` for the topic (fails after 10 s). */
async function settled(topic: string, retentionMs: string): Promise<void> {
  await waitFor(async () => ((await retentionOf(topic)) === retentionMs ? true : undefined), {
    timeoutMs: 10_000,
    description: `retention.ms of ${topic} to be ${retentionMs}`,
  });
}

const raw = physicalTopicName('events.raw.v1', namespace.topicPrefix);
const catalog = physicalTopicName('catalog.items.v1', namespace.topicPrefix);

describe('recsys topics ensure (real Kafka)', () => {
  it('creates every registry topic with the configured partitions and retention, then is a no-op', async () => {
    const spec = specFile('first.json', {
      defaults: { partitions: 2, replicationFactor: 1, retentionMs: 86_400_000 },
      topics: { 'events.raw.v1': { partitions: 4 } },
    });
    const first = await topics(['ensure', '--spec', spec]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout.match(/created/g)).toHaveLength(topicNames.length);

    const metadata = await admin.fetchTopicMetadata({
      topics: topicNames.map((topic) => physicalTopicName(topic, namespace.topicPrefix)),
    });
    const partitions = Object.fromEntries(
      metadata.topics.map((topic) => [topic.name, topic.partitions.length]),
    );
    expect(partitions[raw]).toBe(4);
    expect(partitions[physicalTopicName('events.dlq.v1', namespace.topicPrefix)]).toBe(2);
    // A broker applies topic changes from the controller's metadata log a moment later (KRaft).
    await settled(raw, '86400000');

    const second = await topics(['ensure', '--spec', spec, '--check']);
    expect(second.code).toBe(0);
    expect(second.stdout.match(/unchanged/g)).toHaveLength(topicNames.length);
  });

  it('updates retention in place, keeps the catalogue compacted, and grows partitions only when asked', async () => {
    const spec = specFile('second.json', {
      defaults: { partitions: 2, replicationFactor: 1, retentionMs: 3_600_000 },
      topics: { 'events.raw.v1': { partitions: 6 } },
    });
    const dryRun = await topics(['ensure', '--spec', spec, '--dry-run', '--check']);
    expect(dryRun.code).toBe(1);
    expect(dryRun.stdout).toMatch(/would update configs/);
    expect(await retentionOf(raw)).toBe('86400000');

    const drifting = await topics(['ensure', '--spec', spec, '--check']);
    expect(drifting.code).toBe(1);
    expect(drifting.stdout).toMatch(/4 partitions, configured 6: not grown/);
    await settled(raw, '3600000');

    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: catalog, configNames: ['cleanup.policy'] }],
    });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('compact');

    const grown = await topics(['ensure', '--spec', spec, '--grow-partitions', '--check']);
    expect(grown.code).toBe(0);
    expect(grown.stdout).toMatch(/grown to 6 partitions/);
    await waitFor(
      async () => {
        const [after] = (await admin.fetchTopicMetadata({ topics: [raw] })).topics;
        return after?.partitions.length === 6 ? true : undefined;
      },
      { timeoutMs: 10_000, description: `${raw} to have 6 partitions` },
    );
  });

  it('fails with exit code 1 when Kafka refuses (replication factor above the broker count)', async () => {
    const other = testNamespace('cli-topics-rf');
    const err: string[] = [];
    const code = await runCli(['topics', 'ensure', '--replication-factor', '3'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => err.push(text) },
      env: {
        KAFKA_BROKERS: environment.kafkaBrokers.join(','),
        KAFKA_TOPIC_PREFIX: other.topicPrefix,
      },
    });
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/recsys topics failed/);
  });
});
