/**
 * The scorer's current answer for one shopper, for the user lookup: passed through as the scorer sent
 * it, or — scorer down, slow or refusing — a typed reason the page shows instead of a blank.
 */
import type { UserLookupV1 } from '@recsys/contracts';

export type ScorerAnswer = UserLookupV1['recommendations'];

export interface ScorerRequest {
  /** A storefront user id, or (anonymous) the feature store's key / anonymous id used as it is. */
  id: string;
  anonymous: boolean;
  k: number;
}

/**
 * Marks the console's calls, so they stay out of experiments limited to storefront placements (the arm
 * shown is then the one a storefront placement outside those experiments would get).
 */
export const CONSOLE_PLACEMENT = 'console-preview';

export class ScorerClient {
  constructor(
    private readonly options: {
      baseUrl: string;
      timeoutMs: number;
      /**
       * The scorer's ADMIN_TOKEN: the console asks for the admin-only preview, which logs no impression
       * (a logged one would count as shown to the shopper, and in attribution and experiment reports).
       */
      adminToken: string;
      fetch?: typeof fetch;
      now?: () => number;
      /** Told every outcome (metrics). */
      onAnswer?: (status: ScorerAnswer['status']) => void;
    },
  ) {}

  async recommendationsFor(request: ScorerRequest): Promise<ScorerAnswer> {
    const answer = await this.ask(request);
    this.options.onAnswer?.(answer.status);
    return answer;
  }

  private async ask(request: ScorerRequest): Promise<ScorerAnswer> {
    const query = new URLSearchParams({ k: String(request.k), placement: CONSOLE_PLACEMENT });
    if (request.anonymous) query.set('anonymous', 'true');
    const url = `${this.options.baseUrl}/v1/recommendations/${encodeURIComponent(request.id)}/preview?${query.toString()}`;
    const now = this.options.now ?? (() => performance.now());
    const started = now();
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: { accept: 'application/json', authorization: `Bearer ${this.options.adminToken}` },
      });
    } catch (error) {
      return unreachable(error, this.options);
    }
    const body = await response.json().catch(() => undefined as unknown);
    if (!response.ok) return refused(response.status, body);
    return { status: 'ok', scorerResponse: body, latencyMs: Math.max(0, now() - started) };
  }
}

function unreachable(
  error: unknown,
  options: { baseUrl: string; timeoutMs: number },
): ScorerAnswer {
  const timedOut = error instanceof Error && error.name === 'TimeoutError';
  return {
    status: 'unreachable',
    error: {
      code: timedOut ? 'SCORER_TIMEOUT' : 'SCORER_UNREACHABLE',
      message: timedOut
        ? `the scorer at ${options.baseUrl} did not answer within ${options.timeoutMs} ms`
        : `the scorer at ${options.baseUrl} cannot be reached: ${causeOf(error)}`,
      httpStatus: null,
    },
  };
}

function refused(status: number, body: unknown): ScorerAnswer {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return {
    status: 'error',
    error: {
      code: typeof error?.code === 'string' ? error.code : `HTTP_${status}`,
      message: typeof error?.message === 'string' ? error.message : `the scorer answered ${status}`,
      httpStatus: status,
    },
  };
}

/** fetch's TypeError hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
