// Tracks which connections have a request in progress, so that a graceful shutdown can close the quiet
// ones at once (including connections a client opened ahead of time and never used, which Node's
// closeIdleConnections leaves alone) and each busy one as soon as its last response is done.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';

export interface ConnectionTracker {
  /** From now on, ends every connection that has no request in progress. */
  drain(): void;
}

export function trackConnections(server: HttpServer | HttpsServer, tls: boolean): ConnectionTracker {
  const inFlight = new Map<Socket, number>();
  let draining = false;
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (draining && left === 0) socket.end();
    });
  });
  return {
    drain() {
      draining = true;
      for (const [socket, count] of inFlight) if (count === 0) socket.end();
    },
  };
}
