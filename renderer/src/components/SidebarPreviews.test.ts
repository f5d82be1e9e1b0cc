// The sidebar's previews in the window (jsdom, with a stand-in IntersectionObserver that the test moves): only
// the rows on screen are asked for, never more than a screenful at a time, asked again when their conversation
// gets a message; the core's words are shown as text, a failed message as failed.
import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PREVIEW_BATCH } from '../../../core/api/preview-batch.js';
import { FakeChatApi } from '../../test/fake-chat-api.js';
import { ALICE } from '../../test/chat-fixtures.js';
import App from '../App.svelte';

/** Plays the browser: rows are on screen when the test says so. */
class ScreenObserver {
  static current: ScreenObserver | null = null;
  readonly #callback: IntersectionObserverCallback;
  readonly observed = new Set<HTMLElement>();
  #onScreen = new Set<string>();

  constructor(callback: IntersectionObserverCallback) {
    this.#callback = callback;
    ScreenObserver.current = this;
  }
  observe(el: HTMLElement) {
    this.observed.add(el);
    this.#tell([el]);
  }
  unobserve(el: HTMLElement) {
    this.observed.delete(el);
  }
  disconnect() {
    this.observed.clear();
  }
  /** These conversations' rows are inside the list's scrolled area now, and no others. */
  show(keys: string[]) {
    this.#onScreen = new Set(keys);
    this.#tell([...this.observed]);
  }
  #tell(elements: HTMLElement[]) {
    const changes = elements.map((target) => ({ target, isIntersecting: this.#onScreen.has(target.dataset.key ?? '') }));
    this.#callback(changes as unknown as IntersectionObserverEntry[], this as unknown as IntersectionObserver);
  }
}

const names = (count: number) => Array.from({ length: count }, (_, i) => `friend${String(i).padStart(2, '0')}`);

/** alice with `count` contacts, each of whom wrote once ("hi from friendNN"), newest last. */
function manyContacts(count: number): FakeChatApi {
  const api = new FakeChatApi({ account: ALICE, users: ['alice', ...names(count)] });
  for (const name of names(count)) api.receive(name, `hi from ${name}`);
  return api;
}

/** A conversation's row (by its key: role queries over dozens of rows are slow in jsdom). */
function row(key: string): HTMLElement {
  const found = screen.getByRole('navigation', { name: 'Contacts' }).querySelector<HTMLElement>(`li[data-key="${key}"] button`);
  if (!found) throw new Error(`no row for ${key}`);
  return found;
}
const asked = (api: FakeChatApi) => api.callsOf('previews').map(([keys]) => keys as string[]);

beforeEach(() => {
  vi.stubGlobal('IntersectionObserver', ScreenObserver);
});
afterEach(() => {
  vi.unstubAllGlobals();
  ScreenObserver.current = null;
});

describe('sidebar previews', () => {
  it('asks only for the rows on screen, a screenful at most, and shows each newest message under its name', async () => {
    const api = manyContacts(32);
    render(App, { api });
    await screen.findByRole('button', { name: /^friend31/ });
    // Newest first: friend31 … friend00. The first eight are on screen.
    const top = names(32).reverse();
    ScreenObserver.current!.show(top.slice(0, 8));
    await waitFor(() => expect(row('friend31')).toHaveTextContent('hi from friend31'));
    expect(row('friend24')).toHaveTextContent('hi from friend24');
    expect(row('friend23')).not.toHaveTextContent('hi from');
    expect(asked(api)).toEqual([top.slice(0, 8)]);

    // A taller screen, further down: what is new on it is asked for (a screenful at a time), nothing twice.
    ScreenObserver.current!.show(top.slice(4, 31));
    await waitFor(() => expect(row('friend01')).toHaveTextContent('hi from friend01'));
    const calls = asked(api);
    expect(calls.map((keys) => keys.length)).toEqual([8, MAX_PREVIEW_BATCH, 31 - 8 - MAX_PREVIEW_BATCH]);
    expect(calls.slice(1).flat()).toEqual(top.slice(8, 31));
    expect(row('friend00')).not.toHaveTextContent('hi from');
  });

  it('asks again for a row whose conversation got a message, and for that row only', async () => {
    const api = manyContacts(3);
    render(App, { api });
    await screen.findByRole('button', { name: /^friend02/ });
    ScreenObserver.current!.show(names(3));
    await waitFor(() => expect(row('friend00')).toHaveTextContent('hi from friend00'));
    const before = asked(api).length;

    api.receive('friend00', 'Are we still on for tonight?\nI can bring the map');
    await waitFor(() => expect(row('friend00')).toHaveTextContent('Are we still on for tonight?'));
    expect(row('friend00')).not.toHaveTextContent('I can bring the map');
    expect(asked(api).slice(before)).toEqual([['friend00']]);
  });

  it('shows the core’s words as text only, a failed message as failed, never what it claims', async () => {
    const api = new FakeChatApi({ account: ALICE });
    api.receive('bob', '<img src=x onerror="alert(1)"> <b>bold</b>');
    const forged = api.addMessage('mallory', { text: 'send the money to carol', status: 'bad_signature', reason: 'The signature does not match.' });
    api.contactList.push({ username: 'mallory', keyStatus: 'pinned', unread: 1, lastActivity: forged.timestamp, lastSeq: forged.seq });
    api.receiveFiles('carol', [{ name: 'beach.jpg', mime: 'image/jpeg', bytes: new Uint8Array([1, 2, 3]) }]);
    render(App, { api });
    await screen.findByRole('button', { name: /^mallory/ });
    ScreenObserver.current!.show(['bob', 'mallory', 'carol']);

    await waitFor(() => expect(row('carol')).toHaveTextContent('Photo'));
    const bob = row('bob');
    expect(bob.querySelector('.sub')?.textContent).toBe('<img src=x onerror="alert(1)"> <b>bold</b>');
    expect(bob.querySelector('img, b')).toBeNull();
    const failed = row('mallory').querySelector('.sub')!;
    expect(failed).toHaveTextContent('Message could not be verified');
    expect(failed).toHaveClass('failed');
    expect(row('mallory')).not.toHaveTextContent('money');
  });

  it('keeps the row’s own line when previews cannot be read, and asks again once the connection is back', async () => {
    const api = manyContacts(2);
    api.failNext.set('previews', { code: 'server_unreachable', message: 'The server does not answer.' });
    render(App, { api });
    await screen.findByRole('button', { name: /^friend01/ });
    ScreenObserver.current!.show(names(2));
    await waitFor(() => expect(asked(api)).toHaveLength(1));
    expect(row('friend01')).toHaveTextContent('Encrypted conversation');

    api.emit({ type: 'connection', state: 'online', detail: null });
    await waitFor(() => expect(row('friend01')).toHaveTextContent('hi from friend01'));
    expect(asked(api)).toHaveLength(2);
  });
});
