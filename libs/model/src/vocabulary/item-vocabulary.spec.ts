import { ModelError } from '../errors';
import {
  ItemVocabulary,
  OUT_OF_VOCABULARY_INDEX,
  PADDING_INDEX,
  RESERVED_ROWS,
} from './item-vocabulary';

describe('ItemVocabulary', () => {
  const vocabulary = ItemVocabulary.fromCounts([
    ['b', 5],
    ['a', 5],
    ['c', 9],
    ['rare', 1],
  ]);

  it('reserves row 0 for padding and row 1 for unknown items', () => {
    expect(PADDING_INDEX).toBe(0);
    expect(OUT_OF_VOCABULARY_INDEX).toBe(1);
    expect(vocabulary.indexOf('never-seen')).toBe(OUT_OF_VOCABULARY_INDEX);
    expect(vocabulary.itemIdAt(0)).toBeUndefined();
    expect(vocabulary.itemIdAt(1)).toBeUndefined();
  });

  it('orders items by descending frequency, ties by id', () => {
    expect(vocabulary.ids()).toEqual(['c', 'a', 'b', 'rare']);
    expect(vocabulary.indexOf('c')).toBe(RESERVED_ROWS);
    expect(vocabulary.itemIdAt(RESERVED_ROWS + 1)).toBe('a');
    expect(vocabulary.size).toBe(4 + RESERVED_ROWS);
    expect(vocabulary.itemCount).toBe(4);
  });

  it('keeps at most maxSize items, each seen at least minCount times', () => {
    const counts: Array<[string, number]> = [
      ['a', 3],
      ['b', 2],
      ['c', 1],
      ['d', 7],
    ];
    expect(ItemVocabulary.fromCounts(counts, { minCount: 2 }).ids()).toEqual(['d', 'a', 'b']);
    expect(ItemVocabulary.fromCounts(counts, { maxSize: 2 }).ids()).toEqual(['d', 'a']);
  });

  it('counts occurrences, and the sequences and candidates of examples', () => {
    expect(ItemVocabulary.fromOccurrences(['x', 'y', 'x']).ids()).toEqual(['x', 'y']);
    const fromExamples = ItemVocabulary.fromExamples([
      { sequence: ['p', 'q'], itemId: 'q' },
      { sequence: [], itemId: 'r' },
    ]);
    expect(fromExamples.ids()).toEqual(['q', 'p', 'r']);
  });

  it('left-pads sequences, most recent last, keeping the most recent when too long', () => {
    const padded = vocabulary.encodeSequence(['a', 'zzz', 'c'], 5);
    expect([...padded]).toEqual([0, 0, vocabulary.indexOf('a'), OUT_OF_VOCABULARY_INDEX, 2]);
    const truncated = vocabulary.encodeSequence(['rare', 'b', 'a', 'c'], 2);
    expect([...truncated]).toEqual([vocabulary.indexOf('a'), vocabulary.indexOf('c')]);
    expect([...vocabulary.encodeSequence([], 3)]).toEqual([0, 0, 0]);
  });

  it('encodes into a slice of a shared buffer', () => {
    const into = new Int32Array(6).fill(-1);
    vocabulary.encodeSequenceInto(['b'], { into, offset: 3, length: 3 });
    expect([...into]).toEqual([-1, -1, -1, 0, 0, vocabulary.indexOf('b')]);
  });

  it('encodes candidate ids', () => {
    expect([...vocabulary.encodeItems(['b', 'nope'])]).toEqual([vocabulary.indexOf('b'), 1]);
  });

  it('round-trips through JSON', () => {
    const restored = ItemVocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)));
    expect(restored.ids()).toEqual(vocabulary.ids());
    expect(restored.indexOf('b')).toBe(vocabulary.indexOf('b'));
  });

  it.each([null, {}, { formatVersion: 2, itemIds: [] }, { formatVersion: 1, itemIds: ['a', 'a'] }])(
    'refuses %j as JSON with VOCABULARY_INVALID',
    (json) => {
      expect(() => ItemVocabulary.fromJSON(json)).toThrow(
        expect.objectContaining({ code: 'VOCABULARY_INVALID' }) as ModelError,
      );
    },
  );
});
