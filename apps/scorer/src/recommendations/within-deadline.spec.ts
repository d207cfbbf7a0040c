import { AppError } from '@recsys/contracts';
import { withinDeadline } from './within-deadline';

describe('withinDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives the value when the work finishes in time', async () => {
    await expect(withinDeadline(Promise.resolve('list'), 100)).resolves.toEqual({
      ok: true,
      value: 'list',
    });
  });

  it('gives up at the deadline when the feature store hangs', async () => {
    const outcome = withinDeadline(new Promise<never>(() => undefined), 100);
    await jest.advanceTimersByTimeAsync(100);
    await expect(outcome).resolves.toEqual({ ok: false, reason: 'deadline_exceeded' });
  });

  it('turns a Redis outage into a reason, at once', async () => {
    const down = Promise.reject(new AppError('REDIS_UNAVAILABLE', 'connection refused'));
    await expect(withinDeadline(down, 100)).resolves.toEqual({
      ok: false,
      reason: 'feature_store_unavailable',
    });
  });

  it('rethrows anything else: a bug is not an outage', async () => {
    await expect(withinDeadline(Promise.reject(new TypeError('bug')), 100)).rejects.toThrow('bug');
  });

  it('leaves no unhandled rejection when a bug surfaces after the deadline', async () => {
    let fail: (error: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => (fail = reject));
    const outcome = withinDeadline(late, 100);
    await jest.advanceTimersByTimeAsync(100);
    await expect(outcome).resolves.toEqual({ ok: false, reason: 'deadline_exceeded' });
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    fail(new TypeError('late bug'));
    await jest.advanceTimersByTimeAsync(0);
    await new Promise(jest.requireActual<typeof import('node:timers')>('node:timers').setImmediate);
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });
});
