// drafts.ts: a draft saved, replaced and deleted; the oldest dropped past the limit; stored data read back safely.
import { describe, expect, it } from 'vitest';
import { draftKey, draftPrefix, MAX_DRAFTS, parseDrafts, withDraft } from './drafts.js';

describe('drafts', () => {
  const key = draftKey('https://chat.example.org', 'alice', 'bob');

  it('keys a draft by server, account and conversation', () => {
    expect(key.startsWith(draftPrefix('https://chat.example.org', 'alice'))).toBe(true);
    expect(key).not.toBe(draftKey('https://chat.example.org', 'alicia', 'bob'));
    expect(key).not.toBe(draftKey('https://other.example.org', 'alice', 'bob'));
  });

  it('saves, replaces and (with blank text) deletes a draft', () => {
    const saved = withDraft({}, key, 'half a thought');
    expect(saved).toEqual({ [key]: 'half a thought' });
    expect(withDraft(saved, key, 'a whole thought')).toEqual({ [key]: 'a whole thought' });
    expect(withDraft(saved, key, '  \n ')).toEqual({});
  });

  it('keeps the newest drafts past the limit', () => {
    let drafts: Record<string, string> = {};
    for (let i = 0; i <= MAX_DRAFTS; i++) drafts = withDraft(drafts, `k${i}`, `draft ${i}`);
    expect(Object.keys(drafts)).toHaveLength(MAX_DRAFTS);
    expect(drafts.k0).toBeUndefined();
    expect(drafts[`k${MAX_DRAFTS}`]).toBe(`draft ${MAX_DRAFTS}`);
  });

  it('reads back only valid drafts, and nothing from damaged data', () => {
    expect(parseDrafts(null)).toEqual({});
    expect(parseDrafts('not json')).toEqual({});
    expect(parseDrafts('[1,2]')).toEqual({});
    expect(parseDrafts(JSON.stringify({ [key]: 'kept', other: 7, '': 'no key', blank: ' ' }))).toEqual({ [key]: 'kept' });
  });
});
