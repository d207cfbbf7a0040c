/**
 * The feature specification, as data: which behaviours are counted, over which windows, how long
 * sequences and neighbour lists are, and the version that every stored vector and training example
 * carries. Changing any value here that changes stored meaning means bumping FEATURE_SPEC_VERSION.
 */
export const FEATURE_SPEC_VERSION = 1;

/** Behaviours counted per user and per item. */
export const behaviours = [
  'page_view',
  'view',
  'search',
  'cart',
  'remove',
  'purchase',
  'rating',
  'review',
  'share',
  'impression',
  'click',
] as const;
export type Behaviour = (typeof behaviours)[number];

/**
 * Windowed counts are exponentially decayed counters with these time constants: each event adds 1,
 * which decays as exp(-age / window). A burst of n events within the last hour reads ≈ n on `1h`, and
 * an event 1 h old still contributes e⁻¹ ≈ 0.37. They are exact under replay and late events (an event
 * is added with its own age), cost O(1) to update and read, and need no bucket clean-up.
 */
export const windows = { '1h': 3_600_000, '24h': 86_400_000, '30d': 2_592_000_000 } as const;
export type WindowName = keyof typeof windows;
export const windowNames = Object.keys(windows) as WindowName[];

/** Behaviours with windowed counts (the rest keep totals only). */
export const windowedBehaviours = [
  'view',
  'search',
  'cart',
  'purchase',
] as const satisfies readonly Behaviour[];

/** Weight of one event in category/brand affinity and co-visitation. */
export const interactionWeights = { view: 1, cart: 3, purchase: 5 } as const;
export type Interaction = keyof typeof interactionWeights;

export const featureLimits = {
  /** Items kept in a user's recent-item sequence (the sequence model's input). */
  sequenceLength: 50,
  /** Co-visitation neighbours kept per item (top by weight). */
  coVisitationTopN: 50,
  /** Earlier items of the same session paired with a new one. */
  coVisitationLookback: 10,
  /** A gap longer than this starts a new session when the client's session id is unknown. */
  sessionGapMs: 30 * 60_000,
} as const;

/** Item windows (decayed view counts per item: views in the last hour and day, and their trend). */
export const itemWindows = ['1h', '24h'] as const satisfies readonly WindowName[];

/** Weight of one event in the popularity lists (all time, per day, per category). */
export const popularityWeights = {
  view: 1,
  click: 1,
  cart: 3,
  purchase: 5,
} as const satisfies Partial<Record<Behaviour, number>>;

/** How long stored state lives after its last write (seconds). */
export const featureRetention = {
  /** A user's keys, refreshed by each of the user's events (the default of FEATURE_USER_TTL_SECONDS). */
  userSeconds: 90 * 86_400,
  /** The current session's items (co-visitation pairs a new item with them). */
  sessionItemsSeconds: 86_400,
  /** The impressions a click's negatives are taken from. */
  impressionsSeconds: 86_400,
  /** A day's popularity list. */
  popularityOfDaySeconds: 8 * 86_400,
  /** A data-quality window's counts. */
  qualityWindowSeconds: 7 * 86_400,
} as const;

export const stateLimits = {
  /** Items a user bought kept (newest). */
  purchasedKept: 200,
  /** Recommendation requests whose shown items a user's state keeps (newest). */
  impressionsKept: 10,
  /** Items of one impression kept. */
  impressionItemsKept: 50,
  /**
   * Event ids kept per user to drop a client's re-post of the same event (newest; 12 hex characters of
   * a hash each, so the window costs ≤ 16 × 13 bytes per user and never grows with traffic).
   */
  dedupeWindowEvents: 16,
} as const;
