/**
 * The only place that builds privacy keys (layout: ../../FORMAT.md, "Privacy (v1)"). Keys are relative
 * to the connection's prefix (ioredis adds it); the Lua scripts receive the same root with the prefix.
 * The root is outside `fs:v1:`, so a feature-store rebuild (`deleteAll`) keeps every tombstone.
 */
export const PRIVACY_FORMAT_VERSION = 1;

const ROOT = `privacy:v${PRIVACY_FORMAT_VERSION}:`;

export const privacyKeys = {
  root: ROOT,
  /** Hash: the erasure of one subject (`at`, `req`, `first`, `n`, `optout`). No TTL. */
  tombstone: (subject: string) => `${ROOT}tomb:${subject}`,
  /** Sorted set: subject → latest erasure (ms); what the trainer loads for its window. No TTL. */
  erasedIndex: () => `${ROOT}erased`,
  /** String: the JSON receipt of one erasure request. No TTL. */
  receipt: (requestId: string) => `${ROOT}receipt:${requestId}`,
  /** String: fingerprint of the tombstone secret the tombstones were written with. */
  keyCheck: () => `${ROOT}key`,
} as const;
