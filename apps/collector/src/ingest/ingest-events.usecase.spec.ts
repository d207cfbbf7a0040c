import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingMessage } from '@recsys/kafka';
import { IngestEventsUseCase, type IngestPublisher } from './ingest-events.usecase';

const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__/valid');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.v1.json`), 'utf8')) as Record<string, unknown>;

class RecordingPublisher implements IngestPublisher {
  readonly raw: OutgoingMessage<'events.raw.v1'>[] = [];
  readonly deadLetters: OutgoingMessage<'events.dlq.v1'>[] = [];
  failWith: Error | undefined;

  async publish(
    topic: 'events.raw.v1' | 'events.dlq.v1',
    messages: OutgoingMessage<never>[],
  ): Promise<void> {
    if (this.failWith) throw this.failWith;
    (topic === 'events.raw.v1' ? this.raw : this.deadLetters).push(...messages);
  }
}

const NOW = new Date('2026-11-29T05:00:00.000Z');

function setup(maxEventBytes = 32_768) {
  const publisher = new RecordingPublisher();
  return { publisher, ingest: new IngestEventsUseCase(publisher, { maxEventBytes }, () => NOW) };
}

describe('IngestEventsUseCase', () => {
  it('publishes valid events keyed by user with CloudEvents headers and the receive time', async () => {
    const { publisher, ingest } = setup();
    const result = await ingest.execute([fixture('product-view'), fixture('page-view.anonymous')]);

    expect(result).toEqual({ accepted: 2, rejected: [] });
    expect(publisher.raw.map((message) => message.key)).toEqual(['u-1001', 'anon-3f9c']);
    const first = publisher.raw[0]!;
    expect(first.value.receivedAt).toBe(NOW.toISOString());
    expect(first.headers).toMatchObject({
      ce_id: 'evt-0002',
      ce_type: 'product_view',
      ce_source: 'collector',
    });
    expect(publisher.deadLetters).toEqual([]);
  });

  it('overwrites a client-sent receivedAt: the server clock is authoritative', async () => {
    const { publisher, ingest } = setup();
    await ingest.execute([{ ...fixture('page-view'), receivedAt: '2020-01-01T00:00:00Z' }]);
    expect(publisher.raw[0]!.value.receivedAt).toBe(NOW.toISOString());
  });

  it('accepts the good events of a mixed batch and reports and dead-letters each bad one', async () => {
    const { publisher, ingest } = setup();
    const badTimestamp = { ...fixture('search'), eventId: 'evt-bad', timestamp: 'yesterday' };
    const result = await ingest.execute([
      fixture('page-view'),
      badTimestamp,
      42,
      fixture('purchase'),
    ]);

    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([
      expect.objectContaining({
        index: 1,
        eventId: 'evt-bad',
        code: 'EVENT_INVALID',
        reason: 'schema_violation',
        issues: [{ path: 'timestamp', message: expect.any(String) }],
      }),
      expect.objectContaining({ index: 2, code: 'EVENT_INVALID', reason: 'schema_violation' }),
    ]);
    expect(publisher.deadLetters).toHaveLength(2);
    const deadLetter = publisher.deadLetters[0]!;
    expect(deadLetter.key).toBe('u-1001');
    expect(deadLetter.value).toMatchObject({
      reason: 'schema_violation',
      service: 'collector',
      eventId: 'evt-bad',
      eventType: 'search',
    });
    expect(JSON.parse(deadLetter.value.payload)).toEqual(badTimestamp);
    expect(publisher.deadLetters[1]!.value.payload).toBe('42');
  });

  it('rejects an event over the size limit as too_large without validating it', async () => {
    const { publisher, ingest } = setup(1_000);
    const huge = { ...fixture('review'), text: 'x'.repeat(2_000) };
    const result = await ingest.execute([huge]);
    expect(result).toEqual({
      accepted: 0,
      rejected: [
        expect.objectContaining({ index: 0, code: 'EVENT_TOO_LARGE', reason: 'too_large' }),
      ],
    });
    expect(publisher.deadLetters[0]!.value).toMatchObject({
      reason: 'too_large',
      code: 'EVENT_TOO_LARGE',
    });
  });

  it('propagates a publishing failure instead of reporting success', async () => {
    const { publisher, ingest } = setup();
    publisher.failWith = new Error('broker down');
    await expect(ingest.execute([fixture('page-view')])).rejects.toThrow('broker down');
  });
});
