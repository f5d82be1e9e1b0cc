// Signed out: "Forgot password?" with the recovery code, and registration by invitation; after either, the
// offer of a (new) recovery code.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeChatApi } from '../../test/fake-chat-api.js';
import App from '../App.svelte';

const CODE = 'ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567';
const NEW_PASSWORD = 'orbit velvet canyon marble 42';

async function strongEnough() {
  await screen.findByText(/Strength: (Strong|Very strong)/, {}, { timeout: 10_000 });
}

describe('forgot password', () => {
  it('sets a new password with the code as written down, then offers a new code', async () => {
    const api = new FakeChatApi({ recovery: { code: CODE, setAt: 1 } });
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: 'Forgot password?' }));
    expect(screen.getByRole('heading', { name: 'Forgot your password?' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Recovery code'), 'abcd efgh ijkl');
    expect(screen.getByText(/12 of 32 typed/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('New password'), NEW_PASSWORD);
    await user.type(screen.getByLabelText('Repeat new password'), NEW_PASSWORD);
    await strongEnough();
    await user.click(screen.getByRole('button', { name: 'Set the new password' }));
    expect(screen.getByRole('alert')).toHaveTextContent('32 letters and digits');
    expect(api.callsOf('recoverAccount')).toEqual([]);

    await user.type(screen.getByLabelText('Recovery code'), ' mnop qrst uvwx yz23 4567');
    await user.click(screen.getByRole('button', { name: 'Set the new password' }));
    const offer = await screen.findByRole('dialog', { name: 'Make a new recovery code' });
    expect(api.callsOf('recoverAccount')).toEqual([[{ username: 'alice', code: 'abcd efgh ijkl mnop qrst uvwx yz23 4567', newPassword: NEW_PASSWORD }]]);
    expect(api.password).toBe(NEW_PASSWORD);
    await user.click(within(offer).getByRole('button', { name: 'Make a recovery code' }));
    expect(await within(offer).findByLabelText(/^Recovery code [A-Z2-7-]{39}$/)).toBeInTheDocument();
    expect(api.callsOf('createRecoveryCode')).toEqual([[NEW_PASSWORD]]);
    await user.click(within(offer).getByLabelText('I have stored my recovery code somewhere safe'));
    await user.click(within(offer).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('says when the code does not match, and goes back to sign-in', async () => {
    const api = new FakeChatApi();
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('button', { name: 'Forgot password?' }));
    await user.type(screen.getByLabelText('Username'), 'alice');
    await user.type(screen.getByLabelText('Recovery code'), CODE);
    await user.type(screen.getByLabelText('New password'), NEW_PASSWORD);
    await user.type(screen.getByLabelText('Repeat new password'), NEW_PASSWORD);
    await strongEnough();
    await user.click(screen.getByRole('button', { name: 'Set the new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That username and recovery code do not match');
    await user.click(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(screen.getByRole('tab', { name: 'Sign in' })).toHaveAttribute('aria-selected', 'true');
  });
});

describe('registration by invitation', () => {
  async function fillIn(user: ReturnType<typeof userEvent.setup>) {
    await user.click(await screen.findByRole('tab', { name: 'Create account' }));
    await user.type(screen.getByLabelText('Username'), 'dora');
    await user.type(screen.getByLabelText('Password'), NEW_PASSWORD);
    await user.type(screen.getByLabelText('Repeat password'), NEW_PASSWORD);
    await strongEnough();
  }

  it('asks for the invite code when the server says it wants one, and offers a recovery code after', async () => {
    const api = new FakeChatApi({ server: { registration: 'invite', retention: null } });
    const user = userEvent.setup();
    render(App, { api });
    await fillIn(user);
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert')).toHaveTextContent('invitation only');
    await user.type(screen.getByLabelText('Invite code'), 'wrong-code-123');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This invite code does not work');
    await user.clear(screen.getByLabelText('Invite code'));
    await user.type(screen.getByLabelText('Invite code'), ` ${api.inviteCode} `);
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    const offer = await screen.findByRole('dialog', { name: 'Set up a recovery code' });
    expect(api.callsOf('register').at(-1)).toEqual([{ username: 'dora', password: NEW_PASSWORD, invite: api.inviteCode }]);
    await user.click(within(offer).getByRole('button', { name: 'Not now' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.recovery).toBeNull();
  });

  it('shows the invite field once a server that did not say so asks for an invite', async () => {
    const api = new FakeChatApi({ server: { registration: null, retention: null } });
    api.failNext.set('register', { code: 'forbidden', message: 'This server takes new accounts by invitation only: ask its operator for an invite code.' });
    const user = userEvent.setup();
    render(App, { api });
    await fillIn(user);
    expect(screen.queryByLabelText('Invite code')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByLabelText('Invite code')).toBeInTheDocument();
  });

  it('says a closed server takes no new accounts', async () => {
    const api = new FakeChatApi({ server: { registration: 'closed', retention: null } });
    const user = userEvent.setup();
    render(App, { api });
    await user.click(await screen.findByRole('tab', { name: 'Create account' }));
    expect(await screen.findByText(/does not take new accounts/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create account' })).not.toBeInTheDocument();
  });
});
