// What a ChatApi call's arguments become before they cross a boundary: JSON's plain data, with bytes kept.
import { describe, expect, it } from 'vitest';
import { plainData } from './envelope.js';

describe('plainData', () => {
  it('copies like JSON does, but a Uint8Array stays bytes', () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const args = [{ to: 'bob', files: [{ name: 'a', bytes, skip: undefined, f: () => 1 }], n: Number.NaN, when: new Date(0), list: [undefined, 1] }];
    const copy = plainData(args) as [{ files: [{ bytes: Uint8Array }] }];
    expect(copy).toEqual([{ to: 'bob', files: [{ name: 'a', bytes }], n: null, when: '1970-01-01T00:00:00.000Z', list: [null, 1] }]);
    expect(copy[0].files[0].bytes).toBeInstanceOf(Uint8Array);
    expect(JSON.stringify(plainData({ a: [1, 'x', true, null] }))).toBe(JSON.stringify(JSON.parse(JSON.stringify({ a: [1, 'x', true, null] }))));
    // A proxy (as a window's reactive state is) comes out as a plain object.
    const proxied = new Proxy({ text: 'hi' }, {});
    expect(plainData(proxied)).toEqual({ text: 'hi' });
  });
});
