// Groups and richer messages through the ChatClient against the real server (behind the tampering proxy):
// a group made and announced, messages among three people, replies, edits, deletions and reactions, the
// membership held and then loud when the server lists someone nobody announced, and a server that drops or
// adds a recipient, moves a body between groups or aims a change at another conversation.
import { describe, expect, it } from 'vitest';
import { clientWorld } from '../test-fixtures/client-world.js';
import { failure } from '../test-fixtures/waiting.js';
import { HttpApi } from './http-api.js';
import { encodeBase64 } from '../protocol/base64.js';
import { deriveAuthHash } from '../crypto/kdf.js';
import type { ChatClient } from './chat-client.js';
import type { MessageView } from '../api/view.js';
import { sealDirectV2, sealGroupMessage } from '../crypto/message-v2.js';
import { utf8 } from '../crypto/webcrypto.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { MemoryStore } from './store.js';

const world = clientWorld('g');
const PASSWORD = 'a fine password 1';

async function three() {
  const [alice, bob, carol] = await world.people('alice', 'bob', 'carol');
  const [a, b, c] = await Promise.all([world.signIn(alice!), world.signIn(bob!), world.signIn(carol!)]);
  return { alice: alice!, bob: bob!, carol: carol!, a, b, c };
}

const say = (client: ChatClient, conversation: string, text: string, replyTo?: string) =>
  client.send({ conversation, text, id: client.newMessageId(), ...(replyTo ? { replyTo } : {}) });

/** Every view of a conversation, oldest first, as the window would read them. */
async function shown(client: ChatClient, conversation: string): Promise<MessageView[]> {
  const page = await client.conversation({ conversation });
  return client.readMessages(page.messages.map((m) => m.id));
}

/** The server's own API as a person's token sees it (to act behind the clients' backs). */
async function rawAs(username: string) {
  const api = new HttpApi(world.server.url);
  const login = await api.raw('POST', '/login', { body: { username, authHash: encodeBase64(await deriveAuthHash(username, PASSWORD)) } });
  api.token = (login.data as { token: string }).token;
  return api;
}

describe('groups through the ChatClient', () => {
  it('makes a group, announces it, and carries messages among three people, verified', async () => {
    const { alice, bob, carol, a, b, c } = await three();
    const made = await a.client.createGroup({ name: 'Family', members: [bob, carol] });
    expect(made).toMatchObject({ name: 'Family', members: [alice, bob, carol].sort(), owner: alice, sending: 'ok', warnings: [] });
    const key = made.conversation;
    await say(a.client, key, 'hello both');
    await say(b.client, key, 'hi alice');
    const [bobsView] = await b.client.groups();
    expect(bobsView).toMatchObject({ id: made.id, name: 'Family', members: [alice, bob, carol].sort(), sending: 'ok', unread: 2 });
    const seen = await shown(c.client, key);
    expect(seen.map((m) => [m.kind, m.sender, m.text, m.status])).toEqual([
      ['announcement', alice, `${alice} made the group “Family” with ${[bob, carol].sort().join(' and ')}`, 'verified'],
      ['message', alice, 'hello both', 'verified'],
      ['message', bob, 'hi alice', 'verified'],
    ]);
    expect(seen.every((m) => m.group === made.id && m.recipient === null && m.warning === null)).toBe(true);
    // Groups are not contacts.
    expect((await c.client.contacts()).map((x) => x.username)).toEqual([]);
  });

  it('replies, edits, deletes and reacts, each shown on its message — live on a message already read', async () => {
    const { alice, bob, carol, a, b, c } = await three();
    const { conversation: key } = await a.client.createGroup({ name: 'Plans', members: [bob, carol] });
    const original = await say(a.client, key, 'dinner at 7?');
    await b.client.startLive();
    expect((await shown(b.client, key)).find((m) => m.id === original.id)?.text).toBe('dinner at 7?');
    const reply = await say(b.client, key, 'yes!', original.id);
    expect(reply).toMatchObject({ replyTo: original.id, text: 'yes!' });

    const edited = await a.client.editMessage({ target: original.id, text: 'dinner at 8?', id: a.client.newMessageId() });
    expect(edited).toMatchObject({ id: original.id, text: 'dinner at 8?', edited: true });
    const reacted = await c.client.react({ target: original.id, emoji: '👍', id: c.client.newMessageId() });
    expect(reacted.reactions).toEqual([{ emoji: '👍', people: [carol] }]);
    await b.client.react({ target: original.id, emoji: '👍', id: b.client.newMessageId() });

    // bob read the original before: the edit and the reactions reach it as updates once he reads them.
    const views = await shown(b.client, key);
    const target = views.find((m) => m.id === original.id)!;
    expect(target).toMatchObject({ text: 'dinner at 8?', edited: true, reactions: [{ emoji: '👍', people: [bob, carol].sort() }] });
    expect(views.filter((m) => m.kind === 'change').every((m) => m.status === 'verified')).toBe(true);

    const back = await c.client.react({ target: original.id, emoji: '👍', remove: true, id: c.client.newMessageId() });
    expect(back.reactions).toEqual([{ emoji: '👍', people: [bob] }]);

    const deleted = await a.client.deleteMessage({ target: original.id, id: a.client.newMessageId() });
    expect(deleted).toMatchObject({ id: original.id, deleted: 'by_sender', text: null });
    await expect.poll(async () => (await shown(b.client, key)).find((m) => m.id === original.id)?.deleted, { timeout: 10_000 }).toBe('by_sender');
    const raw = (await (await rawAs(bob)).raw('GET', `/messages/${original.id}`, { auth: true })).data as Record<string, unknown>;
    expect(raw.deletedAt).toEqual(expect.any(String));
    expect(raw.body).toBeUndefined();
    expect(await failure(b.client.editMessage({ target: original.id, text: 'mine now', id: b.client.newMessageId() }))).toMatchObject({ code: 'invalid_input' });
    // A message erased without a delete of its sender's says the server did it.
    const second = await say(a.client, key, 'second');
    await (await rawAs(alice)).raw('DELETE', `/messages/${second.id}`, { auth: true });
    expect((await shown(c.client, key)).find((m) => m.id === second.id)).toMatchObject({ deleted: 'by_server', text: null });
  });

  it('counts edits, reactions and announcements as unread only until they are read', async () => {
    const { bob, a, b } = await three();
    const { id: group, conversation: key } = await a.client.createGroup({ name: 'Counts', members: [bob] });
    const text = await say(a.client, key, 'news');
    await a.client.editMessage({ target: text.id, text: 'news, corrected', id: a.client.newMessageId() });
    await a.client.react({ target: text.id, emoji: '🎉', id: a.client.newMessageId() });
    expect((await b.client.groups()).find((g) => g.id === group)?.unread).toBe(4);
    await shown(b.client, key);
    await expect.poll(async () => (await b.client.groups()).find((g) => g.id === group)?.unread).toBe(1);
  });

  it('fails an edit of someone else\'s message and a change aimed at another conversation, with the reason', async () => {
    const { alice, bob, carol, a } = await three();
    const { id: group, conversation: key } = await a.client.createGroup({ name: 'Rules', members: [bob, carol] });
    const alicesMessage = await say(a.client, key, 'mine');
    // bob's client refuses such changes; a hostile member seals them himself.
    const forged = await hostile(bob, 'bob').group(group, [alice, carol], { type: 'edit', target: alicesMessage.id, text: 'bob was here' });
    const elsewhere = await hostile(bob, 'bob').direct(alice, { type: 'reaction', target: alicesMessage.id, emoji: '😈' });
    const views = await shown(a.client, key);
    expect(views.find((m) => m.id === alicesMessage.id)).toMatchObject({ text: 'mine', edited: false, reactions: [] });
    expect(views.find((m) => m.id === forged)).toMatchObject({ kind: 'change', status: 'may_not_change', reason: 'This edit refers to a message it may not change.' });
    expect((await a.client.readMessages([elsewhere]))[0]).toMatchObject({ kind: 'change', status: 'may_not_change', reason: 'This reaction refers to a message it may not change.' });
    expect((await a.client.readMessages([alicesMessage.id]))[0]!.reactions).toEqual([]);
  });

  it('holds sending while the server lists someone nobody announced, warns loudly after a minute, and sends after the person confirms', async () => {
    let later = 0;
    const { alice, bob, carol, a, b } = await threeWithClock(() => Date.now() + later);
    const { id: group, conversation: key } = await a.client.createGroup({ name: 'Held', members: [bob] });
    await say(b.client, key, 'before');
    // bob adds carol on the server without announcing her.
    expect((await (await rawAs(bob)).raw('POST', `/groups/${group}/members`, { auth: true, body: { add: [carol] } })).status).toBe(200);
    const held = await a.client.groupDetails(group);
    expect(held).toMatchObject({ sending: 'held', members: [alice, bob].sort(), serverMembers: [alice, bob, carol].sort(), warnings: [] });
    expect(await failure(say(a.client, key, 'to whom?'))).toMatchObject({ code: 'held' });
    // A minute later, the warning is loud.
    later = 61_000;
    const blocked = await a.client.groupDetails(group);
    expect(blocked.sending).toBe('blocked');
    expect(blocked.warnings).toEqual([{ code: 'unannounced_member', user: carol, loud: true, text: expect.stringContaining(`The server lists ${carol} in this group, but no member added them`) }]);
    expect((await a.client.confirmGroupMembers(group)).sending).toBe('ok');
    const sent = await say(a.client, key, 'to all three');
    expect(sent.status).toBe('verified');
    // An announcement explains her for everyone else.
    await b.client.changeGroupMembers({ group, add: [carol] });
    expect((await b.client.groupDetails(group)).members).toContain(carol);
    expect(await a.client.groupDetails(group)).toMatchObject({ sending: 'ok', members: [alice, bob, carol].sort(), warnings: [] });
  });

  it('removes (the owner), leaves, hands ownership on, and shows an announcement nobody may make as failed', async () => {
    const { alice, bob, carol, a, b, c } = await three();
    const made = await a.client.createGroup({ name: 'Club', members: [bob, carol] });
    const { id: group, conversation: key } = made;
    expect(await failure(b.client.changeGroupMembers({ group, remove: [carol] }))).toMatchObject({ code: 'forbidden' });
    // bob announces carol's removal himself, as a hostile member would: it changes nothing.
    const forged = await hostile(bob, 'bob').group(group, [alice, carol], { type: 'group', name: 'Club', owner: alice, members: [alice, bob].sort(), remove: [carol] });
    expect((await c.client.readMessages([forged]))[0]).toMatchObject({ kind: 'announcement', status: 'invalid_announcement', reason: expect.stringContaining('Only the group’s owner may remove others') });
    expect((await c.client.groupDetails(group)).members).toEqual([alice, bob, carol].sort());

    const removed = await a.client.changeGroupMembers({ group, remove: [carol] });
    expect(removed).toMatchObject({ members: [alice, bob].sort(), serverMembers: [alice, bob].sort(), sending: 'ok' });
    // carol got the announcement of her removal before it was made.
    expect(await c.client.groupDetails(group)).toMatchObject({ sending: 'not_a_member', members: [alice, bob].sort() });
    expect((await shown(c.client, key)).at(-1)).toMatchObject({ kind: 'announcement', text: `${alice} removed ${carol}` });
    expect(await failure(say(c.client, key, 'still here?'))).toMatchObject({ code: 'forbidden' });

    await a.client.leaveGroup(group);
    expect(await b.client.groupDetails(group)).toMatchObject({ members: [bob], owner: bob, serverMembers: [bob] });
    expect((await shown(b.client, key)).at(-1)).toMatchObject({ kind: 'announcement', text: `${alice} left the group; ${bob} is the owner now` });
    expect((await a.client.groupDetails(group)).sending).toBe('not_a_member');
  });

  it('warns when the server drops a member without an announcement, and goes on sending to its list', async () => {
    const { alice, bob, carol, a } = await three();
    const { id: group, conversation: key } = await a.client.createGroup({ name: 'Quiet', members: [bob, carol] });
    // carol leaves on the server without announcing it.
    await (await rawAs(carol)).raw('POST', `/groups/${group}/members`, { auth: true, body: { remove: [carol] } });
    const view = await a.client.groupDetails(group);
    expect(view).toMatchObject({ sending: 'ok', serverMembers: [alice, bob].sort() });
    expect(view.warnings).toEqual([{ code: 'removed_without_announcement', user: carol, loud: false, text: `${carol} was removed without an announcement.` }]);
    expect((await say(a.client, key, 'to bob only')).status).toBe('verified');
  });

  it('detects a delete the server replays as another message, and keeps the message it would have removed', async () => {
    const { bob, carol, a, c } = await three();
    const one = await a.client.createGroup({ name: 'One', members: [bob, carol] });
    const two = await a.client.createGroup({ name: 'Two', members: [carol] });
    const kept = await say(a.client, two.conversation, 'keep me');
    const gone = await say(a.client, one.conversation, 'withdraw me');
    await a.client.deleteMessage({ target: gone.id, id: a.client.newMessageId() });
    const deleteId = (await c.client.conversation({ conversation: one.conversation })).messages.at(-1)!.id;
    const deleteRecord = (await (await rawAs(carol)).raw('GET', `/messages/${deleteId}`, { auth: true })).data as Record<string, unknown>;
    // A later message of group Two, whose record the server swaps for the delete's sealed fields.
    const victim = await say(a.client, two.conversation, 'later in two');
    world.proxy.rewrite = ({ method, path, json }) => {
      if (method !== 'GET' || path !== `/messages/${victim.id}`) return undefined;
      const { sessionKey, senderSessionKey, body, signature } = deleteRecord;
      return { status: 200, json: { ...(json as Record<string, unknown>), sessionKey, senderSessionKey, body, signature } };
    };
    const views = await shown(c.client, two.conversation);
    expect(views.find((m) => m.id === victim.id)).toMatchObject({ status: 'decrypt_failed', text: null, kind: 'message' });
    expect(views.find((m) => m.id === kept.id)).toMatchObject({ status: 'verified', text: 'keep me', deleted: null });
    expect((await shown(c.client, one.conversation)).find((m) => m.id === gone.id)).toMatchObject({ deleted: 'by_sender' });
  });

  it('re-seals for the members of now when the server answers members_changed', async () => {
    const { bob, carol, a } = await three();
    const { id: group, conversation: key } = await a.client.createGroup({ name: 'Moving', members: [bob, carol] });
    let refused = 0;
    world.proxy.intercept = (method, path) => {
      if (method !== 'POST' || path !== '/messages' || refused > 0) return undefined;
      refused++;
      return { status: 409, json: { error: { code: 'members_changed', message: 'the group changed' } } };
    };
    const sent = await say(a.client, key, 'despite the change');
    expect(refused).toBe(1);
    expect(sent).toMatchObject({ status: 'verified', group, text: 'despite the change' });
  });

  it('detects a server that drops or adds a recipient, or moves a message to another group', async () => {
    const { alice, bob, carol, a, c } = await three();
    const { id: group, conversation: key } = await a.client.createGroup({ name: 'One', members: [bob, carol] });
    const { id: other } = await a.client.createGroup({ name: 'Two', members: [carol] });
    const message = await say(a.client, key, 'for bob and carol');
    const rewrite = (change: (json: Record<string, unknown>) => void) => {
      world.proxy.rewrite = ({ method, path, json }) => {
        if (method !== 'GET' || path !== `/messages/${message.id}`) return undefined;
        const copy = { ...(json as Record<string, unknown>) };
        change(copy);
        return { status: 200, json: copy };
      };
    };
    const readFresh = async (client: ChatClient) => {
      const fresh = await world.signIn(await nameOf(client));
      return (await fresh.client.readMessages([message.id]))[0]!;
    };
    rewrite((r) => (r.recipients = [carol]));
    expect(await readFresh(c.client)).toMatchObject({ status: 'decrypt_failed', text: null });
    rewrite((r) => (r.recipients = [bob, carol, 'zed_nobody'].sort()));
    expect(await readFresh(c.client)).toMatchObject({ status: 'decrypt_failed', text: null });
    rewrite((r) => (r.group = other));
    expect(await readFresh(c.client)).toMatchObject({ status: 'decrypt_failed', text: null });
    rewrite((r) => (r.recipients = [alice, carol]));
    expect(await readFresh(c.client)).toMatchObject({ status: 'malformed' });
    world.proxy.rewrite = null;
    expect(await readFresh(c.client)).toMatchObject({ status: 'verified', text: 'for bob and carol' });
    void key;
  });
});

/** A member who seals whatever content he likes and posts it with his own token. */
function hostile(username: string, keys: 'alice' | 'bob' | 'carol') {
  const post = async (body: unknown) => {
    const answer = await (await rawAs(username)).raw('POST', '/messages', { auth: true, body });
    expect(answer.status).toBe(201);
    return (answer.data as { id: string }).id;
  };
  const content = (c: Record<string, unknown>) => utf8(JSON.stringify({ ...c, sentAt: new Date().toISOString() }));
  return {
    async group(group: string, recipients: string[], c: Record<string, unknown>) {
      const me = await importedKeys(keys);
      const others = await Promise.all(recipients.map(async (name) => ({ username: name, publicKey: (await importedKeys(fixtureOf(name))).publicKey })));
      const sealed = await sealGroupMessage({ id: crypto.randomUUID(), sender: username, group, recipients: others, plaintext: content(c), senderPrivateKey: me.privateKey, senderPublicKey: me.publicKey });
      return post(sealed);
    },
    async direct(recipient: string, c: Record<string, unknown>) {
      const me = await importedKeys(keys);
      const them = await importedKeys(fixtureOf(recipient));
      const sealed = await sealDirectV2({ id: crypto.randomUUID(), sender: username, recipient, plaintext: content(c), senderPrivateKey: me.privateKey, senderPublicKey: me.publicKey, recipientPublicKey: them.publicKey });
      return post(sealed);
    },
  };
}

/** People are registered on the fixture key their name starts with. */
function fixtureOf(username: string): 'alice' | 'bob' | 'carol' {
  return username.split('_')[0] as 'alice' | 'bob' | 'carol';
}

async function nameOf(client: ChatClient): Promise<string> {
  return (await client.currentAccount())!.username;
}

async function threeWithClock(clock: () => number) {
  const [alice, bob, carol] = await world.people('alice', 'bob', 'carol');
  const [a, b] = await Promise.all([world.signIn(alice!, new MemoryStore(), { clock }), world.signIn(bob!)]);
  return { alice: alice!, bob: bob!, carol: carol!, a, b };
}
