/**
 * The only place that builds Redis keys — features, experiments, privacy, ops stats, the model registry
 * and rate limits (layout of each: ../FORMAT.md; keys.spec.ts fails on a builder FORMAT.md does not
 * list). Keys are relative to the connection's prefix (ioredis adds it); Lua scripts receive the family's
 * root with the prefix and build the same shapes.
 */
export const FEATURE_FORMAT_VERSION = 2;

const ROOT = `fs:v${FEATURE_FORMAT_VERSION}:`;

const user = (userKey: string, suffix: string) => `${ROOT}{u:${userKey}}:${suffix}`;
const item = (itemId: string, suffix: string) => `${ROOT}{i:${itemId}}:${suffix}`;
/** A shard of the shared aggregates: what one source partition (`<topic>:<partition>`) counted. */
const shard = (shardId: string, suffix: string) => `${ROOT}{s:${shardId}}:${suffix}`;

/** FORMAT.md, "Feature store (v2)". Every key of a `{…}` hash tag shares a Redis Cluster slot. */
export const featureKeys = {
  root: ROOT,
  /** The user's packed state: profile, affinities, sequence, session items (packed-user-state.ts). */
  userState: (userKey: string) => user(userKey, 's'),
  /** The keys the packed state replaced: read from a user not written since, then deleted. */
  userProfile: (userKey: string) => user(userKey, 'p'),
  userCategories: (userKey: string) => user(userKey, 'c'),
  userBrands: (userKey: string) => user(userKey, 'b'),
  userSequence: (userKey: string) => user(userKey, 'q'),
  userSessionItems: (userKey: string) => user(userKey, 'si'),
  /** Items shown to the user in recommendations → times shown since they last clicked one. */
  userShown: (userKey: string) => user(userKey, 'sh'),
  /** Items the user bought → purchase time (ms); newest 200. */
  userPurchased: (userKey: string) => user(userKey, 'o'),
  /** The user's newest impressions, `<requestId>|<item>,<item>…` (a click's negatives). */
  userImpressions: (userKey: string) => user(userKey, 'imp'),
  /** What is applied to the user's keys: offsets per source, erasure mark, recent event ids. */
  userGuard: (userKey: string) => user(userKey, 'g'),
  item: (itemId: string) => item(itemId, 'p'),
  coVisitation: (itemId: string) => item(itemId, 'cv'),
  /** What is applied to the item's keys: offset per source. */
  itemGuard: (itemId: string) => item(itemId, 'g'),
  /** The shards written so far (the readers of shared aggregates merge them). */
  shards: () => `${ROOT}shards`,
  popularity: (shardId: string) => shard(shardId, 'pop'),
  popularityOfDay: (shardId: string, day: string) => shard(shardId, `pop:d:${day}`),
  /** Popularity within one full category path (`A > B`), all time. */
  popularityOfCategory: (shardId: string, categoryPath: string) =>
    shard(shardId, `pop:c:${categoryPath}`),
  qualityWindow: (shardId: string, windowStartMs: number) => shard(shardId, `dq:${windowStartMs}`),
  /** What is applied to the shard's keys: the source offset (where its consumer resumes). */
  shardGuard: (shardId: string) => shard(shardId, 'g'),
  /** Catalogue items by first appearance (ms), newest 1000. */
  newItems: () => `${ROOT}new`,
} as const;

export const EXPERIMENT_FORMAT_VERSION = 1;

const EXPERIMENT_ROOT = `exp:v${EXPERIMENT_FORMAT_VERSION}:`;

/** FORMAT.md, "Experiments (v1)". */
export const experimentKeys = {
  root: EXPERIMENT_ROOT,
  /** Hash: experiment id → definition (JSON). */
  definitions: () => `${EXPERIMENT_ROOT}defs`,
  /** Hash: id of each running experiment → its arm names (JSON array). */
  running: () => `${EXPERIMENT_ROOT}running`,
  /** Hash of per-arm counters, fields `<arm>|<counter>`. */
  counters: (experimentId: string) => `${EXPERIMENT_ROOT}{e:${experimentId}}:c`,
  exposedUsers: (experimentId: string, arm: string) =>
    `${EXPERIMENT_ROOT}{e:${experimentId}}:xu:${arm}`,
  convertedUsers: (experimentId: string, arm: string) =>
    `${EXPERIMENT_ROOT}{e:${experimentId}}:cu:${arm}`,
  request: (requestId: string) => `${EXPERIMENT_ROOT}req:${requestId}`,
  seen: (eventId: string) => `${EXPERIMENT_ROOT}seen:${eventId}`,
  userExposures: (userKey: string) => `${EXPERIMENT_ROOT}{u:${userKey}}:x`,
  offerCounters: (campaignId: string) => `${EXPERIMENT_ROOT}{o:${campaignId}}:c`,
  offerDecisions: (campaignId: string) => `${EXPERIMENT_ROOT}{o:${campaignId}}:d`,
  offerConvertedUsers: (campaignId: string) => `${EXPERIMENT_ROOT}{o:${campaignId}}:cu`,
} as const;

export const PRIVACY_FORMAT_VERSION = 1;

/** Outside `fs:v1:`, so a feature-store rebuild (`deleteAll`) keeps every tombstone. */
const PRIVACY_ROOT = `privacy:v${PRIVACY_FORMAT_VERSION}:`;

/** FORMAT.md, "Privacy (v1)". */
export const privacyKeys = {
  root: PRIVACY_ROOT,
  /** Hash: the erasure of one subject (`at`, `req`, `first`, `n`, `optout`). No TTL. */
  tombstone: (subject: string) => `${PRIVACY_ROOT}tomb:${subject}`,
  /** Sorted set: subject → latest erasure (ms); what the trainer loads for its window. No TTL. */
  erasedIndex: () => `${PRIVACY_ROOT}erased`,
  /** String: the JSON receipt of one erasure request. No TTL. */
  receipt: (requestId: string) => `${PRIVACY_ROOT}receipt:${requestId}`,
  /** String: fingerprint of the tombstone secret the tombstones were written with. */
  keyCheck: () => `${PRIVACY_ROOT}key`,
} as const;

export const OPS_STATS_FORMAT_VERSION = 2;

const OPS_ROOT = `ops:v${OPS_STATS_FORMAT_VERSION}:`;

/** FORMAT.md, "Ops stats (v2)": one slot (`{pp}`), so an update is one transaction on Redis Cluster too. */
export const opsStatsKeys = {
  preprocessorInstances: () => `${OPS_ROOT}{pp}:instances`,
  preprocessor: (instance: string) => `${OPS_ROOT}{pp}:i:${instance}`,
} as const;

export const MODEL_REGISTRY_FORMAT_VERSION = 2;

const MODEL_REGISTRY_ROOT = `mr:v${MODEL_REGISTRY_FORMAT_VERSION}:`;

/**
 * FORMAT.md, "Model registry (v2)": every key of a model under one hash tag (`{<modelName>}`), so a
 * promotion is one script on Redis Cluster too.
 */
export const modelRegistryKeys = {
  artifacts: (modelName: string, version: string) =>
    `${MODEL_REGISTRY_ROOT}{${modelName}}:a:${version}`,
  versions: (modelName: string) => `${MODEL_REGISTRY_ROOT}{${modelName}}:versions`,
  created: (modelName: string) => `${MODEL_REGISTRY_ROOT}{${modelName}}:created`,
  champion: (modelName: string) => `${MODEL_REGISTRY_ROOT}{${modelName}}:champion`,
  history: (modelName: string) => `${MODEL_REGISTRY_ROOT}{${modelName}}:history`,
} as const;

/** FORMAT.md, "Model registry (v2)": the v1 keys (no hash tag), read once to copy a v1 registry. */
export const modelRegistryKeysV1 = {
  artifacts: (modelName: string, version: string) => `mr:v1:${modelName}:a:${version}`,
  versions: (modelName: string) => `mr:v1:${modelName}:versions`,
  created: (modelName: string) => `mr:v1:${modelName}:created`,
  champion: (modelName: string) => `mr:v1:${modelName}:champion`,
  history: (modelName: string) => `mr:v1:${modelName}:history`,
} as const;

export const RATE_LIMIT_FORMAT_VERSION = 1;

/** FORMAT.md, "Rate limits (v1)". */
export const rateLimitKeys = {
  /** Hash: the sliding-window counts of one subject (a storefront). */
  window: (subject: string) => `ratelimit:v${RATE_LIMIT_FORMAT_VERSION}:${subject}`,
} as const;

export { utcDayOf as utcDay } from '@recsys/features';
