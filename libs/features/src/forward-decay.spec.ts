import fc from 'fast-check';
import { windows } from './feature-spec';
import { decayedCountAt, decayedCountsAt, decayedTerm } from './forward-decay';

const HOUR = windows['1h'];

/** Sums terms into a hash the way the store's increments do. */
function stored(events: Array<{ atMs: number; weight?: number }>, window: '1h' | '24h' | '30d') {
  const hash: Record<string, string> = {};
  for (const event of events) {
    const term = decayedTerm({ behaviour: 'view', window }, event.atMs, event.weight);
    hash[term.field] = String(Number(hash[term.field] ?? 0) + term.weight);
  }
  return hash;
}

describe('forward-decayed counters', () => {
  it('read n events of one instant as n, decaying by e^-1 per window', () => {
    const hash = stored([{ atMs: 5 * HOUR }, { atMs: 5 * HOUR }, { atMs: 5 * HOUR }], '1h');
    expect(decayedCountAt(hash, { behaviour: 'view', window: '1h' }, 5 * HOUR)).toBeCloseTo(3, 9);
    expect(decayedCountAt(hash, { behaviour: 'view', window: '1h' }, 6 * HOUR)).toBeCloseTo(
      3 * Math.exp(-1),
      9,
    );
  });

  it('equal the sum of individually decayed events whatever the order (updates commute)', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 * 86_400_000 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom('1h' as const, '24h' as const, '30d' as const),
        (ages, window) => {
          const events = ages.map((age) => ({ atMs: now - age }));
          const expected = ages.reduce((sum, age) => sum + Math.exp(-age / windows[window]), 0);
          const forward = decayedCountAt(
            stored(events, window),
            { behaviour: 'view', window },
            now,
          );
          const backward = decayedCountAt(
            stored([...events].reverse(), window),
            { behaviour: 'view', window },
            now,
          );
          expect(forward).toBeCloseTo(expected, 6);
          expect(backward).toBeCloseTo(expected, 6);
        },
      ),
    );
  });

  it('keep working across an epoch boundary, where the older epoch becomes stale two epochs on', () => {
    const epochMs = 256 * HOUR;
    const before = decayedTerm({ behaviour: 'view', window: '1h' }, epochMs - 1);
    const after = decayedTerm({ behaviour: 'view', window: '1h' }, epochMs + 1);
    expect(before.field).not.toBe(after.field);
    expect(decayedTerm({ behaviour: 'view', window: '1h' }, 2 * epochMs + 1).staleField).toBe(
      before.field,
    );
    const hash = stored([{ atMs: epochMs - HOUR }, { atMs: epochMs + HOUR }], '1h');
    expect(decayedCountAt(hash, { behaviour: 'view', window: '1h' }, epochMs + HOUR)).toBeCloseTo(
      1 + Math.exp(-2),
      9,
    );
  });

  it('never overflow: terms stay below e^256 and a far future epoch reads as now', () => {
    const term = decayedTerm({ behaviour: 'view', window: '1h' }, 256 * HOUR - 1);
    expect(Number.isFinite(term.weight)).toBe(true);
    const future = stored([{ atMs: 10_000 * HOUR }], '1h');
    expect(decayedCountAt(future, { behaviour: 'view', window: '1h' }, 0)).toBeLessThan(
      Number.POSITIVE_INFINITY,
    );
  });

  it('read all at once exactly as one by one, whatever the hash holds', () => {
    const counters = (['view', 'cart'] as const).flatMap((behaviour) =>
      (['1h', '24h', '30d'] as const).map((window) => ({ behaviour, window })),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            counter: fc.constantFrom(...counters),
            atMs: fc.integer({ min: 0, max: 2_000 * HOUR }),
            weight: fc.double({ min: 0.1, max: 5, noNaN: true }),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 2_000 * HOUR }),
        (events, nowMs) => {
          const hash: Record<string, string> = { 'n:view': '3', 'f:view:1h:x': '2', 'f:bad': '1' };
          for (const { counter, atMs, weight } of events) {
            const term = decayedTerm(counter, atMs, weight);
            hash[term.field] = String(Number(hash[term.field] ?? 0) + term.weight);
          }
          const all = decayedCountsAt(hash, nowMs);
          for (const counter of counters)
            expect(all.get(`${counter.behaviour}:${counter.window}`) ?? 0).toBe(
              decayedCountAt(hash, counter, nowMs),
            );
        },
      ),
    );
  });
});
