// WebDrafts over a memory store: concurrent saves of different drafts all land; blank text deletes.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../../core/client/store.js';
import { WebDrafts } from './web-drafts.js';

describe('WebDrafts', () => {
  it('keeps every draft of saves made at once, and deletes a blank one', async () => {
    const store = new MemoryStore();
    const drafts = new WebDrafts(store);
    await Promise.all([drafts.save('a', 'one'), drafts.save('b', 'two'), drafts.save('c', 'three')]);
    expect(await new WebDrafts(store).all()).toEqual({ a: 'one', b: 'two', c: 'three' });
    await Promise.all([drafts.save('a', ''), drafts.save('b', ' '), drafts.save('c', '')]);
    expect(await drafts.all()).toEqual({});
    expect(await store.get('window-drafts')).toBeNull();
  });
});
