// The Express application: security headers, request logging, JSON parsing, token checking, the API
// routes (protocol v1 and the v2 ones built so far), the web client, and the protocol's error shape for
// everything else.
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Database } from './db/database.js';
import { createAttachments } from './attachments/service.js';
import type { AttachmentSweep } from './attachments/sweep.js';
import { createAuthenticator } from './auth/authenticate.js';
import { sessionLookup } from './auth/token-holder.js';
import type { TokenSigner } from './auth/tokens.js';
import type { EventBus } from './events/bus.js';
import { EventStreams } from './events/streams.js';
import { ApiError, errorHandler } from './http/errors.js';
import { createRateLimits } from './http/rate-limits.js';
import { KeyLog } from './keylog/key-log.js';
import { keyLogRouter } from './keylog/routes.js';
import { noQuery } from './http/no-query.js';
import { webClientRouter } from './http/web-client.js';
import { describeError, requestLogger } from './logging.js';
import { MessageAppender } from './messages/append.js';
import { REPO_ROOT } from './paths.js';
import type { RouteContext } from './routes/context.js';
import { accountStateRouter } from './routes/account-state.js';
import { blocksRouter } from './routes/blocks.js';
import { groupsRouter } from './routes/groups.js';
import { healthRouter } from './routes/health.js';
import { messagesRouter } from './routes/messages.js';
import { sessionRouter } from './routes/session.js';
import { usersRouter } from './routes/users.js';

export interface AppDeps {
  config: ServerConfig;
  db: Database;
  signer: TokenSigner;
  bus: EventBus;
  logger: Logger;
  version: string;
  /** The key log (startServer makes and starts it); without one, createApp makes a passive one. */
  keyLog?: KeyLog;
}

export interface ChatApp {
  app: Express;
  streams: EventStreams;
  appender: MessageAppender;
  keyLog: KeyLog;
  /** Started and stopped by startServer. */
  attachmentSweep: AttachmentSweep;
}

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  // blob: for a verified attachment shown full size (the window checks its bytes are an image first).
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

export function createApp({ config, db, signer, bus, logger, version, keyLog = new KeyLog(db, logger) }: AppDeps): ChatApp {
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      strictTransportSecurity: config.tlsCert ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  app.use(requestLogger(logger));

  const auth = createAuthenticator(signer, sessionLookup(db));
  app.use(auth.optional);
  // Attachment bytes are not JSON: these routes come before the JSON rule and parser.
  const attachments = createAttachments(config, db, auth, logger);
  app.use(attachments.router);
  app.use((req, _res, next) => {
    // A body that is there must be JSON; a POST without a body is left to each route's schema.
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      throw new ApiError('unsupported_media_type', 'request body must be JSON with Content-Type: application/json');
    }
    next();
  });
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true, type: 'application/json' }));

  const limits = createRateLimits(config, signer.deviceCredentials(config.deviceCredentialTtlSeconds * 1000), db);
  const context: RouteContext = { config, db, signer, auth, limits, keyLog };
  const appender = new MessageAppender(db, (header) => bus.publish(header), { quotaBytes: config.messageQuotaBytes });
  const streams = new EventStreams(db, bus, config.heartbeatSeconds * 1000, {
    perUser: config.streamsPerUser,
    perAddress: config.streamsPerAddress,
    maxBufferedBytes: config.streamBufferBytes,
  });

  app.use(healthRouter(context, version));
  app.use(sessionRouter(context));
  app.use(usersRouter(context));
  app.use(messagesRouter(context, appender));
  app.use(blocksRouter(context));
  app.use(groupsRouter(context));
  app.use(keyLogRouter(context, keyLog));
  app.use(accountStateRouter(context));
  app.get('/events', auth.required, noQuery, streams.handle);
  app.use(webClientRouter(path.resolve(REPO_ROOT, config.webRoot)));

  app.use((req) => {
    throw new ApiError('not_found', `no such endpoint: ${req.method} ${req.path.slice(0, 100)}`);
  });
  app.use(errorHandler((error) => logger.error({ error: describeError(error) }, 'request failed')));
  return { app, streams, appender, keyLog, attachmentSweep: attachments.sweep };
}
