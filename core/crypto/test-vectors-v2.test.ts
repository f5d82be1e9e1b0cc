// The v2 message vectors of ../shared/test-vectors-v2.json (made by an independent implementation): format 2
// direct and group messages, each read by each reader the vector names, to the verdict or content it expects.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../protocol/base64.js';
import { readContent } from '../protocol/content.js';
import { verifyOpened } from './message-crypto.js';
import { openRecord, type AnyRecord } from './message-v2.js';
import { importPrivateKey, importPublicKey } from './rsa.js';

type Name = 'alice' | 'bob' | 'carol';
interface Expect {
  verified: boolean;
  failure?: string;
  content?: unknown;
  display?: 'ok' | 'needs_newer_version';
}
interface Case {
  case: string;
  record: AnyRecord & { seq: number; timestamp: string };
  expect: Partial<Record<Name, Expect>>;
}
const v2 = JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as {
  accounts: Record<Name, { publicKey: string; privateKeyPkcs8: string }>;
  directMessages: Case[];
  groupMessages: Case[];
};

// The vectors' labels for two refusals that happen before any cryptography, in this implementation's codes.
const FAILURE_CODES: Record<string, string> = { not_a_recipient: 'malformed', no_key: 'decrypt_failed' };

async function read(record: AnyRecord, reader: Name): Promise<Expect> {
  const opened = await openRecord(record, reader, await importPrivateKey(decodeBase64(v2.accounts[reader].privateKeyPkcs8)));
  if (!opened.ok) return { verified: false, failure: opened.code };
  const senderKey = v2.accounts[record.sender as Name]?.publicKey;
  if (!senderKey || !(await verifyOpened(opened, await importPublicKey(senderKey)))) return { verified: false, failure: 'bad_signature' };
  if (opened.format === 1) return { verified: true, content: opened.text };
  const content = readContent(opened.text, record.group === undefined ? 'direct' : 'group');
  if (content.kind === 'malformed') return { verified: false, failure: 'malformed' };
  return { verified: true, content: content.content, display: content.kind === 'known' ? 'ok' : 'needs_newer_version' };
}

const cases = (list: Case[]) => list.flatMap((c) => Object.entries(c.expect).map(([reader, expected]) => ({ name: `${c.case} — read by ${reader}`, c, reader: reader as Name, expected: expected! })));

describe('v2 test vectors', () => {
  it('the core copy is byte-identical to shared/test-vectors-v2.json when that is present', () => {
    let shared: Buffer;
    try {
      shared = readFileSync(new URL('../../../shared/test-vectors-v2.json', import.meta.url));
    } catch {
      return; // a clone without ../shared: the copy is all there is
    }
    expect(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url)).equals(shared)).toBe(true);
  });

  it.each([...cases(v2.directMessages), ...cases(v2.groupMessages)])('$name', async ({ c, reader, expected }) => {
    const got = await read(c.record, reader);
    if (expected.verified) {
      expect(got).toEqual({ verified: true, content: expected.content, display: expected.display ?? 'ok' });
    } else {
      expect(got).toEqual({ verified: false, failure: FAILURE_CODES[expected.failure!] ?? expected.failure });
    }
  });
});
