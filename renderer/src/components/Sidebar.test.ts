// The sidebar in the window (jsdom): the names, roles and labels the end-to-end tests find it by, the
// contact rows, and the people search.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeChatApi, FINGERPRINT_A } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

const ALICE = { username: 'alice', fingerprint: FINGERPRINT_A, serverUrl: 'https://chat.example.org' };

function signedIn(): FakeChatApi {
  return new FakeChatApi({
    account: ALICE,
    contactList: [
      { username: 'bob', keyStatus: 'pinned', unread: 2, lastActivity: '2026-11-25T20:55:01.123Z', lastSeq: 2 },
      { username: 'carol', keyStatus: 'changed', unread: 0, lastActivity: null, lastSeq: null },
    ],
  });
}

describe('Sidebar', () => {
  it('lists the contacts with unread counts and key warnings, and marks the open one', async () => {
    const user = userEvent.setup();
    render(App, { api: signedIn() });
    const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
    const bob = await within(contacts).findByRole('button', { name: /^bob/ });
    expect(bob).toHaveTextContent('2 unread');
    expect(bob).toHaveTextContent('Encrypted conversation');
    expect(within(contacts).getByRole('button', { name: /^carol/ })).toHaveTextContent('Key fingerprint changed');
    expect(screen.getByRole('button', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.getByText('alice', { selector: '.name' })).toBeInTheDocument();
    await user.click(bob);
    expect(within(contacts).getByRole('button', { name: /^bob/ })).toHaveAttribute('aria-current', 'true');
  });

  it('takes unread counts from the core again when another device has read', async () => {
    const api = signedIn();
    render(App, { api });
    const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
    expect(await within(contacts).findByRole('button', { name: /^bob/ })).toHaveTextContent('2 unread');
    // Another device read bob's messages: the core's counts changed, and it says so.
    api.contactList = api.contactList.map((c) => (c.username === 'bob' ? { ...c, unread: 0 } : c));
    api.emit({ type: 'read_elsewhere' });
    await waitFor(() => expect(within(contacts).getByRole('button', { name: /^bob/ })).not.toHaveTextContent('unread'));
  });

  it('finds people by username, opens the first with Enter, and clears with Escape', async () => {
    const user = userEvent.setup();
    render(App, { api: signedIn() });
    const search = await screen.findByLabelText('Find people by username');
    await user.type(search, 'bo');
    const found = await screen.findByRole('region', { name: 'People found' });
    expect(await within(found).findByRole('button', { name: /^bobby/ })).toHaveTextContent('Start a conversation');
    expect(screen.queryByRole('navigation', { name: 'Contacts' })).toBeNull();
    await user.keyboard('{Escape}');
    expect(search).toHaveValue('');
    await screen.findByRole('navigation', { name: 'Contacts' });
    await user.type(search, 'bob');
    await within(await screen.findByRole('region', { name: 'People found' })).findByRole('button', { name: /^bob / });
    await user.keyboard('{Enter}');
    await screen.findByRole('heading', { name: 'bob', level: 2 });
    expect(search).toHaveValue('');
  });
});

describe('Sidebar with groups', () => {
  it('lists groups beside people in one list, newest activity first, with unread counts and a group icon', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.receive('bob', 'hello'); // seq 1
    const climbing = api.addGroup({ name: 'Climbing', members: ['alice', 'bob', 'carol'] });
    for (const text of ['a', 'b', 'c']) api.receiveInGroup(climbing.id, 'carol', text); // seq 2–4
    api.addMessage('carol', { outgoing: true }); // seq 5
    api.contactList.push({ username: 'carol', keyStatus: 'pinned', unread: 0, lastActivity: '2026-11-25T12:00:05.000Z', lastSeq: 5 });
    const unnamed = api.addGroup({ members: ['alice', 'bob'] });
    api.receiveInGroup(unnamed.id, 'bob', 'yo'); // seq 6
    render(App, { api });
    const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
    await within(contacts).findByRole('button', { name: /^Climbing/ });
    const names = () => within(contacts).getAllByRole('button').map((b) => b.querySelector('.name')?.textContent);
    expect(names()).toEqual(['Unnamed group', 'carol', 'Climbing', 'bob']);

    const group = within(contacts).getByRole('button', { name: /^Climbing/ });
    expect(group).toHaveTextContent('3 unread');
    expect(group.querySelector('.avatar.group')).not.toBeNull();
    expect(within(contacts).getByRole('button', { name: /^bob/ }).querySelector('.avatar.group')).toBeNull();
    await waitFor(() => expect(document.title).toBe('(5) Encrypted Chat'));
    // Under each name, the newest message: in a group with its sender's name, one's own with "You: ".
    const previews = () => within(contacts).getAllByRole('button').map((b) => b.querySelector('.sub')?.textContent);
    await waitFor(() => expect(previews()).toEqual(['bob: yo', 'You: message 5', 'carol: c', 'hello']));

    // A new group message moves its group to the top, counts it, and becomes its preview.
    api.receiveInGroup(climbing.id, 'bob', 'again');
    await waitFor(() => expect(names()).toEqual(['Climbing', 'Unnamed group', 'carol', 'bob']));
    expect(within(contacts).getByRole('button', { name: /^Climbing/ })).toHaveTextContent('4 unread');
    expect(document.title).toBe('(6) Encrypted Chat');
    await waitFor(() => expect(previews()[0]).toBe('bob: again'));
  });

  it('shows a group’s member count while it has no message', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.addGroup({ name: 'Quiet', members: ['alice', 'bob', 'carol'] });
    render(App, { api });
    const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
    expect(await within(contacts).findByRole('button', { name: /^Quiet/ })).toHaveTextContent('3 members');
    // Nothing to preview: the core is not even asked.
    expect(api.callsOf('previews')).toEqual([]);
  });

  it('marks a group whose member list needs checking, and one the person left', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const warned = { code: 'unannounced_member' as const, user: 'dave', loud: true, text: 'The server lists dave in this group, but no member added them.' };
    api.addGroup({ name: 'Checked', members: ['alice', 'bob'], sending: 'blocked', warnings: [warned] });
    api.addGroup({ name: 'Old', members: ['bob', 'carol'], sending: 'not_a_member' });
    render(App, { api });
    const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
    expect(await within(contacts).findByRole('button', { name: /^Checked/ })).toHaveTextContent('Check the member list');
    expect(within(contacts).getByRole('button', { name: /^Old/ })).toHaveTextContent('You are no longer a member');
  });
});
