/**
 * A recommendation must be answered within the request deadline whatever the feature store does: the
 * pipeline is raced against a timer. A Redis outage (REDIS_UNAVAILABLE) or the deadline passing first
 * becomes a reason to serve the fallback list; any other failure is a bug and is rethrown. The pipeline
 * that lost the race runs on to its end unobserved (nothing of it is answered or logged).
 */
import { AppError } from '@recsys/contracts';

/** Why the fallback list was served instead of the pipeline's answer. */
export type FallbackReason = 'deadline_exceeded' | 'feature_store_unavailable';

export type WithinDeadline<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: FallbackReason };

export async function withinDeadline<T>(
  work: Promise<T>,
  deadlineMs: number,
): Promise<WithinDeadline<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<WithinDeadline<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'deadline_exceeded' }), deadlineMs);
  });
  const attempt = work.then(
    (value): WithinDeadline<T> => ({ ok: true, value }),
    (error: unknown): WithinDeadline<T> => {
      if (error instanceof AppError && error.code === 'REDIS_UNAVAILABLE')
        return { ok: false, reason: 'feature_store_unavailable' };
      // A read refused for being past the deadline (readerUntil), seen before the timer fired.
      if (error instanceof AppError && error.code === 'TIMEOUT')
        return { ok: false, reason: 'deadline_exceeded' };
      throw error;
    },
  );
  // A bug surfacing after the deadline won is nobody's answer any more: not an unhandled rejection.
  attempt.catch(() => undefined);
  try {
    return await Promise.race([attempt, late]);
  } finally {
    clearTimeout(timer);
  }
}
