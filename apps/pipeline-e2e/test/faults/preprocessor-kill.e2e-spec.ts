/**
 * Chaos, exactly-once: the preprocessor (its own process) is killed with SIGKILL after every
 * FAULT_KILL_INTERVAL_MS of work while FAULT_EVENTS events flow — through the real collector, and on
 * into the feature store: the kills go on while the stream runs and while the preprocessor still has a
 * backlog, on a Kafka and a Redis of this test's own. A ledger keeps the id of every event the collector
 * accepted; once the last restarted preprocessor caught up, the feature store must hold exactly the
 * ledger: per user and per item, views, carts and purchases equal to the ledger's (a lost event makes a
 * count lower, an event applied twice makes one higher) and one de-duplication marker per event.
 *
 * Twice: on one Redis (the test's own), and on the three-primary Redis Cluster of the global setup (keys
 * under the test's own prefix, spread over the primaries).
 *
 * CI size by default (20k events offered at 1000/s, killed after every 3.5 s of work, at least 3 kills);
 * `npm run faults:full` runs the target size (200k events as fast as they are taken, killed every 10 s).
 */
import {
  buildServices,
  CollectorLedger,
  faultSettings,
  integrationEnvironment,
  reportFaultFigures,
  startPrivateInfrastructure,
  startServiceProcess,
  streamEvents,
  summariseLatencies,
  testNamespace,
  waitFor,
  ServiceSupervisor,
  type PrivateInfrastructure,
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

const deployments = ['one Redis', 'Redis Cluster'] as const;

describe.each(deployments)(
  `kill -9 of the preprocessor every ${settings.killIntervalMs} ms while ${settings.events} events flow, on %s`,
  (deployment) => {
    const onCluster = deployment === 'Redis Cluster';
    const namespace = testNamespace(onCluster ? 'fault-kill-cluster' : 'fault-kill');
    let infrastructure: PrivateInfrastructure;
    /** Stopped by the teardown, so a failed test leaves no stream running. */
    let activeLedger: CollectorLedger | undefined;
    let target: FaultTarget;
    let reader: StoreReader;
    let collector: ServiceProcess;
    let preprocessor: ServiceSupervisor;

    beforeAll(async () => {
      await buildServices(['collector', 'preprocessor']);
      infrastructure = await startPrivateInfrastructure('preprocessor-kill');
      const clusterNodes = integrationEnvironment().redisClusterNodes;
      if (onCluster && clusterNodes === undefined)
        throw new Error('no Redis Cluster: the e2e global setup starts one (REDIS_CLUSTER_NODES)');
      target = {
        environment: {
          ...infrastructure.environment,
          ...(onCluster ? { redisClusterNodes: clusterNodes } : {}),
        },
        namespace,
      };
      reader = await openStoreReader(target);
      collector = await startServiceProcess({ name: 'collector', env: collectorEnv(target) });
      preprocessor = new ServiceSupervisor({ name: 'preprocessor', env: preprocessorEnv(target) });
      await preprocessor.start();
    }, 600_000);

    afterAll(async () => {
      activeLedger?.stop();
      await Promise.allSettled([collector?.stop(), preprocessor?.stop()]);
      await reader?.close();
      await infrastructure?.stop();
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

        const startedMs = Date.now();
        let streaming = true;
        const stream = streamEvents({
          ledger,
          eventAt,
          count: settings.events,
          batchEvents: settings.batchEvents,
          concurrency: settings.postConcurrency,
          ...(settings.eventsPerSecond > 0 ? { eventsPerSecond: settings.eventsPerSecond } : {}),
        }).finally(() => (streaming = false));
        // Events flow until the store has them all: the kills go on while the preprocessor has a backlog.
        let backlog = Number.POSITIVE_INFINITY;
        const watcher = setInterval(
          () =>
            void lag().then(
              (value) => (backlog = value),
              () => undefined,
            ),
          500,
        );
        const killing = preprocessor
          .killEvery({
            intervalMs: settings.killIntervalMs,
            keepGoing: () =>
              streaming || backlog > 0 || preprocessor.kills.length < settings.minKills,
          })
          .finally(() => clearInterval(watcher));
        const streamed = await stream;
        const streamEndedMs = Date.now();
        const lagAtStreamEnd = await lag();
        await killing;
        const lastKill = preprocessor.kills.at(-1)!;
        const lastRestartReadyMs = lastKill.killedAtMs + lastKill.recoveryMs;

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

        reportFaultFigures(onCluster ? 'preprocessor-kill.cluster' : 'preprocessor-kill', {
          events: streamed,
          accepted: ledger.accepted.size,
          lost: differences.lost,
          doubleCounted: differences.doubled,
          kills: preprocessor.kills.length,
          killsWhileStreaming: preprocessor.kills.filter((kill) => kill.killedAtMs < streamEndedMs)
            .length,
          killIntervalMs: settings.killIntervalMs,
          offeredEventsPerSecond: settings.eventsPerSecond || 'unbounded',
          recoveryMs: summariseLatencies(preprocessor.kills.map((kill) => kill.recoveryMs)),
          streamSeconds: (streamEndedMs - startedMs) / 1_000,
          acceptedEventsPerSecond: Math.round(streamed / ((streamEndedMs - startedMs) / 1_000)),
          lagAtStreamEnd,
          catchUpAfterStreamEndMs: caughtUpMs - streamEndedMs,
          catchUpAfterLastRestartMs: caughtUpMs - lastRestartReadyMs,
          collectorAnswerMs: summariseLatencies(ledger.answers.map((answer) => answer.ms)),
          users: expected.users.size,
          items: expected.items.size,
        });

        expect(preprocessor.kills.length).toBeGreaterThanOrEqual(settings.minKills);
        // Kills happened while events were still flowing, not only afterwards.
        expect(preprocessor.kills[0]!.killedAtMs).toBeLessThan(streamEndedMs);
        expect(preprocessor.unexpectedExits).toEqual([]);
        expect(ledger.answers.filter((answer) => answer.status !== 202)).toEqual([]);
        expect(ledger.accepted.size).toBe(settings.events);
        expect(differences).toEqual({ lost: 0, doubled: 0, examples: [] });
      },
      settings.testTimeoutMs,
    );
  },
);
