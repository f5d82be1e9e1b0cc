// A group's membership as verified against the server's list (jsdom, against the fake): a calm wait, the red
// banner and its confirm step, a quiet warning, live group_changed events, and a group the person left.
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { GroupWarning } from '../../../core/api/chat-api.js';
import { openConversation, withClimbingGroup } from '../../test/chat-fixtures.js';

const UNANNOUNCED: GroupWarning = {
  code: 'unannounced_member',
  user: 'dave',
  loud: true,
  text: 'The server lists dave in this group, but no member added them.',
};
const REMOVED: GroupWarning = { code: 'removed_without_announcement', user: 'carol', loud: false, text: 'carol was removed without an announcement.' };
const CONFIRM = "I checked — send to the server's list anyway";

describe('a group’s membership notice', () => {
  it('waits calmly for an announcement, with the composer disabled and the reason given', async () => {
    const { api, group } = withClimbingGroup();
    Object.assign(group, { sending: 'held', serverMembers: ['alice', 'bob', 'carol', 'dave'] });
    await openConversation(api, 'Climbing');
    expect(await screen.findByText('Waiting for a member to announce the change…')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
    const box = screen.getByLabelText('Message to Climbing');
    expect(box).toBeDisabled();
    expect(box).toHaveAccessibleDescription('Sending waits until a member announces the change to the group.');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('raises a red banner when blocked, and confirms the server’s list only when the person says so', async () => {
    const { api, group } = withClimbingGroup();
    Object.assign(group, { sending: 'blocked', serverMembers: ['alice', 'bob', 'carol', 'dave'], warnings: [UNANNOUNCED] });
    const user = await openConversation(api, 'Climbing');
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(UNANNOUNCED.text);
    expect(screen.getByLabelText('Message to Climbing')).toBeDisabled();
    expect(api.callsOf('confirmGroupMembers')).toEqual([]);

    await user.click(within(banner).getByRole('button', { name: CONFIRM }));
    expect(api.callsOf('confirmGroupMembers')).toEqual([[group.id]]);
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.getByLabelText('Message to Climbing')).toBeEnabled();
    expect(screen.getByRole('region', { name: 'Conversation with Climbing' }).querySelector('header')).toHaveTextContent('4 members');
  });

  it('shows a warning that is not loud as a quiet notice, and keeps sending', async () => {
    const { api, group } = withClimbingGroup();
    Object.assign(group, { serverMembers: ['alice', 'bob'], warnings: [REMOVED] });
    await openConversation(api, 'Climbing');
    const notice = (await screen.findByText(REMOVED.text)).closest('[role="status"]')!;
    expect(notice).toHaveClass('caution');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByLabelText('Message to Climbing')).toBeEnabled();
  });

  it('follows group_changed events while the conversation is open', async () => {
    const { api, group } = withClimbingGroup();
    await openConversation(api, 'Climbing');
    expect(screen.getByLabelText('Message to Climbing')).toBeEnabled();
    api.changeGroup(group.id, { sending: 'blocked', serverMembers: ['alice', 'bob', 'carol', 'dave'], warnings: [UNANNOUNCED] });
    expect(await screen.findByRole('alert')).toHaveTextContent(UNANNOUNCED.text);
    expect(screen.getByLabelText('Message to Climbing')).toBeDisabled();
    api.changeGroup(group.id, { name: 'Crag', sending: 'ok', warnings: [] });
    expect(await screen.findByRole('heading', { name: 'Crag', level: 2 })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('replaces the composer once the person is no longer a member', async () => {
    const { api, group } = withClimbingGroup();
    Object.assign(group, { sending: 'not_a_member', members: ['bob', 'carol'] });
    await openConversation(api, 'Climbing');
    expect(await screen.findByText('You are no longer a member of this group.')).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).toBeNull();
  });
});
