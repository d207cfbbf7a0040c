import type { TrainingExample } from '@recsys/contracts';
import { ErasureSubjects } from '@recsys/feature-store';
import { ERASURE_MARGIN_MS, ErasedUsers } from './erased-users';
import { TrainingWindow } from './training-window';

const ERASED_AT = Date.parse('2026-11-29T12:00:00.000Z');
const HOUR = 3_600_000;

function example(id: string, userKey: string, atMs: number): TrainingExample {
  return {
    exampleId: id,
    userKey,
    itemId: 'i1',
    outcome: 'click',
    label: 1,
    sequence: [],
    features: {},
    context: { hourOfDay: 0, dayOfWeek: 0, device: 'desktop' },
    featureSpecVersion: 1,
    occurredAt: new Date(atMs).toISOString(),
    qualityFlagged: false,
  };
}

describe('ErasedUsers', () => {
  const subjects = new ErasureSubjects('trainer-unit-test-secret');
  const alice = subjects.subjectOf('u_alice');

  it('excludes an erased user’s examples up to the erasure plus the clock margin, and no one else’s', () => {
    const erased = new ErasedUsers(subjects);
    expect(erased.excludes(example('a', 'u_alice', ERASED_AT))).toBe(false);
    erased.record(alice, ERASED_AT);

    expect(erased.excludes(example('a', 'u_alice', ERASED_AT - HOUR))).toBe(true);
    expect(erased.excludes(example('b', 'u_alice', ERASED_AT + ERASURE_MARGIN_MS))).toBe(true);
    expect(erased.excludes(example('c', 'u_alice', ERASED_AT + ERASURE_MARGIN_MS + 1))).toBe(false);
    expect(erased.excludes(example('d', 'u_bob', ERASED_AT - HOUR))).toBe(false);
    expect(erased.excludesFor(alice, example('e', 'u_bob', ERASED_AT))).toBe(false);
  });

  it('keeps the latest erasure of a subject', () => {
    const erased = new ErasedUsers(subjects, 0);
    erased.record(alice, ERASED_AT);
    erased.record(alice, ERASED_AT - HOUR);
    expect(erased.erasedAtOf(alice)).toBe(ERASED_AT);
    erased.record(alice, ERASED_AT + HOUR);
    expect(erased.excludes(example('a', 'u_alice', ERASED_AT + 1))).toBe(true);
  });

  it('lets the window refuse erased examples on arrival and purge those it holds', () => {
    const erased = new ErasedUsers(subjects, 0);
    const window = new TrainingWindow(
      { maxAgeMs: 24 * HOUR, maxExamples: 100, excludeFlagged: true },
      (candidate) => erased.excludes(candidate),
    );
    window.add(example('a1', 'u_alice', ERASED_AT - 2 * HOUR));
    window.add(example('a2', 'u_alice', ERASED_AT - HOUR));
    window.add(example('b1', 'u_bob', ERASED_AT - HOUR));

    erased.record(alice, ERASED_AT);
    expect(window.count((candidate) => erased.excludesFor(alice, candidate))).toBe(2);
    expect(window.purge((candidate) => erased.excludesFor(alice, candidate))).toBe(2);
    expect(window.snapshot().map((kept) => kept.exampleId)).toEqual(['b1']);

    expect(window.add(example('a3', 'u_alice', ERASED_AT - 1))).toBe('erased');
    expect(window.add(example('a4', 'u_alice', ERASED_AT + 1))).toBe('added');
    expect(window.size).toBe(2);
  });
});
