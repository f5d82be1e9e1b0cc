// DeviceMemory on its own: per server and account, and never keeping or sending a value a header cannot carry.
import { describe, expect, it } from 'vitest';
import { DeviceMemory } from './device-memory.js';
import { MemoryStore } from './store.js';

describe('DeviceMemory', () => {
  it('keeps the device credential per server and account, and sends it back', async () => {
    const store = new MemoryStore();
    const memory = new DeviceMemory(store, 'https://chat.example');
    expect(await memory.credentialHeaders('alice_1')).toEqual({});
    await memory.keepCredential('alice_1', 'credential-1');
    expect(await memory.credentialHeaders('alice_1')).toEqual({ 'X-Device-Credential': 'credential-1' });
    expect(await memory.credentialHeaders('bob_1')).toEqual({});
    expect(await new DeviceMemory(store, 'https://other.example').credentialHeaders('alice_1')).toEqual({});
  });

  it('neither keeps nor sends a credential with characters a header cannot carry', async () => {
    const store = new MemoryStore();
    const memory = new DeviceMemory(store, 'https://chat.example');
    await memory.keepCredential('alice_1', 'bad\r\nX-Injected: 1');
    await memory.keepCredential('alice_1', null);
    expect(store.keys()).toEqual([]);
    await store.set('device-credential/https://chat.example|alice_1', 'two words');
    expect(await memory.credentialHeaders('alice_1')).toEqual({});
  });

  it('remembers the salt and rounds, and forgets a damaged or excessive entry', async () => {
    const store = new MemoryStore();
    const memory = new DeviceMemory(store, 'https://chat.example');
    const salt = btoa('0123456789abcdef');
    await memory.rememberKdf('alice_1', { kdfSalt: salt, kdfIterations: 210_000 });
    expect(await memory.rememberedKdf('alice_1')).toEqual({ kdfSalt: salt, kdfIterations: 210_000 });
    await store.set('kdf/https://chat.example|alice_1', '{not json');
    expect(await memory.rememberedKdf('alice_1')).toBeNull();
    await store.set('kdf/https://chat.example|alice_1', JSON.stringify({ kdfSalt: salt, kdfIterations: 2_000_000_000 }));
    expect(await memory.rememberedKdf('alice_1')).toBeNull();
  });
});
