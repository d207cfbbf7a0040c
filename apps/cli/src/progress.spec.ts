import { ProgressLine } from './progress';

function clockAt(startMs: number) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('ProgressLine', () => {
  it('redraws one line with \\r on a terminal, at most every 100 ms, and ends it with a newline', () => {
    const written: string[] = [];
    const clock = clockAt(0);
    const progress = new ProgressLine({
      stream: { write: (text: string) => written.push(text), isTTY: true },
      label: 'import',
      unit: 'rows',
      now: clock.now,
    });

    clock.advance(50);
    progress.update(10);
    clock.advance(150);
    progress.update(3_000);
    clock.advance(800);
    progress.done(20_000);

    expect(written).toEqual([
      '\rimport: 3,000 rows  15,000 rows/s  elapsed 0.2s\u001b[K',
      '\rimport: 20,000 rows  20,000 rows/s  elapsed 1.0s\u001b[K\n',
    ]);
  });

  it('writes a plain line every few seconds when the stream is not a terminal', () => {
    const written: string[] = [];
    const clock = clockAt(0);
    const progress = new ProgressLine({
      stream: { write: (text: string) => written.push(text) },
      label: 'replay',
      unit: 'records',
      now: clock.now,
    });

    for (let second = 1; second <= 12; second += 1) {
      clock.advance(1_000);
      progress.update(second * 100, `accepted ${second * 100}`);
    }

    expect(written).toEqual([
      'replay: 500 records  100 records/s  elapsed 5.0s  accepted 500\n',
      'replay: 1,000 records  100 records/s  elapsed 10.0s  accepted 1000\n',
    ]);
  });
});
