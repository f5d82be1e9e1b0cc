// What a person does to a message (jsdom, against the fake): reply (with the quote and the jump to the
// original), edit their own, delete their own after the question, and react.
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { messagesWith, openConversation, rowOf, signedInAsAlice, withClimbingGroup } from '../../test/chat-fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('replying', () => {
  it('replies from a message’s Reply action: the bar says to whom, Escape cancels, and the reply quotes the original', async () => {
    const { api, group } = withClimbingGroup();
    const original = api.addGroupMessage(group.id, { sender: 'bob', text: 'Anyone up for Saturday?' });
    const user = await openConversation(api, 'Climbing');
    const row = await rowOf('Climbing', 'Anyone up for Saturday?');
    await user.click(within(row).getByRole('button', { name: 'Reply' }));
    const box = screen.getByLabelText('Message to Climbing');
    expect(box).toHaveFocus();
    expect(screen.getByText('Replying to bob:').parentElement).toHaveTextContent('Replying to bob: Anyone up for Saturday?');
    await user.keyboard('{Escape}');
    expect(screen.queryByText('Replying to bob:')).toBeNull();

    await user.click(within(row).getByRole('button', { name: 'Reply' }));
    await user.type(box, 'Me!{Enter}');
    await waitFor(() => expect(api.callsOf('send')).toHaveLength(1));
    expect(api.callsOf('send')[0]).toEqual([{ conversation: group.conversation, text: 'Me!', id: expect.stringMatching(UUID), replyTo: original.id }]);
    expect(screen.queryByText('Replying to bob:')).toBeNull();
    const reply = await rowOf('Climbing', 'Me!');
    expect(within(reply).getByRole('button', { name: /In reply to bob Anyone up for Saturday\?/ })).toBeInTheDocument();
  });

  it('jumps from the quote to the original, paging back for it, and marks it', async () => {
    const api = signedInAsAlice();
    const original = api.addMessage('bob', { text: 'the original' });
    for (let i = 0; i < 250; i++) api.addMessage('bob');
    api.addMessage('bob', { text: 'a late reply', replyTo: original.id });
    const user = await openConversation(api, 'bob');
    const reply = await rowOf('bob', 'a late reply');
    const quote = await within(reply).findByRole('button', { name: /In reply to bob the original/ });
    await user.click(quote);
    await waitFor(() => expect(api.callsOf('conversation')).toHaveLength(3));
    const found = (await within(messagesWith('bob')).findByText('the original')).closest('[role="listitem"]') as HTMLElement;
    await waitFor(() => expect(found).toHaveFocus());
    expect(found.querySelector('.message')).toHaveClass('highlight');
  });

  it('says when the original cannot be loaded, and when it is not in the conversation', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: 'about nothing', replyTo: '00000000-0000-4000-8000-999999999999' });
    const user = await openConversation(api, 'bob');
    const reply = await rowOf('bob', 'about nothing');
    await user.click(await within(reply).findByRole('button', { name: /Original message not loaded/ }));
    expect(await screen.findByText('The original message is not in this conversation any more.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('editing', () => {
  it('edits an own message: Escape cancels and gives the draft back, Enter saves, and the bubble says edited', async () => {
    const api = signedInAsAlice();
    const mine = api.addMessage('bob', { outgoing: true, text: 'see you at 5' });
    api.addMessage('bob', { text: 'ok' });
    const user = await openConversation(api, 'bob');
    expect(within(await rowOf('bob', 'ok')).queryByRole('button', { name: 'Edit' })).toBeNull();
    await user.type(screen.getByLabelText('Message to bob'), 'unsent draft');
    const row = await rowOf('bob', 'see you at 5');
    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    const box = screen.getByLabelText('Edit your message');
    expect(box).toHaveValue('see you at 5');
    expect(box).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.getByLabelText('Message to bob')).toHaveValue('unsent draft');
    expect(api.callsOf('editMessage')).toEqual([]);

    await user.click(within(row).getByRole('button', { name: 'Edit' }));
    await user.clear(screen.getByLabelText('Edit your message'));
    await user.type(screen.getByLabelText('Edit your message'), 'see you at 6{Enter}');
    expect(api.callsOf('editMessage')).toEqual([[{ target: mine.id, text: 'see you at 6', id: expect.stringMatching(UUID) }]]);
    const edited = await rowOf('bob', 'see you at 6');
    expect(within(edited).getByText('edited')).toBeInTheDocument();
    expect(screen.getByLabelText('Message to bob')).toHaveValue('unsent draft');
    expect(api.callsOf('send')).toEqual([]);
  });
});

describe('deleting', () => {
  it('asks "Delete for everyone?" first, then shows the message as deleted', async () => {
    const api = signedInAsAlice();
    const mine = api.addMessage('bob', { outgoing: true, text: 'oops, wrong chat' });
    const user = await openConversation(api, 'bob');
    const row = await rowOf('bob', 'oops, wrong chat');
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    const ask = screen.getByRole('dialog', { name: 'Delete for everyone?' });
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(api.callsOf('deleteMessage')).toEqual([]);
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete for everyone?' })).getByRole('button', { name: 'Delete' }));
    expect(api.callsOf('deleteMessage')).toEqual([[{ target: mine.id, id: expect.stringMatching(UUID) }]]);
    const gone = await within(messagesWith('bob')).findByText('This message was deleted');
    expect(gone).toHaveClass('gone');
    expect(within(messagesWith('bob')).queryByText('oops, wrong chat')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows a message the server erased without a delete as removed by the server, with no actions', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: null, deleted: 'by_server' });
    await openConversation(api, 'bob');
    const row = (await within(messagesWith('bob')).findByText('Removed by the server')).closest('[role="listitem"]') as HTMLElement;
    expect(within(row).queryByRole('button')).toBeNull();
  });
});

describe('reactions', () => {
  it('reacts from the picker, names who reacted, and takes the person’s own reaction back', async () => {
    const api = signedInAsAlice();
    const theirs = api.addMessage('bob', { text: 'summit!', reactions: [{ emoji: '👍', people: ['bob', 'carol'] }] });
    const user = await openConversation(api, 'bob');
    const row = await rowOf('bob', 'summit!');
    const thumbs = within(row).getByRole('button', { name: '👍 2, from bob and carol' });
    expect(thumbs).toHaveAttribute('aria-pressed', 'false');

    await user.click(within(row).getByRole('button', { name: 'React' }));
    const picker = within(row).getByRole('group', { name: 'Pick a reaction' });
    expect(within(picker).getByRole('button', { name: 'React with thumbs up' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(within(row).queryByRole('group', { name: 'Pick a reaction' })).toBeNull();
    expect(within(row).getByRole('button', { name: 'React' })).toHaveFocus();

    await user.keyboard('{Enter}');
    await user.click(within(row).getByRole('button', { name: 'React with heart' }));
    expect(api.callsOf('react')).toEqual([[{ target: theirs.id, emoji: '❤️', id: expect.stringMatching(UUID) }]]);
    const heart = await within(row).findByRole('button', { name: '❤️ 1, from you' });
    expect(heart).toHaveAttribute('aria-pressed', 'true');
    expect(heart).toHaveClass('mine');

    await user.click(heart);
    expect(api.callsOf('react')[1]).toEqual([{ target: theirs.id, emoji: '❤️', remove: true, id: expect.stringMatching(UUID) }]);
    await waitFor(() => expect(within(row).queryByRole('button', { name: /^❤️/ })).toBeNull());

    await user.click(thumbs);
    expect(await within(row).findByRole('button', { name: '👍 3, from you, bob and carol' })).toHaveAttribute('aria-pressed', 'true');
  });
});
