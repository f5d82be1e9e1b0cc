// The one time format of the terminal client: `YYYY-MM-DD HH:MM` in the computer's time zone, wherever a time
// is printed (messages, send, sessions, recovery status, key log alarms), and ISO 8601 in --json.
import { afterEach, describe, expect, it } from 'vitest';
import { alarm, FakeClient, run, SET_AT, view } from './fake-client.fixture.js';
import { when } from './output.js';

const UTC_NOON = '2026-11-25T12:00:00.000Z';

describe('times', () => {
  afterEach(() => {
    process.env.TZ = 'UTC';
  });

  it('are local, to the minute: the same instant reads differently in Kolkata (UTC+5:30) and New York', () => {
    process.env.TZ = 'Asia/Kolkata';
    expect(when(UTC_NOON)).toBe('2026-11-25 17:30');
    expect(when(Date.parse(UTC_NOON))).toBe('2026-11-25 17:30');
    process.env.TZ = 'America/New_York';
    expect(when('2026-01-01T03:04:59.999Z')).toBe('2025-12-31 22:04');
  });

  it('show question marks when there is no time, or none that parses', () => {
    expect(when(null)).toBe('????-??-?? ??:??');
    expect(when('yesterday\u001b[2J')).toBe('????-??-?? ??:??');
  });

  it('read the same in messages, send, sessions and recovery status; --json keeps ISO 8601', async () => {
    process.env.TZ = 'Asia/Kolkata';
    const fake = new FakeClient();
    fake.views = [view({ timestamp: UTC_NOON })];
    expect((await run(['messages'], fake)).stdout).toBe('[2026-11-25 17:30] alice → bob: hello\n');
    expect((await run(['send', 'alice', 'hi'], fake)).stdout).toMatch(/^Sent to alice at 2026-11-25 17:30 \(id /);
    expect((await run(['sessions'], fake)).stdout).toContain('since 2026-11-25 17:30, last seen 2026-11-25 17:30');
    fake.recovery = { set: true, setAt: SET_AT, device: 'Desktop', code: null };
    expect((await run(['recovery', 'status'], fake)).stdout).toContain('made 2026-11-25 17:30 on Desktop');

    const [json] = JSON.parse((await run(['messages', '--json'], fake)).stdout) as Array<{ timestamp: string }>;
    expect(json!.timestamp).toBe(UTC_NOON);
    const sent = JSON.parse((await run(['send', 'alice', 'hi', '--json'], fake)).stdout) as { timestamp: string };
    expect(sent.timestamp).toBe(UTC_NOON);
    const [session] = JSON.parse((await run(['sessions', '--json'], fake)).stdout) as Array<{ signedInAt: string }>;
    expect(session!.signedInAt).toBe(UTC_NOON);
  });

  it('of key log alarms read the same on standard error, and as ISO 8601 in audit --json', async () => {
    process.env.TZ = 'Asia/Kolkata';
    const fake = new FakeClient();
    fake.keyLogView = { ...fake.keyLogView, alarms: [alarm('other_name')] };
    const plain = await run(['fingerprint'], fake);
    expect(plain.stderr).toContain('(raised 2026-11-25 17:30, alarm other_name:alice:');
    const json = JSON.parse((await run(['audit', '--json'], fake)).stdout) as { alarms: Array<{ raisedAt: string }> };
    expect(json.alarms.map((a) => a.raisedAt)).toEqual([UTC_NOON]);
  });
});
