// alice of the shared test vectors: registered with her precomputed keys, so no test makes an RSA key.
import vectors from '../../../core/test-fixtures/test-vectors.json' with { type: 'json' };

export const alice = { username: 'alice', ...vectors.accounts.alice };

/** The body of alice's POST /users. */
export const aliceRegistration = {
  username: alice.username,
  authHash: vectors.authHash.find((a) => a.username === 'alice')!.authHash,
  publicKey: alice.publicKey,
  encryptedPrivateKey: alice.encryptedPrivateKey,
  kdfSalt: alice.kdfSalt,
  kdfIterations: alice.kdfIterations,
};
