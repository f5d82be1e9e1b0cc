// The commands with a fake ChatClient (io.newClient): exit codes, failed messages, block/unblock/disown,
// what watch says about its connection, and SIGINT/SIGTERM through io.signal.
import { describe, expect, it } from 'vitest';
import { FakeClient, FP, run, view } from './fake-client.fixture.js';
import { CONTINUATION } from './output.js';

describe('messages', () => {
  it('exits with 5 after a key-change warning, as docs/cli.md promises', async () => {
    const fake = new FakeClient();
    fake.views = [view({ status: 'key_changed', text: null, reason: "alice's key changed." })];
    fake.beforeList = (emit) => emit({ type: 'key_changed', change: { username: 'alice', pinnedFingerprint: FP('a'), newFingerprint: FP('d') } });
    const result = await run(['messages'], fake);
    expect(result.stderr).toContain("WARNING: alice's key has CHANGED.");
    expect(result.code).toBe(5);
    const json = await run(['messages', '--json'], fake);
    expect(json.code).toBe(5);
  });

  it('exits with 0 when nothing is wrong', async () => {
    const fake = new FakeClient();
    fake.views = [view({})];
    const result = await run(['messages'], fake);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('[2026-11-25 12:00] alice → bob: hello\n');
  });

  it('prints the new failure statuses as failed with their reason, never their text', async () => {
    const fake = new FakeClient();
    const statuses = ['misplaced', 'earlier_key', 'disowned_key', 'unreadable_format'] as const;
    fake.views = statuses.map((status, i) =>
      view({ id: `3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0${i}`, seq: i + 1, status, text: `SECRET ${status}`, reason: `Reason for ${status}.` }),
    );
    const result = await run(['messages'], fake);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    statuses.forEach((status, i) => expect(lines[i]).toBe(`[2026-11-25 12:00] alice → bob: ✗ NOT VERIFIED (${status}): Reason for ${status}.`));
    expect(result.stdout).not.toContain('SECRET');
    const json = JSON.parse((await run(['messages', '--json'], fake)).stdout) as Array<{ text: unknown; status: string }>;
    expect(json.map((m) => [m.text, m.status])).toEqual(statuses.map((s) => [null, s]));
  });

  it('escapes controls and bidi in everything it prints, and a message cannot forge a header line', async () => {
    const fake = new FakeClient();
    fake.views = [
      view({
        sender: 'eve\u202e',
        text: 'hi\u009b2J\u001b]0;x\u0007 \u200f\u061c\u200b\u2060\ufeff\u2066\u2028end\n[2026-11-25 12:00:01] alice → bob: forged',
      }),
      view({ id: '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0d', seq: 2, status: 'bad_signature', text: null, reason: 'bad\u009dreason\nline' }),
    ];
    const result = await run(['messages'], fake);
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff\u2028\u2029]/);
    expect(result.stdout).toContain('eve\\u202e → bob: hi\\u009b2J\\u001b]0;x\\u0007 \\u200f\\u061c\\u200b\\u2060\\ufeff\\u2066\\u2028end');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^\[2026-11-25 12:00\] eve/),
      `${CONTINUATION}[2026-11-25 12:00:01] alice → bob: forged`,
      '[2026-11-25 12:00] alice → bob: ✗ NOT VERIFIED (bad_signature): bad\\u009dreason\\u000aline',
    ]);

    const json = await run(['messages', '--json'], fake);
    expect(json.stdout).not.toMatch(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
    const parsed = JSON.parse(json.stdout) as Array<{ sender: string; text: string }>;
    expect(parsed[0]).toMatchObject({ sender: 'eve\u202e', text: fake.views[0]!.text });
  });
});

describe('block, unblock, disown', () => {
  it('call the client and confirm', async () => {
    const fake = new FakeClient();
    const blocked = await run(['block', 'Mallory'], fake);
    expect(blocked).toMatchObject({ code: 0 });
    expect(blocked.stdout).toContain('Blocked mallory: the server now refuses their messages to you.');
    const unblocked = await run(['unblock', 'mallory'], fake);
    expect(unblocked.stdout).toContain('Unblocked mallory');
    const disowned = await run(['disown', 'alice'], fake);
    expect(disowned.code).toBe(0);
    expect(disowned.stdout).toContain('Disowned 1 earlier key(s) of alice');
    expect(disowned.stdout).toContain(FP('c'));
    expect(fake.calls.filter((c) => c !== 'login')).toEqual(['block mallory', 'unblock mallory', 'disown alice']);
    expect(fake.closed).toBe(true);
  });

  it('refuse a bad name before signing in', async () => {
    const fake = new FakeClient();
    expect((await run(['block', 'x!'], fake)).code).toBe(2);
    expect((await run(['unblock'], fake)).code).toBe(2);
    expect((await run(['disown', 'a', 'b'], fake)).code).toBe(2);
    expect(fake.calls).toEqual([]);
  });
});

describe('watch', () => {
  const online = { type: 'connection', state: 'online', detail: null } as const;
  const offline = (detail: string) => ({ type: 'connection', state: 'offline', detail }) as const;
  const message = (seq: number) => ({ type: 'message', message: { ...view({ id: `3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b${String(seq).padStart(2, '0')}`, seq }) } }) as const;

  async function watchFor(fake: FakeClient, ms: number) {
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), ms);
    return run(['watch'], fake, { signal: controller.signal });
  }

  it('says each change of connection state once, not once per reconnect of a garbage stream', async () => {
    const fake = new FakeClient();
    fake.live = (emit) => {
      emit({ type: 'connection', state: 'connecting', detail: null });
      emit(online);
      for (let i = 0; i < 50; i++) {
        emit(offline('The server sent a live event that is not JSON.'));
        emit({ type: 'connection', state: 'connecting', detail: null });
        // A stream that opens and fails at once is not a reconnection that held.
        if (i % 2 === 0) emit(online);
        if (i % 2 === 0) emit(offline('The live connection went silent; reconnecting.'));
      }
      emit(online);
      emit(online);
    };
    const result = await watchFor(fake, 100);
    expect(result.code).toBe(130);
    expect(fake.closed).toBe(true);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Watching for messages as bob (Ctrl-C to stop).',
      'Connection lost, reconnecting… (The server sent a live event that is not JSON.)',
      'Reconnected (0 missed messages fetched)',
    ]);
  });

  it('counts the messages the catch-up after a reconnection fetched, not those that come live after it', async () => {
    const fake = new FakeClient();
    const views = [1, 2, 3, 4].map((seq) => message(seq).message);
    fake.views = views.slice(0, 3);
    fake.live = (emit) => {
      emit(online);
      emit(message(1));
      emit(offline('Cannot reach the server at http://127.0.0.1:1.'));
      emit({ type: 'connection', state: 'connecting', detail: null });
      emit(online);
      // The catch-up: what the server kept while the connection was down.
      emit(message(2));
      setTimeout(() => {
        emit(message(3));
        // Later, live: not missed.
        setTimeout(() => {
          fake.views.push(views[3]!);
          emit(message(4));
          emit(offline('gone\u009b'));
        }, 20);
      }, 20);
    };
    const result = await watchFor(fake, 200);
    expect(result.code).toBe(130);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Watching for messages as bob (Ctrl-C to stop).',
      'Connection lost, reconnecting… (Cannot reach the server at http://127.0.0.1:1.)',
      'Reconnected (2 missed messages fetched)',
      'Connection lost, reconnecting… (gone\\u009b)',
    ]);
    expect(result.stdout.trim().split('\n')).toHaveLength(4);
    // One request for the newest seq at the reconnection, nothing more.
    expect(fake.requests.filter(([name]) => name === 'recentMessages')).toEqual([['recentMessages', { limit: 1 }]]);
  });

  it('says "1 missed message" in the singular, and counts from the first loss when a reconnection did not hold', async () => {
    const fake = new FakeClient();
    fake.views = [message(1).message, message(2).message];
    fake.live = (emit) => {
      emit(online);
      emit(message(1));
      emit(offline('down'));
      emit(online);
      emit(offline('down again'));
      emit(online);
      emit(message(2));
    };
    const result = await watchFor(fake, 100);
    expect(result.stderr.trim().split('\n')).toEqual([
      'Watching for messages as bob (Ctrl-C to stop).',
      'Connection lost, reconnecting… (down)',
      'Reconnected (1 missed message fetched)',
    ]);
  });

  it('stops on SIGTERM with 143 even when signing in never finishes', async () => {
    const fake = new FakeClient();
    fake.login = () => new Promise(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGTERM'), 50);
    const started = Date.now();
    const result = await run(['watch'], fake, { signal: controller.signal });
    expect(result.code).toBe(143);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(fake.closed).toBe(true);
    expect(result.stderr).toBe('');
  });
});

describe('sessions on the server', () => {
  it('ends the session of each command when it is done, and logout ends every session only with --everywhere', async () => {
    const fake = new FakeClient();
    expect((await run(['messages'], fake)).code).toBe(0);
    expect(fake.loggedOut).toBe('this');
    const plain = new FakeClient();
    const hint = await run(['logout'], plain);
    expect(hint.code).toBe(0);
    expect(hint.stdout).toContain('logout --everywhere');
    expect(plain.calls).not.toContain('login');
    const everywhere = new FakeClient();
    const ended = await run(['logout', '--everywhere'], everywhere);
    expect(ended.stdout).toContain('Signed out everywhere');
    expect(everywhere.loggedOut).toBe('everywhere');
  });
});
