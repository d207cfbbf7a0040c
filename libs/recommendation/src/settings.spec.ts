import { recommendationSettingsOf } from './settings';

describe('recommendationSettingsOf', () => {
  it('fills every default', () => {
    const settings = recommendationSettingsOf();
    expect(settings.maxCandidates).toBe(200);
    expect(settings.sourceWeights.co_visitation).toBe(1);
    expect(settings.unavailable).toEqual(['out_of_stock', 'discontinued']);
  });

  it('merges partial source weights with the defaults', () => {
    const settings = recommendationSettingsOf({ sourceWeights: { popular: 0.9 } });
    expect(settings.sourceWeights).toMatchObject({ popular: 0.9, trending: 0.5 });
  });

  it('refuses invalid and unknown keys', () => {
    expect(() => recommendationSettingsOf({ maxCandidates: 0 })).toThrow();
    expect(() => recommendationSettingsOf({ maxCandidate: 10 } as never)).toThrow();
  });
});
