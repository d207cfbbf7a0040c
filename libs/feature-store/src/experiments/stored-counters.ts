/** Decodes the counter hashes of FORMAT.md "Experiments (v1)" into per-arm and per-bucket counts. */
import type { BucketOutcome, OfferGroup } from '@recsys/experiments';
import type { OfferCounts, OfferGroupCounts, StoredArmCounters } from './attribution-types';

/** Revenue is stored in hundredths, as an integer, so sums are exact. */
export const REVENUE_SCALE = 100;

const ARM_FIELDS: Readonly<Record<string, keyof StoredArmCounters>> = {
  imp: 'impressions',
  cimp: 'clicks',
  clk: 'totalClicks',
  xu: 'exposedUsers',
  cu: 'convertedUsers',
  pur: 'purchases',
  rev: 'revenue',
};

const OFFER_FIELDS: Readonly<Record<string, keyof OfferGroupCounts>> = {
  n: 'users',
  cu: 'convertedUsers',
  pur: 'purchases',
  rev: 'revenue',
};

function emptyArm(): StoredArmCounters {
  return {
    impressions: 0,
    clicks: 0,
    totalClicks: 0,
    exposedUsers: 0,
    convertedUsers: 0,
    purchases: 0,
    revenue: 0,
  };
}

function emptyGroup(): OfferGroupCounts {
  return { users: 0, convertedUsers: 0, purchases: 0, revenue: 0 };
}

function valueOf(counter: string, raw: string): number {
  return counter === 'revenue' ? Number(raw) / REVENUE_SCALE : Number(raw);
}

/** `<arm>|<counter>` fields → counters per arm (arms with no field are absent). */
export function armCountersOf(hash: Record<string, string>): Record<string, StoredArmCounters> {
  const arms: Record<string, StoredArmCounters> = {};
  for (const [field, raw] of Object.entries(hash)) {
    const separator = field.lastIndexOf('|');
    const counter = ARM_FIELDS[field.slice(separator + 1)];
    if (separator <= 0 || counter === undefined) continue;
    const counters = (arms[field.slice(0, separator)] ??= emptyArm());
    counters[counter] = valueOf(counter, raw);
  }
  return arms;
}

/** `<group>|<bucket>|<counter>` fields → totals per group and outcomes per propensity bucket. */
export function offerCountsOf(campaignId: string, hash: Record<string, string>): OfferCounts {
  const groups: Record<OfferGroup, OfferGroupCounts> = {
    treatment: emptyGroup(),
    holdout: emptyGroup(),
  };
  const buckets = new Map<number, Record<OfferGroup, OfferGroupCounts>>();
  for (const [field, raw] of Object.entries(hash)) {
    const [group, bucketText, counterText] = field.split('|');
    const counter = OFFER_FIELDS[counterText ?? ''];
    if ((group !== 'treatment' && group !== 'holdout') || counter === undefined) continue;
    const bucket = Number(bucketText);
    const perBucket = buckets.get(bucket) ?? { treatment: emptyGroup(), holdout: emptyGroup() };
    buckets.set(bucket, perBucket);
    const value = valueOf(counter, raw);
    perBucket[group][counter] = value;
    groups[group][counter] += value;
  }
  return {
    campaignId,
    groups,
    buckets: [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([bucket, counts]): BucketOutcome => ({
        bucket,
        treated: { users: counts.treatment.users, converted: counts.treatment.convertedUsers },
        control: { users: counts.holdout.users, converted: counts.holdout.convertedUsers },
      })),
  };
}
