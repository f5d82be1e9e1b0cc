// Test support: registers fixture accounts (fixed RSA keys, so no test generates one) on a real server.
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { resealPrivateKey } from '../crypto/account-crypto.js';
import { deriveAuthHash } from '../crypto/kdf.js';
import { keyFixture } from './vectors.js';
import { HttpApi, type Transport } from '../client/http-api.js';

export async function registerFixture(
  serverUrl: string,
  key: 'alice' | 'bob' | 'carol',
  username: string,
  password: string,
  transport: Transport = {},
): Promise<void> {
  const f = keyFixture(key);
  const [authHash, sealed] = await Promise.all([
    deriveAuthHash(username, password),
    resealPrivateKey(username, password, decodeBase64(f.privateKeyPkcs8), 210_000),
  ]);
  const response = await new HttpApi(serverUrl, transport).raw('POST', '/users', {
    body: { username, authHash: encodeBase64(authHash), publicKey: f.publicKey, ...sealed },
  });
  if (response.status !== 201) throw new Error(`registering ${username} failed: ${response.status} ${JSON.stringify(response.data)}`);
}
