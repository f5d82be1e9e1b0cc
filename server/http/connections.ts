// Connection bookkeeping for the HTTP(S) listener:
//  - a per-address cap (CONNECTIONS_PER_ADDRESS): a socket beyond it is destroyed as soon as it is
//    accepted, before any TLS handshake or HTTP parsing, so one address holding thousands of idle or
//    half-open connections cannot exhaust the process's sockets for everyone else;
//  - which connections have a request in progress, so that a graceful shutdown can close the quiet
//    ones at once (including connections a client opened ahead of time and never used, which Node's
//    closeIdleConnections leaves alone) and each busy one as soon as its last response is done.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';

export interface ConnectionTracker {
  /** From now on, ends every connection that has no request in progress. */
  drain(): void;
}

export interface ConnectionLimits {
  /** Open connections one address may hold; 0: no limit. */
  perAddress: number;
  /** Addresses not counted (trusted proxies). */
  exempt?: (address: string) => boolean;
}

export function trackConnections(server: HttpServer | HttpsServer, tls: boolean, limits: ConnectionLimits = { perAddress: 0 }): ConnectionTracker {
  const byAddress = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    if (limits.perAddress <= 0 || limits.exempt?.(address)) return;
    const open = byAddress.get(address) ?? 0;
    if (open >= limits.perAddress) {
      socket.destroy();
      return;
    }
    byAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
    });
  });

  const inFlight = new Map<Socket, number>();
  let draining = false;
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (socket.destroyed) return;
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
