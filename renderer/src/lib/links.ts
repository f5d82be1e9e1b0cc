// Message text is shown as text. Web addresses inside it become links only when the one link policy
// (core/links/link-policy.ts, shared with the desktop main process) accepts them; they are opened only
// through ChatApi.openLink after the person confirmed the host (LinkConfirmDialog), never by the page
// navigating itself.
import { checkLink, linkText, safeLinkUrl } from '../../../core/links/link-policy.js';

export { checkLink, linkText, safeLinkUrl };

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string; host: string };

const CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
const TRAILING_CHAR = /[.,;:!?'")\]}]/;

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
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
    const checked = checkLink(candidate);
    const start = match.index;
    // A refused address (user info, backslash, control or hidden characters…) stays plain text.
    if (!checked.ok) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: linkText(candidate), url: checked.url, host: checked.host });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
