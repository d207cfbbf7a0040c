import { armAt, assignArm, bucketValue } from './bucketing';
import { chiSquareGoodnessOfFit } from './chi-square';
import { type Arm, type Experiment, parseExperiment } from './experiment';

const USERS = Array.from({ length: 100_000 }, (_, index) => `u_${index}`);
let positions: number[] | undefined;

function experimentWith(shares: number[], overrides: Partial<Experiment> = {}): Experiment {
  return parseExperiment({
    id: 'exp-bucketing',
    description: 'bucketing test',
    status: 'draft',
    arms: shares.map((share, index) => ({
      name: `arm${index}`,
      share,
      strategy: { kind: 'popularity' },
    })),
    controlArm: 'arm0',
    primaryMetric: 'ctr',
    guardrails: { minImpressionsPerArm: 0, minUsersPerArm: 0, maxConversionDrop: 0, alpha: 0.05 },
    autoPromote: false,
    ...overrides,
  });
}

function countsByArm(experiment: Experiment): number[] {
  const counts = experiment.arms.map(() => 0);
  const indexOf = new Map(experiment.arms.map((arm, index) => [arm.name, index]));
  for (const userKey of USERS) {
    const index = indexOf.get(assignArm(experiment, userKey).name)!;
    counts[index] = counts[index]! + 1;
  }
  return counts;
}

describe('bucketValue', () => {
  it('matches SHA-256(experimentId ␟ salt ␟ userKey) computed independently (Python hashlib)', () => {
    // Values from: int.from_bytes(sha256(f"{e}\x1f{s}\x1f{u}").digest()[:7], "big") >> 4) / 2**52
    expect(bucketValue({ experimentId: 'exp-1', userKey: 'u_1' })).toBe(0.6932035899055242);
    expect(bucketValue({ experimentId: 'exp-1', salt: 's2', userKey: 'u_1' })).toBe(
      0.2354101732231877,
    );
    expect(
      bucketValue({
        experimentId: 'home-ranker-2026',
        salt: '',
        userKey: 'u_0123456789abcdef0123456789abcdef',
      }),
    ).toBe(0.9836659377185248);
  });

  it('is the same on every call and always inside [0, 1)', () => {
    for (const userKey of USERS.slice(0, 2_000)) {
      const u = bucketValue({ experimentId: 'exp', userKey });
      expect(u).toBe(bucketValue({ experimentId: 'exp', userKey }));
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('keeps the parts apart: ("ab", "c") and ("a", "bc") land differently', () => {
    expect(bucketValue({ experimentId: 'ab', userKey: 'c' })).not.toBe(
      bucketValue({ experimentId: 'a', userKey: 'bc' }),
    );
  });

  it('is uncorrelated between experiments (a user in arm A of one is not likelier in arm A of another)', () => {
    const n = 20_000;
    let sumXY = 0;
    let sumX = 0;
    let sumY = 0;
    let sumX2 = 0;
    let sumY2 = 0;
    for (const userKey of USERS.slice(0, n)) {
      const x = bucketValue({ experimentId: 'exp-a', userKey });
      const y = bucketValue({ experimentId: 'exp-b', userKey });
      sumXY += x * y;
      sumX += x;
      sumY += y;
      sumX2 += x * x;
      sumY2 += y * y;
    }
    const covariance = sumXY / n - (sumX / n) * (sumY / n);
    const correlation =
      covariance / Math.sqrt((sumX2 / n - (sumX / n) ** 2) * (sumY2 / n - (sumY / n) ** 2));
    // Standard error of a null correlation is 1/√n ≈ 0.007.
    expect(Math.abs(correlation)).toBeLessThan(0.03);
  });
});

describe('assignArm', () => {
  it('splits 100k users as the shares say (χ² goodness of fit, p > 0.001)', () => {
    const experiment = experimentWith([0.5, 0.3, 0.2]);
    const counts = countsByArm(experiment);
    const fit = chiSquareGoodnessOfFit(counts, [0.5, 0.3, 0.2]);
    // Critical value of χ²₂ at 0.001 is 13.82.
    expect(fit.statistic).toBeLessThan(13.82);
    expect(fit.pValue).toBeGreaterThan(0.001);
    expect(counts[0]! / USERS.length).toBeCloseTo(0.5, 2);
  });

  it('changes with the salt (a restart re-randomises)', () => {
    const plain = experimentWith([0.5, 0.5]);
    const salted = experimentWith([0.5, 0.5], { salt: 'restart-1' });
    const changed = USERS.slice(0, 10_000).filter(
      (userKey) => assignArm(plain, userKey).name !== assignArm(salted, userKey).name,
    ).length;
    expect(changed / 10_000).toBeGreaterThan(0.45);
    expect(changed / 10_000).toBeLessThan(0.55);
  });

  it('ramping 50/50 to 60/40 moves only the 10 % that must move, all from arm1 to arm0', () => {
    const before = experimentWith([0.5, 0.5]);
    const after = experimentWith([0.6, 0.4]);
    const moves = movesBetween(before, after);
    expect([...moves.keys()]).toEqual(['arm1→arm0']);
    expect(moves.get('arm1→arm0')! / USERS.length).toBeCloseTo(0.1, 2);
  });

  it('taking share from a neighbour moves exactly that share and leaves the other arms alone', () => {
    const before = experimentWith([0.5, 0.25, 0.25]);
    const after = experimentWith([0.4, 0.35, 0.25]);
    const moves = movesBetween(before, after);
    expect([...moves.keys()]).toEqual(['arm0→arm1']);
    expect(moves.get('arm0→arm1')! / USERS.length).toBeCloseTo(0.1, 2);
  });

  it('adding an arm at the end with share taken from the last arm moves only that share', () => {
    const before = experimentWith([0.5, 0.5]);
    const after = experimentWith([0.5, 0.4, 0.1]);
    const moves = movesBetween(before, after);
    expect([...moves.keys()]).toEqual(['arm1→arm2']);
    expect(moves.get('arm1→arm2')! / USERS.length).toBeCloseTo(0.1, 2);
  });
});

describe('armAt', () => {
  const arms: Array<Pick<Arm, 'name' | 'share'>> = [
    { name: 'a', share: 0.25 },
    { name: 'off', share: 0 },
    { name: 'b', share: 0.75 },
  ];

  it('uses half-open cumulative ranges and never picks a zero-share arm', () => {
    expect(armAt(arms, 0).name).toBe('a');
    expect(armAt(arms, 0.2499999).name).toBe('a');
    expect(armAt(arms, 0.25).name).toBe('b');
  });

  it('gives rounding slack at the top to the last arm with a positive share', () => {
    const slack = [
      { name: 'x', share: 0.3 },
      { name: 'y', share: 0.7 - 1e-12 },
      { name: 'z', share: 0 },
    ];
    expect(armAt(slack, 0.9999999999999).name).toBe('y');
  });
});

/** Moves between arms when the shares change (positions hashed once: same id, same salt). */
function movesBetween(before: Experiment, after: Experiment): Map<string, number> {
  positions ??= USERS.map((userKey) => bucketValue({ experimentId: before.id, userKey }));
  const moves = new Map<string, number>();
  for (const u of positions) {
    const from = armAt(before.arms, u).name;
    const to = armAt(after.arms, u).name;
    if (from !== to) moves.set(`${from}→${to}`, (moves.get(`${from}→${to}`) ?? 0) + 1);
  }
  return moves;
}
