/**
 * The web console's JSON API (`/api/v1/...`, every route behind `Authorization: Bearer <ADMIN_TOKEN>`):
 * what its pages read. Guarantees: every response below is what the console sends (its tests parse them
 * with these schemas); a live section whose source is away says so (`status: "unavailable"` with a
 * reason) instead of failing the whole response; times are ISO-8601 instants, durations carry their
 * unit in the name. The user lookup shows personal data (pseudonymous keys, behaviour): admin only.
 */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';

const count = z.int().min(0);
const rate = z.number().finite().min(0);

/** A source the console could not read: the page shows the reason in place of the section. */
export const sectionUnavailableV1Schema = z.strictObject({
  status: z.literal('unavailable'),
  error: z.strictObject({ code: z.string().min(1), message: z.string() }),
});

const section = <T extends z.ZodRawShape>(shape: T) =>
  z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('ok'), ...shape }),
    sectionUnavailableV1Schema,
  ]);

/** Events per second per event type (from the Kafka message timestamps), oldest point first. */
export const eventRatesV1Shape = {
  /** Start of the first point's interval (ms since epoch). */
  startMs: z.int(),
  stepSeconds: z.int().min(1),
  windowSeconds: z.int().min(1),
  series: z.array(
    z.strictObject({
      eventType: z.string().min(1).max(64),
      /** Mean events/s over each step, one value per step. */
      perSecond: z.array(rate),
      /** Events in the whole window. */
      total: count,
      /** Mean events/s over the last 10 s. */
      currentPerSecond: rate,
    }),
  ),
  /** The consumer's position is this old: the chart is complete from here on. */
  countingSince: timestampSchema,
};

/** Dead letters of `events.dlq.v1` (collector and every consumer), by who refused what and why. */
export const deadLetterCountsV1Shape = {
  entries: z.array(
    z.strictObject({
      service: z.string().min(1),
      reason: z.string().min(1),
      /** The `recsys_error_code` header. */
      code: z.string().min(1),
      lastMinute: count,
      last10Minutes: count,
      lastHour: count,
      last24Hours: count,
      lastAt: timestampSchema,
    }),
  ),
  total24Hours: count,
  countingSince: timestampSchema,
};

export const consumerLagV1Shape = {
  groups: z.array(
    z.strictObject({
      groupId: z.string().min(1),
      /** Broker's group state (Stable, Empty, PreparingRebalance, …). */
      state: z.string(),
      members: count,
      /** Messages not yet consumed, over every partition of every topic the group committed on. */
      totalLag: count,
      topics: z.array(
        z.strictObject({
          topic: z.string().min(1),
          lag: count,
          partitions: z.array(
            z.strictObject({
              partition: count,
              /** null: nothing committed yet (the whole partition counts as lag). */
              committedOffset: z.string().nullable(),
              endOffset: z.string(),
              lag: count,
            }),
          ),
        }),
      ),
    }),
  ),
  measuredAt: timestampSchema,
};

export const qualityMetricNamesV1 = ['invalid', 'duplicate', 'late', 'unknown_item'] as const;
const ratiosSchema = z.record(z.enum(qualityMetricNamesV1), z.number().finite().min(0));

/**
 * The gate's conclusion: `not_judged` when the window holds fewer than `minEvents` events (its ratios
 * are shown but decide nothing — never `ok`), else `ok` or `over_threshold`.
 */
export const qualityJudgementsV1 = ['ok', 'over_threshold', 'not_judged'] as const;
const judgementSchema = z.enum(qualityJudgementsV1);

export const qualityGateV1Schema = z.strictObject({
  /** open: examples flow to training; closed: the window crossed a threshold (examples flagged). */
  state: z.enum(['open', 'closed']),
  /** The window's judgement. */
  judgement: judgementSchema,
  /** Each metric's judgement (`not_judged` for all of them below `minEvents`). */
  metricJudgements: z.record(z.enum(qualityMetricNamesV1), judgementSchema),
  crossed: z.array(z.enum(qualityMetricNamesV1)),
  ratios: ratiosSchema,
  thresholds: ratiosSchema,
  /** Below this many events a window is never closed. */
  minEvents: count,
  eventsInWindow: count,
  windowStartedAt: timestampSchema,
  windowSeconds: z.int().min(1),
});
export type QualityGateV1 = z.output<typeof qualityGateV1Schema>;

export const freshnessV1Schema = z.strictObject({
  /** Collector accepted the event → its features visible in Redis, over recent batches. */
  p50Ms: z.number().finite().min(0),
  p99Ms: z.number().finite().min(0),
  samples: count,
});

export const preprocessorInstanceV1Schema = z.strictObject({
  instance: z.string().min(1),
  startedAt: timestampSchema,
  updatedAt: timestampSchema,
  eventsApplied: count,
  deadLetters: count,
  /** Event time of the newest event applied (the pipeline's event-time watermark). */
  lastEventAt: timestampSchema.nullable(),
  /** When a batch last applied events. */
  lastAppliedAt: timestampSchema.nullable(),
  freshness: freshnessV1Schema.nullable(),
  quality: qualityGateV1Schema.nullable(),
});

/** Data-quality gate and feature freshness, as the preprocessor instances report them. */
export const pipelineStatusV1Shape = {
  instances: z.array(preprocessorInstanceV1Schema),
  /** The gate of the most recently reported window; null before any preprocessor reported. */
  gate: qualityGateV1Schema.nullable(),
  /** Worst instance (highest p99): what a shopper may see. */
  freshness: freshnessV1Schema.nullable(),
  lastEventAt: timestampSchema.nullable(),
};

export const liveV1Schema = z.strictObject({
  generatedAt: timestampSchema,
  events: section(eventRatesV1Shape),
  deadLetters: section(deadLetterCountsV1Shape),
  consumerLag: section(consumerLagV1Shape),
  pipeline: section(pipelineStatusV1Shape),
});
export type LiveV1 = z.output<typeof liveV1Schema>;
export type EventRatesV1 = Extract<LiveV1['events'], { status: 'ok' }>;
export type DeadLetterCountsV1 = Extract<LiveV1['deadLetters'], { status: 'ok' }>;
export type ConsumerLagV1 = Extract<LiveV1['consumerLag'], { status: 'ok' }>;
export type PipelineStatusV1 = Extract<LiveV1['pipeline'], { status: 'ok' }>;
export type SectionUnavailableV1 = z.output<typeof sectionUnavailableV1Schema>;

/** `GET /api/v1/live` query. */
export const liveQueryV1Schema = z.strictObject({
  /** Seconds per chart point. @default 5 */
  step: z.coerce.number().int().min(1).max(60).default(5),
});

export const modelVersionV1Schema = z.strictObject({
  version: z.string().min(1),
  kind: z.string(),
  createdAt: timestampSchema,
  status: z.enum(['candidate', 'champion', 'retired', 'rejected']),
  /** Held-out metrics; `baseline.*` and `champion.*` are the others scored on the same split. */
  metrics: z.record(z.string(), z.number().finite()),
  parentVersion: z.string().optional(),
  note: z.string().optional(),
  trainingWindow: z
    .strictObject({ from: timestampSchema, to: timestampSchema, examples: count })
    .optional(),
});

export const modelsV1Schema = z.strictObject({
  modelName: z.string().min(1),
  champion: z.string().nullable(),
  /** Oldest first (the chart's x axis). */
  versions: z.array(modelVersionV1Schema),
  /** Newest first. */
  promotions: z.array(
    z.strictObject({
      version: z.string(),
      previousVersion: z.string().optional(),
      reason: z.string(),
      at: timestampSchema,
    }),
  ),
  /** Metric names of the versions themselves (no `baseline.` prefix), for the chart's picker. */
  metricNames: z.array(z.string()),
});
export type ModelsV1 = z.output<typeof modelsV1Schema>;

const estimateSchema = z.strictObject({
  rate: z.number().finite(),
  lower: z.number().finite(),
  upper: z.number().finite(),
});
const comparisonSchema = z.strictObject({
  /** variant − control, with its interval at 1 − alpha. */
  absolute: z.strictObject({
    estimate: z.number().finite(),
    lower: z.number().finite(),
    upper: z.number().finite(),
  }),
  /** variant / control − 1; null when control's rate is 0. */
  relative: z
    .strictObject({
      estimate: z.number().finite(),
      lower: z.number().finite(),
      upper: z.number().finite(),
    })
    .nullable(),
  pValue: z.number().min(0).max(1),
  significant: z.boolean(),
});

export const experimentV1Schema = z.strictObject({
  id: z.string().min(1),
  description: z.string(),
  status: z.enum(['draft', 'running', 'stopped', 'concluded']),
  placements: z.array(z.string()).nullable(),
  controlArm: z.string(),
  primaryMetric: z.enum(['ctr', 'conversion']),
  alpha: z.number(),
  startedAt: timestampSchema.nullable(),
  promotion: z
    .strictObject({ arm: z.string(), reason: z.string(), promotedAt: timestampSchema })
    .nullable(),
  arms: z.array(
    z.strictObject({
      arm: z.string(),
      share: z.number().min(0).max(1),
      /** What the arm serves, e.g. `model champion`, `popularity`. */
      strategy: z.string(),
      impressions: count,
      clicks: count,
      exposedUsers: count,
      convertedUsers: count,
      revenue: z.number().finite(),
      /** Wilson 95 % intervals. */
      ctr: estimateSchema,
      conversion: estimateSchema,
      sampleSufficient: z.boolean(),
      /** Against control; null for the control arm. */
      versusControl: z
        .strictObject({ ctr: comparisonSchema, conversion: comparisonSchema })
        .nullable(),
    }),
  ),
  sampleRatioPValue: z.number().min(0).max(1),
  caveats: z.array(z.string()),
  /** What the guardrails allow now: promote an arm, or keep (with why). */
  decision: z.strictObject({
    action: z.enum(['promote', 'keep']),
    arm: z.string().optional(),
    reason: z.string(),
  }),
});
export const experimentsV1Schema = z.strictObject({ experiments: z.array(experimentV1Schema) });
export type ExperimentV1 = z.output<typeof experimentV1Schema>;
export type ExperimentsV1 = z.output<typeof experimentsV1Schema>;

/** How the looked-up id is to be read. */
export const userLookupKinds = ['user', 'anonymous', 'key'] as const;

/** `GET /api/v1/users/{id}` query. */
export const userLookupQueryV1Schema = z.strictObject({
  /**
   * `user`: a storefront user id; `anonymous`: an anonymous (device) id — both pseudonymised like the
   * collector does; `key`: the feature store's user key as it is (`u_…`/`a_…`; recommendations are not
   * asked for a key). @default "user"
   */
  kind: z.enum(userLookupKinds).default('user'),
  /** Recommendations asked of the scorer. @default 10 */
  k: z.coerce.number().int().min(1).max(50).default(10),
});
export const userLookupIdV1Schema = idSchema;

const weightedSchema = z.strictObject({ name: z.string(), share: z.number().min(0).max(1) });

/** An item with its catalogue data where the feature store knows it (null where it does not). */
const catalogueItemSchema = z.strictObject({
  itemId: z.string(),
  title: z.string().nullable(),
  category: z.string().nullable(),
  price: z.number().finite().nullable(),
});

export const userLookupV1Schema = z.strictObject({
  query: z.strictObject({ id: z.string(), kind: z.enum(userLookupKinds) }),
  /** The feature store's key of this user (a pseudonym: personal data). */
  userKey: z.string(),
  /** Whether the feature store knows the user at all. */
  found: z.boolean(),
  features: z.strictObject({
    /** Exact totals per behaviour. */
    counts: z.record(z.string(), z.number().finite()),
    /** Decayed counts per behaviour and window (`1h`, `24h`, `30d`), now. */
    windowed: z.record(z.string(), z.record(z.string(), z.number().finite())),
    firstSeenAt: timestampSchema.nullable(),
    lastSeenAt: timestampSchema.nullable(),
    session: z.strictObject({ id: z.string().nullable(), events: count, durationMs: count }),
    revenue: z.number().finite(),
    meanPrice: z.number().finite().nullable(),
    /** null: the user never stated consent; true: refused personalisation. */
    optedOut: z.boolean().nullable(),
    categoryAffinity: z.array(weightedSchema),
    brandAffinity: z.array(weightedSchema),
  }),
  /** Recent items, most recent first, with their catalogue data where known. */
  sequence: z.array(catalogueItemSchema),
  /** Events of this user the console saw on `events.raw.v1` lately (type and time), newest first. */
  recentEvents: z.array(
    z.strictObject({ eventId: z.string(), eventType: z.string(), at: timestampSchema }),
  ),
  /**
   * Catalogue data of the items in the scorer's answer, in its order (empty without an answer): the page
   * shows titles beside the ids.
   */
  recommendedItems: z.array(catalogueItemSchema),
  /**
   * The scorer's current answer for this user, passed through as it sent it. Its items are in served
   * order (`rank`); an item's `score` is the ranker's (or the source's) score before the diversity cap
   * and exploration re-ordered the list, so it need not fall with rank.
   */
  recommendations: z.discriminatedUnion('status', [
    z.strictObject({
      status: z.literal('ok'),
      scorerResponse: z.unknown(),
      latencyMs: z.number().min(0),
    }),
    z.strictObject({
      status: z.enum(['unreachable', 'error']),
      error: z.strictObject({
        code: z.string(),
        message: z.string(),
        httpStatus: z.int().nullable(),
      }),
    }),
  ]),
});
export type UserLookupV1 = z.output<typeof userLookupV1Schema>;
