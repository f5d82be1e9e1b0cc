// Main process, no Electron import: "Stay signed in on this device".
//
// What is stored where: the unlocked session (server address, user name, login hash, private key) is
// sealed with AES-256-GCM under a random 32-byte key; the sealed file (`session.sealed`, mode 0600) sits in
// the userData folder, the key sits in the OS keychain (macOS Keychain, Windows Credential Manager, the
// Secret Service — GNOME Keyring or KWallet — on Linux) through @napi-rs/keyring. Neither alone opens the
// session. Logout erases both. With no keychain reachable the option stays off: never a plain-text file.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as keytar from '@napi-rs/keyring/keytar.js';

export const KEYCHAIN_SERVICE = 'Encrypted Chat';
export const KEYCHAIN_ACCOUNT = 'stay-signed-in-key';
export const SEALED_SESSION_FILE = 'session.sealed';

const FORMAT_VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the sealed bytes to their purpose, so this key can never open anything else and vice versa. */
const AAD = Buffer.from('encrypted-chat/desktop/stay-signed-in/v1', 'utf8');

/** The one secret held in the OS keychain for this app. */
export interface Keychain {
  get(): Promise<string | null>;
  set(secret: string): Promise<void>;
  delete(): Promise<void>;
}

/** The OS keychain through @napi-rs/keyring's keytar-compatible API. */
export function osKeychain(service = KEYCHAIN_SERVICE, account = KEYCHAIN_ACCOUNT): Keychain {
  return {
    get: () => keytar.getPassword(service, account),
    set: (secret) => keytar.setPassword(service, account, secret),
    delete: async () => {
      await keytar.deletePassword(service, account);
    },
  };
}

export interface KeychainStatus {
  available: boolean;
  /** Why it is not available, for a person; null when it is. */
  detail: string | null;
}

/**
 * Whether the keychain really stores secrets. Reading alone proves nothing (with no Secret Service running,
 * a read answers "nothing stored"), so this writes, reads back and deletes a probe entry.
 */
export async function probeKeychain(makeKeychain: (account: string) => Keychain = (a) => osKeychain(KEYCHAIN_SERVICE, a)): Promise<KeychainStatus> {
  const probe = makeKeychain(`${KEYCHAIN_ACCOUNT}-probe`);
  const value = randomBytes(16).toString('base64');
  try {
    await probe.set(value);
    const back = await probe.get();
    await probe.delete();
    if (back !== value) return { available: false, detail: 'The system keychain did not give back what was stored in it.' };
    return { available: true, detail: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      detail:
        `No system keychain could be reached (${reason}). ` +
        'On Linux, install and unlock GNOME Keyring or KWallet (a Secret Service) to use "Stay signed in".',
    };
  }
}

/** Seals `plaintext` under `key`: version byte, IV, ciphertext, tag. */
export function sealWithKey(key: Uint8Array, plaintext: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('The stay-signed-in key must be 32 bytes.');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, body, cipher.getAuthTag()]);
}

/** Opens what sealWithKey made; throws on a wrong key, a wrong version or any altered byte. */
export function openWithKey(key: Uint8Array, sealed: Uint8Array): Buffer {
  if (key.length !== KEY_BYTES) throw new Error('The stay-signed-in key must be 32 bytes.');
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_VERSION) {
    throw new Error('The saved session is not in a format this version reads.');
  }
  const bytes = Buffer.from(sealed);
  const iv = bytes.subarray(1, 1 + IV_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(AAD);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/**
 * The saved session of "stay signed in": `T` is the core's session snapshot; `parse` validates what comes
 * back from disk (a file can be altered or come from another version).
 */
export class StaySignedInStore<T> {
  readonly file: string;

  constructor(
    folder: string,
    private readonly keychain: Keychain,
    private readonly parse: (value: unknown) => T,
  ) {
    this.file = path.join(folder, SEALED_SESSION_FILE);
  }

  /** Seals the session under a fresh key: a new key in the keychain, then the file (0600). */
  async save(snapshot: T): Promise<void> {
    const key = randomBytes(KEY_BYTES);
    try {
      const sealed = sealWithKey(key, Buffer.from(JSON.stringify(snapshot), 'utf8'));
      await this.keychain.set(key.toString('base64'));
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.${process.pid}.tmp`;
      await writeFile(temp, sealed, { mode: 0o600 });
      await rename(temp, this.file);
    } finally {
      key.fill(0);
    }
  }

  /**
   * The saved session, or null when there is none. A file without its key, a key without its file, or a
   * file that does not open are erased (both halves) and answer null: the person signs in again.
   */
  async load(): Promise<T | null> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.file);
    } catch {
      await this.keychain.delete().catch(() => undefined);
      return null;
    }
    const encodedKey = await this.keychain.get();
    if (encodedKey === null) {
      await this.erase();
      return null;
    }
    const key = Buffer.from(encodedKey, 'base64');
    try {
      return this.parse(JSON.parse(openWithKey(key, sealed).toString('utf8')));
    } catch {
      await this.erase();
      return null;
    } finally {
      key.fill(0);
    }
  }

  /** Removes the file and the key; absent halves are fine. */
  async erase(): Promise<void> {
    await this.eraseFile();
    await this.keychain.delete();
  }

  /** Removes the sealed file only: for when the keychain cannot be reached (its key alone opens nothing). */
  async eraseFile(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
