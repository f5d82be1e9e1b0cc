// Server side: which folder holds the attachment blobs. ATTACHMENT_DIR when set (relative to the working
// directory, like a sqlite: path); otherwise `attachments` beside the SQLite database file
// (sqlite:data/chat.sqlite → data/attachments), or data/attachments with PostgreSQL.
import path from 'node:path';
import { parseDatabaseUrl } from '../db/database-url.js';

export function attachmentDirFor(config: { attachmentDir: string | undefined; databaseUrl: string }, cwd = process.cwd()): string {
  if (config.attachmentDir !== undefined) return path.resolve(cwd, config.attachmentDir);
  const target = parseDatabaseUrl(config.databaseUrl, cwd);
  return target.dialect === 'sqlite' ? path.join(path.dirname(target.storage), 'attachments') : path.resolve(cwd, 'data/attachments');
}
