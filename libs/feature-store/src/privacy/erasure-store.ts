/**
 * Erasure of one user from Redis (layout: ../../FORMAT.md, "Privacy (v1)"), in this order:
 *   1. one atomic script writes the tombstone and deletes the user's own keys (profile, affinities,
 *      sequences, shown/clicked, purchased, experiment exposures). From then on every batch the
 *      preprocessor applies skips the user's erased events, in the same script run as the check, so an
 *      in-flight batch can neither re-create the keys nor slip in between;
 *   2. the user's short-lived impression lists are found by SCAN and deleted;
 *   3. the user is removed from the experiment and offer data that other keys own (arm and conversion
 *      sets, offer decisions, the user link of served requests), leaving their counters (aggregates).
 * Steps 2 and 3 walk the keyspace (SCAN, 1000 keys a call): an erasure is rare and may take seconds.
 */
import { AppError, type ErasedDataKind } from '@recsys/contracts';
import { experimentKeys } from '../experiments/experiment-keys';
import { featureKeys } from '../keys';
import { toLuaJson } from '../lua-json';
import type { RedisConnection } from '../redis-connection';
import type { ErasureSubjects } from './erasure-subjects';
import {
  CHECK_TOMBSTONE_KEY_LUA,
  ERASE_KEYS_LUA,
  ERASE_USER_LUA,
  REMOVE_USER_REFERENCES_LUA,
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
  /** Impression lists left to expire because their key could also belong to another user. */
  ambiguousKeysLeft: number;
}

/** The user's own keys, deleted with the tombstone write; `<userKey>` stands for the user's key. */
const OWN_KEYS: ReadonlyArray<{ kind: ErasedDataKind; key: (userKey: string) => string }> = [
  { kind: 'user_profile', key: featureKeys.userProfile },
  { kind: 'category_affinity', key: featureKeys.userCategories },
  { kind: 'brand_affinity', key: featureKeys.userBrands },
  { kind: 'recent_items', key: featureKeys.userSequence },
  { kind: 'session_items', key: featureKeys.userSessionItems },
  { kind: 'recommendations_shown', key: featureKeys.userShown },
  { kind: 'purchased_items', key: featureKeys.userPurchased },
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
const SCAN_COUNT = 1_000;

type RawErasure = [string, string, string, string, string, number, number[]];

interface ScriptClient {
  recsysEraseUser(root: string, payload: string): Promise<RawErasure>;
  recsysEraseKeys(keys: string): Promise<number[]>;
  recsysRemoveUserReferences(userKey: string, entries: string): Promise<number[]>;
  recsysCheckTombstoneKey(root: string, fingerprint: string): Promise<string>;
}

export class ErasureStore {
  constructor(
    private readonly redis: RedisConnection,
    readonly subjects: ErasureSubjects,
  ) {
    const define = (name: string, lua: string) =>
      redis.client.defineCommand(name, { numberOfKeys: 0, lua });
    define('recsysEraseUser', ERASE_USER_LUA);
    define('recsysEraseKeys', ERASE_KEYS_LUA);
    define('recsysRemoveUserReferences', REMOVE_USER_REFERENCES_LUA);
    define('recsysCheckTombstoneKey', CHECK_TOMBSTONE_KEY_LUA);
  }

  /**
   * Refuses (TOMBSTONE_KEY_MISMATCH) a tombstone secret other than the one the stored tombstones were
   * written with: lookups under another secret would silently find none. Call once at start-up.
   */
  async verifySecret(): Promise<'stored' | 'same' | 'replaced'> {
    const verdict = await this.script('check tombstone key', (client) =>
      client.recsysCheckTombstoneKey(this.root(), this.subjects.fingerprint()),
    );
    if (verdict === 'mismatch') {
      throw new AppError(
        'TOMBSTONE_KEY_MISMATCH',
        'PRIVACY_TOMBSTONE_SECRET differs from the secret the stored tombstones were written with',
      );
    }
    return verdict as 'stored' | 'same' | 'replaced';
  }

  /** Erases one user (see the file header for the order); `requestId` is recorded in the tombstone. */
  async erase(input: { userKey: string; requestId: string }): Promise<ErasureResult> {
    const { userKey, requestId } = input;
    const subject = this.subjects.subjectOf(userKey);
    const own = OWN_KEYS.map((entry) => ({ ...entry, full: this.full(entry.key(userKey)) }));
    const raw = await this.script('erase user', (client) =>
      client.recsysEraseUser(
        this.root(),
        toLuaJson({
          subject,
          req: requestId,
          profile: this.full(featureKeys.userProfile(userKey)),
          keys: own.map((entry) => entry.full),
        }),
      ),
    );
    const [at, previousAt, previousRequest, first, erasures, refused, sizes] = raw;
    const ownRemovals = own.map((entry, index) =>
      removal(entry.kind, entry.key('<userKey>'), [sizes[index] ?? -1]),
    );
    const impressions = await this.eraseImpressionLists(userKey);
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
      removed: [...ownRemovals, impressions.removal, ...references],
      ambiguousKeysLeft: impressions.ambiguous,
    };
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

  /** `imp:<requestId>` lists; one whose request id holds `}` could be another user's: left to expire. */
  private async eraseImpressionLists(
    userKey: string,
  ): Promise<{ removal: Removal; ambiguous: number }> {
    const stem = featureKeys.userImpression(userKey, '');
    const sizes: number[] = [];
    let ambiguous = 0;
    await this.scanPages(`${globEscape(stem)}*`, async (keys) => {
      const exact = keys.filter((key) => !key.slice(stem.length).includes('}'));
      ambiguous += keys.length - exact.length;
      if (exact.length === 0) return;
      const full = toLuaJson(exact.map((key) => this.full(key)));
      sizes.push(
        ...(await this.script('erase impressions', (client) => client.recsysEraseKeys(full))),
      );
    });
    const pattern = featureKeys.userImpression('<userKey>', '<requestId>');
    return { removal: removal('impression_lists', pattern, sizes), ambiguous };
  }

  private async removeReferences(userKey: string): Promise<Removal[]> {
    const removed = new Map<Reference, { keys: number }>(
      REFERENCES.map((ref) => [ref, { keys: 0 }]),
    );
    await this.scanPages(REFERENCE_SCAN, async (keys) => {
      const entries = keys.flatMap((key) => {
        const reference = REFERENCES.find((candidate) => candidate.match.test(key));
        return reference === undefined ? [] : [{ reference, key }];
      });
      if (entries.length === 0) return;
      const payload = toLuaJson(
        entries.map(({ reference, key }) => [reference.op, this.full(key)]),
      );
      const done = await this.script('remove user references', (client) =>
        client.recsysRemoveUserReferences(userKey, payload),
      );
      entries.forEach(({ reference }, index) => {
        removed.get(reference)!.keys += done[index] === 1 ? 1 : 0;
      });
    });
    return REFERENCES.map((reference) => ({
      kind: reference.kind,
      keyPattern: reference.keyPattern,
      keys: removed.get(reference)!.keys,
      entries: removed.get(reference)!.keys,
    }));
  }

  /** SCAN under the connection's prefix, one page at a time (keys without the prefix). */
  private async scanPages(
    pattern: string,
    handle: (keys: string[]) => Promise<void>,
  ): Promise<void> {
    const prefix = this.redis.keyPrefix;
    let cursor = '0';
    do {
      const [next, page] = await this.redis.run('scan for user data', (client) =>
        client.scan(cursor, 'MATCH', `${globEscape(prefix)}${pattern}`, 'COUNT', SCAN_COUNT),
      );
      if (page.length > 0) await handle(page.map((key) => key.slice(prefix.length)));
      cursor = next;
    } while (cursor !== '0');
  }

  private root(): string {
    return this.full(privacyKeys.root);
  }

  private full(key: string): string {
    return `${this.redis.keyPrefix}${key}`;
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
