import { describe, expect, it } from 'vitest';
import { FakeChatApi } from '../../test/fake-chat-api.js';
import { ConversationState, MISPLACED_REASON, placedView, READ_BATCH } from './conversation.svelte.js';

const ALICE = { username: 'alice', fingerprint: 'f', serverUrl: 'https://chat.example.org' };

function setup(visible = true) {
  const api = new FakeChatApi({ account: ALICE });
  const read: string[] = [];
  const conversation = new ConversationState(api, 'bob', { isVisible: () => visible, onRead: (peer) => read.push(peer) });
  return { api, conversation, read };
}

async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('ConversationState', () => {
  it('keeps headers in seq order whatever order pages and live events arrive in, without duplicates', async () => {
    const { api, conversation } = setup();
    const views = Array.from({ length: 5 }, () => api.addMessage('bob'));
    api.messages = views.slice(0, 3);
    await conversation.open();
    expect(conversation.headers.map((h) => h.seq)).toEqual([1, 2, 3]);
    const header = (i: number) => ({ ...views[i]! });
    conversation.arrived(header(4));
    conversation.arrived(header(3));
    conversation.arrived(header(4));
    expect(conversation.headers.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(conversation.arrived({ ...header(0), sender: 'carol', id: 'other' })).toBe(false);
    expect(conversation.rows.filter((r) => r.kind === 'message')).toHaveLength(5);
  });

  it('decrypts at most a small batch at a time, newest first, and only what is still on screen', async () => {
    const { api, conversation } = setup();
    const views = Array.from({ length: 30 }, () => api.addMessage('bob'));
    await conversation.open();
    api.hold('readMessages');
    conversation.showing(views.slice(0, 15).map((v) => v.id));
    await settle();
    expect(api.callsOf('readMessages')).toEqual([[views.slice(15 - READ_BATCH, 15).map((v) => v.id).reverse()]]);
    // The person scrolled on before the answer: rows 20–29 are on screen now, 0–14 are gone.
    conversation.showing(views.slice(20, 30).map((v) => v.id));
    api.release('readMessages');
    await expect.poll(() => views.slice(20).every((v) => conversation.views.has(v.id))).toBe(true);
    const asked = api.callsOf('readMessages').flatMap(([ids]) => ids as string[]);
    const index = (id: string) => views.findIndex((v) => v.id === id);
    expect(asked.slice(READ_BATCH).every((id) => index(id) >= 20)).toBe(true);
    expect(views.slice(0, 9).some((v) => conversation.views.has(v.id))).toBe(false);
  });

  it('asks nothing while the person scrolls fast, and reads what is on screen once the scroll settles', async () => {
    const { api, conversation } = setup();
    const views = Array.from({ length: 30 }, () => api.addMessage('bob'));
    await conversation.open();
    conversation.showing(views.slice(20, 25).map((v) => v.id), true);
    conversation.showing(views.slice(10, 15).map((v) => v.id), true);
    conversation.showing(views.slice(0, 5).map((v) => v.id), true);
    await settle();
    expect(api.callsOf('readMessages')).toEqual([]);
    expect(conversation.views.size).toBe(0);
    // The scroll settled on rows 0–4: those are read, and none of the rows it carried past.
    conversation.showing(views.slice(0, 5).map((v) => v.id), false);
    await expect.poll(() => views.slice(0, 5).every((v) => conversation.views.has(v.id))).toBe(true);
    expect(api.callsOf('readMessages').flatMap(([ids]) => ids as string[]).sort()).toEqual(views.slice(0, 5).map((v) => v.id).sort());
  });

  it('moves the read marker only while the window is visible', async () => {
    const hidden = setup(false);
    const view = hidden.api.addMessage('bob');
    await hidden.conversation.open();
    hidden.conversation.showing([view.id]);
    await settle();
    expect(hidden.api.callsOf('markRead')).toEqual([]);

    const shown = setup(true);
    const v = shown.api.addMessage('bob');
    await shown.conversation.open();
    shown.conversation.showing([v.id]);
    await settle();
    expect(shown.api.callsOf('markRead')).toEqual([['bob', v.seq]]);
    expect(shown.read).toEqual(['bob']);
  });

  it('retries only a failed send, with the same id, and ignores blank messages', async () => {
    const { api, conversation } = setup();
    await conversation.open();
    await conversation.send('   \n  ');
    expect(api.callsOf('send')).toEqual([]);
    api.failNext.set('send', { code: 'rate_limited', message: 'Too many messages.', retryAfterSeconds: 3 });
    await conversation.send('hello');
    expect(conversation.pending).toEqual([expect.objectContaining({ text: 'hello', state: 'failed', error: 'Too many messages. Try again in 3 seconds.' })]);
    const id = conversation.pending[0]!.id;
    await conversation.retry(id);
    await conversation.retry(id);
    expect(api.callsOf('send').map(([r]) => (r as { id: string }).id)).toEqual([id, id]);
    expect(conversation.pending).toEqual([]);
    expect(conversation.headers.map((h) => h.id)).toEqual([id]);
  });
});

describe('a group conversation', () => {
  function groupSetup() {
    const api = new FakeChatApi({ account: ALICE });
    const group = api.addGroup({ name: 'Climbing', members: ['alice', 'bob', 'carol'] });
    const other = api.addGroup({ name: 'Other', members: ['alice', 'bob'] });
    const conversation = new ConversationState(api, group.conversation, { me: () => 'alice', group: () => group });
    return { api, group, other, conversation };
  }

  it('shows only views of its own group, with outgoing meaning the person sent it', () => {
    const { api, group, other } = groupSetup();
    const ok = api.addGroupMessage(group.id, { sender: 'bob' });
    const mine = api.addGroupMessage(group.id, { outgoing: true });
    expect(placedView(ok, 'alice', group.conversation)).toBe(ok);
    expect(placedView(mine, 'alice', group.conversation)).toBe(mine);
    const elsewhere = api.addGroupMessage(other.id, { sender: 'bob', text: 'other group' });
    const direct = api.addMessage('bob', { text: 'direct' });
    const fakeOutgoing = { ...ok, outgoing: true };
    const relabelled = { ...elsewhere, conversation: group.conversation };
    for (const view of [elsewhere, direct, fakeOutgoing, relabelled, { ...direct, conversation: group.conversation }]) {
      expect(placedView(view, 'alice', group.conversation)).toMatchObject({ status: 'misplaced', text: null, reason: MISPLACED_REASON });
    }
    // And a group view is never shown in a direct conversation.
    expect(placedView({ ...ok, conversation: 'bob' }, 'alice', 'bob')).toMatchObject({ status: 'misplaced', text: null });
  });

  it('takes live headers of its group only, and sends to the group with the reply it answers', async () => {
    const { api, group, other, conversation } = groupSetup();
    const first = api.addGroupMessage(group.id, { sender: 'bob' });
    await conversation.open();
    expect(conversation.arrived({ ...api.addGroupMessage(other.id), conversation: group.conversation })).toBe(false);
    expect(conversation.arrived(api.addMessage('bob'))).toBe(false);
    expect(conversation.arrived(api.addGroupMessage(group.id, { sender: 'carol' }))).toBe(true);
    conversation.actions.reply(first);
    await conversation.send('count me in');
    expect(api.callsOf('send')).toEqual([[{ conversation: group.conversation, text: 'count me in', id: expect.any(String), replyTo: first.id }]]);
    expect(conversation.actions.replyingTo).toBeNull();
    expect(conversation.title).toBe('Climbing');
    expect(conversation.canSend).toBe(true);
    group.sending = 'held';
    expect(conversation.canSend).toBe(false);
  });

  it('keeps a message the core held for the group\'s membership, and sends it once the group may be written to', async () => {
    const { api, conversation } = groupSetup();
    await conversation.open();
    api.failNext.set('send', { code: 'held', message: 'The server lists dave in this group, but no member added them.' });
    await conversation.send('who is here?');
    expect(conversation.pending).toEqual([expect.objectContaining({ text: 'who is here?', state: 'failed', held: true })]);
    api.failNext.set('send', { code: 'rate_limited', message: 'Too many messages.' });
    await conversation.send('not held');
    await conversation.sendable();
    expect(conversation.pending.map((p) => p.text)).toEqual(['not held']);
    const sent = api.callsOf('send').map(([r]) => (r as { text: string }).text);
    expect(sent).toEqual(['who is here?', 'not held', 'who is here?']);
  });
});
