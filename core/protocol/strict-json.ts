// Core side: JSON as PROTOCOL.md v2 reads a content object — "no duplicate keys: an object with duplicate keys
// is malformed". JSON.parse keeps the last of two equal keys silently, so the text is checked first.

/** The parsed value, or null when the text is not JSON or repeats a key inside one object. */
export function parseStrictJson(text: string): { value: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return hasDuplicateKeys(text) ? null : { value };
}

/** For text JSON.parse accepted: walks it once, keeping the keys seen per open object. */
function hasDuplicateKeys(text: string): boolean {
  const open: Array<Set<string> | null> = [];
  let atKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (atKey) {
        // Compare decoded keys: "a" and "\u0061" are the same key.
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = open[open.length - 1]!;
        if (keys.has(key)) return true;
        keys.add(key);
        atKey = false;
      }
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      atKey = true;
    } else if (c === '[') {
      open.push(null);
    } else if (c === '}' || c === ']') {
      open.pop();
      atKey = false;
    } else if (c === ',') {
      atKey = open[open.length - 1] instanceof Set;
    }
  }
  return false;
}
