// Node side (CLI and Electron main): a KeyValueStore on disk — one file per key in a 0700 folder, files 0600,
// each write atomic (temporary file, fsync, rename) so a crash never leaves half a pin or half an outbox.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyValueStore } from '../core/client/store.js';

/** Any key as a portable file name: [A-Za-z0-9_-] kept, everything else as %XX of its UTF-8 bytes. */
export function fileNameForKey(key: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(key)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length > 200) throw new Error('store key is too long');
  return `${out}.json`;
}

export class FileStore implements KeyValueStore {
  readonly folder: string;
  #ready: Promise<void> | null = null;

  constructor(folder: string) {
    this.folder = folder;
  }

  #ensureFolder(): Promise<void> {
    this.#ready ??= (async () => {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
      await chmod(this.folder, 0o700);
    })();
    return this.#ready;
  }

  async get(key: string): Promise<string | null> {
    try {
      return await readFile(join(this.folder, fileNameForKey(key)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await this.#ensureFolder();
    const target = join(this.folder, fileNameForKey(key));
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(value, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(join(this.folder, fileNameForKey(key)), { force: true });
  }
}
