import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { keyFixture } from '../test-fixtures/vectors.js';
import { canonicalSpki, importPrivateKey, importPublicKey, publicSpkiOfPrivateKey, sign, unwrapKey, verify, wrapKey } from './rsa.js';
import { subtle } from './webcrypto.js';

describe('RSA keys', () => {
  it('derives the public key of a private key', async () => {
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const f = keyFixture(name);
      expect(await publicSpkiOfPrivateKey(decodeBase64(f.privateKeyPkcs8))).toBe(f.publicKey);
    }
  });

  it('imports private keys non-extractable, for unwrapping and signing only', async () => {
    const keys = await importPrivateKey(decodeBase64(keyFixture('bob').privateKeyPkcs8));
    expect(keys.decrypt.extractable).toBe(false);
    expect(keys.sign.extractable).toBe(false);
    expect(keys.decrypt.usages).toEqual(['decrypt']);
    expect(keys.sign.usages).toEqual(['sign']);
    await expect(subtle().exportKey('pkcs8', keys.sign)).rejects.toThrow();
  });

  it('round-trips a wrap and a signature, and caches public key imports', async () => {
    const bob = keyFixture('bob');
    const publicKey = await importPublicKey(bob.publicKey);
    expect(await importPublicKey(bob.publicKey)).toBe(publicKey);
    const privateKey = await importPrivateKey(decodeBase64(bob.privateKeyPkcs8));
    const k = new Uint8Array(32).fill(7);
    const wrapped = await wrapKey(publicKey, k);
    expect(wrapped.length).toBe(512);
    expect(await unwrapKey(privateKey, wrapped)).toEqual(k);
    const signature = await sign(privateKey, k);
    expect(await verify(publicKey, signature, k)).toBe(true);
    expect(await verify(publicKey, signature, new Uint8Array(32))).toBe(false);
  });

  it('refuses a public key that is not RSA-4096 with e = 65537', async () => {
    const small = (await subtle().generateKey(
      { name: 'RSA-OAEP', hash: 'SHA-512', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['encrypt', 'decrypt'],
    )) as CryptoKeyPair;
    const spki = encodeBase64(new Uint8Array(await subtle().exportKey('spki', small.publicKey)));
    await expect(importPublicKey(spki)).rejects.toThrow(/RSA-4096/);
  });

  it('sees one key behind two base64 spellings of it', async () => {
    const spki = keyFixture('alice').publicKey;
    expect(spki.endsWith('==')).toBe(true);
    // Before "==" only the top 2 of the last character's 6 bits carry data; the others are padding.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = alphabet.indexOf(spki.at(-3)!);
    const respelled = spki.slice(0, -3) + alphabet[last ^ 1] + '==';
    expect(respelled).not.toBe(spki);
    expect(decodeBase64(respelled)).toEqual(decodeBase64(spki));
    expect(await canonicalSpki(respelled)).toBe(spki);
    expect(await canonicalSpki(keyFixture('carol').publicKey)).not.toBe(spki);
  });
});
