// Test support: the protocol's test vectors (a byte-identical copy of ../shared/test-vectors.json) and the
// fixed key fixtures, so no test generates an RSA-4096 key.
import { readFileSync } from 'node:fs';
import { decodeBase64 } from '../protocol/base64.js';
import type { MessageRecord } from '../protocol/schemas.js';
import { importPrivateKey, importPublicKey, type PrivateKeys, type PublicKeys } from '../crypto/rsa.js';

interface Account {
  password: string;
  publicKey: string;
  fingerprint: string;
  privateKeyPkcs8: string;
  kdfSalt?: string;
  kdfIterations?: number;
  encryptedPrivateKey?: string;
}

export interface TestVectors {
  authHash: Array<{ username: string; password: string; authHash: string }>;
  accounts: Record<'alice' | 'bob', Account>;
  messages: Array<{ case: string; record: MessageRecord; expect: { text?: string; verified: boolean; failure?: string; reader?: string } }>;
}

export const vectors: TestVectors = JSON.parse(readFileSync(new URL('./test-vectors.json', import.meta.url), 'utf8'));

export interface KeyFixture {
  username: string;
  publicKey: string;
  privateKeyPkcs8: string;
}

export function keyFixture(name: 'alice' | 'bob' | 'carol'): KeyFixture {
  if (name === 'carol') {
    const carol = JSON.parse(readFileSync(new URL('./carol-key.json', import.meta.url), 'utf8')) as KeyFixture;
    return carol;
  }
  const a = vectors.accounts[name];
  return { username: name, publicKey: a.publicKey, privateKeyPkcs8: a.privateKeyPkcs8 };
}

export async function importedKeys(name: 'alice' | 'bob' | 'carol'): Promise<{ username: string; privateKey: PrivateKeys; publicKey: PublicKeys }> {
  const f = keyFixture(name);
  return { username: f.username, privateKey: await importPrivateKey(decodeBase64(f.privateKeyPkcs8)), publicKey: await importPublicKey(f.publicKey) };
}
