/** Builders for the specs of this library (not exported from the index). */
import type { Interaction, InteractionBehaviour } from './interactions';

export function anInteraction(
  userKey: string,
  itemId: string,
  overrides: { timeMs?: number; behaviour?: InteractionBehaviour; weight?: number } = {},
): Interaction {
  return {
    userKey,
    itemId,
    timeMs: overrides.timeMs ?? 0,
    behaviour: overrides.behaviour ?? 'view',
    weight: overrides.weight ?? 1,
  };
}

/** One user's items at consecutive instants from `startMs` (one step apart). */
export function aStream(
  userKey: string,
  itemIds: readonly string[],
  timing: { startMs?: number; stepMs?: number } = {},
): Interaction[] {
  const startMs = timing.startMs ?? 0;
  const stepMs = timing.stepMs ?? 1;
  return itemIds.map((itemId, index) =>
    anInteraction(userKey, itemId, { timeMs: startMs + index * stepMs }),
  );
}
