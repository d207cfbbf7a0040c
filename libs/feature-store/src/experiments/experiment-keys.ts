/**
 * The only place that builds experiment keys (layout: ../../FORMAT.md, "Experiments (v1)"). Keys are
 * relative to the connection's prefix (ioredis adds it); the Lua scripts receive the same root with the
 * prefix and build the same shapes.
 */
export const EXPERIMENT_FORMAT_VERSION = 1;

const ROOT = `exp:v${EXPERIMENT_FORMAT_VERSION}:`;

export const experimentKeys = {
  root: ROOT,
  /** Hash: experiment id → definition (JSON). */
  definitions: () => `${ROOT}defs`,
  /** Hash: id of each running experiment → its arm names (JSON array). */
  running: () => `${ROOT}running`,
  /** Hash of per-arm counters, fields `<arm>|<counter>`. */
  counters: (experimentId: string) => `${ROOT}{e:${experimentId}}:c`,
  exposedUsers: (experimentId: string, arm: string) => `${ROOT}{e:${experimentId}}:xu:${arm}`,
  convertedUsers: (experimentId: string, arm: string) => `${ROOT}{e:${experimentId}}:cu:${arm}`,
  request: (requestId: string) => `${ROOT}req:${requestId}`,
  seen: (eventId: string) => `${ROOT}seen:${eventId}`,
  userExposures: (userKey: string) => `${ROOT}{u:${userKey}}:x`,
  offerCounters: (campaignId: string) => `${ROOT}{o:${campaignId}}:c`,
  offerDecisions: (campaignId: string) => `${ROOT}{o:${campaignId}}:d`,
  offerConvertedUsers: (campaignId: string) => `${ROOT}{o:${campaignId}}:cu`,
} as const;
