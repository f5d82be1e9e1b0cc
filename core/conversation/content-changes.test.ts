import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyContentChanges, type ChangeItem, type ItemState } from './content-changes.js';

const { contentChanges } = JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
  contentChanges: { items: ChangeItem[]; expect: Record<string, Partial<ItemState>> };
};

describe('content changes (v2 vectors)', () => {
  it('applies edits, deletes and reactions as the vectors expect', () => {
    const result = applyContentChanges(contentChanges.items);
    for (const [id, expected] of Object.entries(contentChanges.expect)) expect({ id, ...result.get(id) }).toEqual({ id, ...expected });
  });

  it('gives the same result whatever order the items were read in', () => {
    const forward = applyContentChanges(contentChanges.items);
    const backward = applyContentChanges([...contentChanges.items].reverse());
    expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
  });

  it('lets a waiting change apply once its target is read', () => {
    const items = contentChanges.items.filter((i) => i.id !== '00000001-0000-4000-8000-000000000000');
    expect(applyContentChanges(items).get('00000002-0000-4000-8000-000000000000')).toEqual({ state: 'waiting' });
    expect(applyContentChanges(contentChanges.items).get('00000002-0000-4000-8000-000000000000')).toEqual({ state: 'applied' });
  });

  it('spends an edit of a message its sender then withdrew: the target shows deleted, the edit no failure', () => {
    const at = (seq: number) => ({ id: `0000000${seq}-0000-4000-8000-000000000000`, seq, sender: 'alice', conversation: 'alice,bob' });
    const sentAt = '2026-11-26T09:00:00.000Z';
    const items: ChangeItem[] = [
      { ...at(1), erased: true },
      { ...at(2), content: { type: 'edit', target: at(1).id, text: 'fixed', sentAt } },
      { ...at(3), content: { type: 'delete', target: at(1).id, sentAt } },
    ];
    const result = applyContentChanges(items);
    expect([result.get(at(1).id), result.get(at(2).id), result.get(at(3).id)]).toEqual([{ state: 'deleted', deleted: true }, { state: 'applied' }, { state: 'applied' }]);
  });
});
