import { describe, expect, it } from 'vitest';
import { safeLinkUrl, splitLinks } from './links.js';

describe('splitLinks', () => {
  it('keeps plain text as one text segment', () => {
    expect(splitLinks('hello <b>world</b>')).toEqual([{ kind: 'text', text: 'hello <b>world</b>' }]);
  });

  it('finds http and https addresses and leaves the closing punctuation out', () => {
    expect(splitLinks('see https://example.org/a?b=1, and http://x.test/.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', url: 'https://example.org/a?b=1', host: 'example.org' },
      { kind: 'text', text: ', and ' },
      { kind: 'link', text: 'http://x.test/', url: 'http://x.test/', host: 'x.test' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('keeps a balanced closing parenthesis that belongs to the address', () => {
    const [, link, rest] = splitLinks('(https://en.wikipedia.org/wiki/Foo_(bar))');
    expect(link).toEqual({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)', url: 'https://en.wikipedia.org/wiki/Foo_(bar)', host: 'en.wikipedia.org' });
    expect(rest).toEqual({ kind: 'text', text: ')' });
  });

  it('never makes links of other schemes', () => {
    const text = 'javascript:alert(1) data:text/html,<x> file:///etc/passwd';
    expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
  });

  it('leaves links the policy refuses as plain text: user info, backslash, control characters', () => {
    for (const text of ['go https://user:pw@host.example/x now', 'see https://evil.example\\@good.example', 'a https://example.org/\u0007b', 'x https://evil.example\u202e/gpj.exe']) {
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('links a non-ASCII host under the host that really opens (punycode)', () => {
    expect(splitLinks('https://раураl.com')).toEqual([
      { kind: 'link', text: 'https://раураl.com', url: 'https://xn--l-7sba6dbr.com/', host: 'xn--l-7sba6dbr.com' },
    ]);
  });
});

describe('safeLinkUrl', () => {
  it('accepts only absolute http(s) URLs', () => {
    expect(safeLinkUrl('https://example.org')).toBe('https://example.org/');
    expect(safeLinkUrl('javascript:alert(1)')).toBeNull();
    expect(safeLinkUrl('//example.org')).toBeNull();
    expect(safeLinkUrl('not a url')).toBeNull();
  });
});
