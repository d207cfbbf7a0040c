/** What a pipeline's `exec()` resolves to: per command, its error or its reply. */
export type PipelineResults = Array<[Error | null, unknown]> | null;

/** Values of a pipeline's replies, throwing the first error (a reply error is a failure, not data). */
export function pipelineValues(results: PipelineResults): unknown[] {
  return (results ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
