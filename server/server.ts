// Starts the whole server for a config: database (with migrations), token secret, event bus, Express app,
// HTTP or HTTPS listener. Used by main.ts and by tests (port 0, real HTTP).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { loadTokenSecret, TokenSigner } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import type { EventBus } from './events/bus.js';
import { openEventBus } from './events/open-bus.js';
import { trackConnections } from './http/connections.js';
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
}

const FORCE_CLOSE_AFTER_MS = 10_000;

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
  try {
    const signer = new TokenSigner(await loadTokenSecret(db.sequelize), config.tokenTtlSeconds * 1000);
    bus = options.createBus ? await options.createBus(db, logger) : await openEventBus(db, config.databaseUrl, logger);
    const { app, streams, appender } = createApp({ config, db, signer, bus, logger, version: APP_VERSION });
    const server = tls ? https.createServer({ ...tls, minVersion: 'TLSv1.2' }, app) : http.createServer(app);
    const connections = trackConnections(server, tls !== undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const url = formatUrl(tls ? 'https' : 'http', server.address() as AddressInfo);
    const openBus = bus;
    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      streams.endAll();
      connections.drain();
      const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
      await closed;
      clearTimeout(force);
      await appender.idle();
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
    await bus?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
