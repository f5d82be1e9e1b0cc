import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { openPrivateKey } from './account-crypto.js';
import { fingerprint, formatFingerprint } from './fingerprint.js';
import { deriveAuthHash } from './kdf.js';
import { openMessage, verifyOpened } from './message-crypto.js';
import { importPrivateKey, importPublicKey, publicSpkiOfPrivateKey } from './rsa.js';
import { vectors } from '../test-fixtures/vectors.js';

describe('protocol test vectors', () => {
  it('the core copy is byte-identical to shared/test-vectors.json when that is present', () => {
    let shared: Buffer;
    try {
      shared = readFileSync(new URL('../../../shared/test-vectors.json', import.meta.url));
    } catch {
      return; // a clone without ../shared: the copy is all there is
    }
    expect(readFileSync(new URL('../test-fixtures/test-vectors.json', import.meta.url)).equals(shared)).toBe(true);
  });

  it.each(vectors.authHash)('authHash of $username', async ({ username, password, authHash }) => {
    expect(encodeBase64(await deriveAuthHash(username, password))).toBe(authHash);
  });

  it('NFC-normalizes the password before derivation', async () => {
    const composed = 'caf\u00e9 password';
    const decomposed = 'cafe\u0301 password';
    expect(encodeBase64(await deriveAuthHash('alice', decomposed))).toBe(encodeBase64(await deriveAuthHash('alice', composed)));
  });

  it.each(['alice', 'bob'] as const)('fingerprint of %s', async (name) => {
    const account = vectors.accounts[name];
    expect(await fingerprint(account.publicKey)).toBe(account.fingerprint);
    expect(formatFingerprint(account.fingerprint).split(' ')).toHaveLength(16);
  });

  it('opens alice\'s sealed private key with her password and it matches her public key', async () => {
    const a = vectors.accounts.alice;
    const pkcs8 = await openPrivateKey('alice', a.password, {
      encryptedPrivateKey: a.encryptedPrivateKey!,
      kdfSalt: a.kdfSalt!,
      kdfIterations: a.kdfIterations!,
    });
    expect(encodeBase64(pkcs8)).toBe(a.privateKeyPkcs8);
    expect(await publicSpkiOfPrivateKey(pkcs8)).toBe(a.publicKey);
  });

  it('refuses alice\'s sealed private key under a wrong password or another username', async () => {
    const a = vectors.accounts.alice;
    const sealed = { encryptedPrivateKey: a.encryptedPrivateKey!, kdfSalt: a.kdfSalt!, kdfIterations: a.kdfIterations! };
    await expect(openPrivateKey('alice', 'wrong password', sealed)).rejects.toThrow();
    await expect(openPrivateKey('bob', a.password, sealed)).rejects.toThrow();
  });

  it.each(vectors.messages.map((m) => [m.case, m] as const))('%s', async (_case, vector) => {
    // The valid record is read by both sides; the tampered ones by their recipient (bob), as the vectors say.
    const readers = vector.expect.verified ? (['bob', 'alice'] as const) : (['bob'] as const);
    for (const reader of readers) {
      const privateKey = await importPrivateKey(decodeBase64(vectors.accounts[reader].privateKeyPkcs8));
      const opened = await openMessage(vector.record, reader, privateKey, vector.expect.reader?.includes('sessionKey') ? 'sessionKey' : undefined);
      if (vector.expect.verified) {
        expect(opened.ok).toBe(true);
        if (!opened.ok) return;
        expect(opened.text).toBe(vector.expect.text);
        expect(await verifyOpened(opened, await importPublicKey(vectors.accounts.alice.publicKey))).toBe(true);
      } else if (opened.ok) {
        expect(vector.expect.failure).toBe('bad_signature');
        expect(await verifyOpened(opened, await importPublicKey(vectors.accounts.alice.publicKey))).toBe(false);
      } else {
        expect(opened.code).toBe(vector.expect.failure);
      }
    }
  });
});
