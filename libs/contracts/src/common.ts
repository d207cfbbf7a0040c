/**
 * Primitive schemas shared by every contract. A change here changes every event: add, never tighten.
 */
import { z } from 'zod';

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** An identifier chosen by a storefront (user, item, session, order): 1–128 printable characters. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters');

/** An ISO-8601 instant with an explicit offset, e.g. `2026-11-29T04:31:42.123Z`. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** ISO-4217 code. Case is normalised downstream (preprocessor), so `eur` is accepted here. */
export const currencySchema = z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO-4217 code');

/** A non-negative finite amount in the currency's major unit (12.5 = 12.50 EUR). */
export const priceSchema = z.number().finite().nonnegative().max(1e9);

export const quantitySchema = z.int().min(1).max(10_000);

/** Category path from root to leaf, e.g. `["Electronics", "Audio", "Headphones"]`. */
export const categoryPathSchema = z.array(z.string().trim().min(1).max(128)).min(1).max(10);

/** Free-form storefront attributes. Flat and bounded so one event cannot carry a document. */
export const propertiesSchema = z
  .record(
    z.string().min(1).max(64),
    z.union([z.string().max(1024), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((record) => Object.keys(record).length <= 50, 'at most 50 properties');
