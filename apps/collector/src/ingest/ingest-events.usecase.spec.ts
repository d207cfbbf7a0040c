import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import {
  pseudonymiseAnonymousId,
  pseudonymiseSessionId,
  pseudonymiseUserId,
} from '@recsys/features';
import { CollectorMetrics } from '../metrics/collector-metrics';
import { IngestEventsUseCase } from './ingest-events.usecase';
import { pseudonymiserFor } from './pseudonymise';
import { RecordingPublisher } from './recording-publisher.stub';

const FIXTURES = join(__dirname, '../../../../libs/contracts/src/__fixtures__/valid');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.v1.json`), 'utf8')) as Record<string, unknown>;
/** The ids of a fixture, which every fixture has (strings). */
const idsOf = (event: Record<string, unknown>) => ({
  anonymousId: event['anonymousId'] as string,
  sessionId: event['sessionId'] as string,
});

const NOW = new Date('2026-11-29T05:00:00.000Z');
const SECRET = 'unit-test-pseudonymisation-secret';
const pseudonym = (userId: string) => pseudonymiseUserId(SECRET, userId);
const anonymousPseudonym = (anonymousId: string) => pseudonymiseAnonymousId(SECRET, anonymousId);
const sessionPseudonym = (sessionId: string) => pseudonymiseSessionId(SECRET, sessionId);

function setup(maxEventBytes = 32_768) {
  const publisher = new RecordingPublisher();
  const registry = new Registry();
  const metrics = new CollectorMetrics(registry);
  const ingest = new IngestEventsUseCase({
    publisher,
    limits: { maxEventBytes },
    pseudonymise: pseudonymiserFor(SECRET),
    metrics,
    now: () => NOW,
  });
  return {
    publisher,
    ingest,
    metrics,
    raw: publisher.sent['events.raw.v1'],
    deadLetters: publisher.sent['events.dlq.v1'],
  };
}

async function counterValues(counter: {
  get(): Promise<{ values: Array<{ labels: object; value: number }> }>;
}) {
  return (await counter.get()).values.map(({ labels, value }) => ({ ...labels, value }));
}

describe('IngestEventsUseCase', () => {
  it('publishes valid events keyed by pseudonymised user with the receive time', async () => {
    const { raw, deadLetters, ingest } = setup();
    const result = await ingest.execute([fixture('product-view'), fixture('page-view.anonymous')]);

    expect(result).toEqual({ accepted: 2, rejected: [] });
    expect(raw.map((message) => message.key)).toEqual([
      pseudonym('u-1001'),
      anonymousPseudonym('anon-3f9c'),
    ]);
    const first = raw[0]!;
    expect(first.value.receivedAt).toBe(NOW.toISOString());
    expect(deadLetters).toEqual([]);
  });

  it('replaces the user, anonymous and session ids with pseudonyms and leaves the rest as sent', async () => {
    const { raw, ingest } = setup();
    const event = { ...fixture('product-view'), anonymousId: 'anon-77' };
    await ingest.execute([event]);
    expect(raw[0]!.value).toEqual({
      ...event,
      userId: pseudonym('u-1001'),
      anonymousId: anonymousPseudonym('anon-77'),
      sessionId: sessionPseudonym(idsOf(event).sessionId),
      receivedAt: NOW.toISOString(),
    });
    const text = JSON.stringify(raw[0]);
    for (const rawId of ['u-1001', 'anon-77', idsOf(event).sessionId])
      expect(text).not.toContain(rawId);
  });

  it('pseudonymises each user, anonymous and session id once per batch, dead letters included', async () => {
    const calls: string[] = [];
    const counting = pseudonymiserFor(SECRET);
    const ingest = new IngestEventsUseCase({
      publisher: new RecordingPublisher(),
      limits: { maxEventBytes: 32_768 },
      pseudonymise: {
        userId: (id) => (calls.push(`user ${id}`), counting.userId(id)),
        anonymousId: (id) => (calls.push(`anonymous ${id}`), counting.anonymousId(id)),
        sessionId: (id) => (calls.push(`session ${id}`), counting.sessionId(id)),
      },
      metrics: new CollectorMetrics(new Registry()),
      now: () => NOW,
    });
    const view = fixture('product-view');
    const batch = [view, { ...view, eventId: 'evt-2' }, { ...view, timestamp: 'yesterday' }];
    await ingest.execute(batch);
    expect(calls.sort()).toEqual([`session ${idsOf(view).sessionId}`, 'user u-1001']);
    await ingest.execute(batch);
    expect(calls).toHaveLength(4);
  });

  it('publishes an event zod changes (a query it trims) as zod returns it', async () => {
    const { raw, ingest } = setup();
    const result = await ingest.execute([{ ...fixture('search'), query: '  running shoes ' }]);
    expect(result).toEqual({ accepted: 1, rejected: [] });
    expect(raw[0]!.value).toMatchObject({ query: 'running shoes' });
  });

  it('overwrites a client-sent receivedAt: the server clock is authoritative', async () => {
    const { raw, ingest } = setup();
    await ingest.execute([{ ...fixture('page-view'), receivedAt: '2020-01-01T00:00:00Z' }]);
    expect(raw[0]!.value.receivedAt).toBe(NOW.toISOString());
  });

  it('accepts the good events of a mixed batch and reports and dead-letters each bad one', async () => {
    const { deadLetters, ingest } = setup();
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
    expect(deadLetters).toHaveLength(2);
    const deadLetter = deadLetters[0]!;
    expect(deadLetter.value).toMatchObject({
      reason: 'schema_violation',
      service: 'collector',
      eventId: 'evt-bad',
      eventType: 'search',
    });
    expect(deadLetters[1]!.value.payload).toBe('42');
  });

  it('keeps raw shopper ids out of dead letters: pseudonymised in the payload and the key', async () => {
    const { deadLetters, ingest } = setup();
    const bad = { ...fixture('search'), timestamp: 'yesterday' };
    const badAnonymous = { ...fixture('page-view.anonymous'), timestamp: 'yesterday' };
    await ingest.execute([bad, { ...bad, userId: { email: 'alice@example.com' } }, badAnonymous]);

    expect(deadLetters[0]!.key).toBe(pseudonym('u-1001'));
    expect(JSON.parse(deadLetters[0]!.value.payload)).toEqual({
      ...bad,
      userId: pseudonym('u-1001'),
      sessionId: sessionPseudonym(idsOf(bad).sessionId),
    });
    expect(deadLetters[2]!.key).toBe(anonymousPseudonym(idsOf(badAnonymous).anonymousId));
    const rawIds = [...Object.values(idsOf(badAnonymous)), idsOf(bad).sessionId];
    for (const rawId of rawIds) expect(JSON.stringify(deadLetters)).not.toContain(rawId);
    expect(JSON.parse(deadLetters[1]!.value.payload)).not.toHaveProperty('userId');
    expect(JSON.stringify(deadLetters)).not.toMatch(/u-1001|alice/);
  });

  it('rejects an event over the size limit as too_large without validating it', async () => {
    const { deadLetters, ingest } = setup(1_000);
    const huge = { ...fixture('review'), text: 'x'.repeat(2_000) };
    const result = await ingest.execute([huge]);
    expect(result).toEqual({
      accepted: 0,
      rejected: [
        expect.objectContaining({ index: 0, code: 'EVENT_TOO_LARGE', reason: 'too_large' }),
      ],
    });
    expect(deadLetters[0]!.value).toMatchObject({ reason: 'too_large', code: 'EVENT_TOO_LARGE' });
    expect(deadLetters[0]!.value.payload).not.toContain(String(fixture('review')['userId']));
  });

  it('counts accepted events by type and rejected ones by reason once Kafka acknowledged', async () => {
    const { ingest, metrics } = setup(2_000);
    await ingest.execute([
      fixture('page-view'),
      fixture('page-view'),
      fixture('purchase'),
      { eventType: 'page_view' },
      { ...fixture('review'), text: 'x'.repeat(3_000) },
    ]);
    expect(await counterValues(metrics.eventsAccepted)).toEqual(
      expect.arrayContaining([
        { event_type: 'page_view', value: 2 },
        { event_type: 'purchase', value: 1 },
      ]),
    );
    expect(await counterValues(metrics.eventsRejected)).toEqual(
      expect.arrayContaining([
        { reason: 'schema_violation', value: 1 },
        { reason: 'too_large', value: 1 },
      ]),
    );
  });

  it('propagates a publishing failure instead of reporting success, and counts nothing', async () => {
    const { publisher, ingest, metrics } = setup();
    publisher.failWith = new Error('broker down');
    await expect(ingest.execute([fixture('page-view')])).rejects.toThrow('broker down');
    expect(await counterValues(metrics.eventsAccepted)).toEqual([]);
  });
});
