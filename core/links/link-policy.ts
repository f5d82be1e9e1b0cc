// The one rule for links in messages, shared by the web window, the desktop window and the desktop main
// process (which checks again before handing a link to the system browser). Plain TypeScript over the
// WHATWG URL parser: nothing Node-only, nothing DOM-only, so every client runs the very same check.
//
// A link opens only when it is an absolute http:// or https:// address with a real host, no user name or
// password (`https://good.example@evil.example` opens evil.example), no backslash (parsers disagree on it:
// `https://evil.example\@good.example` opens evil.example) and no control, formatting or space character
// (they can hide what opens, or make a launcher read a different address). What a person is asked about is
// the host that really opens: the parser's hostname, so a non-ASCII or mixed-script host shows as its
// punycode (`https://раураl.com` asks "Open xn--l-7sbab2b.com?", not "Open paypal.com?").

export const MAX_LINK_LENGTH = 2048;

export type LinkCheck =
  | {
      ok: true;
      /** The normalized address to open (WHATWG URL href; the host in punycode). */
      url: string;
      /** The host that will really open (URL hostname: lowercase, punycode for non-ASCII). */
      host: string;
    }
  | { ok: false; reason: string };

/** Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
/** Control, invisible formatting (bidi marks, zero-width characters…), line/paragraph separators and spaces. */
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cf}\p{Z}]/u;
const WEB_SCHEME = /^https?:\/\//i;

export const REFUSED_LINK_MESSAGE =
  'Only web links (http:// or https://) without a user name or password, backslashes or hidden characters can be opened.';

function refuse(reason: string): LinkCheck {
  return { ok: false, reason };
}

/** Whether `raw` may be opened, and if so the exact address and the host that will open. */
export function checkLink(raw: unknown): LinkCheck {
  if (typeof raw !== 'string' || raw.length === 0) return refuse('The link is empty.');
  if (raw.length > MAX_LINK_LENGTH) return refuse('The link is too long to open.');
  if (FORBIDDEN_CHARACTERS.test(raw)) return refuse('The link contains spaces, control or hidden characters.');
  if (raw.includes('\\')) return refuse('The link contains a backslash.');
  if (!WEB_SCHEME.test(raw)) return refuse('Only http:// and https:// links can be opened.');
  // The authority is what follows "//" up to the path, query or fragment. Any "@" in it is user info, even
  // an empty one (`https://@evil.example`) that the parser would silently drop.
  const afterScheme = raw.slice(raw.indexOf('//') + 2);
  const authority = afterScheme.split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) return refuse('The link contains a user name or password before the host.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('The link is not a valid web address.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('Only http:// and https:// links can be opened.');
  if (url.username !== '' || url.password !== '') return refuse('The link contains a user name or password before the host.');
  if (url.hostname === '') return refuse('The link has no host.');
  if (url.href.length > MAX_LINK_LENGTH) return refuse('The link is too long to open.');
  return { ok: true, url: url.href, host: url.hostname };
}

/** The normalized address when `raw` may be opened, else null. */
export function safeLinkUrl(raw: unknown): string | null {
  const checked = checkLink(raw);
  return checked.ok ? checked.url : null;
}

/** Text shown for a link, without bidi controls that could make it read differently from what it is. */
export function linkText(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
