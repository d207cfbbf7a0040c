/**
 * Sizes of the fault tests, from the environment: the defaults are the reduced size CI runs; the full
 * size is a matter of setting them (see the `faults:full` npm script).
 */
import { z } from 'zod';
import { envInt, parseConfig, type EnvSource } from '@recsys/config';

const faultEnvShape = {
  /** Events streamed through the collector while the preprocessor is killed. @default 20000 */
  FAULT_EVENTS: envInt({ min: 100, max: 10_000_000 }).default(20_000),
  /** Time between two kill -9 of the preprocessor. @default 3500 */
  FAULT_KILL_INTERVAL_MS: envInt({ min: 500, max: 600_000 }).default(3_500),
  /** Kills at least this many times, even when the stream ends earlier. @default 3 */
  FAULT_MIN_KILLS: envInt({ min: 1, max: 1_000 }).default(3),
  /**
   * Events per second offered while the preprocessor is killed (0: as fast as the collector takes them),
   * so that kills fall while events still arrive. @default 1000
   */
  FAULT_EVENTS_PER_SECOND: envInt({ min: 0, max: 1_000_000 }).default(1_000),
  /** Events per collector request. @default 250 */
  FAULT_BATCH_EVENTS: envInt({ min: 1, max: 500 }).default(250),
  /** Requests in flight at once. @default 2 */
  FAULT_POST_CONCURRENCY: envInt({ min: 1, max: 64 }).default(2),
  /** Events per second offered while Kafka and Redis are restarted. @default 400 */
  FAULT_RESTART_EVENTS_PER_SECOND: envInt({ min: 10, max: 100_000 }).default(400),
  /** How long the broker and the Redis server stay down (a restart's own time comes on top). @default 3000 */
  FAULT_OUTAGE_MS: envInt({ min: 500, max: 600_000 }).default(3_000),
  /** Length of each scorer phase (steady, model swap, slow Redis, unreachable Redis). @default 4000 */
  FAULT_SCORER_PHASE_MS: envInt({ min: 1_000, max: 600_000 }).default(4_000),
  /** Scorer requests in flight at once. @default 4 */
  FAULT_SCORER_CONCURRENCY: envInt({ min: 1, max: 256 }).default(4),
  /**
   * What a client may observe on top of the scorer's request deadline (HTTP, scheduling). A loaded shared
   * CI machine needs a generous value; on a quiet one 100 ms is plenty. @default 1000
   */
  FAULT_LATENCY_SLACK_MS: envInt({ min: 0, max: 60_000 }).default(1_000),
  /** Catch-up after the stream must end within this. @default 180000 */
  FAULT_CATCH_UP_TIMEOUT_MS: envInt({ min: 10_000, max: 3_600_000 }).default(180_000),
  /** Time limit of each fault test (set it high for full-size runs). @default 600000 */
  FAULT_TEST_TIMEOUT_MS: envInt({ min: 60_000, max: 86_400_000 }).default(600_000),
};

const faultEnvSchema = z.object(faultEnvShape).transform((env) => ({
  events: env.FAULT_EVENTS,
  killIntervalMs: env.FAULT_KILL_INTERVAL_MS,
  eventsPerSecond: env.FAULT_EVENTS_PER_SECOND,
  minKills: env.FAULT_MIN_KILLS,
  batchEvents: env.FAULT_BATCH_EVENTS,
  postConcurrency: env.FAULT_POST_CONCURRENCY,
  restartEventsPerSecond: env.FAULT_RESTART_EVENTS_PER_SECOND,
  outageMs: env.FAULT_OUTAGE_MS,
  scorerPhaseMs: env.FAULT_SCORER_PHASE_MS,
  scorerConcurrency: env.FAULT_SCORER_CONCURRENCY,
  latencySlackMs: env.FAULT_LATENCY_SLACK_MS,
  catchUpTimeoutMs: env.FAULT_CATCH_UP_TIMEOUT_MS,
  testTimeoutMs: env.FAULT_TEST_TIMEOUT_MS,
}));

export type FaultSettings = z.output<typeof faultEnvSchema>;

export function faultSettings(env?: EnvSource): FaultSettings {
  return parseConfig(faultEnvSchema, env);
}
