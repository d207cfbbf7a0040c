import type { TrainingExample } from '@recsys/contracts';
import { TrainingWindow } from './training-window';

const T0 = Date.parse('2026-11-29T00:00:00.000Z');
const HOUR = 3_600_000;

function example(id: string, atMs: number, overrides: Partial<TrainingExample> = {}) {
  return {
    exampleId: id,
    userKey: 'u1',
    itemId: 'i1',
    outcome: 'click',
    label: 1,
    sequence: [],
    features: {},
    context: { hourOfDay: 0, dayOfWeek: 0, device: 'desktop' },
    featureSpecVersion: 1,
    occurredAt: new Date(atMs).toISOString(),
    qualityFlagged: false,
    ...overrides,
  } satisfies TrainingExample;
}

const settings = { maxAgeMs: 24 * HOUR, maxExamples: 1_000, excludeFlagged: true };

describe('TrainingWindow', () => {
  it('keeps a redelivered example once and counts only new ones towards retraining', () => {
    const window = new TrainingWindow(settings);
    expect(window.add(example('a', T0))).toBe('added');
    expect(window.add(example('a', T0))).toBe('replaced');
    expect(window.add(example('b', T0 + 1))).toBe('added');
    expect(window.size).toBe(2);
    expect(window.newSinceTraining).toBe(2);
    window.markTrained();
    expect(window.newSinceTraining).toBe(0);
  });

  it('returns examples in event-time order whatever the arrival order', () => {
    const window = new TrainingWindow(settings);
    window.add(example('late', T0 + 2 * HOUR));
    window.add(example('early', T0));
    window.add(example('middle', T0 + HOUR));
    expect(window.snapshot().map((e) => e.exampleId)).toEqual(['early', 'middle', 'late']);
  });

  it('drops examples older than the window behind the newest, and refuses ones already too old', () => {
    const window = new TrainingWindow(settings);
    window.add(example('old', T0));
    window.add(example('new', T0 + 25 * HOUR));
    expect(window.snapshot().map((e) => e.exampleId)).toEqual(['new']);
    expect(window.add(example('ancient', T0))).toBe('too_old');
  });

  it('holds at most maxExamples, dropping the earliest arrivals', () => {
    const window = new TrainingWindow({ ...settings, maxExamples: 3 });
    for (let index = 0; index < 5; index += 1) window.add(example(`e${index}`, T0 + index));
    expect(window.snapshot().map((e) => e.exampleId)).toEqual(['e2', 'e3', 'e4']);
  });

  it('leaves out quality-flagged examples when told to', () => {
    const excluding = new TrainingWindow(settings);
    expect(excluding.add(example('f', T0, { qualityFlagged: true }))).toBe('flagged');
    const keeping = new TrainingWindow({ ...settings, excludeFlagged: false });
    expect(keeping.add(example('f', T0, { qualityFlagged: true }))).toBe('added');
  });

  it('switches to a newer feature spec, dropping the older vectors, and refuses older ones after', () => {
    const window = new TrainingWindow(settings);
    window.add(example('v1', T0));
    window.add(example('v2', T0 + 1, { featureSpecVersion: 2 }));
    expect(window.featureSpecVersion).toBe(2);
    expect(window.snapshot().map((e) => e.exampleId)).toEqual(['v2']);
    expect(window.add(example('v1-late', T0 + 2))).toBe('stale_spec');
  });
});
