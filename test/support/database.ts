// A fresh, empty database for one test: a temporary SQLite file, or — when TEST_DATABASE_URL is a
// postgres:// URL — a new uniquely named database on that server, so the whole suite can run on either.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const loadPg = () => createRequire(import.meta.url)('pg') as { Client: new (options: { connectionString: string }) => PgClient };

const temporaryFolders: string[] = [];
process.once('exit', () => {
  for (const dir of temporaryFolders) rmSync(dir, { recursive: true, force: true });
});

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

/** A new, uniquely named, empty database on the PostgreSQL server at `serverUrl`, whose role may CREATE DATABASE. */
export async function createPostgresDatabase(serverUrl: string, prefix = 'chat_test'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const client = new (loadPg().Client)({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function freshDatabaseUrl(): Promise<string> {
  const server = process.env.TEST_DATABASE_URL;
  if (isPostgresUrl(server)) return createPostgresDatabase(server);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chat-test-db-'));
  temporaryFolders.push(dir);
  return `sqlite:${path.join(dir, 'chat.sqlite')}`;
}
