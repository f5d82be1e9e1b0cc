// Message text is shown as text. Web addresses inside it become links, but only http(s) ones, and they are
// opened only through ChatApi.openLink (which checks again), never by the page navigating itself.

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string };

const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_CHAR = /[.,;:!?'")\]}]/;

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/** The URL in its normalized form when `text` is an absolute http(s) address, else null. */
export function safeLinkUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname) return null;
  return url.href;
}

export function splitLinks(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    let candidate = match[0];
    // A sentence's closing punctuation is not part of the address; a balanced ")" is (Wikipedia links).
    while (candidate.length > 0 && TRAILING_CHAR.test(candidate[candidate.length - 1]!)) {
      const tail = candidate[candidate.length - 1]!;
      if (tail === ')' && count(candidate, '(') >= count(candidate, ')')) break;
      candidate = candidate.slice(0, -1);
    }
    const url = safeLinkUrl(candidate);
    const start = match.index;
    if (url === null) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: candidate, url });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
