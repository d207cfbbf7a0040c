import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicNames } from '@recsys/contracts';
import { runCli } from '../cli';
import type { CliIo } from '../io';
import { desiredTopics, planTopic, type DesiredTopic, type ObservedTopic } from './topics.command';

const noSpec = { defaults: {}, topics: {} };

function observed(overrides: Partial<ObservedTopic> = {}): ObservedTopic {
  return {
    partitions: 6,
    replicationFactor: 3,
    configs: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
    topicLevelConfigs: {},
    ...overrides,
  };
}

const desired: DesiredTopic = {
  topic: 'events.raw.v1',
  partitions: 6,
  replicationFactor: 3,
  configs: { 'retention.ms': '604800000' },
};

describe('desiredTopics', () => {
  it('lists every registry topic with built-in defaults when nothing is configured', () => {
    const topics = desiredTopics(noSpec, {});
    expect(topics.map((topic) => topic.topic)).toEqual(topicNames);
    expect(topics.find((topic) => topic.topic === 'events.raw.v1')).toEqual({
      topic: 'events.raw.v1',
      partitions: 3,
      replicationFactor: 1,
      configs: {},
    });
  });

  it('layers spec defaults < command-line defaults < the per-topic entry', () => {
    const topics = desiredTopics(
      {
        defaults: { partitions: 6, replicationFactor: 3, retentionMs: 1000 },
        topics: { 'events.raw.v1': { partitions: 12, configs: { 'min.insync.replicas': '2' } } },
      },
      { partitions: 8, retentionMs: 2000 },
    );
    const raw = topics.find((topic) => topic.topic === 'events.raw.v1');
    const dlq = topics.find((topic) => topic.topic === 'events.dlq.v1');
    expect(raw).toEqual({
      topic: 'events.raw.v1',
      partitions: 12,
      replicationFactor: 3,
      configs: { 'retention.ms': '2000', 'min.insync.replicas': '2' },
    });
    expect(dlq?.partitions).toBe(8);
  });

  it('always keeps the catalogue compacted, whatever the spec says', () => {
    const topics = desiredTopics(
      { defaults: { configs: { 'cleanup.policy': 'delete' } }, topics: {} },
      {},
    );
    expect(topics.find((topic) => topic.topic === 'catalog.items.v1')?.configs).toEqual({
      'cleanup.policy': 'compact',
    });
  });
});

describe('planTopic', () => {
  it('creates a missing topic', () => {
    expect(planTopic(desired, undefined, { growPartitions: false })).toEqual({
      desired,
      create: true,
      drift: [],
    });
  });

  it('changes nothing on a topic that matches (idempotence)', () => {
    expect(planTopic(desired, observed(), { growPartitions: false })).toEqual({
      desired,
      create: false,
      drift: [],
    });
  });

  it('rewrites the topic-level configs it keeps plus the changed ones', () => {
    const plan = planTopic(
      { ...desired, configs: { 'retention.ms': '86400000' } },
      observed({ topicLevelConfigs: { 'min.insync.replicas': '2' } }),
      { growPartitions: false },
    );
    expect(plan.alterConfigs).toEqual({ 'min.insync.replicas': '2', 'retention.ms': '86400000' });
    expect(plan.drift).toEqual([]);
  });

  it('grows partitions only when asked, and reports it otherwise', () => {
    const fewer = observed({ partitions: 3 });
    expect(planTopic(desired, fewer, { growPartitions: false })).toMatchObject({
      drift: [expect.stringMatching(/3 partitions, configured 6: not grown/)],
    });
    expect(planTopic(desired, fewer, { growPartitions: true })).toMatchObject({
      growTo: 6,
      drift: [],
    });
  });

  it('reports partitions it cannot shrink and a replication factor it cannot change', () => {
    const plan = planTopic(desired, observed({ partitions: 12, replicationFactor: 1 }), {
      growPartitions: true,
    });
    expect(plan.growTo).toBeUndefined();
    expect(plan.drift).toEqual([
      expect.stringMatching(/12 partitions, configured 6: cannot shrink/),
      expect.stringMatching(/replication factor 1, configured 3/),
    ]);
  });
});

describe('recsys topics arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recsys-topics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
    const err: string[] = [];
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => err.push(text) },
      env: { KAFKA_BROKERS: '127.0.0.1:1' },
    };
    const code = await runCli(['topics', ...argv], io);
    return { code, stderr: err.join('') };
  }

  it.each([
    ['no action', [], /expected ensure/],
    [
      'a bad partition count',
      ['ensure', '--partitions', 'many'],
      /--partitions must be an integer/,
    ],
    ['a missing spec file', ['ensure', '--spec', '/nonexistent/topics.json'], /--spec/],
  ])('exits with 2 on %s', async (_case, argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a spec naming a topic that is not in the registry', async () => {
    const spec = join(dir, 'typo.json');
    writeFileSync(spec, JSON.stringify({ topics: { 'events.raw.v2': { partitions: 3 } } }));
    const result = await run(['ensure', '--spec', spec]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/events\.raw\.v2|topics/);
  });

  it('refuses unknown settings in a spec', async () => {
    const spec = join(dir, 'unknown.json');
    writeFileSync(spec, JSON.stringify({ defaults: { partition: 3 } }));
    const result = await run(['ensure', '--spec', spec]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/partition/);
  });

  it('exits with 2 when Kafka settings are invalid', async () => {
    const err: string[] = [];
    const code = await runCli(['topics', 'ensure'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => err.push(text) },
      env: { KAFKA_BROKERS: 'no-port' },
    });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/KAFKA_BROKERS/);
  });
});
