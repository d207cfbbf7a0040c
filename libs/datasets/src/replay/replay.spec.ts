import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StorefrontEvent } from '@recsys/contracts';
import type { DatasetRecord } from '../records';
import { ReplayError } from './collector-client';
import { replayRecords } from './replay';

interface Received {
  path: string;
  writeKey: string | undefined;
  ids: string[];
  /** Event timestamps as received. */
  timestamps: string[];
  atMs: number;
}

type Responder = (
  request: { path: string; ids: string[]; index: number },
  response: ServerResponse,
) => void;

/** A stand-in collector: records every request, answers with `respond` (202 with all accepted by default). */
async function startCollector(
  respond: Responder = acceptAll,
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        events?: { eventId: string; timestamp: string }[];
        items?: { itemId: string }[];
      };
      const ids = (body.events ?? [])
        .map((event) => event.eventId)
        .concat((body.items ?? []).map((item) => item.itemId));
      const path = request.url ?? '';
      received.push({
        path,
        writeKey: request.headers['x-write-key'] as string | undefined,
        ids,
        timestamps: (body.events ?? []).map((event) => event.timestamp),
        atMs: Date.now(),
      });
      respond({ path, ids, index: received.length - 1 }, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

function acceptAll(request: { ids: string[] }, response: ServerResponse): void {
  response.writeHead(202, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ accepted: request.ids.length, rejected: [] }));
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

function event(index: number, userId: string, secondsAfterStart: number): DatasetRecord {
  const record: StorefrontEvent = {
    eventId: `e${index}`,
    schemaVersion: 1,
    eventType: 'product_view',
    userId,
    sessionId: `s-${userId}`,
    itemId: `i${index % 3}`,
    timestamp: new Date(Date.UTC(2026, 0, 5) + secondsAfterStart * 1000).toISOString(),
  };
  return { kind: 'event', event: record };
}

function item(itemId: string): DatasetRecord {
  return {
    kind: 'item',
    item: {
      itemId,
      schemaVersion: 1,
      title: itemId,
      categoryPath: ['A'],
      price: 1,
      currency: 'EUR',
      availability: 'in_stock',
      updatedAt: '2026-01-04T00:00:00.000Z',
    },
  };
}

const RECORDS: DatasetRecord[] = [
  item('i0'),
  item('i1'),
  item('i2'),
  ...Array.from({ length: 10 }, (_, index) =>
    event(index, index % 2 === 0 ? 'u-even' : 'u-odd', index),
  ),
];

describe('replayRecords', () => {
  it('retries a 503 with Retry-After, batches by size, sends items first and the write key on every request', async () => {
    const collector = await startCollector((request, response) => {
      if (request.index === 0) {
        response.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'KAFKA_UNAVAILABLE', retriable: true } }));
        return;
      }
      acceptAll(request, response);
    });
    servers.push(collector.server);

    const stats = await replayRecords({
      collectorUrl: collector.url,
      records: RECORDS,
      batchSize: 4,
      concurrency: 1,
      writeKey: 'wk-1',
    });

    expect(collector.received[0]?.path).toBe('/v1/items');
    expect(collector.received[1]).toMatchObject({ path: '/v1/items', ids: ['i0', 'i1', 'i2'] });
    expect(collector.received.slice(2).map((request) => request.ids.length)).toEqual([4, 4, 2]);
    expect(collector.received.slice(2).flatMap((request) => request.ids)).toEqual(
      RECORDS.slice(3).map((record) => (record.kind === 'event' ? record.event.eventId : '')),
    );
    expect(collector.received.every((request) => request.writeKey === 'wk-1')).toBe(true);
    expect(stats).toMatchObject({
      events: { sent: 10, accepted: 10, rejected: 0 },
      items: { sent: 3, accepted: 3, rejected: 0 },
      retries: 1,
      requests: 5,
    });
  });

  it('counts the events a 4xx answer rejects and goes on with the next batches', async () => {
    const collector = await startCollector((request, response) => {
      const rejected = request.ids.flatMap((id, index) =>
        id === 'e3' || id === 'e4' ? [{ index, eventId: id, code: 'EVENT_INVALID' }] : [],
      );
      const accepted = request.ids.length - rejected.length;
      response.writeHead(accepted === 0 ? 400 : 202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ accepted, rejected }));
    });
    servers.push(collector.server);
    const onlyEvents = RECORDS.slice(3);

    const stats = await replayRecords({
      collectorUrl: `${collector.url}/`,
      records: onlyEvents,
      batchSize: 2,
      concurrency: 2,
    });

    expect(stats.events).toEqual({ sent: 10, accepted: 8, rejected: 2 });
    expect(stats.rejections).toEqual({ EVENT_INVALID: 2 });
  });

  it('keeps each user in order across lanes and paces events by their timestamps at the given speed', async () => {
    const collector = await startCollector();
    servers.push(collector.server);
    // Events one second apart at 20x: about 50 ms apart on the wire.
    const paced = RECORDS.slice(3, 9);

    const startedMs = Date.now();
    await replayRecords({
      collectorUrl: collector.url,
      records: paced,
      speed: 20,
      batchSize: 50,
      concurrency: 2,
    });
    const elapsedMs = Date.now() - startedMs;

    const arrivals = collector.received.flatMap((request) =>
      request.ids.map((id) => ({ id, atMs: request.atMs })),
    );
    expect(arrivals.map((arrival) => arrival.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
    expect(elapsedMs).toBeGreaterThanOrEqual(240);
    // Never early: event i is due 50 ms × i after the first (a few ms of timer slack allowed).
    const earliness = arrivals.map((arrival, index) => startedMs + index * 50 - arrival.atMs);
    expect(Math.max(...earliness)).toBeLessThanOrEqual(5);
  });

  it('counts a whole batch as rejected when a 4xx answer has no result body (e.g. no /v1/items yet)', async () => {
    const collector = await startCollector((request, response) => {
      if (request.path === '/v1/items') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Cannot POST /v1/items' }));
        return;
      }
      acceptAll(request, response);
    });
    servers.push(collector.server);

    const stats = await replayRecords({ collectorUrl: collector.url, records: RECORDS });

    expect(stats.items).toEqual({ sent: 3, accepted: 0, rejected: 3 });
    expect(stats.events.accepted).toBe(10);
    expect(stats.rejections).toEqual({ 'HTTP 404': 3 });
  });

  it('stops with a ReplayError when the write key is refused or the collector stays unreachable', async () => {
    const collector = await startCollector((_request, response) => {
      response.writeHead(401);
      response.end();
    });
    servers.push(collector.server);

    await expect(replayRecords({ collectorUrl: collector.url, records: RECORDS })).rejects.toThrow(
      /refused the write key/,
    );
    await expect(
      replayRecords({
        collectorUrl: 'http://127.0.0.1:1',
        records: RECORDS,
        maxAttempts: 3,
        sleep: async () => undefined,
      }),
    ).rejects.toThrow(ReplayError);
  });

  it('with restamp, stamps each event with the moment it is sent, keeping the paced spacing', async () => {
    const collector = await startCollector();
    servers.push(collector.server);
    // A clock that only the pacing moves: events one second apart at 10x are sent 100 ms apart.
    let clockMs = Date.parse('2030-06-01T12:00:00.000Z');
    const paced = RECORDS.slice(3, 7);

    await replayRecords({
      collectorUrl: collector.url,
      records: paced,
      speed: 10,
      batchSize: 50,
      concurrency: 1,
      restamp: true,
      now: () => clockMs,
      sleep: async (ms) => {
        clockMs += ms;
      },
    });

    expect(collector.received.flatMap((request) => request.timestamps)).toEqual([
      '2030-06-01T12:00:00.000Z',
      '2030-06-01T12:00:00.100Z',
      '2030-06-01T12:00:00.200Z',
      '2030-06-01T12:00:00.300Z',
    ]);
    // Without restamp the original times go out unchanged.
    const original = await startCollector();
    servers.push(original.server);
    await replayRecords({ collectorUrl: original.url, records: paced, concurrency: 1 });
    expect(original.received.flatMap((request) => request.timestamps)).toEqual(
      paced.map((record) => (record.kind === 'event' ? record.event.timestamp : '')),
    );
  });
});
