// Read state that follows the person, against the real server (a child process) through the proxy: what one
// device read is not unread on another, a fresh device counts only what came after its first sign-in, two
// devices writing at once both keep their reads (409, merge, write again), and a state the server altered is
// said and replaced.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { clientWorld, send } from '../test-fixtures/client-world.js';
import { until } from '../test-fixtures/waiting.js';
import type { ChatClient } from './chat-client.js';
import { UNREADABLE_STATE } from './read-cursor-sync.js';
import { MemoryStore } from './store.js';

const world = clientWorld('rs');
const { people, signIn } = world;

async function unreadOf(client: ChatClient, peer: string): Promise<number | undefined> {
  return (await client.contacts()).find((c) => c.username === peer)?.unread;
}

/** The seqs of the conversation's messages, oldest first. */
async function seqsOf(client: ChatClient, peer: string): Promise<number[]> {
  return (await client.recentMessages({ conversation: peer, limit: 100 })).map((m) => m.seq);
}

async function sendMany(client: ChatClient, to: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await send(client, to, `message ${i}`);
}

describe('read state across devices', () => {
  it("a new device shows what another device read as read, and only what it did not read as unread", async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const b = await signIn(bob!);
    await sendMany(b.client, alice!, 30);
    expect(await unreadOf(a.client, bob!)).toBe(30);
    const seqs = await seqsOf(a.client, bob!);

    // Device A reads 20 of the 30 and is closed (which writes what it read).
    await a.client.markRead(bob!, seqs[19]!);
    expect(await unreadOf(a.client, bob!)).toBe(10);
    await a.client.close();

    // Device B, a fresh store: the 20 read on A are read here, the other 10 are not, though all 30 came
    // before this device's first sign-in (a read marker exists, so it counts).
    const onB = await signIn(alice!);
    expect(await unreadOf(onB.client, bob!)).toBe(10);

    // A, signed in again, reads the rest; B learns it when its window is seen again.
    const againA = await signIn(alice!, a.store);
    expect(await unreadOf(againA.client, bob!)).toBe(10);
    await againA.client.markRead(bob!, seqs[29]!);
    const seenOnB: string[] = [];
    onB.client.onEvent((event) => seenOnB.push(event.type));
    await until(async () => {
      await onB.client.setVisible(true);
      return (await unreadOf(onB.client, bob!)) === 0;
    }, 'device B to learn what device A read');
    // The window refreshes its unread counts on this event.
    expect(seenOnB).toContain('read_elsewhere');

    // And a third device, fresh, after A read all 30: nothing unread.
    const onC = await signIn(alice!);
    expect(await unreadOf(onC.client, bob!)).toBe(0);
    await Promise.all([againA.client.close(), onB.client.close(), onC.client.close(), b.client.close()]);
  });

  it('a fresh device with no read state anywhere counts only what came after its first sign-in', async () => {
    const [carol, bob] = await people('carol', 'bob');
    const b = await signIn(bob!);
    await sendMany(b.client, carol!, 6);

    const store = new MemoryStore();
    const c = await signIn(carol!, store);
    expect(await unreadOf(c.client, bob!)).toBe(0);
    await sendMany(b.client, carol!, 2);
    await until(async () => (await unreadOf(c.client, bob!)) === 2, 'the two new messages as unread');

    // Signed out and in again on the same device: what came meanwhile is unread too; the old history stays read.
    await c.client.logout();
    await sendMany(b.client, carol!, 3);
    const again = await signIn(carol!, store);
    expect(await unreadOf(again.client, bob!)).toBe(5);
    // Reading one of them here makes a read marker, which from then on counts for every device.
    const seqs = await seqsOf(again.client, bob!);
    await again.client.markRead(bob!, seqs[8]!);
    await again.client.close();
    const fresh = await signIn(carol!);
    expect(await unreadOf(fresh.client, bob!)).toBe(2);
    await Promise.all([fresh.client.close(), b.client.close()]);
  });

  it('two devices writing at once both keep what they read: the later one merges and writes again', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const one = await signIn(alice!);
    const two = await signIn(alice!);
    const b = await signIn(bob!);
    const c = await signIn(carol!);
    await sendMany(b.client, alice!, 4);
    await sendMany(c.client, alice!, 5);
    const fromBob = await seqsOf(one.client, bob!);
    const fromCarol = await seqsOf(two.client, carol!);

    const puts = () => world.proxy.requests.filter((r) => r === 'PUT /account/state').length;
    const before = puts();
    // Both fetched the same version at sign-in; one writes first, the other meets 409, merges and writes again.
    await Promise.all([one.client.markRead(bob!, fromBob[2]!), two.client.markRead(carol!, fromCarol[1]!)]);
    await until(() => puts() - before === 3, 'two writes and the one after the conflict');
    await Promise.all([one.client.close(), two.client.close()]);
    expect(puts() - before).toBe(3);

    const third = await signIn(alice!);
    expect(await unreadOf(third.client, bob!)).toBe(1);
    expect(await unreadOf(third.client, carol!)).toBe(3);
    await Promise.all([third.client.close(), b.client.close(), c.client.close()]);
  });

  it('says so when the stored state does not open, and replaces it with what this device read', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const b = await signIn(bob!);
    const a = await signIn(alice!);
    await sendMany(b.client, alice!, 3);
    const seqs = await seqsOf(a.client, bob!);
    await a.client.markRead(bob!, seqs[0]!);
    await a.client.close();

    // The server hands out other bytes as the state (it cannot make any that open).
    world.proxy.rewrite = (exchange) =>
      exchange.method === 'GET' && exchange.path === '/account/state' && exchange.status === 200
        ? { status: 200, json: { ...(exchange.json as object), state: randomBytes(80).toString('base64') } }
        : undefined;
    const onB = await signIn(alice!);
    expect(onB.events.some((e) => e.type === 'connection' && e.detail === UNREADABLE_STATE)).toBe(true);
    // Nothing was merged from it: this fresh device counts the history as read, having no marker.
    expect(await unreadOf(onB.client, bob!)).toBe(0);
    await onB.client.markRead(bob!, seqs[1]!);
    await onB.client.close();
    world.proxy.rewrite = null;

    // What this device read replaced the altered state: a fresh device now reads it.
    const onC = await signIn(alice!);
    expect(await unreadOf(onC.client, bob!)).toBe(1);
    expect(onC.events.some((e) => e.type === 'connection' && e.detail === UNREADABLE_STATE)).toBe(false);
    await Promise.all([onC.client.close(), b.client.close()]);
  });
});
