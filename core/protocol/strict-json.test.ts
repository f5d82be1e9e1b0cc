import { describe, expect, it } from 'vitest';
import { parseStrictJson } from './strict-json.js';

describe('parseStrictJson', () => {
  it('parses JSON without repeated keys', () => {
    expect(parseStrictJson('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toEqual({ value: { a: 1, b: { a: 2 }, c: [{ a: 3 }, { a: 4 }] } });
    expect(parseStrictJson('{"text":"a \\" , { \\"type\\": 1"}')).toEqual({ value: { text: 'a " , { "type": 1' } });
    expect(parseStrictJson('[]')).toEqual({ value: [] });
  });

  it('refuses a key repeated in one object, also when written with escapes', () => {
    expect(parseStrictJson('{"type":"text","type":"edit"}')).toBeNull();
    expect(parseStrictJson('{"a":1,"\\u0061":2}')).toBeNull();
    expect(parseStrictJson('{"x":{"k":1,"k":2}}')).toBeNull();
    expect(parseStrictJson('[{"k":1},{"k":2,"k":3}]')).toBeNull();
  });

  it('refuses what is not JSON', () => {
    expect(parseStrictJson('{"a":1,}')).toBeNull();
    expect(parseStrictJson('')).toBeNull();
  });
});
