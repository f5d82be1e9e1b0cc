import { describe, expect, it } from 'vitest';
import { Pins } from './pins.js';
import { MemoryStore } from './store.js';

describe('Pins', () => {
  it('keeps keys trusted before when a new one is accepted, newest first, without repeats', async () => {
    const pins = new Pins(new MemoryStore(), 'https://chat.example/alice');
    expect(await pins.get('bob')).toBeNull();
    await pins.set('bob', 'KEY1', 'f1');
    expect((await pins.get('bob'))!.previous).toBeUndefined();
    await pins.set('bob', 'KEY1', 'f1');
    expect((await pins.get('bob'))!.previous).toBeUndefined();
    await pins.set('bob', 'KEY2', 'f2');
    await pins.set('bob', 'KEY3', 'f3');
    const pin = await pins.get('bob');
    expect(pin).toMatchObject({ publicKey: 'KEY3', fingerprint: 'f3' });
    expect(pin!.previous).toEqual([
      { publicKey: 'KEY2', fingerprint: 'f2' },
      { publicKey: 'KEY1', fingerprint: 'f1' },
    ]);
    await pins.set('bob', 'KEY1', 'f1');
    expect((await pins.get('bob'))!.previous!.map((k) => k.publicKey)).toEqual(['KEY3', 'KEY2']);
  });

  it('refuses a damaged pin instead of treating it as never pinned', async () => {
    const store = new MemoryStore();
    await store.set('pin/ns/bob', '{not json');
    await expect(new Pins(store, 'ns').get('bob')).rejects.toThrow(/damaged/);
  });
});
