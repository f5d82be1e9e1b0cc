// Starts the whole server for a config: database (with migrations), token secret, event bus, Express app,
// HTTP or HTTPS listener. Used by main.ts and by tests (port 0, real HTTP).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { enforceRequestDeadline } from './attachments/request-deadline.js';
import { loadTokenSecret, TokenSigner } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import type { EventBus } from './events/bus.js';
import { openEventBus } from './events/open-bus.js';
import { trackConnections } from './http/connections.js';
import { KeyLog, type KeyLogOptions } from './keylog/key-log.js';
import { createLogger } from './logging.js';
import { APP_VERSION } from './paths.js';

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:43121 (the real port when config.port is 0). */
  url: string;
  /** Live event streams currently open (for tests of cleanup). */
  openStreams(): number;
  /** Graceful: stops accepting, ends event streams, finishes in-flight requests, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Makes the event bus; the default follows the database: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
  createBus?: (db: Database, logger: Logger) => Promise<EventBus>;
  logger?: Logger;
  /** Tests only: shorter HTTP timeouts than HTTP_TIMEOUTS. */
  timeouts?: Partial<HttpTimeouts>;
  /** Tests and benchmarks only: the key log's seed key, head timing, registrations without entries. */
  keyLog?: KeyLogOptions;
}

const FORCE_CLOSE_AFTER_MS = 10_000;

/**
 * TLS 1.2 suites: ECDHE key exchange only (forward secrecy; no static RSA, no DHE) with AEAD ciphers only
 * (AES-GCM, ChaCha20-Poly1305; no CBC, so no SHA-1 or SHA-2 HMAC suites, and no CCM or ARIA), in the
 * server's order (honorCipherOrder): AES-128-GCM first, as Mozilla's "intermediate" profile. TLS 1.3
 * keeps its three AEAD suites. Both ECDSA and RSA certificates work.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The defaults; HEADERS_TIMEOUT, REQUEST_TIMEOUT and KEEP_ALIVE_TIMEOUT override the first three. */
export interface HttpTimeouts {
  /**
   * 20 s to receive a request's headers (Node: 60 s). A real client sends them in one packet at once; a
   * client that trickles them (slowloris) or connects and says nothing loses its socket after this.
   */
  headersTimeout: number;
  /**
   * 60 s to receive a whole request, body included (Node: 300 s). Bodies are at most BODY_LIMIT (256 KiB by
   * default). Node applies it only while the request is being received (the parser's message is not yet
   * complete), never to a response still being written, so it does not cut a long-lived GET /events
   * stream (tested in server/http/connections.test.ts).
   */
  requestTimeout: number;
  /**
   * 5 s an idle keep-alive connection is kept between requests (Node's default, kept on purpose): long
   * enough for a page's burst of requests, short enough that idle sockets do not fill
   * CONNECTIONS_PER_ADDRESS. A proxy that pools connections should drop idle ones sooner (Apache: ttl).
   */
  keepAliveTimeout: number;
  /** How often Node checks headersTimeout and requestTimeout (Node: every 30 s, far coarser than the timeouts). */
  connectionsCheckingInterval: number;
  /** 10 s to complete a TLS handshake (Node: 120 s): a connection that never finishes one is dropped. */
  handshakeTimeout: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeout: 20_000,
  requestTimeout: 60_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 2_000,
  handshakeTimeout: 10_000,
};

function formatUrl(protocol: string, address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${protocol}://${host}:${address.port}`;
}

function readSetting(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`${name}: cannot read ${file} (${code})`);
  }
}

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const tls =
    config.tlsCert && config.tlsKey ? { cert: readSetting('TLS_CERT', config.tlsCert), key: readSetting('TLS_KEY', config.tlsKey) } : undefined;
  const db = await openDatabase(config.databaseUrl);
  let bus: EventBus | undefined;
  let keyLog: KeyLog | undefined;
  try {
    const signer = new TokenSigner(await loadTokenSecret(db.sequelize), config.tokenTtlSeconds * 1000);
    bus = options.createBus ? await options.createBus(db, logger) : await openEventBus(db, config.databaseUrl, logger);
    // The log key is loaded (or, on a first start, made) and heads signed in the background: making an
    // RSA-4096 key takes seconds, which the start does not wait for; /keylog/* answers wait for it instead.
    keyLog = new KeyLog(db, logger, options.keyLog);
    keyLog.start();
    const { app, streams, appender, attachmentSweep } = createApp({ config, db, signer, bus, logger, version: APP_VERSION, keyLog });
    const configured = {
      headersTimeout: config.headersTimeoutSeconds * 1000,
      requestTimeout: config.requestTimeoutSeconds * 1000,
      keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    };
    const { handshakeTimeout, ...httpTimeouts } = { ...HTTP_TIMEOUTS, ...configured, ...options.timeouts };
    // Node refuses a requestTimeout below headersTimeout; a request's whole time includes its headers.
    httpTimeouts.requestTimeout = Math.max(httpTimeouts.requestTimeout, httpTimeouts.headersTimeout);
    const server = tls
      ? https.createServer({ ...tls, minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, honorCipherOrder: true, handshakeTimeout, ...httpTimeouts }, app)
      : http.createServer(httpTimeouts, app);
    // Also as properties: not every Node 20 release reads all of them from the options.
    server.headersTimeout = httpTimeouts.headersTimeout;
    // Node's requestTimeout would cut a long attachment upload: it is applied in JS to every other request.
    server.requestTimeout = 0;
    enforceRequestDeadline(server, httpTimeouts.requestTimeout);
    server.keepAliveTimeout = httpTimeouts.keepAliveTimeout;
    // Connections from a trusted proxy (TRUST_PROXY) carry many clients and are not capped; the proxy's own
    // per-client limits apply there, and STREAMS_PER_ADDRESS still counts the real client (req.ip).
    const trusted = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    const connections = trackConnections(server, tls !== undefined, {
      perAddress: config.connectionsPerAddress,
      exempt: (address) => trusted(address, 0),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    attachmentSweep.start();
    const url = formatUrl(tls ? 'https' : 'http', server.address() as AddressInfo);
    const openBus = bus;
    const openKeyLog = keyLog;
    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      streams.endAll();
      connections.drain();
      const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
      await closed;
      clearTimeout(force);
      await appender.idle();
      await attachmentSweep.stop();
      await openKeyLog.close();
      await openBus.close();
      await db.close();
      logger.flush();
    };
    return {
      url,
      openStreams: () => streams.count,
      close: () => (closing ??= close()),
    };
  } catch (error) {
    await keyLog?.close().catch(() => undefined);
    await bus?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
