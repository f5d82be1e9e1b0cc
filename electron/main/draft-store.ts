// Main process, no Electron import: the composer drafts on disk (drafts.json in the userData folder), so a
// draft survives a restart of the app and a session that ended elsewhere. What is typed there is plaintext
// the person has not sent: the file is theirs alone (0600), rewritten whole (write then rename), and a
// damaged file only loses drafts, never stops the app. Keys and limits are core/api/drafts.ts's.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDrafts, withDraft } from '../../core/api/drafts.js';

export class DraftStore {
  readonly file: string;
  #drafts: Record<string, string> | null = null;
  // One read shared by every early save: they resume in the order they were called, so the last call's text
  // is the one written last (separate reads finish in any order).
  #loading: Promise<Record<string, string>> | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(folder: string) {
    this.file = path.join(folder, 'drafts.json');
  }

  async all(): Promise<Record<string, string>> {
    return { ...(await this.#load()) };
  }

  /** Saves (or, with blank text, deletes) one draft; writes run one after another, so the last one wins on disk. */
  async save(key: string, text: string): Promise<void> {
    const before = await this.#load();
    const after = withDraft(before, key, text);
    if (JSON.stringify(after) === JSON.stringify(before)) return;
    this.#drafts = after;
    const snapshot = JSON.stringify(after);
    this.#writing = this.#writing.catch(() => undefined).then(() => this.#write(snapshot));
    await this.#writing;
  }

  /** Deletes every draft whose key starts with `prefix` (one account's, when it signs out). */
  async clear(prefix: string): Promise<void> {
    for (const key of Object.keys(await this.#load())) if (key.startsWith(prefix)) await this.save(key, '');
  }

  async #load(): Promise<Record<string, string>> {
    if (this.#drafts) return this.#drafts;
    this.#loading ??= readFile(this.file, 'utf8').then(
      (raw) => parseDrafts(raw),
      () => parseDrafts(null),
    );
    const loaded = await this.#loading;
    this.#drafts ??= loaded;
    return this.#drafts;
  }

  async #write(text: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, text + '\n', { mode: 0o600 });
    await rename(temp, this.file);
  }
}
