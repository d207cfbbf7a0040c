/**
 * Shaping generated values the way a storefront's request delivers them, for property tests that compare
 * a contract's checks.
 */

/** What a storefront's JSON becomes on the server: no undefined, own `__proto__` keys kept as data. */
export const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

/** A purchase's revenue is the sum of its lines (the one rule JSON Schema cannot state). */
export function balancePurchases(value: unknown): unknown {
  const order = value as { eventType?: string; items?: Array<{ quantity: number; price: number }> };
  if (order.eventType !== 'purchase' || !Array.isArray(order.items)) return value;
  const total = (lines: Array<{ quantity: number; price: number }>) =>
    lines.reduce((sum, line) => sum + line.quantity * line.price, 0);
  const items =
    total(order.items) > 1e9
      ? order.items.map((line) => ({ ...line, price: line.price % 100 }))
      : order.items;
  return { ...order, items, revenue: total(items) };
}

interface GeneratedTrainingExamples {
  sharedFeatures?: unknown;
  itemFeatures?: unknown;
  records?: Array<{ shared?: unknown; items?: Array<{ features?: unknown }> }>;
}

/**
 * A training-examples message has as many values per array as it names (the rule JSON Schema cannot
 * state): arrays are cut or padded with zeros to the names' lengths.
 */
export function fitTrainingFeatureArrays(value: unknown): unknown {
  const message = value as GeneratedTrainingExamples;
  const { sharedFeatures, itemFeatures, records } = message;
  if (!Array.isArray(sharedFeatures) || !Array.isArray(itemFeatures) || !Array.isArray(records))
    return value;
  const fit = (values: unknown, length: number): unknown =>
    Array.isArray(values)
      ? Array.from({ length }, (_, index): unknown => values[index] ?? 0)
      : values;
  return {
    ...message,
    records: records.map((record) => ({
      ...record,
      shared: fit(record.shared, sharedFeatures.length),
      items: Array.isArray(record.items)
        ? record.items.map((item) => ({
            ...item,
            features: fit(item.features, itemFeatures.length),
          }))
        : record.items,
    })),
  };
}
