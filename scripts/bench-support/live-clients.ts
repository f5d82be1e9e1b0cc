// Bench side (a Node child process of `npm run bench:live`): holds its share of the GET /events streams, each
// on a socket of its own, so the load generator's own event loop does not distort the server or the timing.
// Talks with its parent over IPC: {open: [{username, token}]} opens streams (answers {opened, failed}),
// and every event that reaches its recipient's stream is reported as [id, wall-clock ms] in batches.
import type http from 'node:http';
import { openEventStream, type StreamEvent } from './event-stream.js';

interface Account {
  username: string;
  token: string;
}

type Command = { open: Account[]; url: string } | { close: true };

const OPENING_AT_ONCE = 64;
const streams: http.ClientRequest[] = [];
let arrivals: Array<[string, number]> = [];
let heartbeats = 0;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
const now = () => performance.timeOrigin + performance.now();

function openStream(url: string, account: Account): Promise<void> {
  const onEvent = (event: StreamEvent, at: number) => {
    if (event.recipient === account.username) arrivals.push([event.id, at]);
  };
  return openEventStream(url, account.token, account.username, { onEvent, onHeartbeat: () => heartbeats++ }, now).then((req) => void streams.push(req));
}

setInterval(() => {
  if (arrivals.length === 0) return;
  process.send!({ arrivals });
  arrivals = [];
}, 20);

process.on('message', (command: Command) => {
  if ('close' in command) {
    for (const req of streams) req.destroy();
    process.exit(0);
  }
  void (async () => {
    let next = 0;
    let failed = 0;
    let firstError = '';
    const worker = async () => {
      while (next < command.open.length) {
        const account = command.open[next++]!;
        await openStream(command.url, account).catch((error: Error) => {
          failed++;
          firstError ||= error.message;
        });
      }
    };
    await Promise.all(Array.from({ length: OPENING_AT_ONCE }, worker));
    process.send!({ opened: command.open.length - failed, failed, firstError, heartbeats });
  })();
});
process.send!({ ready: true });
