// The account-state seal: what it opens for, what it refuses, and its bytes rebuilt with node:crypto alone from
// the construction docs/protocol.md gives, so the description and the code cannot drift apart.
import { createCipheriv, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../protocol/base64.js';
import { vectors } from '../test-fixtures/vectors.js';
import { deriveAccountStateKey, openAccountState, sealAccountState } from './account-state.js';
import { fromUtf8, utf8 } from './webcrypto.js';

const alicePkcs8 = decodeBase64(vectors.accounts.alice.privateKeyPkcs8);
const bobPkcs8 = decodeBase64(vectors.accounts.bob.privateKeyPkcs8);
const plaintext = utf8('{"v":1,"read":{"bob":30,"group:3b8f0e2a-5c71-4d9e-a6b4-1f2e3d4c5b6a":7}}');

describe('account state seal', () => {
  it('opens what it sealed, with a fresh IV each time', async () => {
    const key = await deriveAccountStateKey(alicePkcs8, 'alice');
    const [a, b] = [await sealAccountState(key, 'alice', plaintext), await sealAccountState(key, 'alice', plaintext)];
    expect(a.length).toBe(12 + plaintext.length + 16);
    expect(Buffer.from(a.slice(0, 12)).equals(Buffer.from(b.slice(0, 12)))).toBe(false);
    expect(fromUtf8(await openAccountState(key, 'alice', a))).toBe(fromUtf8(plaintext));
    // The same private key on another device derives the same key.
    expect(fromUtf8(await openAccountState(await deriveAccountStateKey(alicePkcs8, 'alice'), 'alice', b))).toBe(fromUtf8(plaintext));
  });

  it("refuses another account's key, and the same key under another username", async () => {
    const blob = await sealAccountState(await deriveAccountStateKey(alicePkcs8, 'alice'), 'alice', plaintext);
    await expect(openAccountState(await deriveAccountStateKey(bobPkcs8, 'alice'), 'alice', blob)).rejects.toThrow();
    // The username is the HKDF salt and in the AAD: each alone is enough to refuse.
    await expect(openAccountState(await deriveAccountStateKey(alicePkcs8, 'alice2'), 'alice2', blob)).rejects.toThrow();
    await expect(openAccountState(await deriveAccountStateKey(alicePkcs8, 'alice'), 'alice2', blob)).rejects.toThrow();
  });

  it('refuses a blob with any byte changed, cut short, or too short to hold an IV and a tag', async () => {
    const key = await deriveAccountStateKey(alicePkcs8, 'alice');
    const blob = await sealAccountState(key, 'alice', plaintext);
    for (const at of [0, 11, 12, 12 + 20, blob.length - 1]) {
      const altered = blob.slice();
      altered[at]! ^= 0x01;
      await expect(openAccountState(key, 'alice', altered)).rejects.toThrow();
    }
    await expect(openAccountState(key, 'alice', blob.slice(0, -1))).rejects.toThrow();
    await expect(openAccountState(key, 'alice', blob.slice(0, 27))).rejects.toThrow();
  });

  it('is HKDF-SHA-512 then AES-256-GCM, byte for byte as docs/protocol.md describes it', async () => {
    const iv = new Uint8Array(12).map((_, i) => i + 1);
    const sealed = await sealAccountState(await deriveAccountStateKey(alicePkcs8, 'alice'), 'alice', plaintext, iv);
    const key = Buffer.from(hkdfSync('sha512', alicePkcs8, Buffer.from('alice', 'utf8'), Buffer.from('encrypted-chat account state v1', 'utf8'), 32));
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from('encrypted-chat account state v1\0alice', 'utf8'));
    const expected = Buffer.concat([Buffer.from(iv), cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    expect(Buffer.from(sealed).toString('hex')).toBe(expected.toString('hex'));
  });
});
