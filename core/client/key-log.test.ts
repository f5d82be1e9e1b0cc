// KeyLog on its own, over an in-memory log that behaves as the protocol says (and then does not): the log key
// pinned and a changed one refused, heads advanced only with a valid consistency proof, a fork and a bad
// signature raised as alarms, a contact key taken only with a proof of its entry, the whole log monitored,
// and heads inside messages checked.
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../crypto/fingerprint.js';
import { sign } from '../crypto/rsa.js';
import { encodeBase64 } from '../protocol/base64.js';
import { entryLeafHash, treeHeadBytes, type LogEntry, type SignedTreeHead } from '../keylog/entries.js';
import { consistencyProof, inclusionProof, rootOf, type Hash } from '../keylog/merkle.js';
import { importedKeys, keyFixture } from '../test-fixtures/vectors.js';
import type { KeyLogView } from '../api/view.js';
import { ChatError } from '../api/errors.js';
import { KeyLog } from './key-log.js';
import type { KeyLogApi } from './key-log-api.js';
import type { Session } from './session.js';
import { MemoryStore } from './store.js';
import { Pins } from './pins.js';

const ALICE_KEY = keyFixture('alice').publicKey;
const BOB_KEY = keyFixture('bob').publicKey;
const MALLORY_KEY = keyFixture('carol').publicKey;

/** A key log kept in memory and signed with a fixture key; a test may make it lie. */
class MemoryLog {
  entries: LogEntry[] = [];
  /** What GET /keylog/head answers: the newest head unless a test pins another. */
  shownHead: SignedTreeHead | null = null;
  logKey = { publicKey: keyFixture('carol').publicKey, fingerprint: '' };
  refuse = false;
  calls: string[] = [];

  add(username: string, publicKey: string | null): number {
    const index = this.entries.length;
    this.entries.push({ index, username, publicKey, timestamp: new Date(Date.UTC(2026, 11, 1, 0, index)).toISOString() });
    return index;
  }

  async leaves(entries = this.entries): Promise<Hash[]> {
    return Promise.all(entries.map((e) => entryLeafHash(e)));
  }

  async headOf(size: number, entries = this.entries, timestamp = new Date().toISOString()): Promise<SignedTreeHead> {
    const root = encodeBase64(await rootOf((await this.leaves(entries)).slice(0, size)));
    const signer = await importedKeys('carol');
    const signature = encodeBase64(await sign(signer.privateKey, treeHeadBytes({ size, root, timestamp })));
    return { size, root, timestamp, signature };
  }

  api(): KeyLogApi {
    const self = this;
    const refused = () => {
      if (self.refuse) throw new ChatError('not_found', 'The server has no such proof.');
    };
    return {
      async logKey() {
        self.calls.push('key');
        if (!self.logKey.fingerprint) self.logKey.fingerprint = await fingerprint(self.logKey.publicKey);
        return { ...self.logKey };
      },
      async head() {
        self.calls.push('head');
        return self.shownHead ?? self.headOf(self.entries.length);
      },
      async entries(start: number, limit: number) {
        self.calls.push(`entries ${start} ${limit}`);
        refused();
        return self.entries.slice(start, start + limit);
      },
      async proof(index: number, size: number) {
        self.calls.push(`proof ${index} ${size}`);
        refused();
        return (await inclusionProof((await self.leaves()).slice(0, size), index)).map(encodeBase64);
      },
      async consistency(from: number, to: number) {
        self.calls.push(`consistency ${from} ${to}`);
        refused();
        return (await consistencyProof((await self.leaves()).slice(0, to), from)).map(encodeBase64);
      },
    } as unknown as KeyLogApi;
  }
}

async function watcher(log: MemoryLog, store = new MemoryStore()) {
  const session = { username: 'alice', publicKey: { spki: ALICE_KEY }, pins: new Pins(store, 'x|alice') } as unknown as Session;
  const views: KeyLogView[] = [];
  const keyLog = new KeyLog({ api: log.api(), serverUrl: 'https://chat.example', store, session: () => session, changed: (v) => views.push(v), wait: async () => undefined });
  return { keyLog, views, store, session };
}

describe('KeyLog', () => {
  it('pins the log key, keeps the newest head, and confirms a contact key with the proof of its exact entry', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    const bobAt = log.add('bob', BOB_KEY);
    const { keyLog } = await watcher(log);
    expect(await keyLog.confirmKey('bob', BOB_KEY, bobAt)).toEqual({ state: 'confirmed', index: bobAt });
    expect((await keyLog.view())).toMatchObject({ available: true, size: 2, alarms: [] });

    log.add('carol', MALLORY_KEY);
    expect((await keyLog.refreshHead())!.size).toBe(3);
    expect(log.calls).toContain('consistency 2 3');
    // Asked again: answered from what was checked, without the network.
    log.calls = [];
    expect(await keyLog.confirmKey('bob', BOB_KEY, bobAt)).toEqual({ state: 'confirmed', index: bobAt });
    expect(log.calls).toEqual([]);
  });

  it('refuses a key the entry does not hold, or one beyond every signed head, with a loud alarm', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    const bobAt = log.add('bob', BOB_KEY);
    const { keyLog, views } = await watcher(log);
    const substituted = await keyLog.confirmKey('bob', MALLORY_KEY, bobAt);
    expect(substituted).toEqual({ state: 'refused', reason: expect.stringContaining('holds another name or key') });
    expect(views.at(-1)!.alarms).toEqual([expect.objectContaining({ kind: 'missing_key', username: 'bob', message: expect.stringContaining("The server's key log does not contain this key for bob") })]);
    expect(await keyLog.confirmKey('dave', MALLORY_KEY, 7)).toEqual({ state: 'refused', reason: expect.stringContaining('not in any head') });
    expect(await keyLog.confirmKey('bob', BOB_KEY, undefined)).toMatchObject({ state: 'refused' });
  });

  it('raises the fork alarm for a same-size head with another root, and for a head that fails consistency', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    log.add('bob', BOB_KEY);
    const { keyLog, views } = await watcher(log);
    await keyLog.refreshHead();
    // Another history of the same size, signed by the same log key: shown to someone else, then to us.
    const other = [...log.entries];
    other[1] = { ...other[1]!, publicKey: MALLORY_KEY };
    log.shownHead = await log.headOf(2, other);
    await keyLog.refreshHead();
    expect(views.at(-1)!.alarms.map((a) => a.kind)).toEqual(['fork']);
    expect((await keyLog.view()).size).toBe(2);
    expect(log.calls.filter((c) => c.startsWith('consistency'))).toEqual([]);
  });

  it('raises the fork alarm for a larger head that does not extend the kept one (history rewritten below it)', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    log.add('bob', BOB_KEY);
    const { keyLog, views } = await watcher(log);
    await keyLog.refreshHead();
    log.entries[1] = { ...log.entries[1]!, publicKey: MALLORY_KEY };
    log.add('carol', BOB_KEY);
    await keyLog.refreshHead();
    expect(views.at(-1)!.alarms.map((a) => a.kind)).toEqual(['fork']);
    expect((await keyLog.view()).size).toBe(2);
  });

  it('keeps the pinned log key: a head signed by another key raises the changed-key alarm until accepted', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    const { keyLog, views } = await watcher(log);
    await keyLog.refreshHead();
    log.logKey = { publicKey: BOB_KEY, fingerprint: await fingerprint(BOB_KEY) };
    const forged = await log.headOf(1);
    log.shownHead = { ...forged, signature: encodeBase64(new Uint8Array(512)) };
    await keyLog.refreshHead();
    const view = views.at(-1)!;
    expect(view.alarms.map((a) => a.kind)).toEqual(['log_key_changed']);
    expect(view.offeredKeyFingerprint).not.toBeNull();
    const dismissed = await keyLog.dismiss(view.alarms[0]!.id);
    expect(dismissed.alarms.map((a) => a.kind)).toEqual(['log_key_changed']);
    const accepted = await keyLog.acceptLogKey();
    expect(accepted).toMatchObject({ alarms: [], offeredKeyFingerprint: null, size: null });
  });

  it('a bad signature under the pinned key is an alarm of its own', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    const { keyLog, views } = await watcher(log);
    await keyLog.refreshHead();
    log.add('bob', BOB_KEY);
    log.shownHead = { ...(await log.headOf(2)), signature: encodeBase64(new Uint8Array(512)) };
    await keyLog.refreshHead();
    expect(views.at(-1)!.alarms.map((a) => a.kind)).toEqual(['bad_head']);
  });

  it('monitors the whole log: the root recomputed, only new entries read, and a key in my name raised', async () => {
    const log = new MemoryLog();
    for (let i = 0; i < 5; i++) log.add(`user${i}`, BOB_KEY);
    log.add('alice', ALICE_KEY);
    const store = new MemoryStore();
    const { keyLog } = await watcher(log, store);
    await keyLog.monitor();
    expect(await keyLog.view()).toMatchObject({ size: 6, checkedSize: 6, alarms: [] });
    log.add('user9', BOB_KEY);
    log.calls = [];
    // A new run on the same device goes on from what it checked.
    const again = await watcher(log, store);
    await again.keyLog.monitor();
    expect(log.calls.filter((c) => c.startsWith('entries'))).toEqual(['entries 6 1']);
    log.add('alice', MALLORY_KEY);
    await again.keyLog.monitor();
    const view = await again.keyLog.view();
    expect(view.alarms).toEqual([expect.objectContaining({ kind: 'own_name', message: expect.stringContaining('A key was registered in your name') })]);
  });

  it("raises …in bob's name for a second key entry of a pinned contact", async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    log.add('bob', BOB_KEY);
    const { keyLog, session } = await watcher(log);
    await session.pins.set('bob', BOB_KEY, await fingerprint(BOB_KEY));
    log.add('bob', MALLORY_KEY);
    await keyLog.monitor();
    expect((await keyLog.view()).alarms).toEqual([expect.objectContaining({ kind: 'other_name', username: 'bob', message: expect.stringContaining("in bob's name") })]);
  });

  it('checks the head a message carries: a larger consistent one is kept, a forged one makes the message suspect', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    const { keyLog } = await watcher(log);
    await keyLog.refreshHead();
    log.add('bob', BOB_KEY);
    expect(await keyLog.checkGossip(await log.headOf(2))).toBe('ok');
    expect(keyLog.gossipHead()!.size).toBe(2);
    expect(await keyLog.checkGossip({ ...(await log.headOf(2)), signature: encodeBase64(new Uint8Array(512)) })).toBe('suspect');
    const other = [...log.entries];
    other[1] = { ...other[1]!, publicKey: MALLORY_KEY };
    expect(await keyLog.checkGossip(await log.headOf(2, other))).toBe('alarm');
  });

  it('raises the fork alarm when the server refuses a consistency proof, but not when it is only down', async () => {
    const log = new MemoryLog();
    log.add('alice', ALICE_KEY);
    const { keyLog, views } = await watcher(log);
    await keyLog.refreshHead();
    log.add('bob', BOB_KEY);
    const api = log.api();
    const down = new KeyLog({ api: { ...api, consistency: async () => { throw new ChatError('server_unreachable', 'The server cannot be reached.'); } } as unknown as KeyLogApi, serverUrl: 'https://chat.example', store: new MemoryStore(), session: () => ({ username: 'alice', publicKey: { spki: ALICE_KEY } }) as unknown as Session, changed: () => undefined });
    log.entries.pop();
    await down.refreshHead();
    log.add('bob', BOB_KEY);
    await expect(down.refreshHead()).rejects.toMatchObject({ info: { code: 'server_unreachable' } });
    expect((await down.view()).alarms).toEqual([]);
    log.refuse = true;
    await keyLog.refreshHead();
    expect(views.at(-1)!.alarms.map((a) => a.kind)).toEqual(['fork']);
  });

  it('treats a server without a log as unavailable, and never refuses a key there', async () => {
    const log = new MemoryLog();
    const api = { ...log.api(), logKey: async () => null } as unknown as KeyLogApi;
    const store = new MemoryStore();
    const session = { username: 'alice', publicKey: { spki: ALICE_KEY }, pins: new Pins(store, 'x|alice') } as unknown as Session;
    const keyLog = new KeyLog({ api, serverUrl: 'https://chat.example', store, session: () => session, changed: () => undefined });
    expect(await keyLog.confirmKey('bob', BOB_KEY, undefined)).toEqual({ state: 'unavailable' });
    expect(await keyLog.view()).toMatchObject({ available: false, alarms: [] });
  });
});
