import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ALICE, messagesWith, openConversation, searchPeople, signedInAsAlice } from '../../test/chat-fixtures.js';
import { FakeChatApi, FINGERPRINT_A, FINGERPRINT_B } from '../../test/fake-chat-api.js';

describe('a conversation of 10,000 messages', () => {
  it('renders and decrypts only the visible rows, and loads older pages on scroll', async () => {
    const api = signedInAsAlice();
    for (let i = 0; i < 10_000; i++) api.addMessage('bob', { outgoing: i % 3 === 0 });
    await openConversation(api, 'bob');

    await waitFor(() => expect(within(messagesWith('bob')).getAllByRole('img', { name: 'Verified' }).length).toBeGreaterThan(5));
    const rows = within(messagesWith('bob')).getAllByRole('listitem');
    expect(rows.length).toBeLessThan(30);
    // The newest message is on screen.
    expect(within(messagesWith('bob')).getByText('message 10000')).toBeInTheDocument();

    const asked = api.callsOf('readMessages').flatMap(([ids]) => ids as string[]);
    // 600 px of viewport at ~58 px a row: about a dozen messages, never the page of 100, never 10,000.
    expect(asked.length).toBeGreaterThan(5);
    expect(asked.length).toBeLessThanOrEqual(15);
    expect(api.callsOf('conversation')).toEqual([[{ conversation: 'bob', limit: 100 }]]);
    expect(api.callsOf('markRead').at(-1)).toEqual(['bob', 10_000]);

    // Scrolling to the top asks for the page before the oldest loaded message, once.
    const viewport = messagesWith('bob');
    viewport.scrollTop = 0;
    await fireEvent.scroll(viewport);
    await waitFor(() => expect(api.callsOf('conversation')).toHaveLength(2));
    expect(api.callsOf('conversation')[1]).toEqual([{ conversation: 'bob', beforeSeq: 9_901, limit: 100 }]);
    // The anchor row stays in view, so the next page is not fetched until the person scrolls up again.
    await waitFor(() => expect(viewport.scrollTop).toBeGreaterThan(5_000));
    expect(api.callsOf('conversation')).toHaveLength(2);
    expect(within(viewport).getAllByRole('listitem').length).toBeLessThan(30);
  });

  it('shows placeholders while the person scrolls fast, and decrypts what is on screen once the scroll settles', async () => {
    const api = signedInAsAlice();
    for (let i = 0; i < 1_000; i++) api.addMessage('bob');
    await openConversation(api, 'bob');
    await waitFor(() => expect(within(messagesWith('bob')).getAllByRole('img', { name: 'Verified' }).length).toBeGreaterThan(5));
    const askedBefore = api.callsOf('readMessages').length;

    // The list's clock stands still while the scroll happens, so every step counts as one fast scroll
    // however slowly this machine runs the test.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const viewport = messagesWith('bob');
      const passed = new Set<string>();
      for (let step = 0; step < 6; step++) {
        viewport.scrollTop -= 400;
        await fireEvent.scroll(viewport);
        for (const row of within(viewport).getAllByRole('listitem')) passed.add(row.dataset.key!);
      }
      expect(within(viewport).queryAllByRole('img', { name: 'Verified' })).toEqual([]);
      expect(within(viewport).getAllByText(/^Decrypting message$/).length).toBeGreaterThan(5);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(api.callsOf('readMessages')).toHaveLength(askedBefore);

      vi.advanceTimersByTime(1_000);
      await waitFor(() => expect(within(viewport).getAllByRole('img', { name: 'Verified' }).length).toBeGreaterThan(5));
      const onScreen = new Set(within(viewport).getAllByRole('listitem').map((row) => row.dataset.key!));
      const asked = api.callsOf('readMessages').slice(askedBefore).flatMap(([ids]) => ids as string[]);
      expect(asked.length).toBeGreaterThan(5);
      // Only rows where the scroll stopped were read, none of those it carried past.
      expect(asked.filter((id) => !onScreen.has(id))).toEqual([]);
      expect([...passed].filter((key) => !onScreen.has(key)).length).toBeGreaterThan(20);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('messages', () => {
  it('shows text as text, never as HTML, and opens links only through the ChatApi', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: '<img src=x onerror=alert(1)> <b>bold</b> see https://example.org/a.' });
    const user = await openConversation(api, 'bob');
    const text = await within(messagesWith('bob')).findByText(/<img src=x onerror=alert\(1\)> <b>bold<\/b> see/);
    expect(text.querySelector('img, b')).toBeNull();
    const link = within(messagesWith('bob')).getByRole('link', { name: 'https://example.org/a' });
    await user.click(link);
    await user.click(within(screen.getByRole('dialog', { name: 'Open example.org?' })).getByRole('button', { name: 'Open example.org' }));
    expect(api.callsOf('openLink')).toEqual([['https://example.org/a']]);
  });

  it('shows a message that failed verification as failed, with the reason, and without text', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: null, status: 'bad_signature', reason: 'The signature does not match bob’s key.' });
    await openConversation(api, 'bob');
    const failed = await within(messagesWith('bob')).findByText('This message failed verification');
    const bubble = failed.closest('[data-status]')!;
    expect(bubble).toHaveAttribute('data-status', 'bad_signature');
    expect(bubble).toHaveTextContent('The signature does not match bob’s key.');
    expect(bubble).toHaveTextContent('Failed');
    expect(bubble).not.toHaveTextContent('Verified');
    expect(within(bubble as HTMLElement).queryByRole('img', { name: 'Verified' })).toBeNull();
  });

  it('shows a message arriving live, and announces it', async () => {
    const api = signedInAsAlice();
    await openConversation(api, 'bob');
    const view = api.addMessage('bob', { text: 'live hello' });
    api.emit({ type: 'message', message: { id: view.id, seq: view.seq, sender: 'bob', recipient: 'alice', group: null, conversation: 'bob', timestamp: view.timestamp, outgoing: false } });
    const list = await screen.findByRole('region', { name: 'Messages with bob' });
    expect(await within(list).findByText('live hello')).toBeInTheDocument();
    expect(await screen.findByText('New message from bob')).toBeInTheDocument();
  });
});

describe('the composer', () => {
  it('sends on Enter and starts a new line on Shift+Enter', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    const box = screen.getByLabelText('Message to bob');
    await user.type(box, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(api.callsOf('send')).toEqual([]);
    expect(box).toHaveValue('first line\nsecond line');
    await user.type(box, '{Enter}');
    await waitFor(() => expect(api.callsOf('send')).toHaveLength(1));
    const [request] = api.callsOf('send')[0] as [{ conversation: string; text: string; id: string }];
    expect(request.conversation).toBe('bob');
    expect(request.text).toBe('first line\nsecond line');
    expect(request.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(box).toHaveValue('');
    expect(await within(messagesWith('bob')).findByRole('img', { name: 'Verified' })).toBeInTheDocument();
    expect(within(messagesWith('bob')).getByRole('img', { name: 'Sent' })).toBeInTheDocument();
  });

  it('shows a pending message, then a failed one with Retry that resends the same id', async () => {
    const api = signedInAsAlice();
    const user = await openConversation(api, 'bob');
    api.hold('send');
    api.failNext.set('send', { code: 'server_unreachable', message: 'The server does not answer.' });
    await user.type(screen.getByLabelText('Message to bob'), 'are you there?{Enter}');
    expect(await screen.findByText('Sending…')).toBeInTheDocument();
    api.release('send');
    expect(await screen.findByText(/Not sent: The server does not answer\./)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.callsOf('send')).toHaveLength(2));
    const [first, second] = api.callsOf('send').map(([r]) => r as { id: string; text: string });
    expect(second!.id).toBe(first!.id);
    expect(second!.text).toBe('are you there?');
    await waitFor(() => expect(screen.queryByText(/Not sent/)).not.toBeInTheDocument());
    expect(within(messagesWith('bob')).getByText('are you there?')).toBeInTheDocument();
  });
});

describe('a changed contact key', () => {
  it('raises a banner and requires an explicit, confirmed step to trust the new key', async () => {
    const api = signedInAsAlice();
    api.details.set('bob', {
      username: 'bob',
      keyStatus: 'changed',
      pinnedFingerprint: FINGERPRINT_B,
      serverFingerprint: FINGERPRINT_A,
      createdAt: '2026-11-01T10:00:00.000Z',
      blocked: false,
      earlierKeys: [],
      deleted: false, keyLog: 'confirmed', keyLogDetail: null,
    });
    const user = await openConversation(api, 'bob');
    const banner = await screen.findByText('bob’s key fingerprint has changed.');
    await user.click(within(banner.closest('[role="alert"]') as HTMLElement).getByRole('button', { name: 'Review key' }));

    const dialog = screen.getByRole('dialog', { name: 'Contact details' });
    expect(within(dialog).getByLabelText(`New key shown by the server: ${FINGERPRINT_A}`)).toBeInTheDocument();
    expect(within(dialog).getByLabelText(`Key you trusted before: ${FINGERPRINT_B}`)).toBeInTheDocument();
    const trust = within(dialog).getByRole('button', { name: 'Trust new key' });
    expect(trust).toBeDisabled();
    await user.click(within(dialog).getByLabelText(/I compared this key fingerprint/));
    await user.click(trust);
    expect(api.callsOf('trustContactKey')).toEqual([['bob']]);
    expect(await within(dialog).findByText('bob’s key fingerprint')).toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByText('bob’s key fingerprint has changed.')).not.toBeInTheDocument();
  });

  it('warns when a key_changed event arrives for the open conversation', async () => {
    const api = signedInAsAlice();
    await openConversation(api, 'bob');
    api.details.set('bob', { username: 'bob', keyStatus: 'changed', pinnedFingerprint: FINGERPRINT_B, serverFingerprint: FINGERPRINT_A, createdAt: null, blocked: false, earlierKeys: [], deleted: false, keyLog: 'confirmed', keyLogDetail: null });
    api.emit({ type: 'key_changed', change: { username: 'bob', pinnedFingerprint: FINGERPRINT_B, newFingerprint: FINGERPRINT_A } });
    expect(await screen.findByText('bob’s key fingerprint has changed.')).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Contacts' })).getByText('Key fingerprint changed')).toBeInTheDocument();
  });
});

describe('finding people', () => {
  it('searches by lowercase prefix, leaves the person out, and opens a conversation', async () => {
    const api = new FakeChatApi({ account: ALICE });
    const { user, found } = await searchPeople(api, 'BO');
    await waitFor(() => expect(within(found).getAllByRole('button')).toHaveLength(2));
    const [bob, bobby] = within(found).getAllByRole('button');
    expect(bob).toHaveAccessibleName('bob Start a conversation');
    expect(bobby).toHaveAccessibleName('bobby Start a conversation');
    expect(api.callsOf('searchUsers').at(-1)).toEqual(['bo']);
    await user.click(within(found).getByRole('button', { name: /^bobby/ }));
    expect(await screen.findByRole('heading', { name: 'bobby', level: 2 })).toBeInTheDocument();
    expect(screen.getByText(/Messages to bobby are end-to-end encrypted/)).toBeInTheDocument();
  });
});

describe('what the server lists is not what the window shows', () => {
  it('shows messages listed in the wrong conversation as failed, with the reason and no text', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: 'real bob' });
    const fromCarol = api.addMessage('carol', { text: 'carol secret' });
    const otherPeople = api.addMessage('carol', { sender: 'dave', recipient: 'carol', text: 'not yours' });
    const mineToCarol = api.addMessage('carol', { outgoing: true, text: 'to carol' });
    api.listedAs.set(fromCarol.id, { sender: 'bob', recipient: 'alice' });
    api.listedAs.set(otherPeople.id, { sender: 'bob', recipient: 'alice' });
    api.listedAs.set(mineToCarol.id, { sender: 'alice', recipient: 'bob' });
    await openConversation(api, 'bob');
    await within(messagesWith('bob')).findByText('real bob');
    await waitFor(() => expect(within(messagesWith('bob')).getAllByText('Listed in the wrong conversation')).toHaveLength(3));
    for (const bubble of messagesWith('bob').querySelectorAll('[data-status="misplaced"]')) {
      expect(bubble).toHaveTextContent('The server listed this message in the wrong conversation.');
      expect(bubble).not.toHaveTextContent('Verified');
      expect(within(bubble as HTMLElement).queryByRole('img', { name: 'Verified' })).toBeNull();
    }
    expect(within(messagesWith('bob')).queryByText(/carol secret|not yours|to carol/)).toBeNull();
    expect(within(messagesWith('bob')).getAllByRole('img', { name: 'Verified' })).toHaveLength(1);
  });

  it('shows earlier-key and disowned-key messages with their own warning, never as verified', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: null, status: 'earlier_key', reason: 'Signed with bob’s earlier key.' });
    api.addMessage('bob', { text: null, status: 'disowned_key', reason: 'Signed with a key you said was never bob’s.' });
    await openConversation(api, 'bob');
    const earlier = (await within(messagesWith('bob')).findByText('Signed with an earlier key — not verified')).closest('[data-status]')!;
    expect(earlier).toHaveTextContent('Signed with bob’s earlier key.');
    expect(earlier).toHaveClass('warning');
    const disowned = within(messagesWith('bob')).getByText('Signed with a key that was never theirs').closest('[data-status]')!;
    expect(disowned).toHaveTextContent('Signed with a key you said was never bob’s.');
    expect(within(messagesWith('bob')).queryByRole('img', { name: 'Verified' })).toBeNull();
  });
});

describe('contact details: earlier keys and blocking', () => {
  it('disowns earlier keys after a confirm step, and blocks and unblocks', async () => {
    const api = signedInAsAlice();
    api.details.set('bob', {
      username: 'bob', keyStatus: 'pinned', pinnedFingerprint: FINGERPRINT_B, serverFingerprint: null, createdAt: null,
      blocked: false, earlierKeys: [{ fingerprint: FINGERPRINT_A, disowned: false }], deleted: false, keyLog: 'confirmed', keyLogDetail: null,
    });
    const user = await openConversation(api, 'bob');
    await user.click(screen.getByRole('button', { name: 'Contact details and key fingerprint' }));
    const dialog = screen.getByRole('dialog', { name: 'Contact details' });
    expect(within(dialog).getByLabelText(`Earlier key of bob: ${FINGERPRINT_A}`)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'That key was never bob’s' }));
    expect(api.callsOf('disownEarlierKeys')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Yes, those keys were never bob’s' }));
    expect(api.callsOf('disownEarlierKeys')).toEqual([['bob']]);
    expect(await within(dialog).findByText('You said this key was never bob’s.')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Block bob' }));
    expect(api.callsOf('blockContact')).toEqual([['bob']]);
    expect(await within(dialog).findByText('You blocked bob: they cannot send you messages')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Unblock bob' }));
    expect(api.callsOf('unblockContact')).toEqual([['bob']]);
    expect(await within(dialog).findByRole('button', { name: 'Block bob' })).toBeInTheDocument();
  });
});

describe('opening links', () => {
  it('asks "Open <host>?" with the host that really opens, and opens only on yes', async () => {
    const api = signedInAsAlice();
    api.addMessage('bob', { text: 'pay at https://раураl.com/login now' });
    const user = await openConversation(api, 'bob');
    await user.click(await within(messagesWith('bob')).findByRole('link', { name: 'https://раураl.com/login' }));
    const ask = screen.getByRole('dialog', { name: 'Open xn--l-7sba6dbr.com?' });
    expect(ask).toHaveTextContent('https://xn--l-7sba6dbr.com/login');
    expect(api.callsOf('openLink')).toEqual([]);
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(api.callsOf('openLink')).toEqual([]);
    await user.click(within(messagesWith('bob')).getByRole('link', { name: 'https://раураl.com/login' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Open xn--l-7sba6dbr.com?' })).getByRole('button', { name: 'Open xn--l-7sba6dbr.com' }));
    expect(api.callsOf('openLink')).toEqual([['https://xn--l-7sba6dbr.com/login']]);
  });
});
