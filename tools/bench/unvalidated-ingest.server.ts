/**
 * The "Fastify + kafkajs, no validation" arm of `bench:ingest`, run as its own process like the
 * collector: `POST /v1/events` takes the same bodies (`{ "events": [...] }` or an array), Fastify parses
 * the JSON, and kafkajs sends each event as it came, keyed by its user, to one topic — no authentication,
 * rate limit, validation, pseudonymisation, headers or metrics. The producer gives the collector's
 * guarantees (idempotent, acks from all in-sync replicas), and the answer comes after Kafka acknowledged.
 *   node -r @swc-node/register tools/bench/unvalidated-ingest.server.ts --brokers <list> --topic <name>
 * Prints `listening <url>` once it takes requests; SIGTERM stops it.
 */
import Fastify from 'fastify';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { runBench, stringOption } from './bench-support';

interface BenchEvent {
  userId?: string;
  anonymousId?: string;
}

/** The collector's limit on a request body (COLLECTOR_MAX_BODY_BYTES default). */
const BODY_LIMIT_BYTES = 512_000;

function eventsOf(body: unknown): BenchEvent[] {
  if (Array.isArray(body)) return body as BenchEvent[];
  const events = (body as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? (events as BenchEvent[]) : [body as BenchEvent];
}

async function main(): Promise<void> {
  const brokers = stringOption('brokers');
  const topic = stringOption('topic');
  if (brokers === undefined || topic === undefined)
    throw new Error('--brokers and --topic are required');
  const kafka = new Kafka({
    clientId: 'bench-unvalidated',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const server = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES });
  server.post('/v1/events', async (request, reply) => {
    const events = eventsOf(request.body);
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({
        key: event.userId ?? event.anonymousId ?? null,
        value: JSON.stringify(event),
      })),
    });
    return reply.code(202).send({ accepted: events.length, rejected: [] });
  });
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => producer.disconnect())
      .finally(() => process.exit(0));
  });
  process.stdout.write(`listening ${url}\n`);
}

runBench('ingest (unvalidated arm)', main);
