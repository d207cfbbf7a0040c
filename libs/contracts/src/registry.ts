/**
 * Every contract by file name (`<name>.v<version>`), for golden-fixture tests, OpenAPI generation and
 * tools that validate a payload by name.
 */
import { z } from 'zod';
import { itemUpsertedV1Schema } from './catalog/item-upserted.v1';
import { deadLetterV1Schema } from './messages/dead-letter.v1';
import { featuresUpdatedV2Schema } from './messages/features-updated.v2';
import { modelPublishedV1Schema } from './messages/model-published.v1';
import { recommendationRequestV1Schema } from './messages/recommendation-request.v1';
import {
  recommendationErrorV1Schema,
  recommendationResponseV1Schema,
} from './messages/recommendation-response.v1';
import { trainingExamplesV2Schema } from './messages/training-examples.v2';
import { userErasedV1Schema } from './messages/user-erased.v1';
import { storefrontEventSchemas } from './storefront-event';

export const contractSchemas = {
  'page-view.v1': storefrontEventSchemas.page_view,
  'product-view.v1': storefrontEventSchemas.product_view,
  'search.v1': storefrontEventSchemas.search,
  'add-to-cart.v1': storefrontEventSchemas.add_to_cart,
  'remove-from-cart.v1': storefrontEventSchemas.remove_from_cart,
  'purchase.v1': storefrontEventSchemas.purchase,
  'rating.v1': storefrontEventSchemas.rating,
  'review.v1': storefrontEventSchemas.review,
  'share.v1': storefrontEventSchemas.share,
  'recommendation-impression.v1': storefrontEventSchemas.recommendation_impression,
  'recommendation-click.v1': storefrontEventSchemas.recommendation_click,
  'item-upserted.v1': itemUpsertedV1Schema,
  'dead-letter.v1': deadLetterV1Schema,
  'features-updated.v2': featuresUpdatedV2Schema,
  'training-examples.v2': trainingExamplesV2Schema,
  'model-published.v1': modelPublishedV1Schema,
  'recommendation-request.v1': recommendationRequestV1Schema,
  'recommendation-response.v1': recommendationResponseV1Schema,
  'recommendation-error.v1': recommendationErrorV1Schema,
  'user-erased.v1': userErasedV1Schema,
} as const satisfies Record<string, z.ZodType>;

export type ContractName = keyof typeof contractSchemas;
