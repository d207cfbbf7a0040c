import { CircuitBreaker, type CircuitState } from './circuit-breaker';

/** A probe the test answers by hand, so each probe's outcome and timing is the test's choice. */
function manualProbe() {
  const calls: Array<(healthy: boolean) => void> = [];
  return {
    probe: () => new Promise<boolean>((resolve) => calls.push(resolve)),
    calls,
    answer: (healthy: boolean) => calls.shift()?.(healthy),
  };
}

describe('CircuitBreaker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function breakerWith(probe: () => Promise<boolean>) {
    const breaker = new CircuitBreaker({ probe, probeIntervalMs: 1_000 });
    const states: CircuitState[] = [];
    breaker.onStateChange((state) => states.push(state));
    return { breaker, states };
  }

  it('lets calls through while closed and opens at the first failure', () => {
    const { breaker, states } = breakerWith(manualProbe().probe);
    expect(breaker.refusesCalls).toBe(false);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.refusesCalls).toBe(true);
    breaker.recordFailure();
    expect(states).toEqual(['open']);
  });

  it('probes once per interval, one probe at a time, and stays open while probes fail', async () => {
    const probe = manualProbe();
    const { breaker, states } = breakerWith(probe.probe);
    breaker.recordFailure();
    await jest.advanceTimersByTimeAsync(999);
    expect(probe.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(probe.calls).toHaveLength(1);
    expect(breaker.state).toBe('half_open');
    expect(breaker.refusesCalls).toBe(true);
    // A slow probe is not overlapped by another.
    await jest.advanceTimersByTimeAsync(5_000);
    expect(probe.calls).toHaveLength(1);
    probe.answer(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(breaker.state).toBe('open');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe.calls).toHaveLength(1);
    expect(states).toEqual(['open', 'half_open', 'open', 'half_open']);
  });

  it('closes as soon as a probe succeeds', async () => {
    const probe = manualProbe();
    const { breaker } = breakerWith(probe.probe);
    breaker.recordFailure();
    await jest.advanceTimersByTimeAsync(1_000);
    probe.answer(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(breaker.state).toBe('closed');
    expect(breaker.refusesCalls).toBe(false);
    // Closed: no further probes.
    await jest.advanceTimersByTimeAsync(10_000);
    expect(probe.calls).toHaveLength(0);
  });

  it('counts a probe that throws as a failed probe', async () => {
    const { breaker } = breakerWith(() => Promise.reject(new Error('connect ECONNREFUSED')));
    breaker.recordFailure();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(breaker.state).toBe('open');
  });

  it('closes on a call that succeeded while open, and ignores the probe under way', async () => {
    const probe = manualProbe();
    const { breaker, states } = breakerWith(probe.probe);
    breaker.recordFailure();
    await jest.advanceTimersByTimeAsync(1_000);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    probe.answer(false);
    await jest.advanceTimersByTimeAsync(0);
    expect(breaker.state).toBe('closed');
    expect(states).toEqual(['open', 'half_open', 'closed']);
  });

  it('probes no more once stopped', async () => {
    const probe = manualProbe();
    const { breaker } = breakerWith(probe.probe);
    breaker.recordFailure();
    breaker.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(probe.calls).toHaveLength(0);
  });
});
