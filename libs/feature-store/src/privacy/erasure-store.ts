/**
 * Erasure of one user from Redis (layout: ../../FORMAT.md, "Privacy (v1)"), in this order:
 *   1. one atomic script writes the tombstone, deletes the user's own keys (profile, affinities,
 *      sequences, shown/clicked, purchased, impressions, experiment exposures) and resets the user's
 *      guard to the erasure mark. From then on the feature writer skips the user's erased events, and a
 *      writer still holding the user's state from before finds another mark and re-reads, so an
 *      in-flight batch can neither re-create the keys nor slip in between;
 *   2. the user is removed from the experiment and offer data that other keys own (arm and conversion
 *      sets, offer decisions, the user link of served requests), leaving their counters (aggregates).
 * Step 2 walks the keyspace (SCAN, 1000 keys a call): an erasure is rare and may take seconds.
 */
import { AppError, type ErasedDataKind } from '@recsys/contracts';
import { guardFields } from '@recsys/features';
import { readStoredUser } from '../reads';
import { experimentKeys } from '../experiments/experiment-keys';
import { featureKeys } from '../keys';
import type { RedisConnection } from '../redis-connection';
import type { ErasureSubjects } from './erasure-subjects';
import {
  ERASE_USER_KEYS_LUA,
  REMOVE_USER_REFERENCE_LUA,
  WRITE_TOMBSTONE_LUA,
} from './lua/erasure.lua';
import { privacyKeys } from './privacy-keys';

export interface Removal {
  kind: ErasedDataKind;
  keyPattern: string;
  keys: number;
  entries: number;
}

export interface Tombstone {
  subject: string;
  erasedAtMs: number;
  requestId: string;
  firstErasedAtMs: number;
  erasures: number;
  /** The user's refusal of personalisation, carried past the erasure. */
  consentRefused: boolean;
}

export interface ErasureResult {
  tombstone: Tombstone;
  /** The tombstone found before this erasure (an earlier erasure of the same user). */
  previous?: { requestId: string; erasedAtMs: number };
  removed: Removal[];
}

/** The user's own keys, deleted with the tombstone write; `<userKey>` stands for the user's key. */
const OWN_KEYS: ReadonlyArray<{ kind: ErasedDataKind; key: (userKey: string) => string }> = [
  { kind: 'user_features', key: featureKeys.userState },
  // The keys the packed state replaced (a user not written since it was introduced).
  { kind: 'user_profile', key: featureKeys.userProfile },
  { kind: 'category_affinity', key: featureKeys.userCategories },
  { kind: 'brand_affinity', key: featureKeys.userBrands },
  { kind: 'recent_items', key: featureKeys.userSequence },
  { kind: 'session_items', key: featureKeys.userSessionItems },
  { kind: 'recommendations_shown', key: featureKeys.userShown },
  { kind: 'purchased_items', key: featureKeys.userPurchased },
  { kind: 'impression_lists', key: featureKeys.userImpressions },
  { kind: 'experiment_exposures', key: experimentKeys.userExposures },
];

type ReferenceOp = 'srem' | 'hdel' | 'unlink_req';
interface Reference {
  kind: ErasedDataKind;
  keyPattern: string;
  op: ReferenceOp;
  match: RegExp;
}

const EXP = experimentKeys.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Keys owned by experiments and offers that may name the user; ids are `[A-Za-z0-9_.:-]`. */
const REFERENCES: readonly Reference[] = [
  {
    kind: 'served_request_links',
    keyPattern: `${experimentKeys.request('<requestId>')} field u`,
    op: 'unlink_req',
    match: new RegExp(`^${EXP}req:`),
  },
  {
    kind: 'experiment_arm_membership',
    keyPattern: experimentKeys.exposedUsers('<experimentId>', '<arm>'),
    op: 'srem',
    match: new RegExp(`^${EXP}\\{e:[^}]*\\}:xu:`),
  },
  {
    kind: 'experiment_conversions',
    keyPattern: experimentKeys.convertedUsers('<experimentId>', '<arm>'),
    op: 'srem',
    match: new RegExp(`^${EXP}\\{e:[^}]*\\}:cu:`),
  },
  {
    kind: 'offer_decisions',
    keyPattern: experimentKeys.offerDecisions('<campaignId>'),
    op: 'hdel',
    match: new RegExp(`^${EXP}\\{o:[^}]*\\}:d$`),
  },
  {
    kind: 'offer_conversions',
    keyPattern: experimentKeys.offerConvertedUsers('<campaignId>'),
    op: 'srem',
    match: new RegExp(`^${EXP}\\{o:[^}]*\\}:cu$`),
  },
];

/** Experiment keys that can hold a user reference: `{e:…}`, `{o:…}` and `req:` (not `{u:…}`, `seen:`). */
const REFERENCE_SCAN = `${experimentKeys.root}[{r][eo]*`;

/**
 * How long the erasure mark outlives the erasure: longer than any batch a preprocessor can still be
 * applying with the user's state read before it (a writer that already flushed the user conflicts on
 * its applied offset whenever it comes, mark or not). The mark names the user's pseudonym, so it
 * does not stay: an hour.
 */
export const ERASURE_MARK_TTL_SECONDS = 3_600;

type RawTombstone = [string, string, string, string, string, number];

interface ScriptClient {
  recsysWriteTombstone(tombstone: string, requestId: string, stated: string): Promise<RawTombstone>;
  recsysEraseUserKeys(numberOfKeys: number, ...keysAndArgs: string[]): Promise<number[]>;
  recsysRemoveUserReference(key: string, op: string, userKey: string): Promise<number>;
}

export class ErasureStore {
  constructor(
    private readonly redis: RedisConnection,
    readonly subjects: ErasureSubjects,
  ) {
    redis.client.defineCommand('recsysWriteTombstone', {
      numberOfKeys: 1,
      lua: WRITE_TOMBSTONE_LUA,
    });
    redis.client.defineCommand('recsysEraseUserKeys', { lua: ERASE_USER_KEYS_LUA });
    redis.client.defineCommand('recsysRemoveUserReference', {
      numberOfKeys: 1,
      lua: REMOVE_USER_REFERENCE_LUA,
    });
  }

  /**
   * Refuses (TOMBSTONE_KEY_MISMATCH) a tombstone secret other than the one the stored tombstones were
   * written with: lookups under another secret would silently find none. Call once at start-up.
   */
  async verifySecret(): Promise<'stored' | 'same' | 'replaced'> {
    const verdict = await this.checkSecret(this.subjects.fingerprint());
    if (verdict === 'mismatch') {
      throw new AppError(
        'TOMBSTONE_KEY_MISMATCH',
        'PRIVACY_TOMBSTONE_SECRET differs from the secret the stored tombstones were written with',
      );
    }
    return verdict;
  }

  /**
   * Stores the fingerprint when none is stored (or when no tombstone exists yet, so a development setup
   * can switch to a real secret). Run at start-up; the two keys live in different slots.
   */
  private async checkSecret(
    fingerprint: string,
  ): Promise<'stored' | 'same' | 'replaced' | 'mismatch'> {
    return this.redis.run('check tombstone key', async (client) => {
      const current = await client.get(privacyKeys.keyCheck());
      if (current === fingerprint) return 'same';
      if (current === null) {
        if ((await client.set(privacyKeys.keyCheck(), fingerprint, 'NX')) === 'OK') return 'stored';
        return (await client.get(privacyKeys.keyCheck())) === fingerprint ? 'same' : 'mismatch';
      }
      if ((await client.zcard(privacyKeys.erasedIndex())) > 0) return 'mismatch';
      await client.set(privacyKeys.keyCheck(), fingerprint);
      return 'replaced';
    });
  }

  /** Erases one user (see the file header for the order); `requestId` is recorded in the tombstone. */
  async erase(input: { userKey: string; requestId: string }): Promise<ErasureResult> {
    const { userKey, requestId } = input;
    const subject = this.subjects.subjectOf(userKey);
    const stated = (await readStoredUser(this.redis, userKey)).profile['optout'];
    // The tombstone first: from then on the writer skips the user's erased events.
    const [at, previousAt, previousRequest, first, erasures, refused] = await this.script(
      'write tombstone',
      (client) =>
        client.recsysWriteTombstone(privacyKeys.tombstone(subject), requestId, stated ?? ''),
    );
    await this.redis.run('index erasure', (client) =>
      client.zadd(privacyKeys.erasedIndex(), at, subject),
    );
    const own = OWN_KEYS.map((entry) => entry.key(userKey));
    const guard = featureKeys.userGuard(userKey);
    const sizes = await this.script('erase user keys', (client) =>
      client.recsysEraseUserKeys(
        own.length + 1,
        guard,
        ...own,
        guardFields.erasureMark,
        at,
        String(ERASURE_MARK_TTL_SECONDS),
      ),
    );
    const ownRemovals = OWN_KEYS.map((entry, index) =>
      removal(entry.kind, entry.key('<userKey>'), [sizes[index] ?? -1]),
    );
    const references = await this.removeReferences(userKey);
    return {
      tombstone: {
        subject,
        erasedAtMs: Number(at),
        requestId,
        firstErasedAtMs: Number(first),
        erasures: Number(erasures),
        consentRefused: Number(refused) === 1,
      },
      ...(previousAt === ''
        ? {}
        : { previous: { requestId: previousRequest, erasedAtMs: Number(previousAt) } }),
      removed: [...ownRemovals, ...references],
    };
  }

  /**
   * Every key whose name holds the user key, but the erasure mark (the guard reset to the erasure time
   * alone, which expires within the hour): what an erasure left of the user (empty after one).
   */
  async keysLeftOf(userKey: string): Promise<string[]> {
    const keys = await this.redis.scanKeys(`*${globEscape(userKey)}*`);
    const guard = featureKeys.userGuard(userKey);
    if (!keys.includes(guard)) return keys;
    const fields = await this.redis.run('read guard', (client) => client.hkeys(guard));
    const onlyMark = fields.length === 1 && fields[0] === guardFields.erasureMark;
    return onlyMark ? keys.filter((key) => key !== guard) : keys;
  }

  async tombstoneOf(subject: string): Promise<Tombstone | undefined> {
    const [at, requestId, first, erasures, optout] = await this.redis.run(
      'read tombstone',
      (client) => client.hmget(privacyKeys.tombstone(subject), 'at', 'req', 'first', 'n', 'optout'),
    );
    if (at === null || at === undefined) return undefined;
    return {
      subject,
      erasedAtMs: Number(at),
      requestId: requestId ?? '',
      firstErasedAtMs: Number(first ?? at),
      erasures: Number(erasures ?? 1),
      consentRefused: optout === '1',
    };
  }

  /** Subjects erased at or after `sinceMs`, with their latest erasure time; read in pages. */
  async erasedSince(sinceMs: number, pageSize = 5_000): Promise<Map<string, number>> {
    const erased = new Map<string, number>();
    for (let offset = 0; ; offset += pageSize) {
      const flat = await this.redis.run('read erasures', (client) =>
        client.zrangebyscore(
          privacyKeys.erasedIndex(),
          String(Math.trunc(sinceMs)),
          '+inf',
          'WITHSCORES',
          'LIMIT',
          offset,
          pageSize,
        ),
      );
      for (let index = 0; index + 1 < flat.length; index += 2)
        erased.set(flat[index]!, Number(flat[index + 1]));
      if (flat.length < pageSize * 2) return erased;
    }
  }

  /**
   * The latest erasure time (ms) of each subject, undefined for one never erased: one ZMSCORE per page
   * of the erasure index, for callers that check many users at once (the scorer's offers).
   */
  async erasedAtOf(
    subjects: readonly string[],
    pageSize = 1_000,
  ): Promise<Array<number | undefined>> {
    const erasedAt: Array<number | undefined> = [];
    for (let offset = 0; offset < subjects.length; offset += pageSize) {
      const page = subjects.slice(offset, offset + pageSize);
      const scores = await this.redis.run('read erasure times', (client) =>
        client.zmscore(privacyKeys.erasedIndex(), ...page),
      );
      erasedAt.push(...scores.map((score) => (score === null ? undefined : Number(score))));
    }
    return erasedAt;
  }

  /** Tombstones stored (all subjects ever erased). */
  async tombstoneCount(): Promise<number> {
    return this.redis.run('count tombstones', (client) => client.zcard(privacyKeys.erasedIndex()));
  }

  private async removeReferences(userKey: string): Promise<Removal[]> {
    const removed = new Map<Reference, number>(REFERENCES.map((ref) => [ref, 0]));
    const keys = await this.redis.scanKeys(REFERENCE_SCAN);
    for (const key of keys) {
      const reference = REFERENCES.find((candidate) => candidate.match.test(key));
      if (reference === undefined) continue;
      const done = await this.script('remove user reference', (client) =>
        client.recsysRemoveUserReference(key, reference.op, userKey),
      );
      if (done === 1) removed.set(reference, removed.get(reference)! + 1);
    }
    return REFERENCES.map((reference) => ({
      kind: reference.kind,
      keyPattern: reference.keyPattern,
      keys: removed.get(reference)!,
      entries: removed.get(reference)!,
    }));
  }

  private async script<T>(
    description: string,
    call: (client: ScriptClient) => Promise<T>,
  ): Promise<T> {
    return this.redis.run(description, (client) => call(client as unknown as ScriptClient));
  }
}

/** A Removal from sizes reported by a script (-1 = the key did not exist). */
function removal(kind: ErasedDataKind, keyPattern: string, sizes: readonly number[]): Removal {
  const present = sizes.filter((size) => size >= 0);
  return {
    kind,
    keyPattern,
    keys: present.length,
    entries: present.reduce((sum, size) => sum + size, 0),
  };
}

/** Escapes Redis glob characters, so a user key is matched literally. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
