import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../protocol/base64.js';
import { readContent } from '../protocol/content.js';
import { verifyOpened } from './message-crypto.js';
import { openRecord, sealDirectV2, sealGroupMessage } from './message-v2.js';
import { importPrivateKey, importPublicKey } from './rsa.js';
import { utf8 } from './webcrypto.js';

type Name = 'alice' | 'bob' | 'carol';
const accounts = (JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
  accounts: Record<Name, { publicKey: string; privateKeyPkcs8: string }>;
}).accounts;
const privateKey = (n: Name) => importPrivateKey(decodeBase64(accounts[n].privateKeyPkcs8));
const publicKey = (n: Name) => importPublicKey(accounts[n].publicKey);
const id = '0b5c8a4e-2f1d-4c3b-9a8e-7d6c5b4a3f21';
const group = '3b8f0e2a-5c71-4d9e-a6b4-1f2e3d4c5b6a';
const content = { type: 'text', text: 'hi all', sentAt: '2026-12-03T10:00:00.000Z' };

async function readAs(record: Parameters<typeof openRecord>[0], reader: Name) {
  const opened = await openRecord(record, reader, await privateKey(reader));
  if (!opened.ok) return opened.code;
  if (!(await verifyOpened(opened, await publicKey(record.sender as Name)))) return 'bad_signature';
  return readContent(opened.text, record.group ? 'group' : 'direct');
}

describe('format 2 direct messages', () => {
  it('round-trips for both ends, and a server that changes the format makes it fail to open', async () => {
    const sealed = await sealDirectV2({
      id,
      sender: 'alice',
      recipient: 'bob',
      plaintext: utf8(JSON.stringify(content)),
      senderPrivateKey: await privateKey('alice'),
      senderPublicKey: await publicKey('alice'),
      recipientPublicKey: await publicKey('bob'),
    });
    expect(sealed.format).toBe(2);
    const record = { ...sealed, sender: 'alice' };
    expect(await readAs(record, 'bob')).toEqual({ kind: 'known', content });
    expect(await readAs(record, 'alice')).toEqual({ kind: 'known', content });
    expect(await readAs({ ...record, format: 1 }, 'bob')).toBe('decrypt_failed');
    expect(await readAs({ ...record, format: undefined }, 'bob')).toBe('decrypt_failed');
    expect(await readAs(record, 'carol')).toBe('malformed');
  });
});

describe('group messages', () => {
  it('seals for every other member, sorted, and each member and the sender reads it', async () => {
    const sealed = await sealGroupMessage({
      id,
      sender: 'bob',
      group,
      recipients: [
        { username: 'carol', publicKey: await publicKey('carol') },
        { username: 'alice', publicKey: await publicKey('alice') },
      ],
      plaintext: utf8(JSON.stringify(content)),
      senderPrivateKey: await privateKey('bob'),
      senderPublicKey: await publicKey('bob'),
    });
    expect(Object.keys(sealed.keys)).toEqual(['alice', 'carol']);
    // As the server stores and answers it: recipients in place of keys, the reader's own key as sessionKey.
    const stored = { id, sender: 'bob', format: 2, group, recipients: ['alice', 'carol'], senderSessionKey: sealed.senderSessionKey, body: sealed.body, signature: sealed.signature };
    for (const reader of ['alice', 'carol'] as const) {
      expect(await readAs({ ...stored, sessionKey: sealed.keys[reader] }, reader)).toEqual({ kind: 'known', content });
    }
    expect(await readAs(stored, 'bob')).toEqual({ kind: 'known', content });
    // A server that hides carol from the list, or moves the message to another group, breaks H.
    expect(await readAs({ ...stored, recipients: ['alice'], sessionKey: sealed.keys.alice }, 'alice')).toBe('decrypt_failed');
    expect(await readAs({ ...stored, group: '9b8f0e2a-5c71-4d9e-a6b4-1f2e3d4c5b6a', sessionKey: sealed.keys.alice }, 'alice')).toBe('decrypt_failed');
    expect(await readAs({ ...stored, sessionKey: undefined }, 'alice')).toBe('decrypt_failed');
  });

  it('refuses to seal with no other member or with the sender among the recipients', async () => {
    const base = { id, sender: 'bob', group, plaintext: utf8('{}'), senderPrivateKey: await privateKey('bob'), senderPublicKey: await publicKey('bob') };
    await expect(sealGroupMessage({ ...base, recipients: [] })).rejects.toThrow(RangeError);
    await expect(sealGroupMessage({ ...base, recipients: [{ username: 'bob', publicKey: await publicKey('bob') }] })).rejects.toThrow(RangeError);
  });
});

describe('content objects', () => {
  it('reads each type, keeps unknown fields, and tells an unknown type from a broken one', () => {
    const at = { sentAt: '2026-12-03T10:00:00.000Z' };
    const target = '6a1e3c52-9d4f-4b7a-8e21-0c5d9f3b7a61';
    for (const c of [
      { type: 'text', text: 'x', replyTo: target, extra: 1, ...at },
      { type: 'edit', target, text: 'y', ...at },
      { type: 'delete', target, ...at },
      { type: 'reaction', target, emoji: '👍', ...at },
      { type: 'reaction', target, emoji: '👍', remove: true, ...at },
    ]) {
      expect(readContent(JSON.stringify(c), 'direct')).toEqual({ kind: 'known', content: c });
    }
    expect(readContent(JSON.stringify({ type: 'poll', ...at }), 'direct').kind).toBe('unknown');
    for (const broken of [
      { type: 'text', text: '', ...at },
      { type: 'text', text: 'x' },
      { type: 'reaction', target, emoji: '👍', remove: false, ...at },
      { type: 'reaction', target, emoji: 'x'.repeat(33), ...at },
      { type: 'edit', target: 'not-an-id', text: 'y', ...at },
      { type: 'group', name: 'G', owner: 'alice', members: ['alice', 'bob'], ...at },
      [1, 2],
    ]) {
      expect(readContent(JSON.stringify(broken), 'direct').kind).toBe('malformed');
    }
    expect(readContent(JSON.stringify({ type: 'group', name: 'G', owner: 'alice', members: ['bob', 'alice'], ...at }), 'group').kind).toBe('malformed');
    expect(readContent(JSON.stringify({ type: 'group', name: 'G', owner: 'alice', members: ['alice', 'bob'], ...at }), 'group').kind).toBe('known');
  });
});
