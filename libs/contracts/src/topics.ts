/**
 * The topic registry: the single source of truth for topic names, their payload schema and message key.
 * Names are `<dataset>.v<major>`; a breaking payload change means a new topic, published to in parallel
 * during a migration window. Deployments may prefix every name (`KAFKA_TOPIC_PREFIX`) to share a cluster.
 */
import { z } from 'zod';
import { itemUpsertedV1Schema } from './catalog/item-upserted.v1';
import { deadLetterV1Schema } from './messages/dead-letter.v1';
import { featuresUpdatedV2Schema } from './messages/features-updated.v2';
import { modelPublishedV1Schema } from './messages/model-published.v1';
import { recommendationRequestV1Schema } from './messages/recommendation-request.v1';
import { recommendationReplyV1Schema } from './messages/recommendation-response.v1';
import { trainingExamplesV2Schema } from './messages/training-examples.v2';
import { userErasedV1Schema } from './messages/user-erased.v1';
import { storefrontEventSchema } from './storefront-event';

export const topics = {
  'events.raw.v1': {
    schema: storefrontEventSchema,
    key: 'pseudonymised userId, else pseudonymised anonymousId (per-user ordering)',
  },
  'events.dlq.v1': { schema: deadLetterV1Schema, key: 'the failed message key, else eventId' },
  'catalog.items.v1': { schema: itemUpsertedV1Schema, key: 'itemId (log-compacted)' },
  'features.updated.v2': {
    schema: featuresUpdatedV2Schema,
    key: 'source topic and partition of the events (one writer per key)',
  },
  'training.examples.v2': {
    schema: trainingExamplesV2Schema,
    key: 'source topic and partition of the events (one writer per key)',
  },
  'models.published.v1': { schema: modelPublishedV1Schema, key: 'modelName' },
  'recommendations.requests.v1': {
    schema: recommendationRequestV1Schema,
    key: 'userId, else anonymousId',
  },
  'recommendations.v1': {
    schema: recommendationReplyV1Schema,
    key: 'requestId (a reply carries no user id)',
  },
  'privacy.erasures.v1': {
    schema: userErasedV1Schema,
    key: 'subject (keyed hash of the user key)',
  },
} as const satisfies Record<string, { schema: z.ZodType; key: string }>;

export type TopicName = keyof typeof topics;
export type PayloadOf<T extends TopicName> = z.infer<(typeof topics)[T]['schema']>;
export const topicNames = Object.keys(topics) as TopicName[];

/** The physical topic name for a logical one under an optional deployment/test prefix. */
export function physicalTopicName(topic: TopicName, prefix = ''): string {
  return prefix === '' ? topic : `${prefix}.${topic}`;
}
