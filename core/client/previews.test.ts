// The conversation list's previews through the ChatClient against the real server (behind the tampering
// proxy): the newest shown message worded, changes applied and skipped, files by kind, groups by sender,
// a tampered record failed, asking again answered from the cache, and a conversation that cannot be read left out.
import { describe, expect, it } from 'vitest';
import { clientWorld, send } from '../test-fixtures/client-world.js';
import type { ChatClient } from './chat-client.js';
import { DELETED_PREVIEW, FAILED_PREVIEW } from './preview-text.js';

const world = clientWorld('p');
const { people, signIn } = world;

/** The previews after catching up with the server (contacts() syncs the index, as the window's refresh does). */
async function previewsOf(client: ChatClient, conversations: string[]) {
  await client.contacts();
  return client.previews(conversations);
}

/** Requests the client made through the proxy from now on. */
function requestsFrom() {
  const start = world.proxy.requests.length;
  return () => world.proxy.requests.slice(start);
}

describe('previews through the ChatClient', () => {
  it('words the newest shown message: its first line, "You: " for one’s own, the edit’s text, reactions skipped, deletion named', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const a = await signIn(alice!);
    const b = await signIn(bob!);
    await send(b.client, alice!, 'Dinner on Friday?\nI can book at 8');
    const [first] = await previewsOf(a.client, [bob!]);
    expect(first).toEqual({ conversation: bob, lastSeq: expect.any(Number), text: 'Dinner on Friday?', failed: false });

    const mine = await send(a.client, bob!, 'Yes, at 8');
    expect(await previewsOf(a.client, [bob!])).toEqual([{ conversation: bob, lastSeq: mine.seq, text: 'You: Yes, at 8', failed: false }]);
    await a.client.editMessage({ target: mine.id, text: 'Yes, at 8:30', id: a.client.newMessageId() });
    expect((await previewsOf(a.client, [bob!]))[0]!.text).toBe('You: Yes, at 8:30');
    // bob's reaction is the newest message now, but not one that is shown: the edited message stays the preview.
    await b.client.react({ target: mine.id, emoji: '👍', id: b.client.newMessageId() });
    const reacted = (await previewsOf(a.client, [bob!]))[0]!;
    expect(reacted.lastSeq).toBeGreaterThan(mine.seq);
    expect(reacted.text).toBe('You: Yes, at 8:30');
    // bob, reading afresh, sees it the same way, his own reaction skipped.
    expect((await previewsOf((await signIn(bob!)).client, [alice!]))[0]!.text).toBe('Yes, at 8:30');

    await a.client.deleteMessage({ target: mine.id, id: a.client.newMessageId() });
    expect((await previewsOf(a.client, [bob!]))[0]).toMatchObject({ text: DELETED_PREVIEW, failed: false });
  });

  it('answers again from its cache, and reads a conversation again once it moved on', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const a = await signIn(alice!);
    const b = await signIn(bob!);
    await send(b.client, alice!, 'one');
    await a.client.conversation({ conversation: carol! }); // opened, never written to
    expect(await previewsOf(a.client, [bob!, carol!])).toEqual([
      { conversation: bob, lastSeq: expect.any(Number), text: 'one', failed: false },
      { conversation: carol, lastSeq: null, text: null, failed: false },
    ]);
    const seen = requestsFrom();
    // Twice named, and named as typed: one preview, from the cache, without asking the server anything.
    expect(await a.client.previews([bob!, ` ${bob!.toUpperCase()} `, carol!])).toEqual([
      { conversation: bob, lastSeq: expect.any(Number), text: 'one', failed: false },
      { conversation: carol, lastSeq: null, text: null, failed: false },
    ]);
    expect(seen()).toEqual([]);

    await send(b.client, alice!, 'two');
    expect((await previewsOf(a.client, [bob!]))[0]!.text).toBe('two');
    // One catch-up of the index, one look at bob's newest messages; carol's preview was not asked for.
    const listings = seen().filter((r) => r.startsWith('GET /messages?'));
    expect(listings).toHaveLength(2);
    expect(listings.filter((r) => r.includes(`peer=${bob}`))).toHaveLength(1);
  });

  it('names files by kind, and a group’s messages by their sender', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const a = await signIn(alice!);
    const b = await signIn(bob!);
    await b.client.sendFiles({ to: alice!, files: [{ name: 'report.pdf', mime: 'application/pdf', bytes: new Uint8Array(300).fill(7) }], transfer: 'pdf' });
    expect((await previewsOf(a.client, [bob!]))[0]!.text).toBe('File: report.pdf');
    await b.client.sendFiles({ to: alice!, files: [{ name: 'beach.jpg', mime: 'image/jpeg', bytes: new Uint8Array(300).fill(9) }], transfer: 'jpg' });
    expect((await previewsOf(a.client, [bob!]))[0]!.text).toBe('Photo');

    const group = await a.client.createGroup({ name: 'Climbing', members: [bob!, carol!] });
    const c = await signIn(carol!);
    await c.client.groups();
    await send(c.client, group.conversation, 'Sunday at the crag?');
    await a.client.groups();
    expect(await a.client.previews([group.conversation, bob!])).toEqual([
      { conversation: group.conversation, lastSeq: expect.any(Number), text: `${carol}: Sunday at the crag?`, failed: false },
      { conversation: bob, lastSeq: expect.any(Number), text: 'Photo', failed: false },
    ]);
  });

  it('names a message that does not verify as failed, never by what it claims', async () => {
    const [alice, bob] = await people('alice', 'bob');
    const b = await signIn(bob!);
    const sent = await send(b.client, alice!, 'send the money to carol');
    world.proxy.rewrite = (x) => {
      if (x.path !== `/messages/${sent.id}` || x.status !== 200) return undefined;
      const record = x.json as Record<string, string>;
      const body = record.body!;
      return { status: 200, json: { ...record, body: `${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}` } };
    };
    const a = await signIn(alice!);
    const [preview] = await previewsOf(a.client, [bob!]);
    expect(preview).toEqual({ conversation: bob, lastSeq: sent.seq, text: FAILED_PREVIEW, failed: true });
    expect(JSON.stringify(preview)).not.toContain('money');
  });

  it('leaves out a conversation the server will not list now, and rejects with the reason when none can be read', async () => {
    const [alice, bob, carol] = await people('alice', 'bob', 'carol');
    const a = await signIn(alice!);
    await send((await signIn(bob!)).client, alice!, 'from bob');
    await send((await signIn(carol!)).client, alice!, 'from carol');
    await a.client.contacts();
    world.proxy.intercept = (method, path) =>
      method === 'GET' && path.startsWith('/messages?') && path.includes(`peer=${carol}`) ? { status: 503, json: { error: { code: 'unavailable', message: 'busy' } } } : undefined;
    expect(await a.client.previews([carol!, bob!])).toEqual([{ conversation: bob, lastSeq: expect.any(Number), text: 'from bob', failed: false }]);
    await expect(a.client.previews([carol!])).rejects.toMatchObject({ info: { code: 'server_error' } });
    world.proxy.intercept = null;
    expect((await a.client.previews([carol!]))[0]!.text).toBe('from carol');
    await expect(a.client.previews(Array.from({ length: 21 }, (_, i) => `user${i}`))).rejects.toMatchObject({ info: { code: 'invalid_input' } });
  });
});
