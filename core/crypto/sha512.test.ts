// The pure-JS incremental SHA-512 against WebCrypto's one-shot digest: every length around the block and
// padding edges, split into pieces of every awkward size.
import { describe, expect, it } from 'vitest';
import { JsSha512 } from './sha512.js';
import { sha512, toHex } from './webcrypto.js';

const data = (length: number) => Uint8Array.from({ length }, (_, j) => (j * 131 + 7) % 251);

describe('JsSha512', () => {
  it('gives the FIPS 180-4 digests of "" and "abc"', () => {
    expect(toHex(new JsSha512().digest())).toBe(
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    );
    expect(toHex(new JsSha512().update(new TextEncoder().encode('abc')).digest())).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('matches WebCrypto at every length from 0 to 300 and around 64 KiB', async () => {
    const lengths = [...Array.from({ length: 301 }, (_, i) => i), 65535, 65536, 65537, 150_000];
    for (const length of lengths) {
      const bytes = data(length);
      expect(toHex(new JsSha512().update(bytes).digest()), `length ${length}`).toBe(toHex(await sha512(bytes)));
    }
  });

  it('gives the same digest however the input is cut into pieces', async () => {
    const bytes = data(70_001);
    const expected = toHex(await sha512(bytes));
    for (const piece of [1, 7, 111, 127, 128, 129, 4096, 65_536]) {
      const hash = new JsSha512();
      for (let at = 0; at < bytes.length; at += piece) hash.update(bytes.subarray(at, at + piece));
      expect(toHex(hash.digest()), `pieces of ${piece}`).toBe(expected);
    }
  });

  it('is spent once it gave its digest', () => {
    const hash = new JsSha512();
    hash.digest();
    expect(() => hash.digest()).toThrow(/already/);
    expect(() => hash.update(new Uint8Array(1))).toThrow(/already/);
  });
});
