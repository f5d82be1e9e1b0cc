// Server side: Node's requestTimeout (a whole request, body included, within HTTP_TIMEOUTS.requestTimeout)
// for every request except an attachment upload, which may rightly take longer (100 MiB over a slow link)
// and has its own rule instead: it is given up when no byte arrives for a minute (upload.ts). Node applies
// requestTimeout to every request alike, so the server passes it 0 and this applies it, with Node's answer.
import type { IncomingMessage } from 'node:http';

const TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

export const isUpload = (req: IncomingMessage): boolean => req.method === 'POST' && (req.url ?? '').split('?')[0] === '/attachments';

/** An HTTP or HTTPS server (both emit `request`). */
interface RequestEmitter {
  on(event: 'request', listener: (req: IncomingMessage) => void): unknown;
}

export function enforceRequestDeadline(server: RequestEmitter, ms: number): void {
  if (ms <= 0) return;
  server.on('request', (req: IncomingMessage) => {
    if (isUpload(req) || req.complete) return;
    const timer = setTimeout(() => {
      if (req.complete) return;
      const { socket } = req;
      if (socket.writable && !(socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) socket.write(TIMEOUT_ANSWER);
      socket.destroy();
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    req.once('close', clear);
  });
}
