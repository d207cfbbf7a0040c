import fc from 'fast-check';
import { toLuaJson, wellFormed } from './lua-json';

describe('toLuaJson', () => {
  it('replaces lone surrogates (which Lua cjson refuses) and keeps pairs, emoji and text', () => {
    expect(toLuaJson({ i: 'item-lone \udc00 low', j: ['\ud800x', '👨‍👩‍👧‍👦', 'שלום'] })).toBe(
      '{"i":"item-lone \ufffd low","j":["\ufffdx","👨‍👩‍👧‍👦","שלום"]}',
    );
  });

  it('never emits a surrogate escape, and changes nothing in well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(toLuaJson(text)).not.toMatch(/\\ud[89a-f]/i);
        expect(Buffer.from(wellFormed(text), 'utf8').toString('utf8')).toBe(wellFormed(text));
        const alreadyWellFormed = text === Buffer.from(text, 'utf8').toString('utf8');
        expect(wellFormed(text) === text).toBe(alreadyWellFormed);
      }),
      { numRuns: 300, seed: 20_261_129 },
    );
  });
});
