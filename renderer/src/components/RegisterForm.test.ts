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

describe('registration', () => {
  it('refuses a weak password and explains why, before anything is generated', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'alice2026');
    await user.type(screen.getByLabelText('Repeat password'), 'alice2026');
    expect(await screen.findByText(/Strength: (Very weak|Weak|Fair)/, {}, { timeout: 10_000 })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('too easy to guess');
    expect(alert).toHaveTextContent('copies the server’s database could try guesses offline');
    expect(api.callsOf('register')).toEqual([]);
  });

  it('checks the username form and that both passwords match', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'al');
    await user.type(screen.getByLabelText('Password'), 'orbit velvet canyon marble 42');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert')).toHaveTextContent('3 to 32 characters');

    await user.type(screen.getByLabelText('Username'), 'ice');
    await user.type(screen.getByLabelText('Repeat password'), 'orbit velvet canyon marble 43');
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert')).toHaveTextContent('do not match');
    expect(api.callsOf('register')).toEqual([]);
  });

  it('shows the progress of key generation, then the signed-in window', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'Ada');
    await user.type(screen.getByLabelText('Password'), 'orbit velvet canyon marble 42');
    await user.type(screen.getByLabelText('Repeat password'), 'orbit velvet canyon marble 42');
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    api.hold('register');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(api.callsOf('register')).toEqual([[{ username: 'ada', password: 'orbit velvet canyon marble 42' }]]));
    api.emit({ type: 'progress', progress: { phase: 'generating_key', fraction: null, label: 'Making your encryption key' } });
    expect(await screen.findByText('Making your encryption key…')).toBeInTheDocument();
    api.emit({ type: 'progress', progress: { phase: 'sealing', fraction: 0.5, label: 'Locking your key with your password' } });
    expect(await screen.findByText('Locking your key with your password — 50%')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Creating account…' })).toBeDisabled();
    api.release('register');
    expect(await screen.findByRole('button', { name: 'Settings' })).toBeInTheDocument();
  });

  it('says when the name is taken', async () => {
    const api = new FakeChatApi();
    const user = await openRegistration(api);
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'orbit velvet canyon marble 42');
    await user.type(screen.getByLabelText('Repeat password'), 'orbit velvet canyon marble 42');
    await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The username alice is already taken.');
  });
});
