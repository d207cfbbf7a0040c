/** Events per second per event type over the last ten minutes, from the events the console taps. */
import type { EventRatesV1 } from '@recsys/contracts';
import { RollingCounter } from './rolling-counter';

const SECOND_MS = 1_000;
/** Ten minutes of complete seconds, plus the one filling. */
export const EVENT_RATE_WINDOW_SECONDS = 600;
/** "Current" rate: the mean over the last complete seconds. */
const CURRENT_SECONDS = 10;

export type EventRatesView = Omit<EventRatesV1, 'status'>;

export class EventRates {
  private readonly counter = new RollingCounter({
    bucketMs: SECOND_MS,
    buckets: EVENT_RATE_WINDOW_SECONDS + 1,
  });

  constructor(private readonly countingSinceMs: number) {}

  record(eventType: string, atMs: number, nowMs: number): void {
    this.counter.add({ key: eventType, atMs, nowMs });
  }

  view(nowMs: number, stepSeconds: number): EventRatesView {
    const series = this.counter.series(nowMs, stepSeconds * SECOND_MS);
    const step = series.stepMs / SECOND_MS;
    const lastWholeSecondMs = Math.floor(nowMs / SECOND_MS) * SECOND_MS;
    const current = this.counter.totals(lastWholeSecondMs - 1, CURRENT_SECONDS * SECOND_MS);
    const types = [...new Set([...series.counts.keys(), ...current.keys()])].sort();
    return {
      startMs: series.startMs,
      stepSeconds: step,
      windowSeconds: EVENT_RATE_WINDOW_SECONDS,
      series: types.map((eventType) => {
        const counts = series.counts.get(eventType) ?? [];
        return {
          eventType,
          perSecond: counts.map((count) => count / step),
          total: counts.reduce((sum, count) => sum + count, 0),
          currentPerSecond: (current.get(eventType) ?? 0) / CURRENT_SECONDS,
        };
      }),
      countingSince: new Date(this.countingSinceMs).toISOString(),
    };
  }
}
