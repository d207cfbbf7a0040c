/**
 * Experiments on Redis (layout: ../../FORMAT.md, "Experiments (v1)"): definitions, validated with the
 * libs/experiments schema on every read and write and changed by compare-and-set; attribution counters
 * kept by one idempotent Lua script per call, so at-least-once delivery and ioredis' re-sends after a
 * reconnect count every impression, click, purchase and offer decision once.
 */
import { AppError } from '@recsys/contracts';
import {
  canTransition,
  type Experiment,
  type ExperimentStatus,
  experimentSchema,
} from '@recsys/experiments';
import { toLuaJson } from '../lua-json';
import { ErasureSubjects } from '../privacy/erasure-subjects';
import { privacyKeys } from '../privacy/privacy-keys';
import type { RedisConnection } from '../redis-connection';
import {
  type ClickOutcome,
  type ClickRecord,
  clickOutcome,
  defaultExperimentStoreSettings,
  type ExperimentStoreSettings,
  type ImpressionOutcome,
  type ImpressionRecord,
  impressionOutcome,
  type OfferCounts,
  type OfferDecisionOutcome,
  type OfferDecisionRecord,
  offerDecisionOutcome,
  type PurchaseOutcome,
  type PurchaseRecord,
  purchaseOutcome,
  type StoredArmCounters,
} from './attribution-types';
import { experimentKeys } from './experiment-keys';
import {
  RECORD_CLICK_LUA,
  RECORD_IMPRESSION_LUA,
  RECORD_OFFER_DECISION_LUA,
  RECORD_PURCHASE_LUA,
  WRITE_DEFINITION_LUA,
} from './lua/attribution.lua';
import { armCountersOf, offerCountsOf, REVENUE_SCALE } from './stored-counters';

export type DefinitionChange =
  | { status: 'changed'; experiment: Experiment }
  | { status: 'not_found' }
  | { status: 'invalid_transition'; from: ExperimentStatus; to: ExperimentStatus }
  /** A promotion named an arm the experiment does not have. */
  | { status: 'unknown_arm' };

type Refusal = Exclude<DefinitionChange, { status: 'changed' }>;
type Plan = { next: Experiment } | { refusal: Refusal } | { unchanged: Experiment };

/** Concurrent writers of one definition retry this often before giving up (admin writes are rare). */
const MAX_WRITE_ATTEMPTS = 10;

type RawReply = Array<string | number | Array<string | number>>;
interface ScriptClient {
  recsysExpWriteDefinition(...args: string[]): Promise<number>;
  recsysExpImpression(prefix: string, payload: string, tombstones: string): Promise<RawReply>;
  recsysExpClick(prefix: string, payload: string, tombstones: string): Promise<RawReply>;
  recsysExpPurchase(prefix: string, payload: string, tombstones: string): Promise<RawReply>;
  recsysExpOfferDecision(prefix: string, payload: string, tombstones: string): Promise<RawReply>;
}

export class ExperimentStore {
  /** Names users by erasure subject: erased users' history is not recorded (FORMAT.md "Privacy"). */
  private readonly subjects: ErasureSubjects;

  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: ExperimentStoreSettings = defaultExperimentStoreSettings,
  ) {
    this.subjects = new ErasureSubjects(settings.tombstoneSecret);
    const define = (name: string, lua: string) =>
      redis.client.defineCommand(name, { numberOfKeys: 0, lua });
    define('recsysExpWriteDefinition', WRITE_DEFINITION_LUA);
    define('recsysExpImpression', RECORD_IMPRESSION_LUA);
    define('recsysExpClick', RECORD_CLICK_LUA);
    define('recsysExpPurchase', RECORD_PURCHASE_LUA);
    define('recsysExpOfferDecision', RECORD_OFFER_DECISION_LUA);
  }

  /** Stores a new definition; `exists` (and nothing written) when the id is taken. */
  async create(experiment: Experiment): Promise<'created' | 'exists'> {
    const written = await this.write(experiment.id, '', encode(experiment));
    return written ? 'created' : 'exists';
  }

  /** Creates or replaces a definition as given (an admin "put"; status changes are not checked). */
  async save(experiment: Experiment): Promise<'created' | 'replaced'> {
    const encoded = encode(experiment);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const current = await this.readRaw(experiment.id);
      if (await this.write(experiment.id, current ?? '', encoded)) {
        return current === undefined ? 'created' : 'replaced';
      }
      if ((await this.readRaw(experiment.id)) === encoded) return 'replaced';
    }
    throw conflict(experiment.id);
  }

  async get(id: string): Promise<Experiment | undefined> {
    const raw = await this.readRaw(id);
    return raw === undefined ? undefined : decode(id, raw);
  }

  /** Every definition, by id. */
  async list(): Promise<Experiment[]> {
    const all = await this.redis.run('list experiments', (client) =>
      client.hgetall(experimentKeys.definitions()),
    );
    return Object.entries(all)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, raw]) => decode(id, raw));
  }

  /** Applies `change` to the stored definition (compare-and-set); the id cannot change. */
  async update(id: string, change: (current: Experiment) => Experiment): Promise<DefinitionChange> {
    return this.modify(id, (current) => {
      const next = { ...change(current), id };
      if (next.status !== current.status && !canTransition(current.status, next.status)) {
        return { refusal: { status: 'invalid_transition', from: current.status, to: next.status } };
      }
      return { next };
    });
  }

  /** Moves the experiment to `status` (draft → running ⇄ stopped → concluded); sets startedAt once. */
  async setStatus(
    id: string,
    status: ExperimentStatus,
    atMs: number = Date.now(),
  ): Promise<DefinitionChange> {
    return this.modify(id, (current) => {
      if (current.status === status) return { unchanged: current };
      if (!canTransition(current.status, status)) {
        return { refusal: { status: 'invalid_transition', from: current.status, to: status } };
      }
      const startedAt = current.startedAt ?? new Date(atMs).toISOString();
      return { next: { ...current, status, startedAt } };
    });
  }

  /** Concludes the experiment with `arm` as the winner (idempotent for the same arm). */
  async recordPromotion(
    id: string,
    promotion: { arm: string; reason: string; atMs?: number },
  ): Promise<DefinitionChange> {
    return this.modify(id, (current) => {
      if (!current.arms.some((arm) => arm.name === promotion.arm)) {
        return { refusal: { status: 'unknown_arm' } };
      }
      if (current.status === 'concluded' && current.promotion?.arm === promotion.arm) {
        return { unchanged: current };
      }
      if (!canTransition(current.status, 'concluded')) {
        return { refusal: { status: 'invalid_transition', from: current.status, to: 'concluded' } };
      }
      const promotedAt = new Date(promotion.atMs ?? Date.now()).toISOString();
      const record = { arm: promotion.arm, reason: promotion.reason, promotedAt };
      return { next: { ...current, status: 'concluded', promotion: record } };
    });
  }

  /** Counts an impression once per request id, and its user once per arm. */
  async recordImpression(impression: ImpressionRecord): Promise<ImpressionOutcome> {
    const raw = await this.runScript('record impression', (client, prefix, tombstones) =>
      client.recsysExpImpression(
        prefix,
        toLuaJson({
          req: impression.requestId,
          exp: impression.experimentId,
          arm: impression.arm,
          user: impression.userKey,
          tk: this.subjects.subjectOf(impression.userKey),
          items: impression.itemIds.join('\n'),
          at: Math.trunc(impression.atMs),
          rt: impression.receivedAtMs,
          reqTtl: this.settings.requestTtlSeconds,
          ...this.exposureLimits(),
        }),
        tombstones,
      ),
    );
    return impressionOutcome(raw);
  }

  /** Counts a click once per event id, for the arm that served its request. */
  async recordClick(click: ClickRecord): Promise<ClickOutcome> {
    const raw = await this.runScript('record click', (client, prefix, tombstones) =>
      client.recsysExpClick(
        prefix,
        toLuaJson({
          id: click.eventId,
          req: click.requestId,
          item: click.itemId,
          dedupeTtl: this.settings.dedupeTtlSeconds,
        }),
        tombstones,
      ),
    );
    return clickOutcome(raw);
  }

  /** Attributes a purchase (once per event id) to the arms and offers the user saw within the windows. */
  async recordPurchase(purchase: PurchaseRecord): Promise<PurchaseOutcome> {
    const raw = await this.runScript('record purchase', (client, prefix, tombstones) =>
      client.recsysExpPurchase(
        prefix,
        toLuaJson({
          id: purchase.eventId,
          user: purchase.userKey,
          tk: this.subjects.subjectOf(purchase.userKey),
          at: Math.trunc(purchase.atMs),
          rt: purchase.receivedAtMs,
          cents: Math.round(purchase.revenue * REVENUE_SCALE),
          window: this.settings.attributionWindowMs,
          offerWindow: this.settings.offerWindowMs,
          dedupeTtl: this.settings.dedupeTtlSeconds,
        }),
        tombstones,
      ),
    );
    return purchaseOutcome(raw);
  }

  /** Per-arm counters of an experiment (arms without any event are absent). */
  async readCounters(experimentId: string): Promise<Record<string, StoredArmCounters>> {
    const hash = await this.redis.run('read experiment counters', (client) =>
      client.hgetall(experimentKeys.counters(experimentId)),
    );
    return armCountersOf(hash);
  }

  /** Logs who was offered a coupon or held out (first decision per campaign and user stands). */
  async recordOfferDecision(decision: OfferDecisionRecord): Promise<OfferDecisionOutcome> {
    const raw = await this.runScript('record offer decision', (client, prefix, tombstones) =>
      client.recsysExpOfferDecision(
        prefix,
        toLuaJson({
          campaign: decision.campaignId,
          user: decision.userKey,
          tk: this.subjects.subjectOf(decision.userKey),
          group: decision.group,
          bucket: decision.propensityBucket,
          at: Math.trunc(decision.atMs),
          ...this.exposureLimits(),
        }),
        tombstones,
      ),
    );
    return offerDecisionOutcome(raw);
  }

  /** Offer outcomes per group and propensity bucket (feed `buckets` to estimateUpliftModel). */
  async readOfferCounts(campaignId: string): Promise<OfferCounts> {
    const hash = await this.redis.run('read offer counters', (client) =>
      client.hgetall(experimentKeys.offerCounters(campaignId)),
    );
    return offerCountsOf(campaignId, hash);
  }

  private exposureLimits(): { keep: number; cap: number } {
    const { attributionWindowMs, offerWindowMs, maxExposuresPerUser } = this.settings;
    return { keep: Math.max(attributionWindowMs, offerWindowMs), cap: maxExposuresPerUser };
  }

  private async runScript(
    description: string,
    call: (client: ScriptClient, prefix: string, tombstones: string) => Promise<RawReply>,
  ): Promise<RawReply> {
    const prefix = `${this.redis.keyPrefix}${experimentKeys.root}`;
    const tombstones = `${this.redis.keyPrefix}${privacyKeys.tombstone('')}`;
    return this.redis.run(description, (client) =>
      call(client as unknown as ScriptClient, prefix, tombstones),
    );
  }

  private async modify(id: string, plan: (current: Experiment) => Plan): Promise<DefinitionChange> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt += 1) {
      const raw = await this.readRaw(id);
      if (raw === undefined) return { status: 'not_found' };
      const decision = plan(decode(id, raw));
      if ('refusal' in decision) return decision.refusal;
      if ('unchanged' in decision) return { status: 'changed', experiment: decision.unchanged };
      const encoded = encode(decision.next);
      // A lost reply re-sent by ioredis fails the compare but finds our own write in place.
      if ((await this.write(id, raw, encoded)) || (await this.readRaw(id)) === encoded) {
        return { status: 'changed', experiment: decode(id, encoded) };
      }
    }
    throw conflict(id);
  }

  private async readRaw(id: string): Promise<string | undefined> {
    const raw = await this.redis.run('read experiment', (client) =>
      client.hget(experimentKeys.definitions(), id),
    );
    return raw ?? undefined;
  }

  /** Compare-and-set of the stored JSON (`expected` '' = must not exist); keeps the running index. */
  private async write(id: string, expected: string, encoded: string): Promise<boolean> {
    const next = JSON.parse(encoded) as Experiment;
    const runningArms =
      next.status === 'running' ? JSON.stringify(next.arms.map((a) => a.name)) : '';
    const prefix = `${this.redis.keyPrefix}${experimentKeys.root}`;
    const written = await this.redis.run('write experiment', (client) =>
      (client as unknown as ScriptClient).recsysExpWriteDefinition(
        prefix,
        id,
        expected,
        encoded,
        runningArms,
      ),
    );
    return written === 1;
  }
}

/** Validates and serialises a definition (schema key order, so equal definitions encode equally). */
function encode(experiment: Experiment): string {
  const parsed = experimentSchema.safeParse(experiment);
  if (!parsed.success) {
    throw new AppError(
      'EXPERIMENT_INVALID',
      `experiment ${experiment.id}: ${parsed.error.message}`,
      {
        cause: parsed.error,
        details: { experimentId: experiment.id, issues: parsed.error.issues },
      },
    );
  }
  return JSON.stringify(parsed.data);
}

function decode(id: string, raw: string): Experiment {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new AppError('EXPERIMENT_INVALID', `stored experiment ${id} is not JSON`, {
      cause: error,
    });
  }
  const parsed = experimentSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('EXPERIMENT_INVALID', `stored experiment ${id}: ${parsed.error.message}`, {
      cause: parsed.error,
      details: { experimentId: id, issues: parsed.error.issues },
    });
  }
  return parsed.data;
}

function conflict(id: string): AppError {
  return new AppError(
    'TIMEOUT',
    `experiment ${id} kept changing under ${MAX_WRITE_ATTEMPTS} writes`,
    {
      details: { experimentId: id },
    },
  );
}
