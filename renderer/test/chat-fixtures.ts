// What the window's component tests share: alice signed in to the fake, with people and groups, and the steps
// to open a conversation the way a person does (from the sidebar).
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from '../src/App.svelte';
import { FakeChatApi, FINGERPRINT_A } from './fake-chat-api.js';

export const ALICE = { username: 'alice', fingerprint: FINGERPRINT_A, serverUrl: 'https://chat.example.org' };

/** alice signed in, with bob as a contact. */
export function signedInAsAlice(): FakeChatApi {
  return new FakeChatApi({
    account: ALICE,
    contactList: [{ username: 'bob', keyStatus: 'pinned', unread: 0, lastActivity: null, lastSeq: null }],
  });
}

/** alice signed in with a group "Climbing" of alice, bob and carol (owner `owner`), announced by its owner. */
export function withClimbingGroup(owner = 'alice') {
  const api = signedInAsAlice();
  const group = api.addGroup({ name: 'Climbing', members: ['alice', 'bob', 'carol'], owner });
  const made = api.addGroupMessage(group.id, { sender: owner, kind: 'announcement', text: `${owner} made the group “Climbing” with bob and carol` });
  Object.assign(group, { lastSeq: made.seq, lastActivity: made.timestamp });
  return { api, group };
}

/** Renders the window and opens the conversation whose sidebar button starts with `name`. */
export async function openConversation(api: FakeChatApi, name: string) {
  const user = userEvent.setup();
  render(App, { api });
  const contacts = await screen.findByRole('navigation', { name: 'Contacts' });
  await user.click(await within(contacts).findByRole('button', { name: new RegExp(`^${name}`) }));
  await screen.findByRole('heading', { name, level: 2 });
  return user;
}

/** Renders the window and types `query` into the people search; the region that lists the people found. */
export async function searchPeople(api: FakeChatApi, query: string) {
  const user = userEvent.setup();
  render(App, { api });
  await user.type(await screen.findByLabelText('Find people by username'), query);
  return { user, found: await screen.findByRole('region', { name: 'People found' }) };
}

export function messagesWith(title: string): HTMLElement {
  return screen.getByRole('region', { name: `Messages with ${title}` });
}

/** The row (list item) of the message whose text is `text`. */
export async function rowOf(title: string, text: string | RegExp): Promise<HTMLElement> {
  const found = await within(messagesWith(title)).findByText(text);
  return found.closest('[role="listitem"]') as HTMLElement;
}
