// A group's details (jsdom, against the fake): members with the owner marked, adding (any member), removing
// (the owner only), renaming, and leaving after a confirm step.
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { messagesWith, openConversation, withClimbingGroup } from '../../test/chat-fixtures.js';

function memberNames(dialog: HTMLElement): string[] {
  const list = within(dialog).getByRole('list', { name: 'Members' });
  return within(list).getAllByRole('listitem').map((li) => li.querySelector('.name')!.textContent!);
}

describe('group details', () => {
  it('lets the owner add people, remove others and rename the group', async () => {
    const { api, group } = withClimbingGroup('alice');
    const user = await openConversation(api, 'Climbing');
    expect(screen.getByRole('region', { name: 'Conversation with Climbing' }).querySelector('header')).toHaveTextContent('3 members');
    await user.click(screen.getByRole('button', { name: 'Group details' }));
    const dialog = screen.getByRole('dialog', { name: 'Group details' });
    expect(memberNames(dialog)).toEqual(['alice (you)', 'bob', 'carol']);
    const owner = within(within(dialog).getByRole('list', { name: 'Members' })).getAllByRole('listitem')[0]!;
    expect(owner).toHaveTextContent('Owner');
    expect(within(dialog).queryByRole('button', { name: 'Remove alice from the group' })).toBeNull();

    await user.click(within(dialog).getByRole('button', { name: 'Remove bob from the group' }));
    expect(api.callsOf('changeGroupMembers')).toEqual([[{ group: group.id, remove: ['bob'] }]]);
    await waitFor(() => expect(memberNames(dialog)).toEqual(['alice (you)', 'carol']));

    const add = within(dialog).getByRole('button', { name: 'Add to group' });
    expect(add).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Find people to add'), 'b');
    // Members are not offered again; bob was removed, so he is.
    await within(dialog).findByRole('button', { name: 'Add bobby' });
    await user.click(within(dialog).getByRole('button', { name: 'Add bobby' }));
    await user.click(add);
    expect(api.callsOf('changeGroupMembers')[1]).toEqual([{ group: group.id, add: ['bobby'] }]);
    await waitFor(() => expect(memberNames(dialog)).toEqual(['alice (you)', 'bobby', 'carol']));

    const name = within(dialog).getByLabelText('Group name');
    expect(name).toHaveValue('Climbing');
    await user.clear(name);
    await user.type(name, 'Bouldering');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect(api.callsOf('renameGroup')).toEqual([[{ group: group.id, name: 'Bouldering' }]]);
    expect(await screen.findByRole('heading', { name: 'Bouldering', level: 2 })).toBeInTheDocument();

    await user.keyboard('{Escape}');
    const messages = messagesWith('Bouldering');
    expect(await within(messages).findByText('alice removed bob')).toBeInTheDocument();
    expect(await within(messages).findByText('alice added bobby')).toBeInTheDocument();
    expect(await within(messages).findByText('alice named the group “Bouldering”')).toBeInTheDocument();
  });

  it('lets a member who is not the owner add but not remove, and leave only after confirming', async () => {
    const { api, group } = withClimbingGroup('bob');
    const user = await openConversation(api, 'Climbing');
    await user.click(screen.getByRole('button', { name: 'Group details' }));
    const dialog = screen.getByRole('dialog', { name: 'Group details' });
    const [, bob] = within(within(dialog).getByRole('list', { name: 'Members' })).getAllByRole('listitem');
    expect(bob).toHaveTextContent('Owner');
    expect(within(dialog).queryByRole('button', { name: /^Remove .* from the group$/ })).toBeNull();
    expect(within(dialog).getByLabelText('Find people to add')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Leave group' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Leave Climbing?');
    expect(api.callsOf('leaveGroup')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Yes, leave the group' }));
    expect(api.callsOf('leaveGroup')).toEqual([[group.id]]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText('You are no longer a member of this group.')).toBeInTheDocument();
    expect(screen.queryByLabelText('Message to Climbing')).toBeNull();
    const contacts = screen.getByRole('navigation', { name: 'Contacts' });
    expect(within(contacts).getByRole('button', { name: /^Climbing/ })).toHaveTextContent('You are no longer a member');
  });

  it('shows what the core refused in the dialog', async () => {
    const { api } = withClimbingGroup('alice');
    const user = await openConversation(api, 'Climbing');
    await user.click(screen.getByRole('button', { name: 'Group details' }));
    const dialog = screen.getByRole('dialog', { name: 'Group details' });
    api.failNext.set('changeGroupMembers', { code: 'forbidden', message: 'Only the group’s owner can remove people.' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove carol from the group' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Only the group’s owner can remove people.');
    expect(memberNames(dialog)).toEqual(['alice (you)', 'bob', 'carol']);
  });
});
