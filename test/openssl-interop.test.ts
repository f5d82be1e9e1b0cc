// Interoperability with OpenSSL's command line: the RSA halves of the protocol, done by an independent
// implementation. (`openssl enc` has no AES-GCM, so node:crypto seals the GCM parts of the OpenSSL-made message.)
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../core/protocol/base64.js';
import { messageHeader, openMessage, signedBytes, verifyOpened, bodyAad, signatureAad } from '../core/crypto/message-crypto.js';
import { sign, wrapKey, type PrivateKeys, type PublicKeys } from '../core/crypto/rsa.js';
import { skipForMissingTool } from './support/required-tool.js';
import { keyFixture, importedKeys } from '../core/test-fixtures/vectors.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const available = hasOpenssl();

const OAEP = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha512', '-pkeyopt', 'rsa_mgf1_md:sha512'];
const PSS = ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:64', '-sigopt', 'rsa_mgf1_md:sha512'];

describe.skipIf(skipForMissingTool(available ? undefined : 'the openssl command is not installed (apt-get install openssl)'))('OpenSSL command-line interoperability', () => {
  let dir: string;
  let alice: { privateKey: PrivateKeys; publicKey: PublicKeys };
  let bob: { privateKey: PrivateKeys; publicKey: PublicKeys };
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ec-openssl-'));
    for (const name of ['alice', 'bob'] as const) {
      const f = keyFixture(name);
      writeFileSync(file(`${name}.p8.der`), decodeBase64(f.privateKeyPkcs8));
      writeFileSync(file(`${name}.spki.der`), decodeBase64(f.publicKey));
      openssl('pkey', '-inform', 'DER', '-in', file(`${name}.p8.der`), '-out', file(`${name}.pem`));
      openssl('pkey', '-pubin', '-inform', 'DER', '-in', file(`${name}.spki.der`), '-out', file(`${name}.pub.pem`));
    }
    [alice, bob] = await Promise.all([importedKeys('alice'), importedKeys('bob')]);
  });

  it('openssl pkeyutl -decrypt (OAEP, SHA-512) unwraps a session key this code wrapped', async () => {
    const sessionKey = new Uint8Array(randomBytes(32));
    writeFileSync(file('wrapped.bin'), await wrapKey(bob.publicKey, sessionKey));
    openssl('pkeyutl', '-decrypt', '-inkey', file('bob.pem'), ...OAEP, '-in', file('wrapped.bin'), '-out', file('unwrapped.bin'));
    expect(encodeBase64(readFileSync(file('unwrapped.bin')))).toBe(encodeBase64(sessionKey));
  });

  it('openssl dgst -verify (PSS, SHA-512, salt 64) accepts a signature this code made, and rejects it on other data', async () => {
    const data = signedBytes(messageHeader('alice', 'bob', randomUUID()), new TextEncoder().encode('signed by WebCrypto ✓'));
    writeFileSync(file('data.bin'), data);
    writeFileSync(file('other.bin'), new TextEncoder().encode('something else'));
    writeFileSync(file('sig.bin'), await sign(alice.privateKey, data));
    expect(openssl('dgst', '-sha512', ...PSS, '-verify', file('alice.pub.pem'), '-signature', file('sig.bin'), file('data.bin'))).toContain('Verified OK');
    expect(() => openssl('dgst', '-sha512', ...PSS, '-verify', file('alice.pub.pem'), '-signature', file('sig.bin'), file('other.bin'))).toThrow();
  });

  it('reads and verifies a message whose session-key wraps and signature OpenSSL made', async () => {
    const id = randomUUID();
    const text = 'Made by OpenSSL — Grüße ✓';
    const header = messageHeader('alice', 'bob', id);
    const plaintext = Buffer.from(text, 'utf8');
    const k = randomBytes(32);
    writeFileSync(file('k.bin'), k);
    writeFileSync(file('signed.bin'), signedBytes(header, plaintext));
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', file('bob.pub.pem'), ...OAEP, '-in', file('k.bin'), '-out', file('k.bob.bin'));
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', file('alice.pub.pem'), ...OAEP, '-in', file('k.bin'), '-out', file('k.alice.bin'));
    openssl('dgst', '-sha512', ...PSS, '-sign', file('alice.pem'), '-out', file('s.bin'), file('signed.bin'));
    const gcm = (data: Buffer, aad: Uint8Array) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      cipher.setAAD(aad);
      return encodeBase64(Buffer.concat([iv, cipher.update(data), cipher.final(), cipher.getAuthTag()]));
    };
    const record = {
      id,
      sender: 'alice',
      recipient: 'bob',
      sessionKey: encodeBase64(readFileSync(file('k.bob.bin'))),
      senderSessionKey: encodeBase64(readFileSync(file('k.alice.bin'))),
      body: gcm(plaintext, bodyAad(header)),
      signature: gcm(readFileSync(file('s.bin')), signatureAad(header)),
    };
    for (const [reader, keys] of [['bob', bob], ['alice', alice]] as const) {
      const opened = await openMessage(record, reader, keys.privateKey);
      expect(opened.ok).toBe(true);
      if (!opened.ok) return;
      expect(opened.text).toBe(text);
      expect(await verifyOpened(opened, alice.publicKey)).toBe(true);
      expect(await verifyOpened(opened, bob.publicKey)).toBe(false);
    }
  });
});
