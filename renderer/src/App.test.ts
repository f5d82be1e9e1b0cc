import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeChatApi } from '../test/fake-chat-api.js';
import App from './App.svelte';

describe('the window before sign-in', () => {
  it('asks the desktop app for a server first, and explains a bad address', async () => {
    const api = new FakeChatApi();
    api.settings = {
      ...api.settings,
      serverUrl: null,
      desktop: { staySignedIn: false, keychainAvailable: true, keychainDetail: null, notifications: true, notificationContent: false },
    };
    const user = userEvent.setup();
    render(App, { api });
    const address = await screen.findByLabelText('Server address');
    await user.clear(address);
    await user.type(address, 'chat.example.org');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the full address of the server');
    expect(api.callsOf('setServer')).toEqual([]);

    await user.clear(address);
    await user.type(address, 'https://chat.example.org');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByRole('tab', { name: 'Sign in' })).toHaveAttribute('aria-selected', 'true');
    expect(api.callsOf('setServer')).toEqual([[{ serverUrl: 'https://chat.example.org', caCertificatePem: null }]]);
  });

  it('shows the web client its fixed server and no first-start step', async () => {
    const api = new FakeChatApi();
    render(App, { api });
    expect(await screen.findByText('https://chat.example.org')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Change' })).not.toBeInTheDocument();
  });

  it('refuses a wrong password in words, in place', async () => {
    const api = new FakeChatApi();
    const user = userEvent.setup();
    render(App, { api });
    await user.type(await screen.findByLabelText('Username'), 'Alice');
    await user.type(screen.getByLabelText('Password'), 'not it');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    // Usernames are lowercase on the wire.
    expect(api.callsOf('login')).toEqual([[{ username: 'alice', password: 'not it' }]]);
  });

  it('says how long to wait when the server rate-limits sign-ins', async () => {
    const api = new FakeChatApi();
    api.failNext.set('login', { code: 'rate_limited', message: 'Too many attempts. Try again in 42 seconds.', retryAfterSeconds: 42 });
    const user = userEvent.setup();
    render(App, { api });
    await user.type(await screen.findByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), api.password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/Too many attempts\. Try again in 4[12] seconds\./);
  });

  it('says when the server cannot be reached', async () => {
    const api = new FakeChatApi();
    api.failNext.set('login', { code: 'server_unreachable', message: 'The server at https://chat.example.org does not answer.' });
    const user = userEvent.setup();
    render(App, { api });
    await user.type(await screen.findByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), api.password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('does not answer');
  });

  it('signs in and shows the contact list; a session that ends sends the person back with the reason', async () => {
    const api = new FakeChatApi({
      contactList: [{ username: 'bob', keyStatus: 'pinned', unread: 3, lastActivity: '2026-11-25T12:00:00.000Z', lastSeq: 9 }],
    });
    const user = userEvent.setup();
    render(App, { api });
    await user.type(await screen.findByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), api.password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
    expect(await within(contacts).findByRole('button', { name: /^bob/ })).toHaveTextContent('3 unread');
    expect(document.title).toBe('(3) Encrypted Chat');

    api.emit({ type: 'signed_out', reason: 'Your session expired. Sign in again.' });
    expect(await screen.findByText('Your session expired. Sign in again.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('restores an open session without asking for the password', async () => {
    const api = new FakeChatApi({ account: { username: 'alice', fingerprint: 'ab'.repeat(32), serverUrl: 'https://chat.example.org' } });
    render(App, { api });
    expect(await screen.findByRole('button', { name: 'Settings' })).toBeInTheDocument();
    await waitFor(() => expect(api.callsOf('contacts').length).toBeGreaterThan(0));
  });
});
