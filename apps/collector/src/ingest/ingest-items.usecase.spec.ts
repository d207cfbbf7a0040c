import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { CollectorMetrics } from '../metrics/collector-metrics';
import { IngestItemsUseCase } from './ingest-items.usecase';
import { pseudonymiserFor } from './pseudonymise';
import { RecordingPublisher } from './recording-publisher.stub';

const item = JSON.parse(
  readFileSync(
    join(__dirname, '../../../../libs/contracts/src/__fixtures__/valid/item-upserted.v1.json'),
    'utf8',
  ),
) as Record<string, unknown>;
const NOW = new Date('2026-11-29T05:00:00.000Z');

function setup(maxEventBytes = 32_768) {
  const publisher = new RecordingPublisher();
  const metrics = new CollectorMetrics(new Registry());
  const ingest = new IngestItemsUseCase({
    publisher,
    limits: { maxEventBytes },
    pseudonymise: pseudonymiserFor('unit-test-pseudonymisation-secret'),
    metrics,
    now: () => NOW,
  });
  return {
    ingest,
    metrics,
    publisher,
    catalog: publisher.sent['catalog.items.v1'],
    deadLetters: publisher.sent['events.dlq.v1'],
  };
}

describe('IngestItemsUseCase', () => {
  it('publishes valid items to catalog.items.v1 keyed by itemId, unchanged', async () => {
    const { catalog, deadLetters, ingest } = setup();
    const second = { ...item, itemId: 'sku-2' };
    const result = await ingest.execute([item, second]);

    expect(result).toEqual({ accepted: 2, rejected: [] });
    expect(catalog.map((message) => message.key)).toEqual([item['itemId'], 'sku-2']);
    expect(catalog[0]!.value).toEqual(item);
    expect(deadLetters).toEqual([]);
  });

  it('accepts the valid items of a batch and reports and dead-letters each invalid one', async () => {
    const { catalog, deadLetters, ingest } = setup();
    const result = await ingest.execute([
      item,
      { ...item, itemId: 'sku-bad', availability: 'maybe' },
    ]);

    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      {
        index: 1,
        itemId: 'sku-bad',
        code: 'ITEM_INVALID',
        reason: 'schema_violation',
        message: 'item does not match its schema',
        issues: [{ path: 'availability', message: expect.any(String) }],
      },
    ]);
    expect(catalog).toHaveLength(1);
    expect(deadLetters[0]!.key).toBe('sku-bad');
    expect(deadLetters[0]!.value).toMatchObject({
      reason: 'schema_violation',
      code: 'ITEM_INVALID',
      eventType: 'item_upserted',
      message: 'item #1: item does not match its schema',
    });
  });

  it('rejects an item over the size limit as too_large', async () => {
    const { ingest } = setup(300);
    const result = await ingest.execute([{ ...item, title: 'x'.repeat(400) }]);
    expect(result.rejected).toEqual([
      expect.objectContaining({ index: 0, code: 'ITEM_TOO_LARGE', reason: 'too_large' }),
    ]);
  });

  it('pseudonymises user ids in the dead letter of an event posted here by mistake', async () => {
    const { deadLetters, ingest } = setup();
    await ingest.execute([{ eventType: 'page_view', userId: 'u-secret-1' }]);
    expect(deadLetters[0]!.value.payload).not.toContain('u-secret-1');
    expect(deadLetters[0]!.value.payload).toMatch(/"userId":"u_[0-9a-f]{32}"/);
  });

  it('counts accepted and rejected items', async () => {
    const { ingest, metrics } = setup();
    await ingest.execute([item, item, { itemId: 'x' }]);
    expect((await metrics.itemsAccepted.get()).values[0]!.value).toBe(2);
    expect((await metrics.itemsRejected.get()).values).toEqual([
      expect.objectContaining({ labels: { reason: 'schema_violation' }, value: 1 }),
    ]);
  });

  it('propagates a publishing failure instead of reporting success', async () => {
    const { publisher, ingest } = setup();
    publisher.failWith = new Error('broker down');
    await expect(ingest.execute([item])).rejects.toThrow('broker down');
  });
});
