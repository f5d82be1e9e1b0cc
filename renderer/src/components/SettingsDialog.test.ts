import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DesktopSettings } from '../../../core/api/chat-api.js';
import { FakeChatApi, FINGERPRINT_A } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

const ALICE = { username: 'alice', fingerprint: FINGERPRINT_A, serverUrl: 'https://chat.example.org' };

async function openSettings(api: FakeChatApi) {
  const user = userEvent.setup();
  render(App, { api });
  await user.click(await screen.findByRole('button', { name: 'Settings' }));
  return { user, dialog: screen.getByRole('dialog', { name: 'Settings' }) };
}

describe('settings', () => {
  it('switches the theme on the document and remembers it', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user, dialog } = await openSettings(api);
    await user.click(within(dialog).getByLabelText('Dark'));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect(api.callsOf('updateSettings')).toEqual([[{ theme: 'dark' }]]);
  });

  it('shows the account fingerprint in 16 groups of 4', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { dialog } = await openSettings(api);
    const fingerprint = within(dialog).getByLabelText(/^Your key fingerprint/);
    expect(fingerprint.querySelectorAll('span')).toHaveLength(16);
  });

  it('has no desktop section in the browser', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { dialog } = await openSettings(api);
    expect(within(dialog).queryByLabelText('Stay signed in')).not.toBeInTheDocument();
  });

  it('disables "stay signed in" with the reason when no keychain is reachable', async () => {
    const desktop: DesktopSettings = {
      staySignedIn: false,
      keychainAvailable: false,
      keychainDetail: 'no Secret Service provider was found',
      notifications: true,
      notificationContent: false,
    };
    const api = new FakeChatApi({ account: ALICE, settings: { ...new FakeChatApi().settings, desktop } });
    const { user, dialog } = await openSettings(api);
    expect(within(dialog).getByLabelText('Stay signed in')).toBeDisabled();
    expect(within(dialog).getByText(/no Secret Service provider was found/)).toBeInTheDocument();
    await user.click(within(dialog).getByLabelText('Show the message text in notifications'));
    expect(api.callsOf('updateSettings')).toEqual([[{ notificationContent: true }]]);
  });

  it('changes the password only with a strong new one, and reports a wrong current one', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user, dialog } = await openSettings(api);
    await user.type(within(dialog).getByLabelText('Current password'), 'wrong horse');
    await user.type(within(dialog).getByLabelText('New password'), 'password1');
    await user.type(within(dialog).getByLabelText('Repeat new password'), 'password1');
    await within(dialog).findByText(/Strength: (Very weak|Weak)/, {}, { timeout: 10_000 });
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('too easy to guess');
    expect(api.callsOf('changePassword')).toEqual([]);

    await user.clear(within(dialog).getByLabelText('New password'));
    await user.clear(within(dialog).getByLabelText('Repeat new password'));
    await user.type(within(dialog).getByLabelText('New password'), 'lantern pebble orchid 77');
    await user.type(within(dialog).getByLabelText('Repeat new password'), 'lantern pebble orchid 77');
    await within(dialog).findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Wrong username or password.');

    await user.clear(within(dialog).getByLabelText('Current password'));
    await user.type(within(dialog).getByLabelText('Current password'), api.password);
    await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(await within(dialog).findByText(/Password changed/)).toBeInTheDocument();
    expect(api.callsOf('changePassword').at(-1)).toEqual([{ currentPassword: 'correct horse battery staple', newPassword: 'lantern pebble orchid 77' }]);
  });

  it('closes with Escape and logs out', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user } = await openSettings(api);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(api.callsOf('logout')).toHaveLength(1);
  });
});
