// Settings, the account's parts: the recovery code (made behind the password, shown once with copy and save,
// removed), the devices list (sign one out, sign out everywhere), deleting the account; and the offer of a
// recovery code right after registering.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeChatApi, FINGERPRINT_A } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

const ALICE = { username: 'alice', fingerprint: FINGERPRINT_A, serverUrl: 'https://chat.example.org' };
const PASSWORD = 'correct horse battery staple';
const CODE = /^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/;

async function openSettings(api: FakeChatApi) {
  const user = userEvent.setup();
  render(App, { api });
  await user.click(await screen.findByRole('button', { name: 'Settings' }));
  return { user, dialog: screen.getByRole('dialog', { name: 'Settings' }) };
}

const laptop = { id: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b', name: 'Desktop, Linux', signedInAt: 1_600_000_000_000, lastSeenAt: 1_700_000_100_000, current: false };

describe('settings: recovery code', () => {
  it('makes a code behind the password and shows it once, in 8 groups, until the person stored it', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user, dialog } = await openSettings(api);
    expect(await within(dialog).findByText(/No recovery code is set/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Make a recovery code' }));
    await user.type(within(dialog).getByLabelText('Your password'), 'wrong password');
    await user.click(within(dialog).getByRole('button', { name: 'Make the code' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The password is wrong.');

    await user.clear(within(dialog).getByLabelText('Your password'));
    await user.type(within(dialog).getByLabelText('Your password'), PASSWORD);
    await user.click(within(dialog).getByRole('button', { name: 'Make the code' }));
    const shown = await within(dialog).findByLabelText(/^Recovery code /);
    const code = api.recovery!.code;
    expect(code).toMatch(CODE);
    expect(shown).toHaveAccessibleName(`Recovery code ${code}`);
    expect(shown.textContent).toBe(code);
    expect(shown.querySelectorAll('span:not(.dash)')).toHaveLength(8);

    await user.click(within(dialog).getByRole('button', { name: 'Save as a file…' }));
    expect(await within(dialog).findByText('Saved as a text file.')).toBeInTheDocument();
    expect(api.savedCodes).toEqual([code]);
    const done = within(dialog).getByRole('button', { name: 'Done' });
    expect(done).toBeDisabled();
    await user.click(within(dialog).getByLabelText('I have stored my recovery code somewhere safe'));
    await user.click(done);
    expect(within(dialog).queryByLabelText(/^Recovery code /)).not.toBeInTheDocument();
    expect(dialog).not.toHaveTextContent(code);
    expect(await within(dialog).findByText(/A recovery code is set/)).toBeInTheDocument();
  });

  it('removes the code behind the password', async () => {
    const api = new FakeChatApi({ account: ALICE, recovery: { code: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH', setAt: Date.UTC(2026, 10, 2) } });
    const { user, dialog } = await openSettings(api);
    expect(await within(dialog).findByText(/A recovery code is set \(made on .*2026, on Web, Chromium\)/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Remove the recovery code' }));
    await user.type(within(dialog).getByLabelText('Your password'), PASSWORD);
    await user.click(within(dialog).getByRole('button', { name: 'Remove the code' }));
    expect(await within(dialog).findByText(/No recovery code is set/)).toBeInTheDocument();
    expect(api.recovery).toBeNull();
  });
});

describe('settings: devices', () => {
  it('lists the devices, this one marked, and signs another one out', async () => {
    const api = new FakeChatApi({ account: ALICE, otherDevices: [laptop] });
    const { user, dialog } = await openSettings(api);
    const list = await within(dialog).findByRole('list', { name: 'Signed-in devices' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.name')!.textContent)).toEqual(['Desktop, Linux', 'Web, ChromiumThis device']);
    expect(within(rows[1]!).queryByRole('button')).not.toBeInTheDocument();
    await user.click(within(list).getByRole('button', { name: 'Sign out Desktop, Linux' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1));
    expect(api.callsOf('signOutDevice')).toEqual([[laptop.id]]);
  });

  it('signs out everywhere after a confirmation', async () => {
    const api = new FakeChatApi({ account: ALICE, otherDevices: [laptop] });
    const { user, dialog } = await openSettings(api);
    await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere…' }));
    expect(api.callsOf('logoutEverywhere')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(api.callsOf('logoutEverywhere')).toEqual([[]]);
  });

  it('says how long the server keeps messages, when it says', async () => {
    const api = new FakeChatApi({ account: ALICE, server: { registration: 'open', retention: { days: 365, purgedAt: null } } });
    const { dialog } = await openSettings(api);
    expect(await within(dialog).findByText('This server deletes messages older than 365 days.')).toBeInTheDocument();
  });
});

describe('settings: deleting the account', () => {
  it('needs the password and the username typed out, then signs out saying what happened', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user, dialog } = await openSettings(api);
    await user.click(within(dialog).getByRole('button', { name: 'Delete account…' }));
    const confirm = within(dialog).getByRole('button', { name: 'Delete my account for good' });
    await user.type(within(dialog).getAllByLabelText('Your password').at(-1)!, 'wrong password');
    await user.type(within(dialog).getByLabelText('Type your username (alice) to confirm'), 'alic');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Type your username (alice) to confirm'), 'e');
    await user.click(confirm);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The password is wrong.');
    expect(api.account).not.toBeNull();

    const password = within(dialog).getAllByLabelText('Your password').at(-1)!;
    await user.clear(password);
    await user.type(password, PASSWORD);
    await user.click(confirm);
    expect(await screen.findByText(/Your account was deleted/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(api.deleted.has('alice')).toBe(true);
  });
});

describe('a contact who deleted their account', () => {
  it('says so in the conversation, which stays readable, with nothing to send with', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.receive('bob', 'see you');
    api.deleted.add('bob');
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: /^bob/ }));
    expect(await within(await screen.findByRole('region', { name: 'Messages with bob' })).findByText('see you')).toBeInTheDocument();
    expect(await screen.findByText(/bob deleted their account/)).toBeInTheDocument();
    expect(screen.getByText('Account deleted')).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: /message/i })).not.toBeInTheDocument();
  });
});
