// Server side: the attachment endpoints. Mounted ahead of the app's JSON body rule: the upload's body is
// the blob itself (application/octet-stream), streamed, and never goes through express.json.
import { Router } from 'express';
import type { Authenticator } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { noQuery } from '../http/no-query.js';
import type { BlobStore } from './blob-store.js';
import { downloadHandler } from './download.js';
import { uploadHandler, type UploadOptions } from './upload.js';

export function attachmentsRouter(db: Database, auth: Authenticator, store: BlobStore, options: UploadOptions): Router {
  const router = Router();
  router.post('/attachments', auth.required, noQuery, uploadHandler(db, store, options));
  router.get('/attachments/:id', auth.required, noQuery, downloadHandler(db, store));
  return router;
}
