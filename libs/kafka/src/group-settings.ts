/** Consumer-group settings shared by the platform's consumers. */
import type { ConsumerConfig } from 'kafkajs';

export const DEFAULT_SESSION_TIMEOUT_MS = 30_000;

/**
 * Session and rebalance timeout are the same: a member killed without leaving the group stalls its
 * partitions (and any rebalance) this long; a batch is processed in far less. Heartbeats come three times
 * per session, at most every 3 s.
 */
export function groupConsumerConfig(options: {
  groupId: string;
  sessionTimeoutMs?: number;
}): ConsumerConfig {
  const sessionTimeout = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  return {
    groupId: options.groupId,
    retry: { retries: 10 },
    sessionTimeout,
    rebalanceTimeout: sessionTimeout,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
  };
}
