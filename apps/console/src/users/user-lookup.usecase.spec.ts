import { pseudonymiseAnonymousId, pseudonymiseUserId, type StoredUser } from '@recsys/features';
import { RecentEvents } from '../live/recent-events';
import type { ScorerAnswer, ScorerRequest } from './scorer-client';
import { UserLookupUseCase } from './user-lookup.usecase';

const SECRET = 'console-lookup-secret-0123456789';
const EMPTY: StoredUser = { profile: {}, categoryAffinity: {}, brandAffinity: {}, sequence: [] };

/** A store that records which keys were read, and a scorer that records what it was asked. */
function harness(options: { secret?: string } = { secret: SECRET }) {
  const readKeys: string[] = [];
  const asked: ScorerRequest[] = [];
  const useCase = new UserLookupUseCase({
    store: {
      readUser: (userKey) => {
        readKeys.push(userKey);
        return Promise.resolve(EMPTY);
      },
      readItems: () => Promise.resolve(new Map()),
    },
    recent: new RecentEvents(),
    scorer: {
      recommendationsFor: (request) => {
        asked.push(request);
        return Promise.resolve({
          status: 'unreachable',
          error: { code: 'SCORER_UNREACHABLE', message: 'away', httpStatus: null },
        } satisfies ScorerAnswer);
      },
    },
    pseudonymisationSecret: options.secret,
  });
  return { useCase, readKeys, asked };
}

describe('UserLookupUseCase', () => {
  it('reads an anonymous shopper under the pseudonym the collector stores them by', async () => {
    const { useCase, readKeys, asked } = harness();
    const lookup = await useCase.execute({ id: 'device-9', kind: 'anonymous', k: 5 });
    expect(readKeys).toEqual([pseudonymiseAnonymousId(SECRET, 'device-9')]);
    expect(lookup.userKey).toBe(pseudonymiseAnonymousId(SECRET, 'device-9'));
    // The scorer pseudonymises the raw id itself, the same way.
    expect(asked).toEqual([{ id: 'device-9', anonymous: true, k: 5 }]);
  });

  it('reads a storefront user under their pseudonym and asks the scorer by the storefront id', async () => {
    const { useCase, readKeys, asked } = harness();
    await useCase.execute({ id: 'alice', kind: 'user', k: 5 });
    expect(readKeys).toEqual([pseudonymiseUserId(SECRET, 'alice')]);
    expect(asked).toEqual([{ id: 'alice', anonymous: false, k: 5 }]);
  });

  it('reads a feature-store key as it is and does not ask the scorer to pseudonymise it again', async () => {
    const { useCase, readKeys, asked } = harness({});
    const key = pseudonymiseAnonymousId(SECRET, 'device-9');
    const lookup = await useCase.execute({ id: key, kind: 'key', k: 5 });
    expect(readKeys).toEqual([key]);
    expect(asked).toEqual([]);
    expect(lookup.recommendations).toMatchObject({
      status: 'error',
      error: { code: 'LOOKUP_BY_KEY' },
    });
  });

  it('refuses a user or anonymous id without the pseudonymisation secret', async () => {
    const { useCase } = harness({});
    for (const kind of ['user', 'anonymous'] as const) {
      await expect(useCase.execute({ id: 'x', kind, k: 5 })).rejects.toMatchObject({
        code: 'REQUEST_INVALID',
      });
    }
  });
});
