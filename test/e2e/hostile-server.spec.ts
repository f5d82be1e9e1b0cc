// The web window against a hostile server: a proxy between the page and the real server moves other
// conversations' messages into alice's conversation with bob. The window must show them as failed, never as bob's.
import { expect, test } from '@playwright/test';
import { ChatClient } from '../../core/client/chat-client.js';
import { MemoryStore } from '../../core/client/store.js';
import { registerFixture } from '../../core/test-fixtures/accounts.js';
import { TamperingProxy } from '../support/tampering-proxy.js';
import { login, openConversation, PASSWORD, person, serverUrl, shot, uniqueName } from './helpers.js';

let proxy: TamperingProxy;

test.beforeAll(async () => {
  proxy = new TamperingProxy(serverUrl());
  await proxy.start();
});

test.afterAll(async () => {
  await proxy?.stop();
});

async function signedIn(username: string): Promise<ChatClient> {
  const client = new ChatClient({ serverUrl: serverUrl(), store: new MemoryStore() });
  await client.login({ username, password: PASSWORD });
  return client;
}

test('messages the server moves into the wrong conversation show as failed, not as the contact’s', async ({ browser }) => {
  const [alice, bob, carol] = [uniqueName('alice'), uniqueName('bob'), uniqueName('carol')];
  await Promise.all([registerFixture(serverUrl(), 'alice', alice, PASSWORD), registerFixture(serverUrl(), 'bob', bob, PASSWORD), registerFixture(serverUrl(), 'carol', carol, PASSWORD)]);
  const [a, b, c] = await Promise.all([signedIn(alice), signedIn(bob), signedIn(carol)]);
  const fromCarol = await c.send({ conversation: alice, text: 'Carol writes to Alice', id: c.newMessageId() });
  const aliceToCarol = await a.send({ conversation: carol, text: 'Alice writes to Carol', id: a.newMessageId() });
  await b.send({ conversation: alice, text: 'Bob writes to Alice', id: b.newMessageId() });
  await Promise.all([a.logout(), b.logout(), c.logout()]);

  const header = (m: { id: string; seq: number; timestamp: string }, sender: string, recipient: string) => ({ id: m.id, seq: m.seq, timestamp: m.timestamp, sender, recipient });
  const moved = [header(fromCarol, bob, alice), header(aliceToCarol, alice, bob)];
  proxy.rewrite = (x) => {
    if (x.method === 'GET' && x.status === 200 && x.path.startsWith('/messages?') && x.path.includes(`peer=${bob}`)) {
      return { status: 200, json: { messages: [...moved, ...(x.json as { messages: unknown[] }).messages] } };
    }
    return undefined;
  };

  const p = await person(browser, alice, proxy.url);
  await login(p);
  await openConversation(p, bob);
  await expect(p.page.getByRole('listitem').filter({ hasText: 'Bob writes to Alice' }).getByRole('img', { name: 'Verified' })).toBeVisible({ timeout: 30_000 });
  const misplaced = p.page.locator('[data-status="misplaced"]');
  await expect(misplaced).toHaveCount(2);
  for (const bubble of await misplaced.all()) {
    await expect(bubble).toContainText('Listed in the wrong conversation');
    await expect(bubble).toContainText('The server listed this message in the wrong conversation.');
  }
  await expect(p.page.getByText('Carol writes to Alice')).toHaveCount(0);
  await expect(p.page.getByText('Alice writes to Carol')).toHaveCount(0);
  await shot(p.page, 'message-misplaced');
  expect(p.problems).toEqual([]);
  await p.context.close();
});
