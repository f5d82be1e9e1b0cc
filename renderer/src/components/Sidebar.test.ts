// The sidebar in the window (jsdom): the names, roles and labels the end-to-end tests find it by, the
// contact rows, and the people search.
import { render, screen, within } from '@testing-library/svelte';
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
    expect(within(contacts).getByRole('button', { name: /^carol/ })).toHaveTextContent('Safety key changed');
    expect(screen.getByRole('button', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.getByText('alice', { selector: '.name' })).toBeInTheDocument();
    await user.click(bob);
    expect(within(contacts).getByRole('button', { name: /^bob/ })).toHaveAttribute('aria-current', 'true');
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
