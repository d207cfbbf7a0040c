/**
 * Keeps erased users out of the trainer's window, now and after a restart:
 *   - announcements on `privacy.erasures.v1` purge the user's examples from the window at once (the
 *     group re-reads the topic from its start on every start, so the per-request records come back);
 *   - on start, every tombstone in Redis is loaded (one ZRANGE page per 5000), so when the window is
 *     rebuilt from `training.examples.v2` — which still holds the user's examples until retention —
 *     they are refused on arrival, without a Redis call per example;
 *   - examples published after the announcement (a batch applied just before the erasure) are refused
 *     on arrival too.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { TrainingExample, UserErasedV1 } from '@recsys/contracts';
import { ErasureStore, ErasureSubjects, RedisConnection } from '@recsys/feature-store';
import { KafkaClient, KafkaPublisher, KafkaTopicConsumer } from '@recsys/kafka';
import { APP_CONFIG } from '@recsys/platform';
import { TRAINER_SERVICE_NAME, type TrainerConfig } from '../config';
import { ErasedUsers } from './erased-users';
import type { TrainingWindow } from './training-window';

/** What the trainer did with one announced erasure. */
export interface WindowErasure {
  requestId: string;
  subject: string;
  erasedAt: string;
  /** When this trainer process applied the announcement. */
  appliedAt: string;
  /** Examples removed from the window by the announcement (redeliveries add nothing). */
  purgedExamples: number;
}

/** Announced erasures remembered for the admin endpoint (the oldest leave first). */
const REMEMBERED_REQUESTS = 10_000;

@Injectable()
export class WindowErasures implements OnApplicationShutdown {
  private readonly logger = new Logger('privacy');
  readonly erased: ErasedUsers;
  private readonly store: ErasureStore;
  private readonly consumer: KafkaTopicConsumer<'privacy.erasures.v1'>;
  private readonly requests = new Map<string, WindowErasure>();
  private readonly groupId: string;
  private window: TrainingWindow | undefined;

  constructor(
    @Inject(APP_CONFIG) config: TrainerConfig,
    private readonly client: KafkaClient,
    publisher: KafkaPublisher,
    redis: RedisConnection,
  ) {
    const subjects = new ErasureSubjects(config.privacy.tombstoneSecret);
    this.erased = new ErasedUsers(subjects);
    this.store = new ErasureStore(redis, subjects);
    this.groupId = `${config.groupId}-erasures`;
    this.consumer = new KafkaTopicConsumer(client, {
      topic: 'privacy.erasures.v1',
      groupId: this.groupId,
      service: TRAINER_SERVICE_NAME,
      deadLetters: publisher,
      handle: async ({ value }) => this.apply(value),
    });
  }

  /** True for an example of an erased user's history: the window refuses it. */
  readonly excludes = (example: TrainingExample): boolean => this.erased.excludes(example);

  /**
   * Checks the tombstone secret, starts following announcements, then loads every tombstone. Call
   * before the examples consumer starts, so nothing erased reaches the window.
   */
  async start(window: TrainingWindow): Promise<void> {
    this.window = window;
    await this.store.verifySecret();
    await this.client
      .rewindGroup(this.groupId, 'privacy.erasures.v1')
      .catch((error: unknown) =>
        this.logger.warn(`announcements resume from committed offsets: ${String(error)}`),
      );
    await this.consumer.start();
    const tombstones = await this.store.erasedSince(0);
    for (const [subject, erasedAtMs] of tombstones) this.erased.record(subject, erasedAtMs);
    const purged = window.purge(this.excludes);
    this.logger.log(`${tombstones.size} erased users loaded; ${purged} examples purged`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  erasure(requestId: string): (WindowErasure & { remainingExamples: number }) | undefined {
    const record = this.requests.get(requestId);
    if (record === undefined) return undefined;
    return { ...record, remainingExamples: this.remainingOf(record.subject) };
  }

  /** The window's examples of one subject, and how many of them belong to its erased history. */
  subject(subject: string): {
    subject: string;
    erasedAt: string | null;
    windowExamples: number;
    erasedHistoryExamples: number;
  } {
    const erasedAtMs = this.erased.erasedAtOf(subject);
    const window = this.window;
    return {
      subject,
      erasedAt: erasedAtMs === undefined ? null : new Date(erasedAtMs).toISOString(),
      windowExamples: window?.count((example) => this.erased.subjectOf(example) === subject) ?? 0,
      erasedHistoryExamples: this.remainingOf(subject),
    };
  }

  private apply(message: UserErasedV1): void {
    this.erased.record(message.subject, Date.parse(message.erasedAt));
    const purged =
      this.window?.purge((example) => this.erased.excludesFor(message.subject, example)) ?? 0;
    const known = this.requests.get(message.requestId);
    this.remember({
      requestId: message.requestId,
      subject: message.subject,
      erasedAt: message.erasedAt,
      appliedAt: known?.appliedAt ?? new Date().toISOString(),
      purgedExamples: (known?.purgedExamples ?? 0) + purged,
    });
    this.logger.log(
      // The subject is a keyed hash that still matches the tombstone store: logs name the request only.
      `erasure ${message.requestId}: ${purged} examples purged`,
    );
  }

  private remember(record: WindowErasure): void {
    this.requests.delete(record.requestId);
    this.requests.set(record.requestId, record);
    if (this.requests.size > REMEMBERED_REQUESTS) {
      const oldest = this.requests.keys().next().value;
      if (oldest !== undefined) this.requests.delete(oldest);
    }
  }

  private remainingOf(subject: string): number {
    return this.window?.count((example) => this.erased.excludesFor(subject, example)) ?? 0;
  }
}
