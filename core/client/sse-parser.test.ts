import { describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT_CHARS, SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('parses id, event and data, and skips comments', () => {
    const parser = new SseParser();
    const events = parser.push(': connected\n\nid: 7\nevent: message\ndata: {"seq":7}\n\n: heartbeat\n\n');
    expect(events).toEqual([{ id: '7', event: 'message', data: '{"seq":7}' }]);
  });

  it('joins events split across chunks at any byte, with CRLF, CR or LF line ends', () => {
    const text = 'id: 1\r\nevent: message\r\ndata: a\r\n\r\nid: 2\revent: message\rdata: b\r\rid: 3\nevent: message\ndata: c\ndata: d\n\n';
    for (let cut = 0; cut < text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events.map((e) => [e.id, e.data])).toEqual([
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'c\nd'],
      ]);
    }
  });

  it('keeps the last id for events without one, defaults the type to message, reads retry', () => {
    const parser = new SseParser();
    const events = parser.push('id: 5\ndata: x\n\nretry: 1500\ndata: y\n\n');
    expect(events).toEqual([
      { id: '5', event: 'message', data: 'x' },
      { id: '5', event: 'message', data: 'y' },
    ]);
    expect(parser.retryMs).toBe(1500);
  });

  it('refuses a line or an event larger than the protocol ever sends', () => {
    expect(() => new SseParser().push('data: ' + 'x'.repeat(MAX_SSE_EVENT_CHARS + 1))).toThrow();
    const parser = new SseParser();
    expect(() => {
      for (let i = 0; i < 2000; i++) parser.push(`data: ${'y'.repeat(1000)}\n`);
    }).toThrow();
  });

  it('does not dispatch an event without data', () => {
    expect(new SseParser().push('id: 9\nevent: message\n\n')).toEqual([]);
  });
});
