import { DeadLetterCounts, deadLetterKeyOf } from './dead-letter-counts';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

describe('deadLetterKeyOf', () => {
  it('takes service and reason from the dead letter and the code from its header', () => {
    const value = JSON.stringify({ service: 'collector', reason: 'schema_violation', code: 'X' });
    expect(deadLetterKeyOf({ recsys_error_code: 'EVENT_INVALID' }, value)).toEqual({
      service: 'collector',
      reason: 'schema_violation',
      code: 'EVENT_INVALID',
    });
    expect(deadLetterKeyOf({}, value).code).toBe('X');
  });

  it('still counts a dead letter it cannot read', () => {
    expect(deadLetterKeyOf({ recsys_error_code: 'HANDLER_FAILED' }, 'not json')).toEqual({
      service: 'unknown',
      reason: 'unknown',
      code: 'HANDLER_FAILED',
    });
  });
});

describe('DeadLetterCounts', () => {
  it('counts per service, reason and code over a minute, ten minutes, an hour and a day', () => {
    const counts = new DeadLetterCounts(T0);
    const now = T0 + 48 * 60 * MINUTE;
    const bad = { service: 'collector', reason: 'schema_violation', code: 'EVENT_INVALID' };
    const late = {
      service: 'preprocessor',
      reason: 'timestamp_out_of_range',
      code: 'EVENT_INVALID',
    };
    counts.record(bad, now - 10_000, now);
    counts.record(bad, now - 5 * MINUTE, now);
    counts.record(bad, now - 30 * MINUTE, now);
    counts.record(bad, now - 20 * 60 * MINUTE, now);
    counts.record(bad, now - 25 * 60 * MINUTE, now); // older than a day: not counted
    counts.record(late, now - 2 * MINUTE, now);
    const view = counts.view(now);
    expect(view.entries).toEqual([
      {
        ...bad,
        lastMinute: 1,
        last10Minutes: 2,
        lastHour: 3,
        last24Hours: 4,
        lastAt: new Date(now - 10_000).toISOString(),
      },
      {
        ...late,
        lastMinute: 0,
        last10Minutes: 1,
        lastHour: 1,
        last24Hours: 1,
        lastAt: new Date(now - 2 * MINUTE).toISOString(),
      },
    ]);
    expect(view.total24Hours).toBe(5);
  });
});
