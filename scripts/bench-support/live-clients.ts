// Bench side (a Node child process of `npm run bench:live`): holds its share of the GET /events streams, each
// on a socket of its own, so the load generator's own event loop does not distort the server or the timing.
// Talks with its parent over IPC: {open: [{username, token}]} opens streams (answers {opened, failed}),
// and every event that reaches its recipient's stream is reported as [id, wall-clock ms] in batches.
import http from 'node:http';

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
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/events`, { headers: { authorization: `Bearer ${account.token}`, accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET /events for ${account.username}: ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let connected = false;
      res.on('data', (chunk: string) => {
        const at = now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!connected && block.startsWith(': connected')) {
            connected = true;
            resolve();
            continue;
          }
          if (block.startsWith(': heartbeat')) heartbeats++;
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const header = JSON.parse(data.slice(6)) as { id: string; recipient?: string };
          if (header.recipient === account.username) arrivals.push([header.id, at]);
        }
      });
      res.on('end', () => {
        if (!connected) reject(new Error(`GET /events for ${account.username} ended before it connected`));
      });
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    streams.push(req);
  });
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
