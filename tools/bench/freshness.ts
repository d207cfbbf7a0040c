/**
 * Freshness of the preprocessor (phase 2 of bench:features): events sent at a fixed rate, each probe the
 * first event of its own user (polled in Redis every 5 ms until that user's profile appears), and every
 * event's features.updated.v2 notice (the preprocessor's clock).
 */
import { featureKeys, type RedisConnection } from '@recsys/feature-store';
import { KafkaTopicConsumer, type KafkaClient, type KafkaPublisher } from '@recsys/kafka';
import { waitFor } from '@recsys/testing';
import { latencySummary, sleep, type LatencySummary } from './bench-support';
import { syntheticEvent, toMessage } from './feature-events';

/**
 * Polls the probes (each the first event of its own user: one EXISTS of the user's profile per
 * outstanding probe every 5 ms) and records produced → visible for each.
 */
class MarkerProbe {
  private readonly outstanding = new Map<string, number>();
  readonly latencies: number[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly redis: RedisConnection) {}

  watch(userKey: string, producedAtMs: number): void {
    this.outstanding.set(userKey, producedAtMs);
  }

  get pending(): number {
    return this.outstanding.size;
  }

  start(): void {
    this.running = true;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const ids = [...this.outstanding.keys()];
      if (ids.length > 0) {
        const replies = await Promise.all(
          ids.map((id) => this.redis.client.exists(featureKeys.userState(id))),
        );
        const now = Date.now();
        ids.forEach((id, index) => {
          if (replies[index] !== 1) return;
          this.latencies.push(now - this.outstanding.get(id)!);
          this.outstanding.delete(id);
        });
      }
      await sleep(5);
    }
  }
}

export interface FreshnessOptions {
  kafka: KafkaClient;
  publisher: KafkaPublisher;
  redis: RedisConnection;
  groupId: string;
  rate: number;
  seconds: number;
  probesPerSecond: number;
}

function noticeListener(
  options: FreshnessOptions,
  latencies: number[],
): KafkaTopicConsumer<'features.updated.v2'> {
  return new KafkaTopicConsumer(options.kafka, {
    topic: 'features.updated.v2',
    groupId: options.groupId,
    service: 'bench',
    deadLetters: options.publisher,
    fromBeginning: false,
    handle: async ({ value }) => {
      for (const { eventId } of value.events)
        if (eventId.startsWith('fresh-'))
          latencies.push(Date.parse(value.updatedAt) - Number(eventId.split('-')[1]));
    },
  });
}

/** Sends `rate` events/s for `seconds` in ticks of 50 ms; every `probeEvery`-th event is probed. */
async function sendAtRate(options: FreshnessOptions, probe: MarkerProbe): Promise<number> {
  const total = options.rate * options.seconds;
  const perTick = Math.max(1, Math.round(options.rate / 20));
  const probeEvery = Math.max(1, Math.round(options.rate / options.probesPerSecond));
  const started = Date.now();
  for (let sent = 0; sent < total; sent += perTick) {
    const now = Date.now();
    const events = Array.from({ length: perTick }, (_, index) => {
      const event = {
        ...syntheticEvent(sent + index, now),
        eventId: `fresh-${now}-${sent + index}`,
      };
      if ((sent + index) % probeEvery !== 0) return event;
      // A probe is its user's first event: its profile appearing is the event becoming visible.
      const probed = { ...event, userId: `probe-${event.eventId}` };
      probe.watch(probed.userId, now);
      return probed;
    });
    await options.publisher.publish('events.raw.v1', events.map(toMessage));
    // Ticks are scheduled from the start, so a slow publish does not lower the offered rate.
    const due = started + ((sent + perTick) / options.rate) * 1_000;
    await sleep(Math.max(0, due - Date.now()));
  }
  return Math.ceil(total / perTick) * perTick;
}

export async function measureFreshness(
  options: FreshnessOptions,
): Promise<{ observed: LatencySummary; reported: LatencySummary }> {
  const reported: number[] = [];
  const listener = noticeListener(options, reported);
  await listener.start();
  await sleep(3_000); // let the listener join before sending
  const probe = new MarkerProbe(options.redis);
  probe.start();
  try {
    const sent = await sendAtRate(options, probe);
    await waitFor(() => (reported.length >= sent && probe.pending === 0 ? true : undefined), {
      description: `freshness samples (${reported.length}/${sent} notices, ${probe.pending} probes pending)`,
      timeoutMs: 120_000,
    });
  } finally {
    await probe.stop();
    await listener.stop();
  }
  return { observed: latencySummary(probe.latencies), reported: latencySummary(reported) };
}
