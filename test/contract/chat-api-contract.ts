// The ChatApi contract: what every implementation must do, as the window sees it. The window's fake and the
// web adapter over a real server both run it (fake-chat-api.contract.test.ts, web-chat-api.contract.test.ts).
import { describe, expect, it } from 'vitest';
import type { ChatEvent, SendRequest } from '../../core/api/chat-api.js';
import { THEMES } from '../../core/api/settings.js';
import { chatError, details, freshWorldEachTest, FINGERPRINT, header, isoTimestamp, shownText, positiveInteger, type ContractSetup, type ContractWorld } from './contract-world.js';

const shout = (username: string) => `  ${username.toUpperCase()} `;
// A live event crosses a server's event stream and the worker's port: give it longer than expect.poll's 1 s.
const LIVE = { timeout: 20_000 };

export function describeChatApiContract(name: string, setup: ContractSetup): void {
  describe(`the ChatApi contract: ${name}`, () => {
    let w: ContractWorld;
    let events: ChatEvent[];
    const signIn = () => w.api.login(w.me);
    const message = (conversation: string, text: string): SendRequest => ({ conversation, text, id: crypto.randomUUID() });
    const contact = (username: string) => w.api.contacts().then((list) => list.find((c) => c.username === username));

    freshWorldEachTest(setup, (world, recorded) => {
      w = world;
      events = recorded;
    });

    it('before sign-in: no account, session methods refused with locked, a wrong password with wrong_password', async () => {
      expect(await w.api.currentAccount()).toBeNull();
      // Thunks, so each call starts only when awaited: a rejection must never wait unhandled.
      const locked = [
        () => w.api.contacts(),
        () => w.api.conversation({ conversation: w.third }),
        () => w.api.contactDetails(w.third),
        () => w.api.blockContact(w.third),
        () => w.api.readMessages([]),
        () => w.api.send(message(w.third, 'hello')),
        () => w.api.markRead(w.third, 1),
      ];
      for (const call of locked) expect((await chatError(call(), 'locked')).info.message).toBe('Sign in first.');
      const wrong = await chatError(w.api.login({ username: w.me.username, password: `${w.me.password}!` }), 'wrong_password');
      expect(wrong.info.message).toBe('Wrong username or password.');
      // An unknown name is refused the same way, so nobody learns which names exist by signing in.
      expect((await chatError(w.api.login({ username: w.nobody, password: w.me.password }), 'wrong_password')).info).toEqual(wrong.info);
      expect(await w.api.currentAccount()).toBeNull();
    });

    it('signs in with the username as typed (trimmed, lowercased), remembers it, and signs out', async () => {
      const account = await w.api.login({ username: shout(w.me.username), password: w.me.password });
      expect(account).toEqual({ username: w.me.username, fingerprint: expect.stringMatching(FINGERPRINT), serverUrl: expect.stringMatching(/^https?:\/\//) });
      expect(await w.api.currentAccount()).toEqual(account);
      expect((await w.api.getSettings()).lastUsername).toBe(w.me.username);
      await chatError(w.api.login(w.me), 'invalid_input');
      expect(await w.api.currentAccount()).toEqual(account);

      await w.api.logout();
      expect(await w.api.currentAccount()).toBeNull();
      await chatError(w.api.contacts(), 'locked');
      await expect.poll(() => events.filter((e) => e.type === 'signed_out'), LIVE).toEqual([{ type: 'signed_out', reason: expect.any(String) }]);
      // Signing in again works after signing out.
      expect(await signIn()).toEqual(account);
    });

    it('registers a new account (refusing a weak password first), which is then found by search', async () => {
      await chatError(w.api.register({ username: w.nobody, password: 'short' }), 'weak_password');
      expect(await w.api.currentAccount()).toBeNull();
      const account = await w.api.register({ username: shout(w.nobody), password: 'a long enough password' });
      expect(account).toEqual({ username: w.nobody, fingerprint: expect.stringMatching(FINGERPRINT), serverUrl: expect.stringMatching(/^https?:\/\//) });
      expect(await w.api.currentAccount()).toEqual(account);
      expect((await w.api.getSettings()).lastUsername).toBe(w.nobody);
      expect(await w.api.searchUsers(w.nobody)).toEqual([w.nobody]);
      expect(await w.api.contacts()).toEqual([]);
    });

    it('refuses a taken name with username_taken, and a wrong current password with wrong_password', async () => {
      const taken = await chatError(w.api.register({ username: w.peer.username, password: 'a long enough password' }), 'username_taken');
      expect(taken.info.message).toContain(w.peer.username);
      expect(await w.api.currentAccount()).toBeNull();
      await signIn();
      await chatError(w.api.changePassword({ currentPassword: `${w.me.password}!`, newPassword: 'another long password 9' }), 'wrong_password');
      // The password did not change: signing in again with it works.
      await w.api.logout();
      expect((await signIn()).username).toBe(w.me.username);
    });

    it('finds users by prefix, normalising the query, and refuses a malformed one', async () => {
      await signIn();
      const everyone = [w.me.username, w.peer.username, w.third].sort();
      expect([...(await w.api.searchUsers(w.prefix))].sort()).toEqual(everyone);
      expect([...(await w.api.searchUsers(shout(w.prefix)))].sort()).toEqual(everyone);
      expect(await w.api.searchUsers(w.peer.username)).toEqual([w.peer.username]);
      expect(await w.api.searchUsers(`${w.prefix}zzz_none`)).toEqual([]);
      await chatError(w.api.searchUsers('no such!'), 'invalid_input');
    });

    it('sends a message: it is listed in the conversation and reads back verified', async () => {
      await signIn();
      const request = message(shout(w.third), 'hello third');
      const sent = await w.api.send(request);
      const sentHeader = header({ id: request.id, sender: w.me.username, recipient: w.third, outgoing: true });
      expect(sent).toEqual({ ...sentHeader, ...shownText('hello third') });
      const page = await w.api.conversation({ conversation: shout(w.third) });
      expect(page).toEqual({ messages: [sentHeader], hasMore: false });
      const { id, seq, sender, recipient, group, conversation, timestamp, outgoing } = sent;
      expect(page.messages[0]).toEqual({ id, seq, sender, recipient, group, conversation, timestamp, outgoing });
      expect(await w.api.readMessages([sent.id])).toEqual([sent]);
      expect(await w.api.readMessages([])).toEqual([]);
      await chatError(w.api.readMessages([sent.id, crypto.randomUUID()]), 'not_found');
      expect(await contact(w.third)).toEqual({ username: w.third, keyStatus: 'pinned', unread: 0, lastActivity: sent.timestamp, lastSeq: sent.seq });
    });

    it('shows a message from another person: listed, read verified, unread until marked read', async () => {
      await signIn();
      await w.peer.send('hi from peer');
      const [listed, ...others] = await w.api.contacts();
      expect(others).toEqual([]);
      expect(listed).toEqual({ username: w.peer.username, keyStatus: 'pinned', unread: 1, lastActivity: isoTimestamp(), lastSeq: positiveInteger() });
      const page = await w.api.conversation({ conversation: w.peer.username });
      expect(page).toEqual({ messages: [header({ sender: w.peer.username, recipient: w.me.username, outgoing: false })], hasMore: false });
      const got = page.messages[0]!;
      expect(got).toMatchObject({ seq: listed!.lastSeq, timestamp: listed!.lastActivity });
      expect(await w.api.readMessages([got.id])).toEqual([{ ...got, ...shownText('hi from peer') }]);
      expect(await w.api.markRead(w.peer.username, got.seq)).toBeUndefined();
      expect(await contact(w.peer.username)).toMatchObject({ unread: 0, lastSeq: got.seq });
    });

    it('pages a conversation from the newest, oldest first within a page', async () => {
      await signIn();
      for (const text of ['one', 'two', 'three']) await w.peer.send(text);
      const newest = await w.api.conversation({ conversation: w.peer.username, limit: 2 });
      expect(newest.hasMore).toBe(true);
      expect(newest.messages).toHaveLength(2);
      const [second, third] = newest.messages;
      expect(second!.seq).toBeLessThan(third!.seq);
      const older = await w.api.conversation({ conversation: w.peer.username, beforeSeq: second!.seq, limit: 2 });
      expect(older).toEqual({ messages: [header({ sender: w.peer.username, recipient: w.me.username, outgoing: false })], hasMore: false });
      const texts = await w.api.readMessages([...older.messages, ...newest.messages].map((m) => m.id));
      expect(texts.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    });

    it('lists contacts newest activity first, including a conversation opened before any message', async () => {
      await signIn();
      expect(await w.api.contacts()).toEqual([]);
      expect(await w.api.conversation({ conversation: w.third })).toEqual({ messages: [], hasMore: false });
      expect(await w.api.contacts()).toEqual([{ username: w.third, keyStatus: 'pinned', unread: 0, lastActivity: null, lastSeq: null }]);
      await w.peer.send('first');
      expect((await w.api.contacts()).map((c) => c.username)).toEqual([w.peer.username, w.third]);
      await w.api.send(message(w.third, 'second'));
      expect((await w.api.contacts()).map((c) => c.username)).toEqual([w.third, w.peer.username]);
      await w.peer.send('third');
      const list = await w.api.contacts();
      expect(list.map((c) => [c.username, c.unread])).toEqual([[w.peer.username, 2], [w.third, 0]]);
      expect(list[0]!.lastSeq).toBeGreaterThan(list[1]!.lastSeq!);
    });

    it('answers contact details, and the same details after trusting, blocking, unblocking and disowning', async () => {
      await signIn();
      const peer = w.peer.username;
      const before = await w.api.contactDetails(shout(peer));
      expect(before).toEqual(details(peer));
      expect(await w.api.blockContact(peer)).toEqual({ ...before, blocked: true });
      expect(await w.api.contactDetails(peer)).toEqual({ ...before, blocked: true });
      expect(await w.api.unblockContact(shout(peer))).toEqual(before);
      // The key did not change: trusting it again and disowning (no) earlier keys change nothing.
      expect(await w.api.trustContactKey(peer)).toEqual(before);
      expect(await w.api.disownEarlierKeys(peer)).toEqual(before);
      await chatError(w.api.blockContact(w.me.username), 'invalid_input');
      await chatError(w.api.contactDetails(w.nobody), 'not_found');
      await chatError(w.api.contactDetails('x'), 'invalid_input');
    });

    it('refuses invalid input with invalid_input, before doing anything', async () => {
      await signIn();
      const refused = [
        () => w.api.send(message(w.third, '')),
        () => w.api.send(message(w.third, '  \n ')),
        () => w.api.send(message('Not A Name!', 'hello')),
        () => w.api.send({ conversation: w.third, text: 'hello', id: 'not-a-uuid' }),
        () => w.api.send({ ...message(w.third, 'hello'), extra: true } as SendRequest),
        () => w.api.conversation({ conversation: 'ab' }),
        () => w.api.conversation({ conversation: w.third, limit: 0 }),
        () => w.api.markRead(w.third, 0),
        () => w.api.readMessages(['not-a-uuid']),
        () => w.api.contactDetails('white space'),
        () => w.api.login({ username: 'a', password: 'x' }),
        () => w.api.updateSettings({ theme: 'purple' as never }),
        () => w.api.updateSettings({ colour: 'red' } as never),
      ];
      for (const call of refused) await chatError(call(), 'invalid_input');
      expect(await w.api.contacts()).toEqual([]);
      // Valid, but nobody has that name.
      await chatError(w.api.send(message(w.nobody, 'hello')), 'not_found');
    });

    it('keeps the theme, and nothing else changes with it', async () => {
      const settings = await w.api.getSettings();
      expect(settings).toEqual({
        serverUrl: expect.toBeOneOf([null, expect.stringMatching(/^https?:\/\//)]),
        caCertificatePem: expect.toBeOneOf([null, expect.any(String)]),
        lastUsername: null,
        theme: expect.toBeOneOf([...THEMES]),
        desktop: expect.toBeOneOf([null, expect.any(Object)]),
      });
      const theme = settings.theme === 'dark' ? 'light' : 'dark';
      expect(await w.api.updateSettings({ theme })).toEqual({ ...settings, theme });
      expect(await w.api.getSettings()).toEqual({ ...settings, theme });
    });

    it('tells a taken username from a free one without signing in, and refuses a malformed one', async () => {
      expect(await w.api.usernameTaken(shout(w.peer.username))).toBe(true);
      expect(await w.api.usernameTaken(w.nobody)).toBe(false);
      await chatError(w.api.usernameTaken('no such!'), 'invalid_input');
    });

    it('keeps drafts signed in or out, deletes a blank one, and refuses a bad argument', async () => {
      const key = `contract\n${w.me.username}\n${w.third}`;
      await w.api.saveDraft(key, 'half a thought');
      expect((await w.api.drafts())[key]).toBe('half a thought');
      await signIn();
      await w.api.logout();
      expect((await w.api.drafts())[key]).toBe('half a thought');
      await w.api.saveDraft(key, '');
      expect(await w.api.drafts()).not.toHaveProperty(key);
      await chatError(w.api.saveDraft('', 'text'), 'invalid_input');
      await chatError((w.api.saveDraft as (...a: unknown[]) => Promise<void>)(key, 42), 'invalid_input');
    });

    it('takes visibility and "reconnect now" signed in or out, and refuses a visibility that is not a boolean', async () => {
      await w.api.setVisible(false);
      await w.api.reconnectNow();
      await signIn();
      await w.api.setVisible(true);
      await w.api.reconnectNow();
      await chatError((w.api.setVisible as (...a: unknown[]) => Promise<void>)('yes'), 'invalid_input');
    });

    it('opens an http(s) link, and refuses a javascript: link with invalid_input', async () => {
      await chatError(w.api.openLink('javascript:alert(1)'), 'invalid_input');
      await chatError(w.api.openLink('https://user:pw@example.org/'), 'invalid_input');
      expect(w.opened).toEqual([]);
      expect(await w.api.openLink('https://example.org/page?q=1')).toBeUndefined();
      expect(w.opened).toEqual(['https://example.org/page?q=1']);
    });

    it('announces a message arriving live as a header event, until the listener stops', async () => {
      await signIn();
      const later: ChatEvent[] = [];
      const stop = w.api.onEvent((event) => later.push(event));
      await w.peer.send('live one');
      const announced = () => later.filter((e) => e.type === 'message');
      await expect.poll(announced, LIVE).toEqual([{ type: 'message', message: header({ sender: w.peer.username, recipient: w.me.username, outgoing: false }) }]);
      const { messages } = await w.api.conversation({ conversation: w.peer.username });
      expect(announced()[0]).toEqual({ type: 'message', message: messages[0] });
      stop();
      await w.peer.send('live two');
      // The listener subscribed from the start still hears; the stopped one does not.
      await expect.poll(() => events.filter((e) => e.type === 'message').length, LIVE).toBe(2);
      expect(announced()).toHaveLength(1);
    });
  });
}
