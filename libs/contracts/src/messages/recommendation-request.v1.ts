/** `recommendation_request` v1: a downstream service asks for top-K items over Kafka. */
import { z } from 'zod';
import { idSchema, timestampSchema } from '../common';
import { eventContextSchema } from '../envelope';

export const recommendationRequestV1Schema = z
  .strictObject({
    schemaVersion: z.literal(1),
    requestId: idSchema,
    userId: idSchema.optional(),
    anonymousId: idSchema.optional(),
    k: z.int().min(1).max(100),
    placement: z.string().min(1).max(64).optional(),
    /** Re-rank these instead of generating candidates (e.g. search results). */
    candidateItemIds: z.array(idSchema).max(1000).optional(),
    context: eventContextSchema.optional(),
    requestedAt: timestampSchema,
  })
  .refine((request) => request.userId !== undefined || request.anonymousId !== undefined, {
    message: 'userId or anonymousId is required',
    path: ['userId'],
  });
export type RecommendationRequestV1 = z.infer<typeof recommendationRequestV1Schema>;
