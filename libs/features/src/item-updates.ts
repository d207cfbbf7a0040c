/**
 * What one event does to the items it is about and to the shared aggregates: item counters, decayed
 * views, ratings, first-seen price and category of items without a catalogue entry, and popularity (all
 * time, per day, per category) in the source's shard. Pure: no I/O. Each part is skipped when the item
 * (or the shard) already counted the event (a replay).
 */
import { featureRetention, itemWindows, popularityWeights } from './feature-spec';
import { decayedTerm } from './forward-decay';
import { CATEGORY_SEPARATOR } from './item-features';
import type { StoredHash } from './stored-features';
import type { ItemTouch } from './update-plan';
import { utcDayOf, type ApplyContext, type EventToApply } from './user-state';

/** Applies the event to one of its items; false when the item has no catalogue entry. */
export function updateItem(event: EventToApply, touch: ItemTouch, context: ApplyContext): boolean {
  const facts = context.items.get(touch.itemId);
  const stored = facts?.stored ?? {};
  const fromCatalogue = stored['upd'] !== undefined;
  if (facts === undefined || event.offset > facts.appliedOffset)
    countItem(event, touch, { stored, fromCatalogue, context });
  countPopularity(event, touch.itemId, { stored, context });
  return fromCatalogue;
}

function countItem(
  { plan }: EventToApply,
  touch: ItemTouch,
  {
    stored,
    fromCatalogue,
    context,
  }: { stored: StoredHash; fromCatalogue: boolean; context: ApplyContext },
): void {
  const item = context.writes.item(touch.itemId);
  item.increment('item', `n:${plan.behaviour}`, 1);
  if (plan.behaviour === 'view') {
    for (const window of itemWindows) {
      const term = decayedTerm({ behaviour: 'view', window }, plan.timestampMs);
      item.increment('item', term.field, term.weight);
      if (stored[term.staleField] !== undefined) item.deleteField('item', term.staleField);
    }
  }
  if (plan.rating !== undefined) {
    item.increment('item', 'rating_sum', plan.rating);
    item.increment('item', 'rating_n', 1);
  }
  if (fromCatalogue) return;
  if (touch.price !== undefined) item.setField('item', 'price', String(touch.price));
  const category = categoryOf(plan.categoryPath);
  if (category !== undefined) item.setFieldIfAbsent('item', 'cat', category);
}

function countPopularity(
  event: EventToApply,
  itemId: string,
  { stored, context }: { stored: StoredHash; context: ApplyContext },
): void {
  const weight = (popularityWeights as Partial<Record<string, number>>)[event.plan.behaviour];
  if (weight === undefined || event.offset <= context.shardAppliedOffset) return;
  const shard = context.writes.shard(context.source);
  const change = { by: weight, keep: 0 };
  const day = { family: 'popularityOfDay' as const, qualifier: utcDayOf(event.plan.timestampMs) };
  shard.sortedSetIncrement('popularity', itemId, change);
  shard.sortedSetIncrement(day, itemId, change);
  shard.expire(day, featureRetention.popularityOfDaySeconds);
  const category = stored['cat'] ?? categoryOf(event.plan.categoryPath);
  if (category !== undefined)
    shard.sortedSetIncrement(
      { family: 'popularityOfCategory', qualifier: category },
      itemId,
      change,
    );
}

function categoryOf(path: readonly string[] | undefined): string | undefined {
  return path !== undefined && path.length > 0 ? path.join(CATEGORY_SEPARATOR) : undefined;
}
