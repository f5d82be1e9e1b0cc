// Support for the desktop app's tests: where the Electron binary is (without require('electron'), which
// would try to download it), and the fixture accounts (fixed keys: no test makes an RSA-4096 key).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resealPrivateKey } from '../../core/crypto/account-crypto.js';
import { decodeBase64 } from '../../core/protocol/base64.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface VectorAccount {
  password: string;
  publicKey: string;
  privateKeyPkcs8: string;
  encryptedPrivateKey?: string;
  kdfSalt?: string;
  kdfIterations?: string | number;
}

const vectors = JSON.parse(readFileSync(path.join(REPO_ROOT, 'core/test-fixtures/test-vectors.json'), 'utf8')) as {
  accounts: Record<'alice' | 'bob', VectorAccount>;
  authHash: { username: string; authHash: string }[];
};

export type FixtureName = 'alice' | 'bob';

export function fixtureAccount(name: FixtureName): VectorAccount & { authHash: string } {
  const authHash = vectors.authHash.find((a) => a.username === name)?.authHash;
  if (!authHash) throw new Error(`the test vectors have no authHash for ${name}`);
  return { ...vectors.accounts[name], authHash };
}

/** Registers a fixture account on a real server; the vectors seal only some keys, the rest are sealed here. */
export async function registerFixtureAccount(serverUrl: string, name: FixtureName): Promise<void> {
  const account = fixtureAccount(name);
  const sealed = account.encryptedPrivateKey
    ? { encryptedPrivateKey: account.encryptedPrivateKey, kdfSalt: account.kdfSalt, kdfIterations: Number(account.kdfIterations) }
    : await resealPrivateKey(name, account.password, decodeBase64(account.privateKeyPkcs8), 210_000);
  const response = await fetch(`${serverUrl}/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, authHash: account.authHash, publicKey: account.publicKey, ...sealed }),
  });
  if (response.status !== 201) throw new Error(`registering ${name}: HTTP ${response.status} ${await response.text()}`);
}

export type ElectronBinary = { path: string; reason: null } | { path: null; reason: string };

/**
 * The Electron executable the electron package would run, found the way its index.js does (path.txt,
 * ELECTRON_OVERRIDE_DIST_PATH) but without its download-on-require.
 */
export function findElectronBinary(): ElectronBinary {
  const packageDir = path.join(REPO_ROOT, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative ?? 'electron') : relative ? path.join(packageDir, 'dist', relative) : null;
  if (candidate && existsSync(candidate)) return { path: candidate, reason: null };
  return {
    path: null,
    reason:
      'The Electron binary is not installed (node_modules/electron/dist is missing: it is downloaded by ' +
      "electron's install script, which this machine cannot run). Install it with `npx install-electron` " +
      'or point ELECTRON_OVERRIDE_DIST_PATH at an Electron 45 folder to run the desktop app test.',
  };
}
