/**
 * Item id → embedding row. Row 0 is padding (never an item), row 1 stands for every item outside the
 * vocabulary; items follow by descending frequency (ties by id, so equal counts give equal vocabularies).
 * The JSON form is part of the model artifact (ModelMetadata.vocabulary): change it only additively.
 */
import { ModelError } from '../errors';

export const PADDING_INDEX = 0;
export const OUT_OF_VOCABULARY_INDEX = 1;
/** Rows before the first item: padding and out-of-vocabulary. */
export const RESERVED_ROWS = 2;

export interface ItemVocabularyOptions {
  /** Most items kept (the most frequent); reserved rows not counted. @default 100_000 */
  maxSize?: number;
  /** Fewest occurrences an item needs to be kept. @default 1 */
  minCount?: number;
}

export interface ItemVocabularyJson {
  formatVersion: 1;
  /** Item ids in row order, starting at row RESERVED_ROWS. */
  itemIds: string[];
}

const DEFAULT_MAX_SIZE = 100_000;

export interface EncodeSequenceTarget {
  into: Int32Array;
  /** Where the `length` slots of this sequence start in `into`. */
  offset: number;
  length: number;
}

export class ItemVocabulary {
  private readonly rowById: ReadonlyMap<string, number>;

  private constructor(private readonly itemIds: readonly string[]) {
    this.rowById = new Map(itemIds.map((id, position) => [id, position + RESERVED_ROWS]));
  }

  /** Keeps the most frequent items from (id, count) pairs; repeated ids have their counts added. */
  static fromCounts(
    counts: Iterable<readonly [string, number]>,
    options: ItemVocabularyOptions = {},
  ): ItemVocabulary {
    const totals = new Map<string, number>();
    for (const [id, count] of counts) totals.set(id, (totals.get(id) ?? 0) + count);
    const minCount = options.minCount ?? 1;
    const kept = [...totals]
      .filter(([, count]) => count >= minCount)
      .sort(
        ([idA, countA], [idB, countB]) => countB - countA || (idA < idB ? -1 : idA > idB ? 1 : 0),
      )
      .slice(0, options.maxSize ?? DEFAULT_MAX_SIZE)
      .map(([id]) => id);
    return new ItemVocabulary(kept);
  }

  /** Counts each occurrence of an id (e.g. every item of every sequence plus every candidate). */
  static fromOccurrences(
    ids: Iterable<string>,
    options: ItemVocabularyOptions = {},
  ): ItemVocabulary {
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    return ItemVocabulary.fromCounts(counts, options);
  }

  /** Counts the items of labelled examples: their sequences and their candidate items. */
  static fromExamples(
    examples: Iterable<{ readonly sequence: readonly string[]; readonly itemId: string }>,
    options: ItemVocabularyOptions = {},
  ): ItemVocabulary {
    function* occurrences(): Generator<string> {
      for (const example of examples) {
        yield* example.sequence;
        yield example.itemId;
      }
    }
    return ItemVocabulary.fromOccurrences(occurrences(), options);
  }

  static fromJSON(json: unknown): ItemVocabulary {
    const candidate = json as Partial<ItemVocabularyJson> | null;
    const itemIds = candidate?.itemIds;
    const valid =
      candidate?.formatVersion === 1 &&
      Array.isArray(itemIds) &&
      itemIds.every((id) => typeof id === 'string') &&
      new Set(itemIds).size === itemIds.length;
    if (!valid) {
      throw new ModelError('VOCABULARY_INVALID', 'Not an item vocabulary (formatVersion 1).');
    }
    return new ItemVocabulary([...itemIds]);
  }

  toJSON(): ItemVocabularyJson {
    return { formatVersion: 1, itemIds: [...this.itemIds] };
  }

  /** Rows of an embedding over this vocabulary: the items plus the reserved rows. */
  get size(): number {
    return this.itemIds.length + RESERVED_ROWS;
  }

  /** Number of real items. */
  get itemCount(): number {
    return this.itemIds.length;
  }

  has(itemId: string): boolean {
    return this.rowById.has(itemId);
  }

  /** The item's row, or OUT_OF_VOCABULARY_INDEX. */
  indexOf(itemId: string): number {
    return this.rowById.get(itemId) ?? OUT_OF_VOCABULARY_INDEX;
  }

  /** The item at a row, or undefined for the reserved rows and rows past the end. */
  itemIdAt(index: number): string | undefined {
    return index < RESERVED_ROWS ? undefined : this.itemIds[index - RESERVED_ROWS];
  }

  /** Item ids in row order (row RESERVED_ROWS first). */
  ids(): readonly string[] {
    return this.itemIds;
  }

  /**
   * Writes the last `length` items of a sequence (most recent last) into `length` slots, left-padded
   * with PADDING_INDEX: [a, b, c] with length 5 → [0, 0, a, b, c]; longer sequences keep their tail.
   */
  encodeSequenceInto(sequence: readonly string[], target: EncodeSequenceTarget): void {
    const { into, offset, length } = target;
    const kept = Math.min(sequence.length, length);
    const padding = length - kept;
    into.fill(PADDING_INDEX, offset, offset + padding);
    const first = sequence.length - kept;
    for (let position = 0; position < kept; position += 1) {
      into[offset + padding + position] = this.indexOf(sequence[first + position] ?? '');
    }
  }

  encodeSequence(sequence: readonly string[], length: number): Int32Array {
    const into = new Int32Array(length);
    this.encodeSequenceInto(sequence, { into, offset: 0, length });
    return into;
  }

  encodeItems(itemIds: readonly string[]): Int32Array {
    return Int32Array.from(itemIds, (id) => this.indexOf(id));
  }
}
