import {
  erasureReceiptV1Schema,
  type ErasureReceiptV1,
  type UserErasedV1,
} from '@recsys/contracts';
import type { ErasureResult } from '@recsys/feature-store';
import { pseudonymiseAnonymousId, pseudonymiseUserId } from '@recsys/features';
import type { TopicRetention } from '@recsys/kafka';
import { EraseUserUseCase, type ErasurePorts } from './erase-user.usecase';
import { formatDuration } from './erasure-receipt';

const SECRET = 'collector-secret-0123456789';
const ERASED_AT = Date.parse('2026-11-29T12:00:00.000Z');
const DAY = 86_400_000;

function resultFor(requestId: string, found = true): ErasureResult {
  return {
    tombstone: {
      subject: 's_0f3a9c1e5b7d2f4a6c8e0b1d3f5a7c9e',
      erasedAtMs: ERASED_AT,
      requestId,
      firstErasedAtMs: ERASED_AT,
      erasures: 1,
      consentRefused: false,
    },
    removed: [
      {
        kind: 'user_profile',
        keyPattern: 'fs:v2:{u:<userKey>}:p',
        keys: found ? 1 : 0,
        entries: found ? 12 : 0,
      },
    ],
  };
}

function harness(options: { secret?: string; retention?: TopicRetention[] | Error } = {}) {
  const calls: string[] = [];
  const erasedKeys: string[] = [];
  const announced: UserErasedV1[] = [];
  const saved: ErasureReceiptV1[] = [];
  const ports: ErasurePorts = {
    erasures: {
      erase: async ({ userKey, requestId }) => {
        calls.push('erase');
        erasedKeys.push(userKey);
        return resultFor(requestId);
      },
    },
    announce: async (message) => {
      calls.push('announce');
      announced.push(message);
      return { topic: 'privacy.erasures.v1', partition: 0, offset: '41' };
    },
    retention: async () => {
      calls.push('retention');
      if (options.retention instanceof Error) throw options.retention;
      return options.retention ?? [];
    },
    receipts: {
      save: async (receipt) => {
        calls.push('save');
        saved.push(receipt);
      },
    },
  };
  const useCase = new EraseUserUseCase(
    ports,
    { pseudonymisationSecret: options.secret, userTtlSeconds: 90 * 86_400 },
    () => ERASED_AT - 5,
  );
  return { useCase, calls, erasedKeys, announced, saved };
}

describe('EraseUserUseCase', () => {
  it('erases under the collector’s pseudonym, then announces, then stores the receipt it returns', async () => {
    const { useCase, calls, erasedKeys, announced, saved } = harness({ secret: SECRET });

    const receipt = await useCase.execute({ userId: 'shopper-42', reason: 'GDPR art. 17 #12' });

    expect(calls).toEqual(['erase', 'announce', 'retention', 'save']);
    expect(erasedKeys).toEqual([pseudonymiseUserId(SECRET, 'shopper-42')]);
    expect(announced).toEqual([
      {
        schemaVersion: 1,
        requestId: receipt.requestId,
        subject: receipt.subject,
        erasedAt: '2026-11-29T12:00:00.000Z',
      },
    ]);
    expect(saved).toEqual([receipt]);
    expect(erasureReceiptV1Schema.parse(receipt)).toEqual(receipt);
    expect(receipt).toMatchObject({
      identity: 'user',
      outcome: 'erased',
      reason: 'GDPR art. 17 #12',
      announcement: { topic: 'privacy.erasures.v1', partition: 0, offset: '41' },
      tombstone: { created: true, erasures: 1 },
    });
    expect(JSON.stringify(receipt)).not.toContain('shopper-42');
    expect(JSON.stringify(receipt)).not.toContain(pseudonymiseUserId(SECRET, 'shopper-42'));
  });

  it('erases an anonymous id under the pseudonym the collector stores it by', async () => {
    const { useCase, erasedKeys } = harness({ secret: SECRET });
    const receipt = await useCase.execute({ anonymousId: 'device-7' });
    expect(erasedKeys).toEqual([pseudonymiseAnonymousId(SECRET, 'device-7')]);
    expect(receipt.identity).toBe('anonymous');
  });

  it('refuses a user or anonymous id when the pseudonymisation secret is not configured', async () => {
    const { useCase, calls } = harness();
    for (const request of [{ userId: 'shopper-42' }, { anonymousId: 'device-7' }]) {
      await expect(useCase.execute(request)).rejects.toMatchObject({
        code: 'PSEUDONYMISATION_UNCONFIGURED',
        retriable: false,
      });
    }
    expect(calls).toEqual([]);
  });

  it('states each topic’s retention from the broker, and says so when it cannot be read', async () => {
    const retention: TopicRetention[] = [
      {
        topic: 'events.raw.v1',
        exists: true,
        retentionMs: 7 * DAY,
        retentionBytes: null,
        cleanupPolicy: 'delete',
      },
      {
        topic: 'training.examples.v2',
        exists: true,
        retentionMs: null,
        retentionBytes: null,
        cleanupPolicy: 'delete',
      },
      {
        topic: 'recommendations.v1',
        exists: false,
        retentionMs: null,
        retentionBytes: null,
        cleanupPolicy: null,
      },
    ];
    const receipt = await harness({ secret: SECRET, retention }).useCase.execute({ userId: 'x' });
    const raw = receipt.retained.find((entry) => entry.where === 'kafka topic events.raw.v1')!;
    expect(raw).toMatchObject({ retentionMs: 7 * DAY });
    expect(raw.until).toMatch(/7 days/);
    const examples = receipt.retained.find(
      (entry) => entry.where === 'kafka topic training.examples.v2',
    )!;
    expect(examples.until).toMatch(/no time limit/);
    expect(receipt.retained.some((entry) => entry.where === 'kafka topic recommendations.v1')).toBe(
      false,
    );
    expect(receipt.retained.some((entry) => entry.what.includes('no parameter is per user'))).toBe(
      true,
    );

    const unreadable = await harness({
      secret: SECRET,
      retention: new Error('denied'),
    }).useCase.execute({
      userId: 'x',
    });
    expect(unreadable.notes.join(' ')).toMatch(/retention could not be read/);
    expect(
      unreadable.retained.find((entry) => entry.where === 'kafka topic events.raw.v1'),
    ).toMatchObject({
      retentionMs: null,
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [7 * DAY, '7 days'],
    [DAY, '1 day'],
    [36 * 3_600_000, '36 hours'],
    [90 * 60_000, '90 minutes'],
    [1_500, '1500 ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
