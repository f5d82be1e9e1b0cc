// Server side: the attachments feature as the app mounts it: the store (ATTACHMENT_DIR), the routes and the sweep.
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticate.js';
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './file-store.js';
import { attachmentDirFor } from './location.js';
import { attachmentsRouter } from './routes.js';
import { AttachmentSweep } from './sweep.js';

export interface Attachments {
  store: BlobStore;
  router: ReturnType<typeof attachmentsRouter>;
  sweep: AttachmentSweep;
}

export function createAttachments(config: ServerConfig, db: Database, auth: Authenticator, logger: Logger): Attachments {
  const store = new FileBlobStore(attachmentDirFor(config));
  return {
    store,
    router: attachmentsRouter(db, auth, store, { limitBytes: config.attachmentLimitBytes, quotaBytes: config.attachmentQuotaBytes }),
    sweep: new AttachmentSweep(db, store, logger, { intervalMs: config.attachmentSweepSeconds * 1000 }),
  };
}
