// CLI side: how anything from the server or from other people is printed. ONE sanitizer (escapeForTerminal)
// is used for every such string — message text, usernames, reasons, server error messages, connection
// details — so none of them can drive the terminal: C0/C1 controls (ESC, the one-byte CSI U+009B and OSC
// U+009D), DEL, bidi marks, embeddings, overrides and isolates, zero-width characters, line and paragraph
// separators and every other invisible format character are shown escaped (`\u202e`), never passed through.
/**
 * Everything that is not shown as itself: Cc (C0, DEL, C1), Cf (format: LRM/RLM/ALM U+200E/U+200F/U+061C,
 * zero-width U+200B–U+200D/U+2060/U+FEFF, bidi U+202A–U+202E/U+2066–U+2069, soft hyphen, tags…), Zl/Zp
 * (U+2028/U+2029), Cs (lone surrogates), and the invisible Hangul fillers and grapheme joiner that are not Cf.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034f\u115f\u1160\u3164\uffa0]/gu;

function escapeCodePoint(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * The one sanitizer. `lines: true` keeps line feeds (and tabs) so multi-line text stays multi-line;
 * `lines: false` escapes them too, for fields that must stay on one line (names, reasons, error messages).
 */
export function escapeForTerminal(text: string, options: { lines: boolean }): string {
  return text.replace(UNSAFE, (c) => ((c === '\t' || (c === '\n' && options.lines)) ? c : escapeCodePoint(c)));
}

/** Multi-line text (message bodies): line feeds and tabs kept, everything else escaped. */
export function safeText(text: string): string {
  return escapeForTerminal(text, { lines: true });
}

/** One-line text (usernames, reasons, server messages): line feeds escaped as well. */
export function safeLine(text: string): string {
  return escapeForTerminal(text, { lines: false });
}

/** Continuation lines of a message start with this; a header line never does (it starts with "["). */
export const CONTINUATION = '  │ ';

/** JSON for the terminal: the same characters escaped as JSON \u escapes, so it still parses to the same value. */
export function safeJson(value: unknown): string {
  // Raw line feeds here are the indentation's (JSON.stringify escapes them inside strings); keep those.
  return JSON.stringify(value, null, 2).replace(UNSAFE, (c) =>
    c === '\n' ? c : [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The one time format of everything the terminal client prints: `2026-11-25 12:00`, in this computer's time
 * zone (`--json` keeps ISO 8601 UTC). An ISO timestamp or milliseconds; question marks when there is none.
 */
export function when(time: string | number | null): string {
  const date = time === null || time === '' ? null : new Date(time);
  if (date === null || Number.isNaN(date.getTime())) return '????-??-?? ??:??';
  return `${String(date.getFullYear()).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
