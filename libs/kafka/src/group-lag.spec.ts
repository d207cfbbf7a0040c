import { partitionLags } from './group-lag';

const ends = [
  { partition: 0, low: '0', high: '120' },
  { partition: 1, low: '40', high: '90' },
  { partition: 2, low: '10', high: '10' },
];

describe('partitionLags', () => {
  it('is the high watermark minus the committed offset, per partition', () => {
    const lags = partitionLags({
      group: { groupId: 'preprocessor', topic: 'events.raw.v1', fromBeginning: true },
      ends,
      committed: [
        { partition: 0, offset: '100' },
        { partition: 1, offset: '90' },
        { partition: 2, offset: '10' },
      ],
    });
    expect(lags).toEqual([
      { groupId: 'preprocessor', topic: 'events.raw.v1', partition: 0, lag: 20 },
      { groupId: 'preprocessor', topic: 'events.raw.v1', partition: 1, lag: 0 },
      { groupId: 'preprocessor', topic: 'events.raw.v1', partition: 2, lag: 0 },
    ]);
  });

  it('counts everything retained on an uncommitted partition for a group reading from the beginning', () => {
    const lags = partitionLags({
      group: { groupId: 'trainer', topic: 'training.examples.v2', fromBeginning: true },
      ends,
      committed: [{ partition: 0, offset: '-1' }],
    });
    expect(lags.map((lag) => lag.lag)).toEqual([120, 50, 0]);
  });

  it('counts nothing on an uncommitted partition for a group that starts at the end', () => {
    const lags = partitionLags({
      group: { groupId: 'scorer.attribution', topic: 'events.raw.v1', fromBeginning: false },
      ends,
      committed: [{ partition: 0, offset: '30' }],
    });
    expect(lags.map((lag) => lag.lag)).toEqual([90, 0, 0]);
  });

  it('never reports a negative lag (a committed offset ahead of a truncated partition)', () => {
    const lags = partitionLags({
      group: { groupId: 'g', topic: 'events.raw.v1', fromBeginning: true },
      ends: [{ partition: 0, low: '0', high: '5' }],
      committed: [{ partition: 0, offset: '9' }],
    });
    expect(lags[0]!.lag).toBe(0);
  });
});
