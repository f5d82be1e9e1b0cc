// Core side: a Server-Sent Events parser (the text/event-stream format of the HTML standard), fed decoded text
// in arbitrary chunks. Only what GET /events uses: `id:`, `event:`, `data:`, comments; `retry:` is read too.
import { ChatError } from '../api/errors.js';

export interface SseEvent {
  /** The `id:` of this event, or the last one seen before it. */
  id: string | null;
  event: string;
  data: string;
}

/** Longest line or event accepted: a message header is a few hundred bytes; a hostile server gets no more. */
export const MAX_SSE_EVENT_CHARS = 1024 * 1024;

export class SseParser {
  #buffer = '';
  #dataChars = 0;
  #lastId: string | null = null;
  #eventType = '';
  #data: string[] = [];
  #hasData = false;
  /** Comment lines seen (the server's heartbeat is one). */
  comments = 0;
  /** The last `retry:` value in milliseconds, if the server sent one. */
  retryMs: number | null = null;

  /** Feeds text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    this.#buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more text.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event) events.push(event);
    }
    if (this.#buffer.length > MAX_SSE_EVENT_CHARS || this.#dataChars > MAX_SSE_EVENT_CHARS) {
      this.#buffer = '';
      this.#data = [];
      this.#dataChars = 0;
      throw new ChatError('protocol_violation', 'The server sent a live event larger than any the protocol makes; reconnecting.');
    }
    return events;
  }

  #line(line: string): SseEvent | null {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#data.push(value);
        this.#dataChars += value.length + 1;
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.#lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }

  #dispatch(): SseEvent | null {
    const event = this.#hasData ? { id: this.#lastId, event: this.#eventType || 'message', data: this.#data.join('\n') } : null;
    this.#eventType = '';
    this.#data = [];
    this.#dataChars = 0;
    this.#hasData = false;
    return event;
  }
}
