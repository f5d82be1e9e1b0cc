// How each kind of message shows (jsdom, against the fake): group bubbles with their sender, announcements as
// lines, edits/deletes/reactions only on their target (a failed one as failed), membership warnings, the
// sender's clock, and views replaced live by message_updated.
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { messagesWith, openConversation, rowOf, signedInAsAlice, withClimbingGroup } from '../../test/chat-fixtures.js';
import { timeLabel } from '../lib/time.js';

describe('group messages', () => {
  it('names the sender on others’ bubbles and shows announcements as centred lines', async () => {
    const { api, group } = withClimbingGroup('bob');
    api.addGroupMessage(group.id, { sender: 'carol', text: 'hi all' });
    api.addGroupMessage(group.id, { outgoing: true, text: 'hey' });
    api.addGroupMessage(group.id, { sender: 'bob', kind: 'announcement', text: 'bob added dave' });
    await openConversation(api, 'Climbing');
    const line = (await within(messagesWith('Climbing')).findByText('bob added dave')).closest('[data-kind="announcement"]')!;
    expect(line).not.toHaveTextContent('Verified');
    expect(within(line as HTMLElement).queryByRole('img', { name: 'Verified' })).toBeNull();
    expect(within(messagesWith('Climbing')).getByText('bob made the group “Climbing” with bob and carol')).toBeInTheDocument();
    expect((await rowOf('Climbing', 'hi all')).querySelector('.sender')).toHaveTextContent('carol');
    expect((await rowOf('Climbing', 'hey')).querySelector('.sender')).toBeNull();
  });

  it('shows a message sent outside the announced membership as a warning, not as a normal bubble', async () => {
    const { api, group } = withClimbingGroup();
    const warning = 'dave is not a member of this group as its members announced it: this message may not be genuine.';
    api.addGroupMessage(group.id, { sender: 'dave', text: 'trust me', warning });
    await openConversation(api, 'Climbing');
    const bubble = (await within(messagesWith('Climbing')).findByText(warning)).closest('[data-status]')!;
    expect(bubble).toHaveAttribute('data-status', 'membership_warning');
    expect(bubble).toHaveClass('warning');
    expect(bubble).toHaveTextContent('trust me');
    expect(bubble).not.toHaveTextContent('Verified');
    expect(within(bubble as HTMLElement).queryByRole('img', { name: 'Verified' })).toBeNull();
    expect(within(bubble.closest('[role="listitem"]') as HTMLElement).queryByRole('button', { name: 'Reply' })).toBeNull();
  });

  it('shows an announcement that is not valid as failed, with its reason', async () => {
    const { api, group } = withClimbingGroup();
    const reason = 'This group change is not valid. Only the group’s owner may remove others; it changes nothing.';
    api.addGroupMessage(group.id, { sender: 'carol', kind: 'announcement', text: null, status: 'invalid_announcement', reason });
    await openConversation(api, 'Climbing');
    const failed = (await within(messagesWith('Climbing')).findByText('A group change that is not valid')).closest('[data-status]')!;
    expect(failed).toHaveAttribute('data-status', 'invalid_announcement');
    expect(failed).toHaveTextContent(reason);
  });
});

describe('changes to messages', () => {
  it('shows an applied change only on its target, and a failed one as failed with the reason', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: 'hello', edited: true });
    api.addMessage('bob', { kind: 'change', text: null });
    api.addMessage('bob', { kind: 'change', text: null, status: 'may_not_change', reason: 'It refers to a message it may not change.' });
    await openConversation(api, 'bob');
    const failed = (await within(messagesWith('bob')).findByText('A change to a message it may not change')).closest('[data-status]')!;
    expect(failed).toHaveTextContent('It refers to a message it may not change.');
    // The day, "hello" and the failed change: the applied change has no row once read.
    await waitFor(() => expect(within(messagesWith('bob')).getAllByRole('listitem')).toHaveLength(3));
    expect(within(await rowOf('bob', 'hello')).getByText('edited')).toBeInTheDocument();
    // Seeing "hello" marks read past the applied change after it.
    await waitFor(() => expect(api.callsOf('markRead').at(-1)).toEqual(['bob', 3]));
  });

  it('replaces a shown message when message_updated arrives', async () => {
    const api = signedInAsAlice();
    const view = api.addMessage('bob', { text: 'first words' });
    await openConversation(api, 'bob');
    await rowOf('bob', 'first words');
    api.update(view.id, { text: 'second words', edited: true, reactions: [{ emoji: '😂', people: ['bob'] }] });
    const row = await rowOf('bob', 'second words');
    expect(within(row).getByText('edited')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: '😂 1, from bob' })).toBeInTheDocument();
    expect(within(messagesWith('bob')).queryByText('first words')).toBeNull();
    api.update(view.id, { text: null, deleted: 'by_sender', reactions: [] });
    expect(await within(messagesWith('bob')).findByText('This message was deleted')).toBeInTheDocument();
    expect(within(messagesWith('bob')).queryByText('second words')).toBeNull();
  });

  it('ignores a message_updated view of another conversation', async () => {
    const api = signedInAsAlice();
    const view = api.addMessage('bob', { text: 'mine to keep' });
    await openConversation(api, 'bob');
    await rowOf('bob', 'mine to keep');
    api.emit({ type: 'message_updated', message: { ...view, sender: 'carol', conversation: 'carol', text: 'taken over' } });
    api.emit({ type: 'message_updated', message: { ...view, sender: 'carol', text: 'taken over' } });
    await waitFor(() => expect(within(messagesWith('bob')).getByText('Listed in the wrong conversation')).toBeInTheDocument());
    expect(within(messagesWith('bob')).queryByText('taken over')).toBeNull();
  });
});

describe('the sender’s clock', () => {
  it('says when the sender’s clock differs from the server’s, and explains it', async () => {
    const api = signedInAsAlice();
    const senderClock = '2026-11-25T13:30:00.000Z';
    api.addMessage('bob', { text: 'on my way' });
    api.addMessage('bob', { text: 'late', senderClock });
    await openConversation(api, 'bob');
    const clock = within(await rowOf('bob', 'late')).getByText(`sent at ${timeLabel(senderClock)} by their clock`);
    expect(clock).toHaveAttribute('title', expect.stringContaining('differs from the server’s by more than 10 minutes'));
    expect(within(await rowOf('bob', 'on my way')).queryByText(/by their clock/)).toBeNull();
    expect(screen.getAllByText(/by their clock/)).toHaveLength(1);
  });
});
