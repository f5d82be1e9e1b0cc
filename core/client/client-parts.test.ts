// assembleParts on its own: the key-stretching rounds a client is made with are checked before anything else.
import { describe, expect, it } from 'vitest';
import { toChatErrorInfo } from '../api/errors.js';
import { assembleParts, type FacadeHooks } from './client-parts.js';
import { MemoryStore } from './store.js';

const hooks = {} as FacadeHooks;
const build = (kdfIterations?: number) => () => assembleParts('https://chat.example', { serverUrl: 'https://chat.example', store: new MemoryStore(), kdfIterations }, hooks);

describe('assembleParts', () => {
  it('refuses rounds below the minimum, above the maximum, or not whole', () => {
    for (const rounds of [1_000, 1e12, 210_000.5]) {
      let error: unknown = null;
      try {
        build(rounds)();
      } catch (e) {
        error = e;
      }
      expect(toChatErrorInfo(error).code).toBe('invalid_input');
    }
  });

  it('builds every part with the default rounds', () => {
    expect(Object.keys(build()()).sort()).toEqual(['account', 'actions', 'api', 'attachments', 'contacts', 'conversations', 'devices', 'groups', 'keyLog', 'keys', 'live', 'previews', 'readCursors', 'reader', 'recovery', 'sender', 'sync', 'views']);
  });
});
