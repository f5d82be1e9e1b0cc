import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeChatApi } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

async function openRegistration(api: FakeChatApi) {
  const user = userEvent.setup();
  render(App, { api });
  await user.click(await screen.findByRole('tab', { name: 'Create account' }));
  return user;
}

const STRONG = 'orbit velvet canyon marble 42';

describe('registration', () => {
  it('refuses a weak password and explains why, before anything is generated', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'dora');
    await user.type(screen.getByLabelText('Password'), 'dora2026');
    await user.type(screen.getByLabelText('Repeat password'), 'dora2026');
    expect(await screen.findByText(/Strength: (Very weak|Weak|Fair)/, {}, { timeout: 10_000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('too easy to guess');
    expect(alert).toHaveTextContent('copies the server’s database could try guesses offline');
    expect(api.callsOf('register')).toEqual([]);
  });

  it('checks the username format on the field as it is typed, and that both passwords match', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    const field = screen.getByLabelText('Username');
    await user.type(field, 'al-');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(expect.stringContaining('Use only letters a–z, digits 0–9 and _'));
    await user.clear(field);
    await user.type(field, 'al');
    expect(field).not.toHaveAttribute('aria-invalid');
    await user.type(screen.getByLabelText('Password'), STRONG);
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(expect.stringContaining('At least 3 characters.'));
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText('Username')).toHaveFocus();

    await user.type(field, 'ice_2');
    await waitFor(() => expect(field).toHaveAccessibleDescription(expect.stringContaining('alice_2 is free.')));
    expect(field).not.toHaveAttribute('aria-invalid');
    await user.type(screen.getByLabelText('Repeat password'), 'orbit velvet canyon marble 43');
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert')).toHaveTextContent('do not match');
    expect(api.callsOf('register')).toEqual([]);
  });

  it('says on the field that a name is taken, with one request once the typing paused, before any key is made', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    const field = screen.getByLabelText('Username');
    await user.type(field, 'Alice');
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(field).toHaveAccessibleDescription(expect.stringContaining('The username alice is already taken.'));
    expect(api.callsOf('usernameTaken')).toEqual([['alice']]);
    await user.type(screen.getByLabelText('Password'), STRONG);
    await user.type(screen.getByLabelText('Repeat password'), STRONG);
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(api.callsOf('register')).toEqual([]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows at most one error box, and clears it when a field changes', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'erin');
    await user.type(screen.getByLabelText('Password'), STRONG);
    await user.type(screen.getByLabelText('Repeat password'), STRONG);
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    api.failNext.set('register', { code: 'server_unreachable', message: 'Cannot reach the server.' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findAllByRole('alert')).toHaveLength(1);
    expect(screen.getByRole('alert')).toHaveTextContent('Cannot reach the server.');
    await user.type(screen.getByLabelText('Repeat password'), '!');
    expect(screen.queryByRole('alert')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByRole('alert')).toHaveTextContent('do not match');
  });

  it('labels the progress by what is happening, then shows the signed-in window', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'Ada');
    await user.type(screen.getByLabelText('Password'), STRONG);
    await user.type(screen.getByLabelText('Repeat password'), STRONG);
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    api.hold('register');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(api.callsOf('register')).toEqual([[{ username: 'ada', password: STRONG }]]));
    const progress = (phase: 'generating_key' | 'deriving_login_key' | 'deriving_storage_key' | 'unlocking', fraction: number | null) =>
      api.emit({ type: 'progress', progress: { phase, fraction, label: 'from the core' } });
    progress('generating_key', null);
    progress('deriving_login_key', 0);
    progress('deriving_storage_key', 0);
    expect(await screen.findByText('Making your key…')).toBeInTheDocument();
    progress('deriving_login_key', 1);
    progress('generating_key', 1);
    expect(await screen.findByText('Protecting it with your password…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Creating your account' })).toHaveAttribute('aria-valuenow', '40');
    progress('deriving_storage_key', 1);
    expect(await screen.findByText('Creating your account on the server…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '60');
    expect(screen.getByRole('button', { name: 'Creating account…' })).toBeDisabled();
    api.release('register');
    expect(await screen.findByRole('button', { name: 'Settings' })).toBeInTheDocument();
  });
});
