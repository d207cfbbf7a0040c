import { decidePromotion } from './promotion-policy';

const scores = (auc: number) => ({ auc, logLoss: 0.5 });

describe('decidePromotion', () => {
  it('promotes the first model only when it beats the baseline', () => {
    expect(
      decidePromotion({
        challenger: scores(0.7),
        champion: undefined,
        baselineAuc: 0.6,
        margin: 0,
      }),
    ).toMatchObject({ promote: true, reason: 'first_model' });
    expect(
      decidePromotion({
        challenger: scores(0.6),
        champion: undefined,
        baselineAuc: 0.6,
        margin: 0,
      }),
    ).toMatchObject({ promote: false, reason: 'worse_than_baseline' });
  });

  it('promotes a challenger only when it beats the champion by the margin', () => {
    const base = { champion: scores(0.7), baselineAuc: 0.5, margin: 0.01 };
    expect(decidePromotion({ ...base, challenger: scores(0.71) })).toMatchObject({
      promote: true,
      reason: 'beat_champion',
    });
    expect(decidePromotion({ ...base, challenger: scores(0.709) })).toMatchObject({
      promote: false,
      reason: 'did_not_beat_champion',
    });
  });
});
