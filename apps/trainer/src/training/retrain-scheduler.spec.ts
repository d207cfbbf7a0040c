import { RetrainScheduler } from './retrain-scheduler';

function scheduler(
  pending: { value: number },
  runs: { count: number },
  train?: () => Promise<void>,
) {
  return new RetrainScheduler({
    afterExamples: 10,
    intervalMs: 60_000,
    pending: () => pending.value,
    train:
      train ??
      (async () => {
        runs.count += 1;
        pending.value = 0;
      }),
    onError: () => undefined,
  });
}

describe('RetrainScheduler', () => {
  it('trains after enough new examples, not before', async () => {
    const pending = { value: 9 };
    const runs = { count: 0 };
    const subject = scheduler(pending, runs);
    subject.check();
    await subject.stop();
    expect(runs.count).toBe(0);
    pending.value = 10;
    subject.check();
    await subject.stop();
    expect(runs.count).toBe(1);
  });

  it('trains on the interval when anything new arrived, and not when nothing did', async () => {
    const pending = { value: 0 };
    const runs = { count: 0 };
    const subject = scheduler(pending, runs);
    subject.check(Date.now() + 120_000);
    await subject.stop();
    expect(runs.count).toBe(0);
    pending.value = 1;
    subject.check(Date.now() + 120_000);
    await subject.stop();
    expect(runs.count).toBe(1);
  });

  it('runs one training at a time and once more for triggers that came during it', async () => {
    let release: () => void = () => undefined;
    let concurrent = 0;
    let maxConcurrent = 0;
    let runs = 0;
    const subject = scheduler({ value: 0 }, { count: 0 }, async () => {
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      runs += 1;
      await new Promise<void>((resolve) => (release = resolve));
      concurrent -= 1;
    });
    const first = subject.trigger();
    void subject.trigger();
    void subject.trigger();
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await first;
    expect(runs).toBe(2);
    expect(maxConcurrent).toBe(1);
  });

  it('keeps scheduling after a failed run', async () => {
    const errors: unknown[] = [];
    const subject = new RetrainScheduler({
      afterExamples: 1,
      intervalMs: 60_000,
      pending: () => 1,
      train: () => Promise.reject(new Error('boom')),
      onError: (error) => errors.push(error),
    });
    await subject.trigger();
    await subject.trigger();
    expect(errors).toHaveLength(2);
  });
});
