// Group messages for `npm run bench:server`: a real group of registered users (POST /groups) and a real
// sealed group message to it (sealGroupMessage with RSA-4096 keys), posted under fresh message ids.
// The server checks the shape and the names in `keys`, never the cryptography (it cannot: H binds the id,
// so a reader would fail these copies, but their fields have the sizes of a real message's).
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { sealGroupMessage } from '../../core/crypto/message-v2.js';
import { fixtureKeys, groupPlaintext } from './group-crypto.js';
import { json, registerUsers } from './server-api.js';

/** Members of the benchmark's groups besides their sender, as the crypto benchmark's group of 100. */
export const GROUP_SIZE = 100;
/** What a server needs for a group of GROUP_SIZE + 1 (the default MAX_GROUP_MEMBERS, 100, counts the creator). */
export const GROUP_ENV = { MAX_GROUP_MEMBERS: String(GROUP_SIZE + 1) };

export const memberNames = (count: number, prefix = 'm') => Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);

/** Registers `names` and answers their tokens by name. */
export async function registerMembers(url: string, names: readonly string[]): Promise<Map<string, string>> {
  const tokens = await registerUsers(url, names);
  return new Map(names.map((name, i) => [name, tokens[i]!]));
}

/** POST /groups by the creator (`token`) with `others`; answers the group's id. */
export async function createGroup(url: string, token: string, others: readonly string[]): Promise<string> {
  const id = randomUUID();
  const reply = await json(`${url}/groups`, 'POST', { id, members: others }, token);
  if (reply.status !== 201) throw new Error(`POST /groups: ${reply.status} ${JSON.stringify(reply.body)}`);
  if ((reply.body.members as string[]).length !== others.length + 1) throw new Error('POST /groups: the group does not have every member');
  return id;
}

const ID_PLACEHOLDER = '00000000-0000-4000-8000-000000000000';

/** The request body of one sealed group message from `sender` to `recipients` in `group`, for any message id. */
export async function sealedGroupBody(sender: string, group: string, recipients: readonly string[]): Promise<(id: string) => string> {
  const keys = await fixtureKeys();
  const sealed = await sealGroupMessage({
    id: ID_PLACEHOLDER,
    sender,
    group,
    recipients: recipients.map((username, i) => ({ username, publicKey: keys[i % keys.length]!.publicKey })),
    plaintext: groupPlaintext(),
    senderPrivateKey: keys[0]!.privateKey,
    senderPublicKey: keys[0]!.publicKey,
  });
  const template = JSON.stringify(sealed);
  const [before, after] = template.split(ID_PLACEHOLDER) as [string, string];
  return (id) => before + id + after;
}

export interface GroupPostSetup {
  /** autocannon's options for POST /messages of the sealed group message, each request under a new id. */
  options: autocannon.Options;
  bytes: number;
}

/**
 * Registers GROUP_SIZE members, has `sender` (already registered, signed in with `token`) create a group
 * with them and seals one message to it; the server must run with GROUP_ENV.
 */
export async function groupPostSetup(url: string, sender: string, token: string): Promise<GroupPostSetup> {
  const names = memberNames(GROUP_SIZE);
  await registerMembers(url, names);
  const group = await createGroup(url, token, names);
  const body = await sealedGroupBody(sender, group, names);
  const check = await fetch(`${url}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body(randomUUID()) });
  if (check.status !== 201) throw new Error(`POST /messages of a group message: ${check.status} ${await check.text()}`);
  return {
    bytes: Buffer.byteLength(body(randomUUID())),
    options: {
      url,
      requests: [
        {
          method: 'POST',
          path: '/messages',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: body(randomUUID()) }),
        },
      ],
    },
  };
}
