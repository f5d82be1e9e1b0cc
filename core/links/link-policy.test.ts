import { describe, expect, it } from 'vitest';
import { checkLink, linkText, MAX_LINK_LENGTH, safeLinkUrl } from './link-policy.js';

describe('checkLink', () => {
  it.each([
    ['https://example.org', 'https://example.org/', 'example.org'],
    ['http://example.org/a?b=1#c', 'http://example.org/a?b=1#c', 'example.org'],
    ['HTTPS://Example.ORG/Path', 'https://example.org/Path', 'example.org'],
    ['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'en.wikipedia.org'],
    ['https://example.org/a@b', 'https://example.org/a@b', 'example.org'],
    ['https://example.org/?mail=a@b.example', 'https://example.org/?mail=a@b.example', 'example.org'],
    ['https://xn--mnchen-3ya.de/', 'https://xn--mnchen-3ya.de/', 'xn--mnchen-3ya.de'],
    // Non-ASCII and mixed-script hosts: the host that opens is shown as punycode.
    ['https://münchen.de/x', 'https://xn--mnchen-3ya.de/x', 'xn--mnchen-3ya.de'],
    ['https://раураl.com', 'https://xn--l-7sba6dbr.com/', 'xn--l-7sba6dbr.com'],
    // Percent-encoding in the host is decoded by the parser: the host shown is the one that opens.
    ['https://evil%2eexample/', 'https://evil.example/', 'evil.example'],
    ['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080/x', '127.0.0.1'],
    ['http://[::1]:8080/', 'http://[::1]:8080/', '[::1]'],
  ])('accepts %s', (raw, url, host) => {
    expect(checkLink(raw)).toEqual({ ok: true, url, host });
    expect(safeLinkUrl(raw)).toBe(url);
  });

  it.each([
    ['https://a@b.example', /user name or password/],
    ['https://user:pw@host.example/', /user name or password/],
    ['https://good.example@evil.example/', /user name or password/],
    ['https://@evil.example', /user name or password/],
    ['https://:@evil.example', /user name or password/],
    ['https://evil.example\\@good.example', /backslash/],
    ['https:\\\\evil.example', /backslash/],
    ['https://evil.example\u202e/moc.doog', /hidden characters/],
    ['https://evil.example\u2066x', /hidden characters/],
    ['https://exa\u200bmple.org', /hidden characters/],
    ['https://example.org/\u0000', /control/],
    ['https://example.org/\u0007a', /control/],
    ['https://example.org/\u009b', /control/],
    ['https://example.org/\na', /control/],
    ['https://example.org/a b', /spaces/],
    ['https://example.org/\u00a0', /spaces/],
    ['javascript:alert(1)', /http/],
    ['data:text/html,<x>', /http/],
    ['file:///etc/passwd', /http/],
    ['ftp://example.org/', /http/],
    ['https:example.org', /http/],
    ['//example.org', /http/],
    ['not a url', /spaces/],
    ['https://', /valid|host/],
    ['https://exa mple.org', /spaces/],
    ['', /empty/],
    [`https://example.org/${'a'.repeat(MAX_LINK_LENGTH)}`, /too long/],
  ])('refuses %j', (raw, reason) => {
    const checked = checkLink(raw);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
    expect(safeLinkUrl(raw)).toBeNull();
  });

  it('refuses what is not text', () => {
    for (const value of [undefined, null, 42, {}, ['https://example.org']]) expect(checkLink(value).ok).toBe(false);
  });
});

describe('linkText', () => {
  it('strips bidi embedding, override and isolate controls', () => {
    expect(linkText('https://example.org/\u202egpj.exe')).toBe('https://example.org/gpj.exe');
    expect(linkText('\u202a\u202b\u202c\u202d\u202ea\u2066\u2067\u2068\u2069b')).toBe('ab');
  });

  it('leaves other text alone', () => {
    expect(linkText('https://example.org/שלום')).toBe('https://example.org/שלום');
  });
});
