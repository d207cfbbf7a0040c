/**
 * Chaos, exactly-once on a Redis Cluster: while FAULT_EVENTS events flow through the real collector into
 * the preprocessor, one of the three primaries of the preprocessor's own Redis Cluster is killed
 * (SIGKILL, a crash) and restarted on its port and AOF FAULT_OUTAGE_MS later. Its slots are down meanwhile:
 * every flush that touches them fails, the preprocessor resumes from the store's offsets, and once the
 * node is back the lost batches are applied. A ledger keeps the id of every event the collector
 * accepted; once the preprocessor caught up, the store must hold exactly the ledger (0 lost, 0 double).
 *
 * The collector keeps its rate-limit state on a Redis of its own, so the outage is the feature store's
 * alone. CI size by default (20k events offered at 1000/s, 3 s down); `npm run faults:full` runs 200k
 * events as fast as they are taken, 15 s down.
 */
import {
  buildServices,
  CollectorLedger,
  faultSettings,
  reportFaultFigures,
  startPrivateInfrastructure,
  startPrivateRedisCluster,
  startServiceProcess,
  streamEvents,
  summariseLatencies,
  testNamespace,
  waitFor,
  type PrivateInfrastructure,
  type PrivateRedisCluster,
  type ServiceProcess,
} from '@recsys/testing';
import { checkAgainstLedger, storefrontEventAt, threeHourShape } from './feature-count-check';
import {
  collectorEnv,
  FAULT_SECRET,
  FAULT_WRITE_KEY,
  openStoreReader,
  preprocessorEnv,
  type FaultTarget,
  type StoreReader,
} from './fault-services';

const settings = faultSettings();
const KILLED_NODE = 2;

describe(`one primary of the Redis Cluster killed and restarted while ${settings.events} events flow`, () => {
  const namespace = testNamespace('fault-cluster-primary');
  let infrastructure: PrivateInfrastructure;
  let cluster: PrivateRedisCluster;
  let activeLedger: CollectorLedger | undefined;
  let reader: StoreReader;
  let collector: ServiceProcess;
  let preprocessor: ServiceProcess;

  beforeAll(async () => {
    await buildServices(['collector', 'preprocessor']);
    [infrastructure, cluster] = await Promise.all([
      startPrivateInfrastructure('cluster-primary'),
      startPrivateRedisCluster('cluster-primary'),
    ]);
    const collectorTarget: FaultTarget = { environment: infrastructure.environment, namespace };
    const storeTarget: FaultTarget = {
      environment: { ...infrastructure.environment, redisClusterNodes: cluster.nodes },
      namespace,
    };
    reader = await openStoreReader(storeTarget);
    collector = await startServiceProcess({
      name: 'collector',
      env: collectorEnv(collectorTarget),
    });
    preprocessor = await startServiceProcess({
      name: 'preprocessor',
      env: preprocessorEnv(storeTarget),
    });
  }, 600_000);

  afterAll(async () => {
    activeLedger?.stop();
    await Promise.allSettled([collector?.stop(), preprocessor?.stop()]);
    await reader?.close();
    await Promise.allSettled([infrastructure?.stop(), cluster?.stop()]);
  }, 120_000);

  const lag = async () => (await reader.progress()).lag;

  it(
    'counts every accepted event exactly once: 0 lost, 0 double-counted',
    async () => {
      const shape = threeHourShape(settings.events, namespace.id);
      const eventAt = (index: number) => storefrontEventAt(shape, index);
      const ledger = new CollectorLedger({
        collectorUrl: () => collector.url,
        writeKey: FAULT_WRITE_KEY,
      });
      activeLedger = ledger;
      let preprocessorExit: number | null | 'running' = 'running';
      void preprocessor.exited.then((code) => (preprocessorExit = code));

      const startedMs = Date.now();
      const stream = streamEvents({
        ledger,
        eventAt,
        count: settings.events,
        batchEvents: settings.batchEvents,
        concurrency: settings.postConcurrency,
        ...(settings.eventsPerSecond > 0 ? { eventsPerSecond: settings.eventsPerSecond } : {}),
      });
      // A third of the stream in, with the preprocessor busy: the primary goes down mid-stream.
      await waitFor(async () => (ledger.accepted.size >= settings.events / 3 ? true : undefined), {
        description: 'a third of the events accepted',
        timeoutMs: 300_000,
        intervalMs: 50,
      });
      const lagAtKill = await lag();
      const killedAtMs = Date.now();
      await cluster.killNode(KILLED_NODE);
      await new Promise((resolve) => setTimeout(resolve, settings.outageMs));
      await cluster.restartNode(KILLED_NODE);
      const clusterOkAtMs = Date.now();

      const streamed = await stream;
      const streamEndedMs = Date.now();
      await waitFor(async () => ((await lag()) === 0 ? true : undefined), {
        description: 'the preprocessor to catch up with events.raw.v1',
        timeoutMs: settings.catchUpTimeoutMs,
        intervalMs: 250,
      });
      const caughtUpMs = Date.now();

      const { expected, differences } = await checkAgainstLedger(reader.redis, {
        eventAt,
        streamed,
        accepted: ledger.accepted,
        secret: FAULT_SECRET,
      });
      const resumes = (preprocessor.output().match(/resuming after the store's offset/g) ?? [])
        .length;

      reportFaultFigures('cluster-primary-restart', {
        events: streamed,
        accepted: ledger.accepted.size,
        lost: differences.lost,
        doubleCounted: differences.doubled,
        killedNode: KILLED_NODE,
        lagAtKill,
        primaryDownMs: clusterOkAtMs - killedAtMs,
        preprocessorResumes: resumes,
        streamSeconds: (streamEndedMs - startedMs) / 1_000,
        catchUpAfterStreamEndMs: caughtUpMs - streamEndedMs,
        catchUpAfterClusterOkMs: caughtUpMs - clusterOkAtMs,
        collectorAnswerMs: summariseLatencies(ledger.answers.map((answer) => answer.ms)),
        users: expected.users.size,
        items: expected.items.size,
      });

      expect(preprocessorExit).toBe('running');
      expect(ledger.answers.filter((answer) => answer.status !== 202)).toEqual([]);
      expect(ledger.accepted.size).toBe(settings.events);
      // The outage was felt: flushes failed and the preprocessor resumed from the store's offsets.
      expect(resumes).toBeGreaterThan(0);
      expect(differences).toEqual({ lost: 0, doubled: 0, examples: [] });
    },
    settings.testTimeoutMs,
  );
});
