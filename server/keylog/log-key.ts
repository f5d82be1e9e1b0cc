// The key log's signing key (PROTOCOL.md "Key transparency"): an RSA-4096 key pair made once, by the first
// instance that needs it, and kept in the database (table key_log_key, one row) so that every instance signs
// with it and every client can pin it. Creation is race-safe: each instance that finds no row makes a pair
// and offers it with INSERT … ON CONFLICT DO NOTHING, then everyone reads back the one row that won.
// Heads are signed with core's RSA-PSS (SHA-512, MGF1-SHA-512, salt 64: v1's parameters) over WebCrypto.
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { QueryTypes } from 'sequelize';
import { importPrivateKey, sign } from '../../core/crypto/rsa.js';
import { encodeBase64 } from '../../core/protocol/base64.js';
import { RSA_MODULUS_BITS, RSA_PUBLIC_EXPONENT } from '../../core/protocol/constants.js';
import { fingerprint, publicKeyProblem } from '../auth/public-key.js';
import type { Database } from '../db/database.js';

export interface LogKey {
  /** base64 SPKI DER */
  publicKey: string;
  /** v1's fingerprint of the SPKI: 64 lowercase hex digits */
  fingerprint: string;
  /** base64 RSA-PSS signature of `data` */
  sign(data: Uint8Array): Promise<string>;
}

/** A fresh RSA-4096 private key, PKCS#8 DER. Takes 1–10 s of one core (off the event loop). */
export async function generateLogKey(): Promise<Buffer> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: RSA_MODULUS_BITS,
    publicExponent: RSA_PUBLIC_EXPONENT,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return privateKey;
}

const spkiOf = (pkcs8: Uint8Array): Buffer =>
  createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });

interface KeyRow {
  private_key: Buffer;
  public_key: string;
}

async function readRow(db: Database): Promise<KeyRow | undefined> {
  const rows = await db.sequelize.query<KeyRow>('SELECT private_key, public_key FROM key_log_key WHERE id = 1', { type: QueryTypes.SELECT });
  return rows[0];
}

/**
 * The log key from the database, made first if there is none: `make` (default: generateLogKey) gives the
 * PKCS#8 to offer — tests hand in a fixed key to save the generation.
 */
export async function loadLogKey(db: Database, make: () => Promise<Uint8Array> = generateLogKey): Promise<LogKey> {
  let row = await readRow(db);
  if (!row) {
    const pkcs8 = Buffer.from(await make());
    await db.sequelize.query('INSERT INTO key_log_key (id, private_key, public_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING', {
      replacements: [pkcs8, spkiOf(pkcs8).toString('base64'), Date.now()],
    });
    row = await readRow(db);
    if (!row) throw new Error('the key log key could not be stored');
  }
  const pkcs8 = Buffer.from(row.private_key);
  const spki = spkiOf(pkcs8);
  // The row's two halves must belong together, and the key be what the protocol names.
  if (spki.toString('base64') !== row.public_key) throw new Error('the key log key in the database is damaged: its halves do not match');
  const problem = publicKeyProblem(spki);
  if (problem) throw new Error(`the key log key in the database ${problem}`);
  const keys = await importPrivateKey(pkcs8);
  return {
    publicKey: row.public_key,
    fingerprint: fingerprint(spki),
    sign: async (data) => encodeBase64(await sign(keys, data)),
  };
}
