// Device sessions through the ChatClient against the real server (behind the tampering proxy): a device that
// stays signed in renews an expired token in place of its old session, but a session ended from another
// device (or by a new recovery code) stays ended — live, and when the saved session is opened again — and a
// contact who deleted their account reads as deleted.
import { describe, expect, it, vi } from 'vitest';
import { clientWorld, PASSWORD } from '../test-fixtures/client-world.js';
import { failure } from '../test-fixtures/waiting.js';
import type { ChatEvent } from '../api/view.js';
import { ChatClient } from './chat-client.js';
import { SIGNED_OUT_ELSEWHERE } from './devices.js';
import { MemoryStore } from './store.js';

const world = clientWorld('d');

/** A client through the proxy that keeps its stay-signed-in secret, as the desktop app does. */
async function staying(username: string, device: string) {
  const onSnapshotChange = vi.fn();
  const client = new ChatClient({ serverUrl: world.proxy.url, store: new MemoryStore(), device, reconnectDelaysMs: [20], retryDelaysMs: [10, 10], onSnapshotChange });
  const events: ChatEvent[] = [];
  client.onEvent((e) => events.push(e));
  await client.login({ username, password: PASSWORD }, { keepSessionSecret: true });
  return { client, events, onSnapshotChange };
}

/**
 * Makes the server's next answer to a request with a token of this session a 401, as for a token that expired
 * (a v2 token names its session; the other device's background requests pass untouched).
 */
function expireNextToken(sessionId: string): void {
  let done = false;
  world.proxy.intercept = (_method, _path, _body, headers) => {
    if (done || !headers.authorization?.includes(`.${sessionId}.`)) return undefined;
    done = true;
    return { status: 401, json: { error: { code: 'unauthorized', message: 'the token is invalid or expired; log in again' } } };
  };
}

const sessionIds = async (client: ChatClient) => (await client.devices()).map((d) => d.id).sort();

describe('device sessions through the ChatClient', () => {
  it('renews an expired token in place of the old session: one session per device, and the snapshot follows', async () => {
    const [alice] = await world.people('alice');
    const laptop = await staying(alice!, 'Desktop, Linux');
    const before = laptop.client.sessionSnapshot()!;
    expect(before.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const phone = (await world.signIn(alice!)).client;
    const others = (await sessionIds(phone)).filter((id) => id !== before.sessionId);

    expireNextToken(before.sessionId!);
    expect(await laptop.client.contacts()).toEqual([]);
    const after = laptop.client.sessionSnapshot()!;
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(laptop.onSnapshotChange).toHaveBeenCalledTimes(1);
    expect(await sessionIds(phone)).toEqual([...others, after.sessionId!].sort());
    expect(laptop.events.filter((e) => e.type === 'signed_out')).toEqual([]);
    await Promise.all([laptop.client.close(), phone.close()]);
  });

  it('stays signed out when another device ended the session, and leaves no new session behind', async () => {
    const [alice] = await world.people('alice');
    const laptop = await staying(alice!, 'Desktop, Linux');
    const laptopSession = laptop.client.sessionSnapshot()!.sessionId!;
    const phone = (await world.signIn(alice!)).client;
    const left = await phone.signOutDevice(laptopSession);

    expect((await failure(laptop.client.contacts())).code).toBe('unauthorized');
    expect(await laptop.client.currentAccount()).toBeNull();
    expect(laptop.events.filter((e) => e.type === 'signed_out')).toEqual([{ type: 'signed_out', reason: SIGNED_OUT_ELSEWHERE }]);
    expect(await sessionIds(phone)).toEqual(left.map((d) => d.id).sort());
    await phone.close();
  });

  it('opens a saved session again in place of the old one, and refuses one ended elsewhere', async () => {
    const [alice] = await world.people('alice');
    const laptop = await staying(alice!, 'Desktop, Linux');
    const saved = laptop.client.sessionSnapshot()!;
    await laptop.client.close();
    const options = { serverUrl: world.proxy.url, store: new MemoryStore(), device: 'Desktop, Linux' };
    const reopened = await ChatClient.resume(options, saved);
    const now = reopened.sessionSnapshot()!;
    const phone = (await world.signIn(alice!)).client;
    const listed = await sessionIds(phone);
    expect(listed).toContain(now.sessionId);
    expect(listed).not.toContain(saved.sessionId);

    // A new recovery code made on the phone ends every other session: the laptop's saved one no longer opens.
    await reopened.close();
    await phone.createRecoveryCode(PASSWORD);
    expect((await failure(ChatClient.resume(options, now))).message).toBe(SIGNED_OUT_ELSEWHERE);
    expect((await phone.devices()).map((d) => d.current)).toEqual([true]);
    await phone.close();
  });

  it('shows a contact who deleted their account as deleted, and refuses to send to them with gone', async () => {
    const [alice, bob] = await world.people('alice', 'bob');
    const a = (await world.signIn(alice!)).client;
    const b = (await world.signIn(bob!)).client;
    await a.send({ conversation: bob!, text: 'hello', id: a.newMessageId() });
    await b.deleteAccount(PASSWORD);
    expect(await b.currentAccount()).toBeNull();
    expect(await a.contactDetails(bob!)).toMatchObject({ username: bob, deleted: true });
    const refused = await failure(a.send({ conversation: bob!, text: 'are you there?', id: a.newMessageId() }));
    expect(refused.code).toBe('gone');
    // What was said before stays readable.
    const page = await a.conversation({ conversation: bob! });
    expect((await a.readMessages(page.messages.map((m) => m.id))).map((m) => m.text)).toEqual(['hello']);
    await a.close();
  });
});
