// Bench support (Node): one raw GET /events stream on a socket of its own, read as the server frames it, for
// the benches that time deliveries with no client library in between (fan-out, live streams).
import http from 'node:http';

export interface StreamEvent {
  id: string;
  recipient?: string;
}

export interface StreamHandlers {
  /** Each event's data, with the time its chunk arrived on `clock`. */
  onEvent(event: StreamEvent, at: number): void;
  onHeartbeat?(): void;
}

/**
 * Opens GET /events with `token` and resolves once the server said it is connected; rejects on any other
 * answer, or when the stream ends before that. `who` names the stream in those errors.
 */
export function openEventStream(url: string, token: string, who: string, handlers: StreamHandlers, clock: () => number = () => performance.now()): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET /events for ${who}: ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let connected = false;
      res.on('data', (chunk: string) => {
        const at = clock();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!connected && block.startsWith(': connected')) {
            connected = true;
            resolve(req);
            continue;
          }
          if (block.startsWith(': heartbeat')) handlers.onHeartbeat?.();
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) handlers.onEvent(JSON.parse(data.slice(6)) as StreamEvent, at);
        }
      });
      res.on('end', () => {
        if (!connected) reject(new Error(`GET /events for ${who} ended before it connected`));
      });
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
  });
}
