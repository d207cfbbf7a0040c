/** The stretch of one source partition a batch of the preprocessor covers. */
export interface SourceStretch {
  /** `<topic>:<partition>` */
  source: string;
  firstOffset: bigint;
  lastOffset: bigint;
}

/**
 * The `batchId` of the messages written for one batch (`training_examples` v2, `features_updated` v2):
 * `<source>:<first offset>-<last offset>/<chunk>`, the same for the same batch.
 */
export function sourceBatchId(stretch: SourceStretch, chunk: number): string {
  return `${stretch.source}:${stretch.firstOffset}-${stretch.lastOffset}/${chunk}`;
}
