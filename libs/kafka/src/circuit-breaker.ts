/**
 * A circuit breaker for a dependency that is either reachable or not (the Kafka cluster). Closed, it
 * lets every call through. The first failure that shows the dependency unreachable opens it; open, calls
 * are refused at once instead of each waiting for its own timeout. While open it probes the dependency
 * with one cheap check at a time (half-open) every `probeIntervalMs`, and closes as soon as a probe — or
 * any call that was still under way — succeeds.
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Cheap check that the dependency answers again (resolves true), e.g. a metadata request. */
  probe: () => Promise<boolean>;
  /** Wait between the opening (or a failed probe) and the next probe. @default 1000 */
  probeIntervalMs?: number;
}

export type CircuitListener = (state: CircuitState, previous: CircuitState) => void;

const DEFAULT_PROBE_INTERVAL_MS = 1_000;

export class CircuitBreaker {
  readonly probeIntervalMs: number;
  private current: CircuitState = 'closed';
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly listeners: CircuitListener[] = [];
  private stopped = false;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.probeIntervalMs = options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** True while calls are refused (open, or half-open with a probe under way). */
  get refusesCalls(): boolean {
    return this.current !== 'closed';
  }

  /** Adds an observer of state changes (called synchronously, in order of registration). */
  onStateChange(listener: CircuitListener): void {
    this.listeners.push(listener);
  }

  /** A failure that shows the dependency unreachable: opens the circuit and schedules the first probe. */
  recordFailure(): void {
    if (this.current !== 'closed' || this.stopped) return;
    this.transition('open');
    this.scheduleProbe();
  }

  /** A call went through: the dependency is back, whatever the probe schedule says. */
  recordSuccess(): void {
    if (this.current === 'closed') return;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.transition('closed');
  }

  /** No more probes (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => void this.runProbe(), this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async runProbe(): Promise<void> {
    this.probeTimer = undefined;
    if (this.current !== 'open' || this.stopped) return;
    this.transition('half_open');
    const healthy = await this.options.probe().catch(() => false);
    // A call that succeeded meanwhile closed it already (TS cannot see the change across the await).
    if (this.state !== 'half_open') return;
    if (healthy) {
      this.transition('closed');
      return;
    }
    this.transition('open');
    this.scheduleProbe();
  }

  private transition(next: CircuitState): void {
    const previous = this.current;
    this.current = next;
    for (const listener of this.listeners) {
      // An observer (metrics, the publisher's queue) never breaks the state machine.
      try {
        listener(next, previous);
      } catch {
        continue;
      }
    }
  }
}
