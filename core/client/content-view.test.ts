// The ledger on its own: changes shown on their targets, waiting for a target not read yet, failed when aimed
// at another conversation or another sender's message, a replayed delete changing nothing more, and an erased
// record told apart from one its sender withdrew.
import { describe, expect, it } from 'vitest';
import type { KnownContent } from '../protocol/content.js';
import { messageView } from '../test-fixtures/views.js';
import { ContentLedger, present } from './content-view.js';
import type { ReadItem } from './message-reader.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const sentAt = (n: number) => `2026-12-03T10:00:${String(n).padStart(2, '0')}.000Z`;

function item(n: number, sender: string, content: Omit<KnownContent, 'sentAt'>, conversation = 'group:g'): ReadItem {
  const kind = content.type === 'text' ? 'message' : content.type === 'group' ? 'announcement' : 'change';
  const text = content.type === 'text' ? (content.text as string) : null;
  return { view: messageView({ id: id(n), seq: n, sender, conversation, kind, text }), content: { ...content, sentAt: sentAt(n) } as KnownContent, erased: false, recipients: null };
}

function shownAll(ledger: ContentLedger, items: ReadItem[], conversation = 'group:g') {
  for (const i of items) ledger.learn(i);
  const states = ledger.states(conversation);
  return items.map((i) => present(i, states));
}

describe('ContentLedger', () => {
  it('shows the latest edit, the reactions that count, and hides the changes themselves', () => {
    const ledger = new ContentLedger();
    const views = shownAll(ledger, [
      item(1, 'alice', { type: 'text', text: 'first' }),
      item(2, 'alice', { type: 'edit', target: id(1), text: 'second' }),
      item(3, 'bob', { type: 'reaction', target: id(1), emoji: '👍' }),
      item(4, 'carol', { type: 'reaction', target: id(1), emoji: '👍' }),
      item(5, 'carol', { type: 'reaction', target: id(1), emoji: '👍', remove: true }),
      item(6, 'bob', { type: 'reaction', target: id(1), emoji: '🎉' }),
    ]);
    expect(views[0]).toMatchObject({ kind: 'message', text: 'second', edited: true, reactions: [{ emoji: '🎉', people: ['bob'] }, { emoji: '👍', people: ['bob'] }] });
    expect(views.slice(1).every((v) => v.kind === 'change' && v.status === 'verified')).toBe(true);
  });

  it('keeps a change whose target it has not read waiting (never shown alone), and applies it once the target is read', () => {
    const ledger = new ContentLedger();
    const [edit] = shownAll(ledger, [item(2, 'alice', { type: 'edit', target: id(1), text: 'later' })]);
    expect(edit).toMatchObject({ kind: 'change', status: 'verified' });
    const [target] = shownAll(ledger, [item(1, 'alice', { type: 'text', text: 'sooner' })]);
    expect(target).toMatchObject({ text: 'later', edited: true });
  });

  it('fails an edit by another sender and a change aimed at another conversation, with the reason', () => {
    const ledger = new ContentLedger();
    const views = shownAll(ledger, [item(1, 'alice', { type: 'text', text: 'mine' }), item(2, 'bob', { type: 'edit', target: id(1), text: 'yours' }), item(3, 'bob', { type: 'delete', target: id(1) })]);
    expect(views[0]).toMatchObject({ text: 'mine', edited: false, deleted: null });
    expect(views[1]).toMatchObject({ kind: 'change', status: 'may_not_change', reason: 'This edit refers to a message it may not change.' });
    expect(views[2]).toMatchObject({ kind: 'change', status: 'may_not_change', reason: 'This deletion refers to a message it may not change.' });
    const [elsewhere] = shownAll(ledger, [item(4, 'alice', { type: 'reaction', target: id(1), emoji: '👍' }, 'bob')], 'bob');
    expect(elsewhere).toMatchObject({ status: 'may_not_change', reason: 'This reaction refers to a message it may not change.' });
  });

  it('shows a withdrawn message as deleted once, however often the delete is read, and an erased one without a delete as removed by the server', () => {
    const ledger = new ContentLedger();
    const del = item(2, 'alice', { type: 'delete', target: id(1) });
    const erasedTarget: ReadItem = { view: messageView({ id: id(1), seq: 1, sender: 'alice', conversation: 'group:g', text: null, deleted: 'by_server' }), content: null, erased: true, recipients: null };
    const [before] = shownAll(ledger, [erasedTarget]);
    expect(before).toMatchObject({ deleted: 'by_server', text: null });
    const views = shownAll(ledger, [erasedTarget, del, del]);
    expect(views[0]).toMatchObject({ deleted: 'by_sender', text: null, reactions: [] });
    expect(ledger.targetsOf([del])).toEqual([id(1)]);
  });
});
