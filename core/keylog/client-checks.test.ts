// The client's key-log duties against ../shared/test-vectors-v2.json: head checks (rules 2 and 5), contact key
// checks (rule 3) and the monitor's alarms (rule 4).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importPublicKey } from '../crypto/rsa.js';
import { checkContactKey, checkHead, LogMonitor } from './client-checks.js';
import type { LogEntry, SignedTreeHead } from './entries.js';

interface KeyLog {
  logKey: { publicKey: string };
  entries: LogEntry[];
  signedHeads: Array<{ head: SignedTreeHead; valid: boolean }>;
  fork: { entry6: LogEntry; signedHead: SignedTreeHead };
  headChecks: { cases: Array<{ case: string; kept: SignedTreeHead; offered: SignedTreeHead; source: 'server' | 'message'; proof: string[] | null; now?: string; expect: string; warning?: string }> };
  contactKeyChecks: Array<{ case: string; username: string; publicKey: string; keyIndex: number; proof: string[]; headSize?: number; entryFrom?: string; headFrom?: string; accept: boolean; result: string }>;
  monitorAlarms: { me: string; pinned: Record<string, number>; cases: Array<{ case: string; entry6: LogEntry; alarm: string | null }> };
}
const keyLog = (JSON.parse(readFileSync(new URL('../test-fixtures/test-vectors-v2.json', import.meta.url), 'utf8')) as { keyLog: KeyLog }).keyLog;
const validHead = (size: number) => keyLog.signedHeads.find((h) => h.valid && h.head.size === size)!.head;

describe('key log client checks (v2 vectors)', () => {
  it.each(keyLog.headChecks.cases)('head: $case', async (c) => {
    const logKey = await importPublicKey(keyLog.logKey.publicKey);
    // Without a `now`, the check runs at the offered head's own time: not stale.
    const now = Date.parse(c.now ?? c.offered.timestamp);
    const result = await checkHead({ kept: c.kept, offered: c.offered, source: c.source, proof: c.proof, logKey, now });
    // The vectors call a message's larger consistent head "ok": it advances the kept head all the same (rule 5).
    expect(result.verdict).toBe(c.expect === 'ok' ? 'advance' : c.expect);
    expect(result.stale).toBe(c.warning === 'stale_head');
    expect(result.keep).toEqual(['advance', 'ok'].includes(c.expect) ? c.offered : c.kept);
  });

  it.each(keyLog.contactKeyChecks)('contact key: $case', async (c) => {
    const entry = c.entryFrom === 'fork.entry6' ? keyLog.fork.entry6 : keyLog.entries[c.keyIndex] ?? keyLog.entries[0]!;
    const head = c.headFrom === 'fork.signedHead' ? keyLog.fork.signedHead : validHead(c.headSize!);
    // The fork case's client "has seen entry 0 (alice's key)"; the others have seen no other entry for the name.
    const seenKeyEntries = c.entryFrom === 'fork.entry6' ? [0] : [];
    expect(await checkContactKey({ username: c.username, publicKey: c.publicKey, keyIndex: c.keyIndex, entry, proof: c.proof, head, seenKeyEntries })).toBe(c.result);
  });

  it.each(keyLog.monitorAlarms.cases)('monitor: $case', (c) => {
    const monitor = new LogMonitor(keyLog.monitorAlarms.me, keyLog.entries[0]!.publicKey!, Object.keys(keyLog.monitorAlarms.pinned));
    for (const e of keyLog.entries.slice(0, 6)) expect(monitor.feed(e)).toBeNull();
    expect(monitor.feed(c.entry6)).toBe(c.alarm);
  });

  it('the monitor refuses entries out of order', () => {
    const monitor = new LogMonitor('alice', keyLog.entries[0]!.publicKey!, []);
    expect(() => monitor.feed(keyLog.entries[1]!)).toThrow(RangeError);
  });
});
