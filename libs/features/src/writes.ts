/**
 * The closed set of writes feature logic may ask of the store (in the spirit of Metarank's `Write`), and
 * their compaction: every write names a key by family within a slot group (a user, an item, or a shard of
 * the shared aggregates), and many writes of one key in one flush become one write (increments summed,
 * the last value of a field kept, list pushes concatenated). The store turns families into keys (its
 * keys.ts) and executes a group's writes atomically; it knows no feature.
 */

/** Whose keys a group holds: all keys of a group share a Redis Cluster slot. */
export type SlotGroupKind = 'user' | 'item' | 'shard';

/** Key families per group kind (FORMAT.md names the key of each). */
export interface KeyFamilies {
  user:
    | 'state'
    | 'shown'
    | 'purchased'
    | 'impressions'
    // The keys a user's packed state replaced: only ever deleted (packed-user-state.ts).
    | 'profile'
    | 'categories'
    | 'brands'
    | 'sequence'
    | 'sessionItems';
  item: 'item' | 'coVisitation';
  shard: 'popularity' | 'popularityOfDay' | 'popularityOfCategory' | 'quality';
}

const NO_ENTRIES: ReadonlyMap<string, never> = new Map<string, never>();
const NO_FIELDS: ReadonlySet<string> = new Set();

type MapField =
  'setFields' | 'setFieldsIfAbsent' | 'increments' | 'memberIncrements' | 'memberScores';

/**
 * The writes of one key, compacted. Collections are shared empties until first written: a flush
 * touches thousands of keys, most with one or two kinds of write.
 */
export class KeyWrites {
  /** Hash fields to delete, applied first. */
  deleteFields: ReadonlySet<string> = NO_FIELDS;
  /** Hash fields set to a value. */
  setFields: ReadonlyMap<string, string> = NO_ENTRIES;
  /** Hash fields set only when absent. */
  setFieldsIfAbsent: ReadonlyMap<string, string> = NO_ENTRIES;
  /** Hash fields incremented (summed over the flush). */
  increments: ReadonlyMap<string, number> = NO_ENTRIES;
  /** Sorted-set members incremented (summed over the flush). */
  memberIncrements: ReadonlyMap<string, number> = NO_ENTRIES;
  /** Sorted-set members set to a score. */
  memberScores: ReadonlyMap<string, number> = NO_ENTRIES;
  /** Values pushed to the head of a list, newest first. */
  listPush: string[] = [];
  /** The whole value of a string key (replaces what it held); undefined = not written. */
  value: string | undefined = undefined;
  /** Cap of the sorted set (top by score) or list (newest) after the writes; 0 = none. */
  keep = 0;
  /** Time to live set after the writes (seconds); 0 = none. */
  expireSeconds = 0;
  /** Delete the key before anything else. */
  deleteKey = false;

  /** The named map, made this key's own on first write. */
  own<V extends string | number>(field: MapField): Map<string, V> {
    if (this[field] === NO_ENTRIES) this[field] = new Map<string, V>() as never;
    return this[field] as Map<string, V>;
  }

  ownDeleteFields(): Set<string> {
    if (this.deleteFields === NO_FIELDS) this.deleteFields = new Set();
    return this.deleteFields as Set<string>;
  }

  /** Forgets a field's pending writes of the given kinds. */
  drop(field: string, kinds: readonly MapField[]): void {
    for (const kind of kinds) if (this[kind].has(field)) this.own(kind).delete(field);
  }

  /** Back to no writes, keeping the cap (a deleted key is rebuilt from this flush's writes). */
  reset(): void {
    const keep = this.keep;
    Object.assign(this, new KeyWrites(), { deleteKey: true, keep });
  }
}

/** `family` or `family:qualifier` (e.g. `popularityOfDay:20261207`). */
export interface KeyName<K extends SlotGroupKind> {
  family: KeyFamilies[K];
  qualifier?: string;
}

/** A key of a group: its family, or its family and qualifier. */
export type KeyRef<K extends SlotGroupKind> = KeyFamilies[K] | KeyName<K>;

/** The compacted writes of one slot group (one user, one item or one shard) in one flush. */
export class SlotGroupWrites<K extends SlotGroupKind = SlotGroupKind> {
  readonly keys = new Map<string, { name: KeyName<K>; writes: KeyWrites }>();
  /** Set the TTL of every key of the group that has one, written or not (a periodic refresh). */
  refreshTtl = false;

  constructor(
    readonly kind: K,
    readonly id: string,
  ) {}

  private of(key: KeyRef<K>): KeyWrites {
    const name: KeyName<K> = typeof key === 'string' ? { family: key } : key;
    const id = name.qualifier === undefined ? name.family : `${name.family}:${name.qualifier}`;
    let entry = this.keys.get(id);
    if (entry === undefined) {
      entry = { name, writes: new KeyWrites() };
      this.keys.set(id, entry);
    }
    return entry.writes;
  }

  /** Adds `by` to a hash field (a count, a sum, or a forward-decayed term). */
  increment(key: KeyRef<K>, field: string, by: number): this {
    const writes = this.of(key);
    const set = writes.setFields.get(field);
    if (set !== undefined) writes.own<string>('setFields').set(field, String(Number(set) + by));
    else writes.own<number>('increments').set(field, (writes.increments.get(field) ?? 0) + by);
    return this;
  }

  /** Sets a hash field; the last value of a flush wins, and replaces an increment of the same field. */
  setField(key: KeyRef<K>, field: string, value: string): this {
    const writes = this.of(key);
    writes.drop(field, ['increments']);
    if (writes.deleteFields.has(field)) writes.ownDeleteFields().delete(field);
    writes.own<string>('setFields').set(field, value);
    return this;
  }

  /** Sets a hash field unless it already holds a value; the first value of a flush wins. */
  setFieldIfAbsent(key: KeyRef<K>, field: string, value: string): this {
    const writes = this.of(key);
    if (!writes.setFieldsIfAbsent.has(field))
      writes.own<string>('setFieldsIfAbsent').set(field, value);
    return this;
  }

  deleteField(key: KeyRef<K>, field: string): this {
    const writes = this.of(key);
    writes.drop(field, ['setFields', 'increments']);
    writes.ownDeleteFields().add(field);
    return this;
  }

  /** Adds `by` to a member of a sorted set kept to its `keep` highest members. */
  sortedSetIncrement(key: KeyRef<K>, member: string, change: { by: number; keep: number }): this {
    const writes = this.of(key);
    const by = (writes.memberIncrements.get(member) ?? 0) + change.by;
    writes.own<number>('memberIncrements').set(member, by);
    writes.keep = change.keep;
    return this;
  }

  /** Sets a member's score in a sorted set kept to its `keep` highest members. */
  sortedSetAdd(key: KeyRef<K>, member: string, change: { score: number; keep: number }): this {
    const writes = this.of(key);
    writes.drop(member, ['memberIncrements']);
    writes.own<number>('memberScores').set(member, change.score);
    writes.keep = change.keep;
    return this;
  }

  /** Pushes a value to the head of a list kept to its `keep` newest values. */
  listPush(key: KeyRef<K>, value: string, keep: number): this {
    const writes = this.of(key);
    writes.listPush.unshift(value);
    if (writes.listPush.length > keep) writes.listPush.length = keep;
    writes.keep = keep;
    return this;
  }

  /** Sets a string key's whole value; the last value of a flush wins. */
  setValue(key: KeyRef<K>, value: string): this {
    this.of(key).value = value;
    return this;
  }

  /** Deletes the key first (its other writes of this flush then start from empty). */
  deleteKey(key: KeyRef<K>): this {
    this.of(key).reset();
    return this;
  }

  expire(key: KeyRef<K>, seconds: number): this {
    const writes = this.of(key);
    writes.expireSeconds = Math.max(writes.expireSeconds, seconds);
    return this;
  }

  get isEmpty(): boolean {
    return this.keys.size === 0;
  }
}

/** Every slot group's writes of one flush, created on first use. */
export class FlushWrites {
  readonly users = new Map<string, SlotGroupWrites<'user'>>();
  readonly items = new Map<string, SlotGroupWrites<'item'>>();
  readonly shards = new Map<string, SlotGroupWrites<'shard'>>();
  /** Erased users whose later events stated consent: user key → refusal now carried by the tombstone. */
  readonly tombstoneConsent = new Map<string, boolean>();

  user(userKey: string): SlotGroupWrites<'user'> {
    return groupOf(this.users, 'user', userKey);
  }

  item(itemId: string): SlotGroupWrites<'item'> {
    return groupOf(this.items, 'item', itemId);
  }

  shard(shardId: string): SlotGroupWrites<'shard'> {
    return groupOf(this.shards, 'shard', shardId);
  }
}

function groupOf<K extends SlotGroupKind>(
  groups: Map<string, SlotGroupWrites<K>>,
  kind: K,
  id: string,
): SlotGroupWrites<K> {
  let group = groups.get(id);
  if (group === undefined) {
    group = new SlotGroupWrites(kind, id);
    groups.set(id, group);
  }
  return group;
}
