/**
 * The scorer's HTTP API inputs, validated the same way as events: `GET /v1/recommendations/{userId}`
 * query parameters, the `POST /v1/rank` body (re-rank a given list, e.g. search results) and the
 * `POST /v1/offers` body (who gets a coupon under a budget).
 */
import { z } from 'zod';
import { idSchema } from '../common';
import { deviceTypes, eventContextSchema } from '../envelope';

/** Request ids become impression event ids (`imp-<requestId>`), which are at most 128 characters. */
export const requestIdSchema = idSchema.refine(
  (value) => value.length <= 120,
  'at most 120 characters',
);
const placementSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_.:-]');
const booleanText = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * A comma-separated list of ids in a query string, at most `maxChars` long: the whole request line and
 * headers must fit the HTTP server's 16 KiB, so a longer list is refused with a reason (use POST /v1/rank).
 */
const idList = (max: number, maxChars = max * 129) =>
  z
    .string()
    .max(maxChars)
    .transform((value) => value.split(',').filter((part) => part.length > 0))
    .pipe(z.array(idSchema).max(max));

export const recommendationQueryV1Schema = z.strictObject({
  /** Items wanted. @default 10 */
  k: z.coerce.number().int().min(1).max(100).default(10),
  /** The path id is an anonymous (device) id, not a storefront user id. @default false */
  anonymous: booleanText.default(false),
  placement: placementSchema.optional(),
  /** Items the shopper is looking at (product page, cart): anchors, never recommended. */
  items: idList(20).optional(),
  /** The page's category path, levels separated by `>` (e.g. `Shoes > Trail`). */
  category: z.string().min(1).max(512).optional(),
  /** Items never to return (already on the page). */
  exclude: idList(200, 8_192).optional(),
  device: z.enum(deviceTypes).optional(),
  /** IANA time zone of the shopper, for hour-of-day features. */
  timeZone: z.string().max(64).optional(),
  /** false: the shopper refused personalisation; nothing of theirs is read. @default true */
  personalization: booleanText.optional(),
  sessionId: idSchema.optional(),
  requestId: requestIdSchema.optional(),
});
export type RecommendationQueryV1 = z.output<typeof recommendationQueryV1Schema>;

const identityRequired = {
  check: (body: { userId?: unknown; anonymousId?: unknown }) =>
    body.userId !== undefined || body.anonymousId !== undefined,
  message: 'userId or anonymousId is required',
} as const;

export const rankRequestV1Schema = z
  .strictObject({
    userId: idSchema.optional(),
    anonymousId: idSchema.optional(),
    /** Items to order (e.g. search results); every distinct one comes back. */
    itemIds: z.array(idSchema).min(1).max(1000),
    placement: placementSchema.optional(),
    personalization: z.boolean().optional(),
    context: eventContextSchema.optional(),
    sessionId: idSchema.optional(),
    requestId: requestIdSchema.optional(),
  })
  .refine(identityRequired.check, { message: identityRequired.message, path: ['userId'] });
export type RankRequestV1 = z.output<typeof rankRequestV1Schema>;

export const offerRequestV1Schema = z.strictObject({
  /** Offer campaign id: the holdout split and the logged outcomes are per campaign. */
  campaignId: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_.:-]'),
  /** Storefront user ids to choose from. */
  userIds: z.array(idSchema).min(1).max(10_000),
  budget: z
    .strictObject({
      maxCoupons: z.int().min(0).max(1_000_000),
      couponCost: z.number().finite().min(0).optional(),
      /** A cap on expected spend is in the coupons' currency: it needs `couponCost`. */
      maxSpend: z.number().finite().min(0).optional(),
    })
    .refine((budget) => budget.maxSpend === undefined || budget.couponCost !== undefined, {
      message: 'maxSpend needs couponCost',
      path: ['maxSpend'],
    })
    .meta({ dependentRequired: { maxSpend: ['couponCost'] } }),
  /** Share of eligible users held out (no coupon) to measure the uplift. @default 0.1 */
  holdoutShare: z.number().min(0).max(0.5).default(0.1),
});
export type OfferRequestV1 = z.output<typeof offerRequestV1Schema>;
