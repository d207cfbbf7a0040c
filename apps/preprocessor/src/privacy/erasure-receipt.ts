/**
 * The receipt of one erasure: what was removed from Redis, the tombstone, the announcement, and what
 * stays (Kafka topics until their retention, aggregates, models, the tombstone itself) with why and
 * until when. Pure: built from the store's result and the broker's retention settings.
 */
import type {
  ErasureReceiptV1,
  ErasureRequestV1,
  ErasureRetained,
  TopicName,
} from '@recsys/contracts';
import type { ErasureResult } from '@recsys/feature-store';
import { ERASURE_MARK_TTL_SECONDS, featureKeys, privacyKeys } from '@recsys/feature-store';
import type { TopicRetention } from '@recsys/kafka';

/** Topics that carry a user's pseudonym or anonymous id, and what of the user each holds. */
export const USER_DATA_TOPICS: ReadonlyArray<{ topic: TopicName; what: string }> = [
  {
    topic: 'events.raw.v1',
    what: "the user's raw events (under the pseudonym); replays skip them",
  },
  { topic: 'events.dlq.v1', what: "dead letters of the user's refused events" },
  {
    topic: 'training.examples.v2',
    what: "the user's training examples; the trainer drops them from its window, also when reloading",
  },
  { topic: 'features.updated.v2', what: 'feature-update notices naming the user key' },
  { topic: 'recommendations.requests.v1', what: 'recommendation requests made over Kafka' },
  { topic: 'recommendations.v1', what: 'recommendation answers sent over Kafka' },
];

export interface ReceiptInput {
  request: ErasureRequestV1;
  requestedAtMs: number;
  result: ErasureResult;
  announcement: ErasureReceiptV1['announcement'];
  /** Undefined when the broker could not be asked. */
  retention: TopicRetention[] | undefined;
  userTtlSeconds: number;
}

export function erasureReceiptOf(input: ReceiptInput): ErasureReceiptV1 {
  const { request, result } = input;
  const { tombstone } = result;
  const found = result.removed.some((removal) => removal.keys > 0);
  return {
    schemaVersion: 1,
    requestId: tombstone.requestId,
    subject: tombstone.subject,
    identity: request.userId === undefined ? 'anonymous' : 'user',
    requestedAt: iso(input.requestedAtMs),
    erasedAt: iso(tombstone.erasedAtMs),
    ...(request.requestedBy === undefined ? {} : { requestedBy: request.requestedBy }),
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    outcome: found ? 'erased' : 'nothing_found',
    tombstone: {
      keyPattern: privacyKeys.tombstone('<subject>'),
      created: result.previous === undefined,
      erasures: tombstone.erasures,
      firstErasedAt: iso(tombstone.firstErasedAtMs),
      ...(result.previous === undefined
        ? {}
        : {
            previous: {
              requestId: result.previous.requestId,
              erasedAt: iso(result.previous.erasedAtMs),
            },
          }),
      consentRefusalCarried: tombstone.consentRefused,
    },
    removed: result.removed.map((removal) => ({ store: 'redis' as const, ...removal })),
    announcement: input.announcement,
    retained: [...topicsRetained(input.retention), ...storesRetained(input.userTtlSeconds)],
    notes: notesOf(input),
  };
}

function topicsRetained(retention: TopicRetention[] | undefined): ErasureRetained[] {
  const byTopic = new Map((retention ?? []).map((entry) => [entry.topic, entry]));
  return USER_DATA_TOPICS.flatMap(({ topic, what }) => {
    const entry = byTopic.get(topic);
    if (entry !== undefined && !entry.exists) return [];
    return [
      {
        what,
        where: `kafka topic ${topic}`,
        retentionMs: entry?.retentionMs ?? null,
        until: untilOf(entry),
      },
    ];
  });
}

function untilOf(entry: TopicRetention | undefined): string {
  if (entry === undefined) return 'until the topic retention deletes it (retention not readable)';
  const bytes =
    entry.retentionBytes === null
      ? ''
      : `, or earlier once the partition exceeds ${entry.retentionBytes} bytes`;
  if (entry.retentionMs === null)
    return `no time limit is configured (retention.ms = -1)${bytes}: set a retention on the topic`;
  return `deleted by Kafka retention ${formatDuration(entry.retentionMs)} after it was written${bytes}`;
}

function storesRetained(userTtlSeconds: number): ErasureRetained[] {
  return [
    {
      what: 'the user’s write guard, reset to the erasure time (it makes a preprocessor still holding the user’s state from before the erasure re-read; no event of the user)',
      where: `redis ${featureKeys.userGuard('<userKey>')}`,
      retentionMs: ERASURE_MARK_TTL_SECONDS * 1000,
      until: `expires ${formatDuration(ERASURE_MARK_TTL_SECONDS * 1000)} after the erasure (or, when the user returns, ${formatDuration(userTtlSeconds * 1000)} after their last event)`,
    },
    {
      what: 'item counters, popularity, co-visitation and experiment/offer counters the user’s events added to (aggregates that do not identify the user)',
      where: `redis ${featureKeys.root}{i:<itemId>}:*, ${featureKeys.root}{s:<source>}:pop*, exp:v1:{e|o:<id>}:c`,
      retentionMs: null,
      until: 'kept: not personal data',
    },
    {
      what: 'ranking models trained on windows that held the user’s examples (item embeddings and network weights; no parameter is per user)',
      where: 'model registry in redis (mr:v1:<model>:*)',
      retentionMs: null,
      until: 'replaced as retraining promotes new models; every later run excludes the user',
    },
    {
      what: 'the tombstone: erasure subject (keyed hash), erasure time, request id, consent refusal',
      where: `redis ${privacyKeys.tombstone('<subject>')} and ${privacyKeys.erasedIndex()}`,
      retentionMs: null,
      until: 'kept: it stops replays, rebuilds and re-imports from restoring the data',
    },
    {
      what: 'Redis snapshots (RDB/AOF) and backups taken before the erasure',
      where: 'the operator’s Redis persistence and backups',
      retentionMs: null,
      until: 'per the operator’s backup retention (outside the platform)',
    },
  ];
}

function notesOf(input: ReceiptInput): string[] {
  const { result } = input;
  const notes = [
    result.tombstone.consentRefused
      ? 'The user had refused personalisation: their later events are not applied until an event states consent again.'
      : 'Events that happened or were received at or before erasedAt are never applied again; later events start a new history (consent and opt-out govern tracking, not erasure).',
    'The preprocessors’ user-state caches and the trainer’s window drop the user on the announcement (a preprocessor still holding the user’s state from before the erasure has its writes refused); the scorer caches items and models only.',
  ];
  if (result.previous !== undefined)
    notes.push(
      `An earlier erasure (${result.previous.requestId}) was found; its tombstone now covers events up to erasedAt.`,
    );
  if (input.retention === undefined)
    notes.push('The broker’s topic retention could not be read; see the topics’ retention.ms.');
  return notes;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `7 days`, `36 hours`, `90 minutes`, `45 seconds`. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1_000],
  ];
  for (const [name, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}
