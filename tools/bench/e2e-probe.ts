/**
 * One end-to-end freshness sample: a new shopper (cold: the scorer serves the non-personalised list)
 * views one item through the collector; the scorer is asked for that shopper's top-10 again and again
 * until the answer is personalised and differs from the one before the view. The sample is the time
 * from sending the event to receiving that changed answer. Plus background traffic through the collector,
 * so the preprocessor is busy as in production while samples are taken.
 */
import { performance } from 'node:perf_hooks';
import type { StorefrontEvent } from '@recsys/contracts';
import { SeededRandom } from '@recsys/datasets';
import { sleep } from './bench-support';

export const BENCH_WRITE_KEY = 'bench-e2e-write-key-0123456789abcdef';

/** An item whose co-visitation neighbours and category give a new shopper personal candidates. */
export interface Anchor {
  itemId: string;
  categoryPath: string[];
}

export interface ProbeContext {
  collectorUrl: string;
  scorerUrl: string;
  runId: string;
  pollIntervalMs: number;
  timeoutMs: number;
}

export interface ProbeOutcome {
  /** Event sent → changed recommendations received, ms; undefined when they did not change in time. */
  changedMs: number | undefined;
  /** Event sent → the collector's 202 (accepted: on Kafka), ms. */
  acceptedMs: number;
  /** The changed list holds an item found through the viewed item (co-visitation) or its category. */
  attributed: boolean;
  polls: number;
}

interface Served {
  personalized: boolean;
  items: Array<{ itemId: string; source?: string }>;
}

const PERSONAL_SOURCES = new Set(['co_visitation', 'category_affinity']);

/** The same request id every time: the list's seeded shuffles (exploration) stay the same. */
async function recommendationsFor(
  context: ProbeContext,
  probe: { userId: string; requestId: string },
): Promise<Served> {
  const response = await fetch(
    `${context.scorerUrl}/v1/recommendations/${probe.userId}?k=10&requestId=${probe.requestId}`,
  );
  if (response.status !== 200)
    throw new Error(`scorer answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Served;
}

export async function postEvents(
  collectorUrl: string,
  events: readonly StorefrontEvent[],
): Promise<void> {
  const response = await fetch(`${collectorUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-write-key': BENCH_WRITE_KEY },
    body: JSON.stringify({ events }),
  });
  if (response.status !== 202)
    throw new Error(`collector answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

function viewOf(userId: string, anchor: Anchor, eventId: string): StorefrontEvent {
  return {
    eventId,
    schemaVersion: 1,
    eventType: 'product_view',
    userId,
    sessionId: `${userId}-session`,
    timestamp: new Date().toISOString(),
    itemId: anchor.itemId,
    categoryPath: anchor.categoryPath,
    context: { device: { type: 'desktop' } },
  };
}

const itemIdsOf = (served: Served): string => served.items.map((item) => item.itemId).join(',');

export async function probeOnce(
  context: ProbeContext,
  probe: { index: number; anchor: Anchor },
): Promise<ProbeOutcome> {
  const ids = {
    userId: `probe-${context.runId}-${probe.index}`,
    requestId: `probe-${context.runId}-${probe.index}`,
  };
  const before = await recommendationsFor(context, ids);
  if (before.personalized) throw new Error(`${ids.userId} is not a new shopper`);
  const sentAt = performance.now();
  await postEvents(context.collectorUrl, [viewOf(ids.userId, probe.anchor, ids.requestId)]);
  const acceptedMs = performance.now() - sentAt;
  for (let polls = 1; performance.now() - sentAt < context.timeoutMs; polls += 1) {
    const now = await recommendationsFor(context, ids);
    if (now.personalized && itemIdsOf(now) !== itemIdsOf(before)) {
      const attributed = now.items.some((item) => PERSONAL_SOURCES.has(item.source ?? ''));
      return { changedMs: performance.now() - sentAt, acceptedMs, attributed, polls };
    }
    await sleep(context.pollIntervalMs);
  }
  return { changedMs: undefined, acceptedMs, attributed: false, polls: 0 };
}

/**
 * Product views of the seeded shoppers at `eventsPerSecond`, posted in batches every 100 ms until
 * stopped. Counts what was accepted, so the report can state the rate actually offered.
 */
export class BackgroundTraffic {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly random = new SeededRandom(17);
  posted = 0;
  failures = 0;
  private startedAt = 0;

  constructor(
    private readonly collectorUrl: string,
    private readonly shop: { userIds: string[]; anchors: Anchor[]; eventsPerSecond: number },
  ) {}

  start(): void {
    if (this.shop.eventsPerSecond <= 0) return;
    this.running = true;
    this.startedAt = performance.now();
    this.loop = this.run();
  }

  /** Stops and returns the rate that was accepted, events/s. */
  async stop(): Promise<number> {
    this.running = false;
    await this.loop;
    const seconds = (performance.now() - this.startedAt) / 1_000;
    return seconds > 0 ? this.posted / seconds : 0;
  }

  private batch(size: number): StorefrontEvent[] {
    return Array.from({ length: size }, () => {
      const userId = this.random.pick(this.shop.userIds);
      const anchor = this.random.pick(this.shop.anchors);
      return viewOf(userId, anchor, `bg-${Date.now()}-${this.random.int(1e9)}`);
    });
  }

  private async run(): Promise<void> {
    const perTick = Math.max(1, Math.round(this.shop.eventsPerSecond / 10));
    for (let tick = 1; this.running; tick += 1) {
      const events = this.batch(perTick);
      await postEvents(this.collectorUrl, events).then(
        () => (this.posted += events.length),
        () => (this.failures += 1),
      );
      await sleep(Math.max(0, this.startedAt + tick * 100 - performance.now()));
    }
  }
}
