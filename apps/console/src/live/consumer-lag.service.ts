/**
 * Consumer lag for the live page, measured through the admin API at most every few seconds however many
 * pages poll (one measurement in flight; callers share it).
 */
import { Injectable } from '@nestjs/common';
import type { ConsumerLagV1 } from '@recsys/contracts';
import { KafkaClient, measureConsumerLag, type GroupLag } from '@recsys/kafka';

const MEASURE_EVERY_MS = 5_000;

export type ConsumerLagView = Omit<ConsumerLagV1, 'status'>;

@Injectable()
export class ConsumerLag {
  private latest: { atMs: number; view: ConsumerLagView } | undefined;
  private measuring: Promise<ConsumerLagView> | undefined;

  constructor(private readonly client: KafkaClient) {}

  async current(nowMs = Date.now()): Promise<ConsumerLagView> {
    if (this.latest !== undefined && nowMs - this.latest.atMs < MEASURE_EVERY_MS)
      return this.latest.view;
    this.measuring ??= this.measure().finally(() => (this.measuring = undefined));
    return this.measuring;
  }

  private async measure(): Promise<ConsumerLagView> {
    const groups = await measureConsumerLag(this.client);
    const atMs = Date.now();
    const view = consumerLagViewOf(groups, atMs);
    this.latest = { atMs, view };
    return view;
  }
}

export function consumerLagViewOf(groups: GroupLag[], measuredAtMs: number): ConsumerLagView {
  return {
    groups: groups.map((group) => ({
      groupId: group.groupId,
      state: group.state,
      members: group.members,
      totalLag: group.totalLag,
      topics: group.topics.map((topic) => ({
        topic: topic.topic,
        lag: topic.lag,
        partitions: topic.partitions.map((partition) => ({ ...partition })),
      })),
    })),
    measuredAt: new Date(measuredAtMs).toISOString(),
  };
}
