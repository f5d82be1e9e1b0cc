// The one envelope and the adapters built on it: a reply that is no envelope reads as a lost connection, and
// arguments cross as plain data even when the window hands over its reactive state (a Proxy cannot be cloned).
import { describe, expect, it } from 'vitest';
import { chatApiOver, openEnvelope } from './envelope.js';

const LOST = { code: 'server_error' as const, message: 'gone' };

describe('chatApiOver', () => {
  it('passes a proxied argument on as plain, cloneable data', async () => {
    const seen: unknown[][] = [];
    const api = chatApiOver(async (_method, args) => {
      seen.push(structuredClone(args));
      return undefined as never;
    }, () => () => undefined);
    const members = new Proxy(['bob', 'carol'], {});
    expect(() => structuredClone(members)).toThrow();
    await api.createGroup({ name: 'Family', members });
    expect(seen).toEqual([[{ name: 'Family', members: ['bob', 'carol'] }]]);
  });
});

describe('openEnvelope', () => {
  it('opens a value, throws the carried error, and reads anything else as the other side lost', async () => {
    expect(await openEnvelope(Promise.resolve({ ok: true, value: 3 }), LOST)).toBe(3);
    await expect(openEnvelope(Promise.resolve({ ok: false, error: { code: 'held', message: 'waits' } }), LOST)).rejects.toMatchObject({ info: { code: 'held', message: 'waits' } });
    await expect(openEnvelope(Promise.resolve({ ok: false, error: { code: 'nonsense', message: 'x' } }), LOST)).rejects.toMatchObject({ info: LOST });
    await expect(openEnvelope(Promise.reject(new Error('closed')), LOST)).rejects.toMatchObject({ info: LOST });
  });
});
