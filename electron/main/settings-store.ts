// Main process, no Electron import: the desktop app's settings file (settings.json in the userData folder).
// It holds nothing secret — server address, CA certificate, last user name, theme, window bounds and the
// desktop switches. A damaged or hand-edited file never stops the app: what does not validate falls back
// to its default, and the file is rewritten whole (write then rename) so a crash never leaves half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { themeSchema, type Theme } from '../../core/api/settings.js';
import { USERNAME_PATTERN } from '../../core/protocol/constants.js';
import type { WindowBounds } from './window-options.js';

export interface StoredSettings {
  serverUrl: string | null;
  caCertificatePem: string | null;
  lastUsername: string | null;
  theme: Theme;
  windowBounds: WindowBounds | null;
  staySignedIn: boolean;
  notifications: boolean;
  notificationContent: boolean;
}

export const DEFAULT_SETTINGS: StoredSettings = {
  serverUrl: null,
  caCertificatePem: null,
  lastUsername: null,
  theme: 'system',
  windowBounds: null,
  staySignedIn: false,
  notifications: true,
  notificationContent: false,
};

const boundsSchema = z.object({
  x: z.number().finite().optional(),
  y: z.number().finite().optional(),
  width: z.number().finite().positive(),
  height: z.number().finite().positive(),
  maximized: z.boolean(),
});

// Each field on its own, so that one bad field costs only that field.
const fieldSchemas: { [K in keyof StoredSettings]: z.ZodType<StoredSettings[K]> } = {
  serverUrl: z.string().url().max(2048).nullable(),
  caCertificatePem: z.string().max(65_536).nullable(),
  lastUsername: z.string().regex(USERNAME_PATTERN).nullable(),
  theme: themeSchema,
  windowBounds: boundsSchema.nullable(),
  staySignedIn: z.boolean(),
  notifications: z.boolean(),
  notificationContent: z.boolean(),
};

/** Reads what validates from untrusted JSON; the rest comes from `base` (the defaults unless given). */
export function parseSettings(raw: unknown, base: StoredSettings = DEFAULT_SETTINGS): StoredSettings {
  const result: StoredSettings = structuredClone(base);
  if (typeof raw !== 'object' || raw === null) return result;
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(fieldSchemas) as (keyof StoredSettings)[]) {
    if (!(key in record)) continue;
    const parsed = fieldSchemas[key].safeParse(record[key]);
    if (parsed.success) (result as unknown as Record<string, unknown>)[key] = parsed.data;
  }
  return result;
}

export class SettingsStore {
  readonly file: string;
  #current: StoredSettings = { ...DEFAULT_SETTINGS };
  #writing: Promise<void> = Promise.resolve();

  constructor(folder: string) {
    this.file = path.join(folder, 'settings.json');
  }

  /** Loads the file; a missing or unreadable one gives the defaults. */
  async load(): Promise<StoredSettings> {
    try {
      this.#current = parseSettings(JSON.parse(await readFile(this.file, 'utf8')));
    } catch {
      this.#current = { ...DEFAULT_SETTINGS };
    }
    return this.get();
  }

  get(): StoredSettings {
    return structuredClone(this.#current);
  }

  /** Applies a change and writes the file; writes are serialized so the last change always wins on disk. */
  async update(change: Partial<StoredSettings>): Promise<StoredSettings> {
    // Callers validate at their boundary; a field that still does not validate keeps its value.
    this.#current = parseSettings(change, this.#current);
    const snapshot = JSON.stringify(this.#current, null, 2);
    this.#writing = this.#writing.catch(() => undefined).then(() => this.#write(snapshot));
    await this.#writing;
    return this.get();
  }

  async #write(text: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, text + '\n', { mode: 0o600 });
    await rename(temp, this.file);
  }
}
