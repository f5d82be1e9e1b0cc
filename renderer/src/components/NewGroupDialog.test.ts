// Making a group from the sidebar (jsdom, against the fake): the name and member checks before anything is
// sent, picking people, the core's refusal in place, and the new group opened with its announcement.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { messagesWith, signedInAsAlice } from '../../test/chat-fixtures.js';
import App from '../App.svelte';

async function openDialog() {
  const api = signedInAsAlice();
  const user = userEvent.setup();
  render(App, { api });
  await user.click(await screen.findByRole('button', { name: 'New group' }));
  return { api, user, dialog: screen.getByRole('dialog', { name: 'New group' }) };
}

describe('the new group dialog', () => {
  it('checks the name and members, picks people by search, and opens the group it made', async () => {
    const { api, user, dialog } = await openDialog();
    const create = within(dialog).getByRole('button', { name: 'Create' });
    await user.click(create);
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Give the group a name.');
    await user.click(within(dialog).getByLabelText('Group name'));
    await user.paste('x'.repeat(101));
    await user.click(create);
    expect(within(dialog).getByRole('alert')).toHaveTextContent('A group name has at most 100 characters (this one has 101).');
    await user.clear(within(dialog).getByLabelText('Group name'));
    await user.type(within(dialog).getByLabelText('Group name'), 'Climbing');
    await user.click(create);
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Add at least one person to the group.');
    expect(api.callsOf('createGroup')).toEqual([]);

    const search = within(dialog).getByLabelText('Find people to add');
    await user.type(search, 'bo');
    const found = await within(dialog).findByRole('list', { name: 'People found' });
    await within(found).findByRole('button', { name: 'Add bobby' });
    expect(within(found).queryByRole('button', { name: 'Add alice' })).toBeNull();
    await user.click(within(found).getByRole('button', { name: 'Add bob' }));
    expect(search).toHaveValue('');
    // Enter picks the first one found.
    await user.type(search, 'car');
    await within(dialog).findByRole('button', { name: 'Add carol' });
    await user.keyboard('{Enter}');
    const picked = within(dialog).getByRole('list', { name: 'People picked' });
    await waitFor(() => expect(within(picked).getAllByRole('listitem').map((li) => li.textContent?.trim())).toEqual(['bob', 'carol']));
    await user.click(within(picked).getByRole('button', { name: 'Remove bob from the list' }));
    expect(within(picked).getAllByRole('listitem').map((li) => li.textContent?.trim())).toEqual(['carol']);
    await user.type(search, 'bob');
    await user.click(await within(dialog).findByRole('button', { name: 'Add bob' }));

    await user.click(create);
    expect(api.callsOf('createGroup')).toEqual([[{ name: 'Climbing', members: ['carol', 'bob'] }]]);
    expect(await screen.findByRole('heading', { name: 'Climbing', level: 2 })).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await within(messagesWith('Climbing')).findByText('alice made the group “Climbing” with bob and carol')).toBeInTheDocument();
    const contacts = screen.getByRole('navigation', { name: 'Contacts' });
    // The sidebar's row shows the group's newest line: the announcement of its making.
    await waitFor(() => expect(within(contacts).getByRole('button', { name: /^Climbing/ })).toHaveTextContent('alice made the group “Climbing” with bob and carol'));
  });

  it('shows what the core refused in the dialog, and keeps what was typed', async () => {
    const { api, user, dialog } = await openDialog();
    await user.type(within(dialog).getByLabelText('Group name'), 'Family');
    await user.type(within(dialog).getByLabelText('Find people to add'), 'carol');
    await user.click(await within(dialog).findByRole('button', { name: 'Add carol' }));
    api.failNext.set('createGroup', { code: 'server_unreachable', message: 'The server does not answer.' });
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The server does not answer.');
    expect(within(dialog).getByLabelText('Group name')).toHaveValue('Family');
    expect(screen.queryByRole('heading', { name: 'Family', level: 2 })).toBeNull();
  });
});
