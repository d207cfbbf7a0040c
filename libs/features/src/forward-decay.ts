/**
 * Forward-decayed counters (Cormode et al., "Forward Decay", ICDE 2009). An event at time t adds
 * w·e^{(t − L)/τ} to a sum kept against a landmark L; the count at time `now` is sum·e^{(L − now)/τ}. An
 * update is a plain addition, so updates commute: they need no read before the write, can be summed per
 * flush, and can arrive late or out of order. The landmark is the start of the event's epoch (256
 * windows long, so a term never exceeds e^256 ≈ 1.5e111); each epoch has its own stored field, and an
 * epoch two epochs old holds terms below e^{-256} of the present and is deleted when a newer one is written.
 */
import { windows, type Behaviour, type WindowName } from './feature-spec';

/** Windows per epoch: e^{EPOCH_WINDOWS} stays far inside a double's range. */
const EPOCH_WINDOWS = 256;

/** A decayed counter: a behaviour counted over a window. */
export interface DecayedCounter {
  behaviour: Behaviour;
  window: WindowName;
}

export interface DecayedTerm {
  /** Stored hash field of the event's epoch. */
  field: string;
  /** What the event adds to that field. */
  weight: number;
  /** The field two epochs older, whose terms no longer count (deleted when present). */
  staleField: string;
}

const FIELD_PREFIX = 'f:';

function epochLengthMs(window: WindowName): number {
  return windows[window] * EPOCH_WINDOWS;
}

/** `f:<behaviour>:<window>:<epoch>`. */
export function decayedField(behaviour: Behaviour, window: WindowName, epoch: number): string {
  return `${FIELD_PREFIX}${behaviour}:${window}:${epoch}`;
}

/** The term one event of weight `weight` at `timestampMs` adds to a decayed counter. */
export function decayedTerm(
  { behaviour, window }: DecayedCounter,
  timestampMs: number,
  weight = 1,
): DecayedTerm {
  const length = epochLengthMs(window);
  const epoch = Math.floor(timestampMs / length);
  return {
    field: decayedField(behaviour, window, epoch),
    weight: weight * Math.exp((timestampMs - epoch * length) / windows[window]),
    staleField: decayedField(behaviour, window, epoch - 2),
  };
}

/**
 * A counter's stored epochs as (log of its sum, its landmark in windows): what `decayedSum` needs to
 * read the counter at any time. Parsed once per stored hash by readers that read it often.
 */
export interface DecayedEpoch {
  logSum: number;
  landmarkMs: number;
}

export function decayedEpochsOf(
  hash: Readonly<Record<string, string>>,
  behaviour: Behaviour,
  window: WindowName,
): DecayedEpoch[] {
  const prefix = `${FIELD_PREFIX}${behaviour}:${window}:`;
  const length = epochLengthMs(window);
  const epochs: DecayedEpoch[] = [];
  for (const field in hash) {
    if (!field.startsWith(prefix)) continue;
    const sum = Number(hash[field]);
    const epoch = Number(field.slice(prefix.length));
    if (sum > 0 && Number.isInteger(epoch))
      epochs.push({ logSum: Math.log(sum), landmarkMs: epoch * length });
  }
  return epochs;
}

/**
 * The counter's value at `nowMs`: Σ over its epochs of sum·e^{(L − now)/τ}, computed in log space so a
 * large sum and a large negative exponent never overflow. An event later than `nowMs` counts
 * e^{(t − now)/τ} (a minute of clock skew on the 1h window: 1.017); an epoch that starts after `nowMs` is
 * read as starting at `nowMs`, so skewed clocks never blow a counter up.
 */
export function decayedSum(
  epochs: readonly DecayedEpoch[],
  window: WindowName,
  nowMs: number,
): number {
  const tau = windows[window];
  let total = 0;
  for (const epoch of epochs)
    total += Math.exp(epoch.logSum + Math.min(0, (epoch.landmarkMs - nowMs) / tau));
  return total;
}

export function decayedCountAt(
  hash: Readonly<Record<string, string>>,
  { behaviour, window }: DecayedCounter,
  nowMs: number,
): number {
  return decayedSum(decayedEpochsOf(hash, behaviour, window), window, nowMs);
}

/** True for the stored fields of decayed counters (they are not plain numbers to decode). */
export function isDecayedField(field: string): boolean {
  return field.startsWith(FIELD_PREFIX);
}

/**
 * Every decayed counter a hash holds, read at `nowMs` in one pass over its fields: `<behaviour>:<window>`
 * → the same value `decayedCountAt` gives (the same terms, summed in the same order). A user's profile is
 * decoded for each of its labelled events; twelve passes (one per counter) were a tenth of that.
 */
export function decayedCountsAt(
  hash: Readonly<Record<string, string>>,
  nowMs: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const field in hash) {
    if (!field.startsWith(FIELD_PREFIX)) continue;
    const split = field.lastIndexOf(':');
    const counter = field.slice(FIELD_PREFIX.length, split);
    const window = counter.slice(counter.indexOf(':') + 1) as WindowName;
    const tau = windows[window];
    const sum = Number(hash[field]);
    const epoch = Number(field.slice(split + 1));
    if (tau === undefined || !(sum > 0) || !Number.isInteger(epoch)) continue;
    const landmarkMs = epoch * epochLengthMs(window);
    const term = Math.exp(Math.log(sum) + Math.min(0, (landmarkMs - nowMs) / tau));
    counts.set(counter, (counts.get(counter) ?? 0) + term);
  }
  return counts;
}
