// The window's everyday states (issue 14): offline told in one line with the detail behind a disclosure and a
// banner with "Retry now"; messages waiting for the connection and going out when it is back; a refused
// message edited and resent; the size limit in the composer; drafts kept, and carried over a session that
// ended elsewhere.
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { draftKey } from '../../../core/api/drafts.js';
import { MAX_MESSAGE_TEXT_BYTES } from '../../../core/api/message-size.js';
import { ALICE, openConversation, signedInAsAlice } from '../../test/chat-fixtures.js';
import type { FakeChatApi } from '../../test/fake-chat-api.js';

const BOB_DRAFT = draftKey(ALICE.serverUrl, 'alice', 'bob');

const offline = (api: FakeChatApi, detail: string | null = 'Cannot reach the server at http://127.0.0.1:8080: network error.') => {
  api.emit({ type: 'connection', state: 'offline', detail });
};

describe('the offline state', () => {
  it('says it in one line under the name, keeps the detail behind a disclosure, and does not flicker while retrying', async () => {
    const api = signedInAsAlice();
    await openConversation(api, 'bob');
    api.emit({ type: 'connection', state: 'online', detail: null });
    expect(await screen.findByText('Connected')).toBeInTheDocument();
    offline(api);
    expect(await screen.findByText('Offline — reconnecting…')).toBeInTheDocument();
    const details = screen.getByText('Details').closest('details')!;
    expect(details).not.toHaveAttribute('open');
    expect(within(details).getByText(/network error/)).toBeInTheDocument();
    expect(screen.getByText('Offline — reconnecting…').textContent).not.toMatch(/network error|certificate/);
    // Each attempt says "connecting": the line stays as it is until the stream is up.
    api.emit({ type: 'connection', state: 'connecting', detail: null });
    await Promise.resolve();
    expect(screen.getByText('Offline — reconnecting…')).toBeInTheDocument();
    api.emit({ type: 'connection', state: 'online', detail: null });
    expect(await screen.findByText('Connected')).toBeInTheDocument();
    expect(screen.queryByText('Details')).toBeNull();
  });

  it('shows a banner over the conversation whose "Retry now" asks the connection to try at once', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    expect(screen.queryByRole('region', { name: 'Connection' })).toBeNull();
    offline(api);
    const banner = await screen.findByRole('region', { name: 'Connection' });
    expect(banner).toHaveTextContent('You are offline.');
    await user.click(within(banner).getByRole('button', { name: 'Retry now' }));
    expect(api.callsOf('reconnectNow')).toEqual([[]]);
    api.emit({ type: 'connection', state: 'online', detail: null });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Connection' })).toBeNull());
  });

  it('keeps a message waiting for the connection, and sends it with the same id once it is back', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    offline(api);
    await screen.findByText('Offline — reconnecting…');
    api.failNext.set('send', { code: 'server_unreachable', message: 'Cannot reach the server.' });
    await user.type(screen.getByLabelText('Message to bob'), 'are you there?{Enter}');
    expect(await screen.findByText('Waiting for connection')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByText(/Not sent/)).toBeNull();
    api.emit({ type: 'connection', state: 'online', detail: null });
    await waitFor(() => expect(api.callsOf('send')).toHaveLength(2));
    const [first, second] = api.callsOf('send').map(([r]) => r as { id: string });
    expect(second!.id).toBe(first!.id);
    await waitFor(() => expect(screen.queryByText('Waiting for connection')).toBeNull());
    expect(within(screen.getByRole('region', { name: 'Messages with bob' })).getByText('are you there?')).toBeInTheDocument();
  });

  it('offers "Edit and resend" (never Retry) for a message the server refused for good', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    api.failNext.set('send', { code: 'invalid_input', message: 'This is too large for the server.' });
    await user.type(screen.getByLabelText('Message to bob'), 'a very long story{Enter}');
    expect(await screen.findByText(/Not sent: This is too large for the server\./)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Edit and resend' }));
    const box = screen.getByLabelText('Message to bob');
    expect(box).toHaveValue('a very long story');
    expect(box).toHaveFocus();
    expect(screen.queryByText(/Not sent/)).toBeNull();
  });
});

describe('the size limit', () => {
  it('counts down near the limit and refuses Send past it', async () => {
    const api = signedInAsAlice();
    await openConversation(api, 'bob');
    const box = screen.getByLabelText('Message to bob') as HTMLTextAreaElement;
    const send = screen.getByRole('button', { name: 'Send' });
    const fill = async (text: string) => {
      // Typing 60,000 characters one by one would take minutes: set the value as a paste would.
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      await Promise.resolve();
    };
    await fill('short');
    expect(send).toBeEnabled();
    expect(screen.queryByText(/bytes left/)).toBeNull();
    await fill('a'.repeat(MAX_MESSAGE_TEXT_BYTES - 100));
    expect(await screen.findByText('100 of 65,536 bytes left')).toBeInTheDocument();
    expect(send).toBeEnabled();
    await fill('a'.repeat(MAX_MESSAGE_TEXT_BYTES + 10));
    expect(await screen.findByText(/Too long to send: 10 bytes over the limit of 65,536/)).toBeInTheDocument();
    expect(send).toBeDisabled();
    expect(box).toHaveAttribute('aria-invalid', 'true');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(api.callsOf('send')).toEqual([]);
  });
});

describe('drafts', () => {
  it('saves a draft per conversation, brings it back after a restart, and clears it when sent', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    await user.type(screen.getByLabelText('Message to bob'), 'half a thought');
    await waitFor(() => expect(api.draftStore).toEqual({ [BOB_DRAFT]: 'half a thought' }));
    document.body.innerHTML = '';

    // A restart: a new window over the same app, which kept the draft.
    await openConversation(api, 'bob');
    expect(await screen.findByLabelText('Message to bob')).toHaveValue('half a thought');
    await user.type(screen.getByLabelText('Message to bob'), '{Enter}');
    await waitFor(() => expect(api.draftStore).toEqual({}));
  });

  it('keeps the draft and the queued message of a session ended elsewhere, and sends it after signing in again', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    offline(api);
    api.failNext.set('send', { code: 'server_unreachable', message: 'Cannot reach the server.' });
    await user.type(screen.getByLabelText('Message to bob'), 'queued while offline{Enter}');
    await screen.findByText('Waiting for connection');
    await user.type(screen.getByLabelText('Message to bob'), 'still typing');

    // Another device signed this one out.
    api.account = null;
    api.emit({ type: 'signed_out', reason: 'This device was signed out from another device of your account. Sign in again.' });
    const notice = await screen.findByText(/signed out from another device/);
    expect(notice).toHaveTextContent('What you were writing is kept');
    expect(screen.getByLabelText('Username')).toHaveValue('alice');

    await user.type(screen.getByLabelText('Password', { exact: true }), api.password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('button', { name: 'Settings' });
    await waitFor(() => expect(api.callsOf('send')).toHaveLength(2));
    const [first, second] = api.callsOf('send').map(([r]) => r as { id: string; text: string });
    expect(second).toEqual(first);
    await user.click(await within(await screen.findByRole('navigation', { name: 'Contacts' })).findByRole('button', { name: /^bob/ }));
    expect(await screen.findByLabelText('Message to bob')).toHaveValue('still typing');
    expect(within(screen.getByRole('region', { name: 'Messages with bob' })).getByText('queued while offline')).toBeInTheDocument();
  });

  it('drops the drafts of an account that signs out itself', async () => {
    const api = signedInAsAlice();
    api.draftStore = { [BOB_DRAFT]: 'private thought', [draftKey(ALICE.serverUrl, 'carol', 'bob')]: 'not alice’s' };
    const user = await openConversation(api, 'bob');
    expect(screen.getByLabelText('Message to bob')).toHaveValue('private thought');
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.click(await screen.findByRole('button', { name: /^(Log|Sign) out$/ }));
    await waitFor(() => expect(api.draftStore).toEqual({ [draftKey(ALICE.serverUrl, 'carol', 'bob')]: 'not alice’s' }));
  });
});
