// The key log in the window: its alarms as red banners that say what to do and stay until dealt with (a new
// log key only by accepting it), the confirmation in a contact's details, and the log in settings.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { KeyLogAlarm } from '../../../core/api/chat-api.js';
import { FakeChatApi, FINGERPRINT_A, FINGERPRINT_B } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

const ALICE = { username: 'alice', fingerprint: FINGERPRINT_A, serverUrl: 'https://chat.example.org' };
const alarm = (kind: KeyLogAlarm['kind'], username: string | null, message: string): KeyLogAlarm => ({ id: `${kind}:${username ?? ''}:1`, kind, username, message, raisedAt: 1 });

describe('key log alarms', () => {
  it('shows each alarm loudly with what to do, and keeps it until the person dealt with it', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.keyLogState = { ...api.keyLogState, alarms: [alarm('fork', null, 'The server shows different key histories to different people. Trust no new key.')] };
    const user = userEvent.setup();
    render(App, { api });
    const alarms = await screen.findByLabelText('Key log alarms');
    const fork = within(alarms).getByRole('alert');
    expect(fork).toHaveTextContent('The server shows different key histories to different people');
    expect(fork).toHaveTextContent('Trust no new key.');

    // One that arrives while the window is open.
    api.emit({
      type: 'key_log',
      keyLog: { ...api.keyLogState, alarms: [...api.keyLogState.alarms, alarm('own_name', 'alice', 'A key was registered in your name that is not yours.')] },
    });
    expect(await within(alarms).findByText('A key was registered in your name')).toBeInTheDocument();
    api.keyLogState = { ...api.keyLogState, alarms: [...api.keyLogState.alarms, alarm('own_name', 'alice', 'A key was registered in your name that is not yours.')] };

    await user.click(within(fork).getByRole('button', { name: 'I have dealt with it' }));
    await waitFor(() => expect(within(alarms).getAllByRole('alert')).toHaveLength(1));
    expect(api.callsOf('dismissKeyLogAlarm')).toEqual([['fork::1']]);
  });

  it('offers to accept a changed log key, with its fingerprint, and nothing else clears it', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.keyLogState = { ...api.keyLogState, offeredKeyFingerprint: FINGERPRINT_A, alarms: [alarm('log_key_changed', null, 'The log is now signed with a different key.')] };
    const user = userEvent.setup();
    render(App, { api });
    const changed = await screen.findByRole('alert');
    expect(changed).toHaveTextContent(FINGERPRINT_A);
    expect(within(changed).queryByRole('button', { name: 'I have dealt with it' })).not.toBeInTheDocument();
    await user.click(within(changed).getByRole('button', { name: 'Accept the new log key' }));
    await waitFor(() => expect(screen.queryByLabelText('Key log alarms')).not.toBeInTheDocument());
    expect(api.keyLogState.logKeyFingerprint).toBe(FINGERPRINT_A);
  });
});

describe('the key log elsewhere in the window', () => {
  it("says in a contact's details that the log confirmed the key, or why it did not", async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.receive('bob', 'hi');
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: /^bob/ }));
    await user.click(await screen.findByRole('button', { name: 'Contact details and key fingerprint' }));
    const dialog = await screen.findByRole('dialog', { name: 'Contact details' });
    expect(await within(dialog).findByText("Key confirmed by the server's public key log.")).toBeInTheDocument();
  });

  it('shows a refusal in red with the reason', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.receive('bob', 'hi');
    api.details.set('bob', {
      username: 'bob', keyStatus: 'pinned', pinnedFingerprint: FINGERPRINT_B, serverFingerprint: null, createdAt: null, blocked: false, earlierKeys: [], deleted: false,
      keyLog: 'refused', keyLogDetail: "The server's key log does not contain this key for bob: the log entry it points to holds another name or key.",
    });
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: /^bob/ }));
    await user.click(await screen.findByRole('button', { name: 'Contact details and key fingerprint' }));
    const dialog = await screen.findByRole('dialog', { name: 'Contact details' });
    const refusal = await within(dialog).findByText(/does not confirm this key/);
    expect(refusal.closest('[role=alert]')).toHaveTextContent('holds another name or key');
  });

  it("shows the log's size and signing key in settings, and checks it on request", async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.keyLogState = { ...api.keyLogState, size: 12, checkedSize: 9 };
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect(await within(dialog).findByText(/12 key entries, 9 checked on this device/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^The key log's signing key: /)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Check the log now' }));
    expect(await within(dialog).findByText(/12 key entries, 12 checked on this device/)).toBeInTheDocument();
  });
});
