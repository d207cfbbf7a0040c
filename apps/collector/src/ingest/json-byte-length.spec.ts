import fc from 'fast-check';
import { contractJsonSchema, storefrontEventSchema } from '@recsys/contracts';
import { arbitraryFromJsonSchema, nastyText, propertyParameters } from '@recsys/testing';
import { jsonByteLength } from './json-byte-length';

const stringified = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Any UTF-16 code unit, lone surrogates and controls included. */
const anyUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
});

describe('jsonByteLength', () => {
  it('is the byte length of JSON.stringify for any parsed JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonByteLength(value)).toBe(stringified(value));
      }),
      propertyParameters(500),
    );
  });

  it('counts escapes, multi-byte characters, surrogate pairs and lone surrogates as JSON.stringify writes them', () => {
    const text = fc.oneof(anyUnits, fc.string({ unit: 'binary' }), nastyText());
    fc.assert(
      fc.property(text, fc.dictionary(text, text), (value, record) => {
        expect(jsonByteLength(value)).toBe(stringified(value));
        expect(jsonByteLength(record)).toBe(stringified(record));
      }),
      propertyParameters(500),
    );
    for (const value of [
      '"\\',
      '\b\t\n\f\r\u0000\u001f\u007f',
      '\ud83d\ude00',
      '\ud83d',
      '\ude00x',
    ])
      expect(jsonByteLength(value)).toBe(stringified(value));
  });

  it('writes numbers as JSON does, non-finite ones as null', () => {
    for (const value of [0, -0, 1e21, 1e-7, -1.5e-300, 2 ** 53, 0.1 + 0.2, Infinity, NaN])
      expect(jsonByteLength([value])).toBe(stringified([value]));
  });

  it('is the size of every storefront event its JSON Schema generates', () => {
    fc.assert(
      fc.property(arbitraryFromJsonSchema(contractJsonSchema(storefrontEventSchema)), (event) => {
        const parsed: unknown = JSON.parse(JSON.stringify(event));
        expect(jsonByteLength(parsed)).toBe(stringified(parsed));
      }),
      propertyParameters(200),
    );
  });
});
