/** `search` v1: a query was run and a result list shown. */
import { z } from 'zod';
import { idSchema } from '../common';
import { defineStorefrontEvent } from '../envelope';

export const searchV1Schema = defineStorefrontEvent('search', {
  query: z.string().trim().min(1).max(512),
  /** The items shown, in display order (first page). */
  resultItemIds: z.array(idSchema).max(500),
  /** Total hits reported by the search engine (may exceed the items shown). */
  resultCount: z.int().min(0),
  filters: z.record(z.string().min(1).max(64), z.string().max(256)).optional(),
  page: z.int().min(1).max(10_000).optional(),
});
export type SearchV1 = z.infer<typeof searchV1Schema>;
