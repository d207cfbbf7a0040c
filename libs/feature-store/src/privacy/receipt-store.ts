/**
 * Erasure receipts in Redis (`privacy:v1:receipt:<requestId>`, JSON, no TTL): the record of what an
 * erasure removed, for the data subject and the auditor. A receipt names the user only by subject.
 */
import { AppError, erasureReceiptV1Schema, type ErasureReceiptV1 } from '@recsys/contracts';
import type { RedisConnection } from '../redis-connection';
import { privacyKeys } from './privacy-keys';

export class ErasureReceiptStore {
  constructor(private readonly redis: RedisConnection) {}

  async save(receipt: ErasureReceiptV1): Promise<void> {
    const encoded = JSON.stringify(erasureReceiptV1Schema.parse(receipt));
    await this.redis.run('save erasure receipt', (client) =>
      client.set(privacyKeys.receipt(receipt.requestId), encoded),
    );
  }

  async get(requestId: string): Promise<ErasureReceiptV1 | undefined> {
    const raw = await this.redis.run('read erasure receipt', (client) =>
      client.get(privacyKeys.receipt(requestId)),
    );
    if (raw === null) return undefined;
    const parsed = erasureReceiptV1Schema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      throw new AppError('HANDLER_FAILED', `stored receipt ${requestId} breaks its schema`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }
}
