/**
 * Offline evaluation of recommenders: metrics with confidence intervals, leakage-free time splits and
 * time-blocked folds, next-item evaluation cases, baselines (popularity, co-visitation item-kNN,
 * implicit ALS) that implement the platform's `Ranker`, the offline feature builder, labelled pairs for
 * training and held-out scoring, and the protocol runner. Pure: no I/O.
 */
export * from './interactions';
export * from './random';
export * from './cases';
export * from './metrics/classification';
export * from './metrics/ranking';
export * from './metrics/intervals';
export * from './split/time-split';
export * from './split/time-folds';
export * from './baselines/full-ranker';
export * from './baselines/popularity';
export * from './baselines/co-visitation';
export * from './baselines/implicit-als';
export * from './features/offline-features';
export * from './protocol/candidates';
export * from './protocol/negative-sampler';
export * from './protocol/labelled-pairs';
export * from './protocol/runner';
export * from './protocol/training-examples';
