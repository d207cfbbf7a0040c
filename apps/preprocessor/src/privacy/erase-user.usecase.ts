/**
 * Erases one shopper: names them as the feature store does (the collector's pseudonym of the user id or
 * of the anonymous id), writes the tombstone and removes their data (ErasureStore), announces the erasure on
 * `privacy.erasures.v1` (the trainer drops the user's examples), and stores and returns the receipt.
 *
 * Why the preprocessor: it owns every feature write and the apply script that checks tombstones, so
 * the erasure and the check live with the one writer; the collector faces the internet and the scorer
 * the latency-critical path, neither should hold an endpoint that deletes data.
 *
 * A repeated request finds the tombstone: it removes whatever arrived since (nothing, usually), moves
 * the tombstone forward and says so in its receipt. When the announcement fails (Kafka away) the data
 * is already gone and the error is retriable: the retry announces again.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  type ErasureReceiptV1,
  type ErasureRequestV1,
  type TopicName,
  type UserErasedV1,
} from '@recsys/contracts';
import type { ErasureReceiptStore, ErasureStore } from '@recsys/feature-store';
import { pseudonymiseAnonymousId, pseudonymiseUserId } from '@recsys/features';
import type { TopicRetention } from '@recsys/kafka';
import { erasureReceiptOf, USER_DATA_TOPICS } from './erasure-receipt';

export interface ErasurePorts {
  erasures: Pick<ErasureStore, 'erase'>;
  receipts: Pick<ErasureReceiptStore, 'save'>;
  /** Publishes the announcement; resolves with where Kafka stored it. */
  announce: (message: UserErasedV1) => Promise<ErasureReceiptV1['announcement']>;
  /** The broker's retention of the given topics. */
  retention: (topics: TopicName[]) => Promise<TopicRetention[]>;
}

export interface ErasureSettings {
  /** COLLECTOR_PSEUDONYMISATION_SECRET; undefined: every erasure is refused (ids are stored pseudonymised). */
  pseudonymisationSecret: string | undefined;
  /** FEATURE_USER_TTL_SECONDS: how long what the receipt lists of the user's keys can remain. */
  userTtlSeconds: number;
}

export class EraseUserUseCase {
  private readonly now: () => number;

  constructor(
    private readonly ports: ErasurePorts,
    private readonly settings: ErasureSettings,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
  }

  async execute(request: ErasureRequestV1): Promise<ErasureReceiptV1> {
    const userKey = this.userKeyOf(request);
    const requestedAtMs = this.now();
    const requestId = `er-${randomUUID()}`;
    const result = await this.ports.erasures.erase({ userKey, requestId });
    const announcement = await this.ports.announce({
      schemaVersion: 1,
      requestId,
      subject: result.tombstone.subject,
      erasedAt: new Date(result.tombstone.erasedAtMs).toISOString(),
    });
    const retention = await this.ports
      .retention(USER_DATA_TOPICS.map((entry) => entry.topic))
      .catch(() => undefined);
    const receipt = erasureReceiptOf({
      request,
      requestedAtMs,
      result,
      announcement,
      retention,
      userTtlSeconds: this.settings.userTtlSeconds,
    });
    await this.ports.receipts.save(receipt);
    return receipt;
  }

  /** The collector's pseudonym of the id given: the feature store's key and the tombstone's name. */
  private userKeyOf(request: ErasureRequestV1): string {
    const secret = this.settings.pseudonymisationSecret;
    if (secret === undefined) {
      throw new AppError(
        'PSEUDONYMISATION_UNCONFIGURED',
        'erasing a shopper needs PREPROCESSOR_PSEUDONYMISATION_SECRET (the collector’s secret): user and anonymous ids are stored pseudonymised',
      );
    }
    return request.userId === undefined
      ? pseudonymiseAnonymousId(secret, request.anonymousId!)
      : pseudonymiseUserId(secret, request.userId);
  }
}
