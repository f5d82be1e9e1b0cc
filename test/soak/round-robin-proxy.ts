// Test support (Node): the load balancer of the failure soaks — a TCP proxy handing each new connection to
// the next instance in turn, skipping one that refuses connections, as HAProxy or nginx `stream` would with
// passive health checks. It knows nothing of HTTP beyond noticing which connections carry GET /events, so the
// soak can kill the instance that holds the most live streams.
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  backend: number;
  events: boolean;
}

export class RoundRobinProxy {
  readonly #backends: Backend[];
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  #next = 0;
  /** Connections refused by an instance and handed to the next one. */
  refused = 0;
  /** Connections no instance took (the client saw them close at once). */
  dropped = 0;
  url = '';

  constructor(urls: string[]) {
    this.#backends = urls.map((u) => {
      const url = new URL(u);
      return { host: url.hostname, port: Number(url.port) };
    });
    this.#server = net.createServer((client) => this.#accept(client));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as net.AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const pair of this.#pairs) close(pair);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Open connections that carried a GET /events request, per backend (index into the constructor's list). */
  eventStreams(): number[] {
    const counts = this.#backends.map(() => 0);
    for (const pair of this.#pairs) if (pair.events && pair.upstream) counts[pair.backend]!++;
    return counts;
  }

  #accept(client: net.Socket): void {
    const pair: Pair = { client, upstream: null, backend: -1, events: false };
    this.#pairs.add(pair);
    client.pause();
    client.on('error', () => close(pair));
    client.on('close', () => {
      close(pair);
      this.#pairs.delete(pair);
    });
    const first = this.#next++ % this.#backends.length;
    this.#connect(pair, first, 0);
  }

  #connect(pair: Pair, index: number, tried: number): void {
    if (tried === this.#backends.length) {
      this.dropped++;
      close(pair);
      return;
    }
    const backend = this.#backends[index]!;
    const upstream = net.connect(backend.port, backend.host);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      if (pair.client.destroyed) {
        upstream.destroy();
        return;
      }
      pair.upstream = upstream;
      pair.backend = index;
      pair.client.on('data', (chunk: Buffer) => {
        if (!pair.events && /^GET \/events[ ?]/m.test(chunk.toString('latin1', 0, Math.min(chunk.length, 4096)))) pair.events = true;
      });
      pair.client.pipe(upstream);
      upstream.pipe(pair.client);
      pair.client.resume();
    });
    upstream.on('error', () => {
      if (connected) close(pair);
      else {
        this.refused++;
        this.#connect(pair, (index + 1) % this.#backends.length, tried + 1);
      }
    });
    upstream.on('close', () => {
      if (connected) close(pair);
    });
  }
}

function close(pair: Pair): void {
  pair.upstream?.destroy();
  pair.client.destroy();
}
