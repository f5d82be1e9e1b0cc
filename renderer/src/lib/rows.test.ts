import { describe, expect, it } from 'vitest';
import type { MessageHeaderView } from '../../../core/api/chat-api.js';
import { buildRows, type PendingMessage } from './rows.js';

function header(seq: number, timestamp: string): MessageHeaderView {
  return { id: `id-${seq}`, seq, sender: 'bob', recipient: 'alice', group: null, conversation: 'bob', timestamp, outgoing: false };
}

describe('buildRows', () => {
  it('puts a day separator before the first message of each local day', () => {
    const a = new Date(2026, 10, 24, 10, 0).toISOString();
    const b = new Date(2026, 10, 24, 18, 0).toISOString();
    const c = new Date(2026, 10, 25, 9, 0).toISOString();
    const rows = buildRows([header(1, a), header(2, b), header(3, c)], []);
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'message', 'day', 'message']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('lists pending messages after the stored ones, and drops those the server already stored', () => {
    const t = new Date(2026, 10, 25, 9, 0).toISOString();
    const pending: PendingMessage[] = [
      { id: 'id-1', conversation: 'bob', replyTo: null, text: 'stored meanwhile', state: 'pending', error: null, createdAt: t },
      { id: 'new', conversation: 'bob', replyTo: null, text: 'on its way', state: 'failed', error: 'offline', createdAt: t },
    ];
    const rows = buildRows([header(1, t)], pending);
    expect(rows.map((r) => r.key)).toEqual([expect.stringMatching(/^day:/), 'id-1', 'pending:new']);
  });
});
