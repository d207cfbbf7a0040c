/**
 * Unique names per test suite, so suites share one broker and one Redis without seeing each other:
 * topic prefix `t-<label>-<id>`, consumer groups `<prefix>-<name>`, Redis key prefix `t:<label>:<id>:`.
 */
import { randomBytes } from 'node:crypto';

export interface TestNamespace {
  id: string;
  /** Use as KAFKA_TOPIC_PREFIX. */
  topicPrefix: string;
  /** Use as REDIS_KEY_PREFIX. */
  redisKeyPrefix: string;
  groupId: (name: string) => string;
}

export function testNamespace(label: string): TestNamespace {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 24);
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topicPrefix = `t-${safeLabel}-${id}`;
  return {
    id,
    topicPrefix,
    redisKeyPrefix: `t:${safeLabel}:${id}:`,
    groupId: (name) => `${topicPrefix}-${name}`,
  };
}
