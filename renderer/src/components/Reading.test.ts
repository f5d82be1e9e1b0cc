// Reading a conversation: the "New messages" pill while scrolled up, landing on the first unread message under
// its divider, "Verified" written once per run of one sender's messages, the screen's landmarks and focus, and
// the conversation with oneself ("Note to self").
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, messagesWith, openConversation, rowOf, searchPeople, signedInAsAlice } from '../../test/chat-fixtures.js';
import { FakeChatApi } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

function atBottom(viewport: HTMLElement): boolean {
  return viewport.scrollHeight - viewport.scrollTop - viewport.clientHeight < 8;
}

describe('the new-messages pill', () => {
  it('appears when a message arrives while the person is scrolled up, and takes them to it', async () => {
    const api = signedInAsAlice();
    for (let i = 0; i < 60; i++) api.addMessage('bob', { outgoing: i % 2 === 0 });
    await openConversation(api, 'bob');
    const viewport = messagesWith('bob');
    await within(viewport).findByText('message 60');

    // At the bottom, an arrival just shows: no pill.
    api.receive('bob', 'seen at once');
    await within(viewport).findByText('seen at once');
    expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull();

    viewport.scrollTop = 300;
    await fireEvent.scroll(viewport);
    expect(atBottom(viewport)).toBe(false);
    api.receive('bob', 'are you there?');
    const pill = await screen.findByRole('button', { name: /New messages/ });
    expect(within(viewport).queryByText('are you there?')).toBeNull();

    await userEvent.setup().click(pill);
    expect(await within(viewport).findByText('are you there?')).toBeInTheDocument();
    expect(atBottom(viewport)).toBe(true);
    expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull();
  });

  it('goes away when the person scrolls down to the newest message themselves', async () => {
    const api = signedInAsAlice();
    for (let i = 0; i < 60; i++) api.addMessage('bob');
    await openConversation(api, 'bob');
    const viewport = messagesWith('bob');
    await within(viewport).findByText('message 60');
    viewport.scrollTop = 300;
    await fireEvent.scroll(viewport);
    api.receive('bob', 'later');
    await screen.findByRole('button', { name: /New messages/ });

    viewport.scrollTop = viewport.scrollHeight;
    await fireEvent.scroll(viewport);
    await waitFor(() => expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull());
  });
});

describe('opening a conversation with unread messages', () => {
  it('lands on the first unread message, under an "Unread" divider, the composer keeping the focus', async () => {
    const api = signedInAsAlice();
    for (let i = 0; i < 40; i++) api.addMessage('bob', { outgoing: i % 3 === 0, text: `read ${i + 1}` });
    for (let i = 0; i < 20; i++) api.addMessage('bob', { text: `unread ${i + 1}` });
    Object.assign(api.contactList[0]!, { unread: 20, lastSeq: 60 });
    await openConversation(api, 'bob');

    const divider = await within(messagesWith('bob')).findByRole('separator', { name: 'Unread messages' });
    expect(divider).toHaveTextContent('Unread');
    // The divider heads the row of the first unread message, and only that one.
    await waitFor(() => expect(divider.closest('[role="listitem"]')).toHaveTextContent('unread 1'));
    expect(within(messagesWith('bob')).getAllByRole('separator', { name: 'Unread messages' })).toHaveLength(1);
    await waitFor(() => expect(atBottom(messagesWith('bob'))).toBe(false));
    expect(within(messagesWith('bob')).getByText('unread 1')).toBeInTheDocument();
    expect(screen.getByLabelText('Message to bob')).toHaveFocus();
  });

  it('shows no divider and stays at the newest message when nothing is unread', async () => {
    const api = signedInAsAlice();
    for (let i = 0; i < 60; i++) api.addMessage('bob');
    await openConversation(api, 'bob');
    await within(messagesWith('bob')).findByText('message 60');
    expect(within(messagesWith('bob')).queryByRole('separator', { name: 'Unread messages' })).toBeNull();
    expect(atBottom(messagesWith('bob'))).toBe(true);
  });
});

describe('the verified badge', () => {
  it('is on every verified bubble, and written out once per run of one sender’s messages', async () => {
    const api = signedInAsAlice();
    for (const [text, outgoing] of [['b1', false], ['b2', false], ['b3', false], ['a1', true], ['a2', true], ['b4', false]] as const) {
      api.addMessage('bob', { text, outgoing });
    }
    await openConversation(api, 'bob');
    const list = messagesWith('bob');
    await within(list).findByText('b4');
    await waitFor(() => expect(within(list).getAllByRole('img', { name: 'Verified' })).toHaveLength(6));
    // Three runs: bob's three, alice's two, bob's one; the word on the last bubble of each.
    expect(within(list).getAllByText('Verified')).toHaveLength(3);
    for (const text of ['b1', 'b2', 'a1']) {
      const row = await rowOf('bob', text);
      expect(within(row).getByRole('img', { name: 'Verified' })).toBeInTheDocument();
      expect(within(row).queryByText('Verified')).toBeNull();
    }
    for (const text of ['b3', 'a2', 'b4']) expect(within(await rowOf('bob', text)).getByText('Verified')).toBeInTheDocument();
  });

  it('writes the word out again before a message that failed, so the run is not taken to cover it', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: 'genuine' });
    api.addMessage('bob', { text: null, status: 'bad_signature', reason: 'The signature does not match bob’s key.' });
    await openConversation(api, 'bob');
    const row = await rowOf('bob', 'genuine');
    await within(messagesWith('bob')).findByText('This message failed verification');
    await waitFor(() => expect(within(row).getByText('Verified')).toBeInTheDocument());
    expect(within(messagesWith('bob')).getAllByRole('img', { name: 'Verified' })).toHaveLength(1);
  });
});

describe('the signed-in screen', () => {
  it('has one main landmark and one h1, with the welcome pane inside main, and the search field focused', async () => {
    const api = signedInAsAlice();
    render(App, { api });
    const search = await screen.findByLabelText('Find people by username');
    await waitFor(() => expect(search).toHaveFocus());
    expect(screen.getAllByRole('main')).toHaveLength(1);
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
    expect(within(screen.getByRole('main')).getByRole('heading', { name: 'No conversation open', level: 2 })).toBeInTheDocument();

    await userEvent.setup().click(within(screen.getByRole('navigation', { name: 'Contacts' })).getByRole('button', { name: /^bob/ }));
    await screen.findByRole('heading', { name: 'bob', level: 2 });
    expect(screen.getAllByRole('main')).toHaveLength(1);
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
  });
});

describe('note to self', () => {
  it('finds the person themselves as "Note to self" and sends to their own conversation', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user, found } = await searchPeople(api, 'ali');
    const me = await within(found).findByRole('button', { name: /^Note to self/ });
    expect(me).toHaveAccessibleName('Note to self You (alice)');
    await user.click(me);
    expect(await screen.findByRole('heading', { name: 'Note to self', level: 2 })).toBeInTheDocument();
    expect(screen.getByText(/only you can read them/)).toBeInTheDocument();

    await user.type(screen.getByLabelText('Message to Note to self'), 'buy milk{Enter}');
    await waitFor(() => expect(api.callsOf('send')).toHaveLength(1));
    expect((api.callsOf('send')[0] as [{ conversation: string }])[0].conversation).toBe('alice');
    const list = messagesWith('Note to self');
    expect(await within(list).findByText('buy milk')).toBeInTheDocument();
    expect(await within(list).findByRole('img', { name: 'Verified' })).toBeInTheDocument();
  });

  it('leaves the person out when picking a group’s members', async () => {
    const api = new FakeChatApi({ account: ALICE, users: ['alan', 'alice', 'bob'] });
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: 'New group' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Find people to add'), 'al');
    const found = await within(dialog).findByRole('list', { name: 'People found' });
    await within(found).findByRole('button', { name: 'Add alan' });
    expect(within(found).queryByRole('button', { name: 'Add alice' })).toBeNull();
  });
});
