import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './cli-args.js';
import { formatMessage, messageJson, safeText } from './output.js';
import type { MessageView } from '../core/client/view.js';

const usage = (argv: string[]) => {
  try {
    parseCliArgs(argv);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
};

describe('command-line arguments', () => {
  it('reads global and command options in any order, lowercasing names', () => {
    const args = parseCliArgs(['--server', 'https://chat.example.org', 'messages', '--peer', 'Bob', '--json', '--user', 'ALICE', '--limit', '20']);
    expect(args).toMatchObject({ command: 'messages', server: 'https://chat.example.org', user: 'alice', peer: 'bob', json: true, limit: 20 });
    expect(parseCliArgs(['send', 'Bob', 'hello there']).positionals).toEqual(['bob', 'hello there']);
  });

  it('refuses what does not fit, with a one-line reason', () => {
    expect(usage([])).toContain('missing command');
    expect(usage(['fly'])).toContain('unknown command "fly"');
    expect(usage(['send'])).toContain('needs an argument');
    expect(usage(['trust', 'a_b', 'extra'])).toContain('too many arguments');
    expect(usage(['users', '--json'])).toContain('--json does not apply to "users"');
    expect(usage(['messages', '--limit', '0'])).toContain('--limit');
    expect(usage(['send', 'x!', 'hi'])).toContain('RECIPIENT');
    expect(usage(['--user', 'a b', 'login'])).toContain('--user');
    expect(usage(['login', '--nope'])).toMatch(/nope/);
  });

  it('asks for help without a command or with one', () => {
    expect(parseCliArgs(['--help'])).toMatchObject({ command: null, help: true });
    expect(parseCliArgs(['send', '-h'])).toMatchObject({ command: 'send', help: true });
  });
});

describe('output', () => {
  const base: MessageView = {
    id: '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c',
    seq: 1,
    sender: 'alice',
    recipient: 'bob',
    timestamp: '2026-11-25T12:00:00.000Z',
    outgoing: false,
    text: 'hi \u001b[2Jthere',
    status: 'verified',
    reason: null,
  };

  it('makes terminal control characters visible', () => {
    expect(safeText('a\u001b[31mb\u0007')).toBe('a\\u001b[31mb\\u0007');
    expect(formatMessage(base)).toBe('[2026-11-25 12:00:00] alice → bob: hi \\u001b[2Jthere');
  });

  it('never prints the text of a message that failed', () => {
    const failed: MessageView = { ...base, text: 'should not show', status: 'bad_signature', reason: 'The signature does not match.' };
    expect(formatMessage(failed)).toContain('NOT VERIFIED (bad_signature)');
    expect(formatMessage(failed)).not.toContain('should not show');
    expect(messageJson(failed)).toEqual({
      id: base.id,
      sender: 'alice',
      recipient: 'bob',
      timestamp: base.timestamp,
      text: null,
      status: 'bad_signature',
      reason: 'The signature does not match.',
    });
  });
});
