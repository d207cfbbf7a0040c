/**
 * What the experiment store's attribution calls take and answer, and how the scripts' raw replies map
 * to those answers. Expected outcomes (duplicate, unknown request, experiment not running) are values.
 */
import type { ArmCounters, BucketOutcome, OfferGroup } from '@recsys/experiments';

export interface ExperimentStoreSettings {
  /**
   * How long a served request is remembered: a click after this is not attributed, and an impression
   * replayed after this counts again (size: ~300 B per request). @default 86400 (1 day)
   */
  requestTtlSeconds: number;
  /** Event-id markers of clicks and purchases. @default 604800 (7 days) */
  dedupeTtlSeconds: number;
  /** A purchase counts for an arm when the user was exposed to it at most this long before. @default 86400000 (24 h) */
  attributionWindowMs: number;
  /** A purchase counts for an offer decided at most this long before. @default 1209600000 (14 days) */
  offerWindowMs: number;
  /** Newest exposures (impressions and offer decisions) kept per user for attribution. @default 200 */
  maxExposuresPerUser: number;
  /**
   * PRIVACY_TOMBSTONE_SECRET (the preprocessor's): an erased user's impressions, purchases and offer
   * decisions of their erased history are not recorded. @default undefined (unkeyed: development only)
   */
  tombstoneSecret?: string;
}

export const defaultExperimentStoreSettings: ExperimentStoreSettings = {
  requestTtlSeconds: 86_400,
  dedupeTtlSeconds: 7 * 86_400,
  attributionWindowMs: 86_400_000,
  offerWindowMs: 14 * 86_400_000,
  maxExposuresPerUser: 200,
};

export interface ImpressionRecord {
  eventId: string;
  requestId: string;
  experimentId: string;
  arm: string;
  userKey: string;
  itemIds: readonly string[];
  atMs: number;
  /** When the collector accepted the event (an erasure covers what it received before). */
  receivedAtMs?: number;
}

export type ImpressionOutcome =
  | { status: 'counted'; newUser: boolean }
  /** This request id was already counted. */
  | { status: 'duplicate' }
  /** The experiment is not running (unknown, draft, stopped or concluded): nothing counted. */
  | { status: 'not_running' }
  /** The arm is not one of the running experiment's arms. */
  | { status: 'unknown_arm' }
  /** The user was erased and the impression is part of the erased history: nothing recorded. */
  | { status: 'erased' };

export interface ClickRecord {
  eventId: string;
  /** Decides the experiment and arm (the request's impression), not the click's own fields. */
  requestId: string;
  itemId: string;
  /** Informational: attribution follows the request, whoever clicked. */
  userKey: string;
}

export type ClickOutcome =
  | { status: 'counted'; experimentId: string; arm: string; firstClickOfRequest: boolean }
  | { status: 'duplicate' }
  /** No impression with this request id within `requestTtlSeconds` (or not yet): nothing counted. */
  | { status: 'unknown_request' }
  | { status: 'not_running' }
  /** The item was not in the request's list. */
  | { status: 'not_shown' };

export interface PurchaseRecord {
  eventId: string;
  userKey: string;
  /** In the reporting currency (convert before calling); stored in hundredths. */
  revenue: number;
  atMs: number;
  /** When the collector accepted the event (an erasure covers what it received before). */
  receivedAtMs?: number;
}

export type PurchaseOutcome =
  | { status: 'duplicate' }
  /** The user was erased and the purchase is part of the erased history: nothing recorded. */
  | { status: 'erased' }
  | {
      status: 'recorded';
      experiments: Array<{ experimentId: string; arm: string; newConversion: boolean }>;
      offers: Array<{ campaignId: string; group: OfferGroup; newConversion: boolean }>;
    };

export interface OfferDecisionRecord {
  campaignId: string;
  userKey: string;
  group: OfferGroup;
  /** The uplift model's propensity bucket of the user (`OfferChoice.bucket`). */
  propensityBucket: number;
  atMs: number;
}

export type OfferDecisionOutcome =
  | { status: 'recorded' }
  /** A decision for this campaign and user exists already; the first one stands. */
  | { status: 'duplicate'; group: OfferGroup; propensityBucket: number }
  /** The user was erased and still refuses personalisation (or the decision predates the erasure). */
  | { status: 'erased' };

/** Counters of one arm as stored: the report's counters plus all clicks and all purchases. */
export interface StoredArmCounters extends ArmCounters {
  /** Every distinct click event (a list clicked twice counts 2; `clicks` counts it once). */
  totalClicks: number;
  /** Attributed purchases (a user buying twice counts 2; `convertedUsers` counts them once). */
  purchases: number;
}

export interface OfferGroupCounts {
  users: number;
  convertedUsers: number;
  purchases: number;
  revenue: number;
}

export interface OfferCounts {
  campaignId: string;
  groups: Record<OfferGroup, OfferGroupCounts>;
  /** Per propensity bucket: treatment = treated, holdout = control (input of estimateUpliftModel). */
  buckets: BucketOutcome[];
}

type RawReply = Array<string | number | Array<string | number>>;

export function impressionOutcome(raw: RawReply): ImpressionOutcome {
  const status = raw[0];
  if (status === 'counted') return { status, newUser: raw[1] === 1 };
  if (status === 'duplicate' || status === 'unknown_arm' || status === 'erased') return { status };
  return { status: 'not_running' };
}

export function clickOutcome(raw: RawReply): ClickOutcome {
  const status = raw[0];
  if (status === 'counted') {
    return {
      status,
      experimentId: String(raw[1]),
      arm: String(raw[2]),
      firstClickOfRequest: raw[3] === 1,
    };
  }
  if (status === 'duplicate' || status === 'unknown_request' || status === 'not_shown') {
    return { status };
  }
  return { status: 'not_running' };
}

export function purchaseOutcome(raw: RawReply): PurchaseOutcome {
  if (raw[0] === 'duplicate' || raw[0] === 'erased') return { status: raw[0] };
  const entries = raw
    .slice(1)
    .filter((entry): entry is Array<string | number> => Array.isArray(entry));
  return {
    status: 'recorded',
    experiments: entries
      .filter((entry) => entry[0] === 'e')
      .map(([, experimentId, arm, isNew]) => ({
        experimentId: String(experimentId),
        arm: String(arm),
        newConversion: isNew === 1,
      })),
    offers: entries
      .filter((entry) => entry[0] === 'o')
      .map(([, campaignId, group, isNew]) => ({
        campaignId: String(campaignId),
        group: group as OfferGroup,
        newConversion: isNew === 1,
      })),
  };
}

export function offerDecisionOutcome(raw: RawReply): OfferDecisionOutcome {
  if (raw[0] === 'recorded' || raw[0] === 'erased') return { status: raw[0] };
  const [group, bucket] = String(raw[1]).split('|');
  return { status: 'duplicate', group: group as OfferGroup, propensityBucket: Number(bucket) };
}
