import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { base32, displayRecoveryCode, newRecoveryCode, openRecoveryKey, parseRecoveryCode, recoveryAuthHash, sealRecoveryKey } from './recovery-code.js';

const v2 = JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
  accounts: { alice: { privateKeyPkcs8: string } };
  recovery: {
    username: string;
    codeBytes: string;
    codeBase32: string;
    display: string;
    typedForms: string[];
    notAccepted: string[];
    recoveryAuthHash: string;
    recoveryKdfSalt: string;
    recoveryPrivateKey: string;
    negative: Array<{ case: string; username: string; recoveryAuthHash?: string; expect?: string }>;
  };
};
const r = v2.recovery;
const code = decodeBase64(r.codeBytes);

describe('recovery code (v2 vectors)', () => {
  it('shows the code as base32 in eight groups of four, and reads it back however it was typed', () => {
    expect(base32(code)).toBe(r.codeBase32);
    expect(displayRecoveryCode(code)).toBe(r.display);
    for (const typed of [r.display, ...r.typedForms]) expect(encodeBase64(parseRecoveryCode(typed)!)).toBe(r.codeBytes);
    for (const typed of r.notAccepted) expect(parseRecoveryCode(typed)).toBeNull();
  });

  it('derives the recoveryAuthHash, for this user only', async () => {
    expect(encodeBase64(await recoveryAuthHash(code, r.username))).toBe(r.recoveryAuthHash);
    const other = r.negative.find((n) => n.recoveryAuthHash)!;
    expect(encodeBase64(await recoveryAuthHash(code, other.username))).toBe(other.recoveryAuthHash);
  });

  it("opens alice's sealed private key with the code, and not under bob's name", async () => {
    const opened = await openRecoveryKey(code, r.username, decodeBase64(r.recoveryPrivateKey), decodeBase64(r.recoveryKdfSalt));
    expect(encodeBase64(opened)).toBe(v2.accounts.alice.privateKeyPkcs8);
    await expect(openRecoveryKey(code, 'bob', decodeBase64(r.recoveryPrivateKey), decodeBase64(r.recoveryKdfSalt))).rejects.toThrow();
  });

  it('seals with a fresh code and salt, and opens again', async () => {
    const fresh = newRecoveryCode();
    expect(parseRecoveryCode(displayRecoveryCode(fresh))).toEqual(fresh);
    const pkcs8 = decodeBase64(v2.accounts.alice.privateKeyPkcs8);
    const sealed = await sealRecoveryKey(fresh, 'alice', pkcs8);
    expect(sealed.recoveryKdfSalt).toHaveLength(16);
    expect(await openRecoveryKey(fresh, 'alice', sealed.recoveryPrivateKey, sealed.recoveryKdfSalt)).toEqual(new Uint8Array(pkcs8));
  });
});
