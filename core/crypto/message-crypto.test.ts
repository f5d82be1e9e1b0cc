import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import { sendMessageRequestSchema } from '../protocol/schemas.js';
import { importedKeys } from '../test-fixtures/vectors.js';
import { newMessageId, openMessage, sealMessage, verifyOpened, type SealedRecord } from './message-crypto.js';
import type { PrivateKeys, PublicKeys } from './rsa.js';
import { utf8 } from './webcrypto.js';

type Keys = { username: string; privateKey: PrivateKeys; publicKey: PublicKeys };
let alice: Keys;
let bob: Keys;
let carol: Keys;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([importedKeys('alice'), importedKeys('bob'), importedKeys('carol')]);
});

async function make(from: Keys, to: Keys, text: string, id = newMessageId()): Promise<SealedRecord> {
  const request = await sealMessage({
    id,
    sender: from.username,
    recipient: to.username,
    plaintext: utf8(text),
    senderPrivateKey: from.privateKey,
    senderPublicKey: from.publicKey,
    recipientPublicKey: to.publicKey,
  });
  return { ...request, sender: from.username };
}

/** What a reader concludes: 'verified:<text>' or the failure code. Verification uses the sender's true key. */
async function read(record: SealedRecord, reader: Keys, senderKey: PublicKeys = alice.publicKey): Promise<string> {
  const opened = await openMessage(record, reader.username, reader.privateKey);
  if (!opened.ok) return opened.code;
  return (await verifyOpened(opened, senderKey)) ? `verified:${opened.text}` : 'bad_signature';
}

function flipBit(base64: string, byteIndex: number): string {
  const bytes = decodeBase64(base64);
  bytes[byteIndex % bytes.length]! ^= 0x01;
  return encodeBase64(bytes);
}

describe('message sealing and reading', () => {
  it('makes a request the schemas accept, readable by recipient and sender', async () => {
    const record = await make(alice, bob, 'Hi Bob — ✓ ünïcödé');
    const { sender: _sender, ...request } = record;
    expect(sendMessageRequestSchema.safeParse(request).success).toBe(true);
    expect(await read(record, bob)).toBe('verified:Hi Bob — ✓ ünïcödé');
    expect(await read(record, alice)).toBe('verified:Hi Bob — ✓ ünïcödé');
    expect(await read(record, carol)).toBe('malformed');
  });

  it('makes lowercase UUID v4 ids', () => {
    expect(newMessageId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  describe('tampering is caught, never verified', () => {
    let record: SealedRecord;
    let other: SealedRecord;
    beforeAll(async () => {
      record = await make(alice, bob, 'the original');
      other = await make(alice, bob, 'another message');
    });

    for (const field of ['sessionKey', 'body', 'signature'] as const) {
      for (const where of ['first', 'middle', 'last'] as const) {
        it(`a bit flipped in ${field} (${where} byte) → decrypt_failed`, async () => {
          const length = decodeBase64(record[field]).length;
          const index = where === 'first' ? 0 : where === 'middle' ? Math.floor(length / 2) : length - 1;
          expect(await read({ ...record, [field]: flipBit(record[field], index) }, bob)).toBe('decrypt_failed');
        });
      }
    }

    it('a bit flipped in senderSessionKey → the sender cannot open it, the recipient still can', async () => {
      const tampered = { ...record, senderSessionKey: flipBit(record.senderSessionKey, 100) };
      expect(await read(tampered, alice)).toBe('decrypt_failed');
      expect(await read(tampered, bob)).toBe('verified:the original');
    });

    it('bodies swapped between two messages → decrypt_failed', async () => {
      expect(await read({ ...record, body: other.body }, bob)).toBe('decrypt_failed');
    });

    it('signatures swapped between two messages → decrypt_failed', async () => {
      expect(await read({ ...record, signature: other.signature }, bob)).toBe('decrypt_failed');
    });

    it('session key, body and signature of another message under this id → decrypt_failed (replay under another id)', async () => {
      const replay = { ...other, id: record.id };
      expect(await read(replay, bob)).toBe('decrypt_failed');
      expect(await read({ ...record, id: newMessageId() }, bob)).toBe('decrypt_failed');
    });

    it('sender rewritten → decrypt_failed', async () => {
      expect(await read({ ...record, sender: 'carol' }, bob, carol.publicKey)).toBe('decrypt_failed');
    });

    it('recipient rewritten (the true recipient still reading) → decrypt_failed', async () => {
      const rewritten = { ...record, recipient: 'carol' };
      const opened = await openMessage(rewritten, 'bob', bob.privateKey, 'sessionKey');
      expect(opened.ok ? 'opened' : opened.code).toBe('decrypt_failed');
    });

    it('a message carol signed, claimed to be from alice → bad_signature against alice\'s key', async () => {
      const forged = await make(carol, bob, 'I am alice');
      const relabelled = await sealMessage({
        id: newMessageId(),
        sender: 'alice',
        recipient: 'bob',
        plaintext: utf8('I am alice'),
        senderPrivateKey: carol.privateKey,
        senderPublicKey: carol.publicKey,
        recipientPublicKey: bob.publicKey,
      });
      expect(await read({ ...relabelled, sender: 'alice' }, bob, alice.publicKey)).toBe('bad_signature');
      expect(await read(forged, bob, alice.publicKey)).toBe('bad_signature');
    });

    it('a message verified against a substituted key → bad_signature', async () => {
      expect(await read(record, bob, carol.publicKey)).toBe('bad_signature');
    });
  });
});
