import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BASE64_PATTERN } from './constants.js';
import { base64DecodedLength, decodeBase64, encodeBase64, isBase64 } from './base64.js';

describe('base64', () => {
  it('round-trips every length against Node', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 255);
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64DecodedLength(text)).toBe(n);
      expect(decodeBase64(text)).toEqual(bytes);
    }
  });

  it('rejects URL-safe, unpadded and stray characters', () => {
    for (const bad of ['-_8=', 'YQ', 'YQ=', 'Y===', 'YQ==\n', ' YQ==', 'YQ==YQ==', 'YW Jj', 'é===']) {
      expect(isBase64(bad), bad).toBe(false);
      expect(() => decodeBase64(bad)).toThrow(TypeError);
    }
    expect(isBase64('')).toBe(true);
  });
});

describe('isBase64 against the pattern it implements', () => {
  it('agrees with BASE64_PATTERN on random strings over the alphabet, padding and strays', () => {
    const chars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\u00e9');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }), (list) => {
        const text = list.join('');
        expect(isBase64(text)).toBe(text.length % 4 === 0 && BASE64_PATTERN.test(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['', 'AA==', 'AAA=', 'AAAA', 'A===', '====', 'AA=A', 'AA==AAAA', 'AAAAAA==']) {
      expect(isBase64(text)).toBe(BASE64_PATTERN.test(text));
    }
  });
});
