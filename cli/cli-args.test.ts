import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './cli-args.js';
import { view } from './fake-client.fixture.js';
import { commandHelp, COMMANDS, GROUP_SUBCOMMANDS, PROGRAM_HELP } from './help.js';
import { formatMessage, messageJson } from './message-format.js';
import { CONTINUATION, escapeForTerminal, safeJson, safeLine, safeText } from './output.js';
import type { MessageView } from '../core/api/view.js';

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
    expect(usage(['block'])).toContain('needs an argument');
    expect(usage(['unblock', 'no way'])).toContain('NAME');
    expect(usage(['disown', 'a'])).toContain('NAME');
    expect(usage(['--server', 'ftp://x', 'users'])).toContain('--server');
    expect(usage(['--data-dir', '', 'users'])).toContain('--data-dir');
    expect(usage(['send', 'bob', '   '])).toContain('TEXT');
  });

  it('reads the names of block, unblock and disown like every other name', () => {
    expect(parseCliArgs(['block', ' Mallory ']).positionals).toEqual(['mallory']);
    expect(parseCliArgs(['unblock', 'mallory']).positionals).toEqual(['mallory']);
    expect(parseCliArgs(['disown', 'ALICE']).positionals).toEqual(['alice']);
  });

  it('reads the group, message and reaction commands', () => {
    const id = '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c';
    expect(parseCliArgs(['group', 'create', ' Family ', 'Bob', 'carol', 'bob'])).toMatchObject({ command: 'group', subcommand: 'create', positionals: ['Family', 'bob', 'carol'] });
    expect(parseCliArgs(['group', 'add', '7c9e', 'Dave'])).toMatchObject({ subcommand: 'add', positionals: ['7c9e', 'dave'] });
    expect(parseCliArgs(['group', 'rename', 'Family', ' New name '])).toMatchObject({ subcommand: 'rename', positionals: ['Family', 'New name'] });
    expect(parseCliArgs(['group', 'list', '--json'])).toMatchObject({ subcommand: 'list', json: true, positionals: [] });
    expect(parseCliArgs(['send', '--group', 'Family', 'hi'])).toMatchObject({ group: 'Family', positionals: ['hi'] });
    expect(parseCliArgs(['messages', '--group', 'Family', '--ids'])).toMatchObject({ group: 'Family', ids: true });
    expect(parseCliArgs(['react', id.toUpperCase(), '👍', '--remove'])).toMatchObject({ remove: true, positionals: [id, '👍'] });
    expect(parseCliArgs(['reply', id])).toMatchObject({ positionals: [id] });
    expect(parseCliArgs(['edit', id, 'new text'])).toMatchObject({ positionals: [id, 'new text'] });
  });

  it('refuses group and message arguments that do not fit', () => {
    expect(usage(['group'])).toContain('"group" needs one of');
    expect(usage(['group', 'kick', 'x'])).toContain('unknown group command "kick"');
    expect(usage(['group', 'create', 'Family'])).toContain('"group create" needs 2 arguments');
    expect(usage(['group', 'leave', 'a', 'b'])).toContain('too many arguments for "group leave": b');
    expect(usage(['group', 'show', 'x'.repeat(101)])).toContain('GROUP: is too long');
    expect(usage(['group', 'remove', 'Family', 'x!'])).toContain('USER:');
    expect(usage(['watch', '--json'])).toContain('--json does not apply to "watch"');
    expect(usage(['delete', 'nope'])).toContain('MESSAGE-ID');
    expect(usage(['react', '3f1c2a9e-7b4d-4e2a-9c1f-5d6e7f8a9b0c', 'x'.repeat(33)])).toContain('EMOJI');
    expect(usage(['send', '--group', 'Family'])).toBeNull();
    expect(usage(['send', '--group', 'Family', 'a', 'b'])).toContain('too many arguments');
  });

  it('has help for every command', () => {
    for (const command of COMMANDS) {
      expect(parseCliArgs([command, '--help'])).toMatchObject({ command, help: true });
      expect(commandHelp(command)).toContain(`Usage: encrypted-chat ${command}`);
      expect(PROGRAM_HELP).toContain(`  ${command} `);
    }
    for (const sub of GROUP_SUBCOMMANDS) expect(commandHelp('group')).toContain(`group ${sub} `);
  });

  it('asks for help without a command or with one', () => {
    expect(parseCliArgs(['--help'])).toMatchObject({ command: null, help: true });
    expect(parseCliArgs(['send', '-h'])).toMatchObject({ command: 'send', help: true });
  });
});

describe('output', () => {
  const base: MessageView = view({ text: 'hi \u001b[2Jthere' });

  it('makes terminal control characters visible', () => {
    expect(safeText('a\u001b[31mb\u0007')).toBe('a\\u001b[31mb\\u0007');
    expect(formatMessage(base)).toBe('[2026-11-25 12:00] alice → bob: hi \\u001b[2Jthere');
  });

  it('escapes every control, bidi and invisible format character visibly, with one sanitizer', () => {
    const unsafe = [
      0x00, 0x07, 0x08, 0x0b, 0x0c, 0x0d, 0x1b, 0x7f, 0x80, 0x85, 0x9b, 0x9d, 0x9f, // C0, DEL, C1 (CSI, OSC)
      0x200e, 0x200f, 0x061c, // LRM, RLM, ALM
      0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, // zero-width
      0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, // embeddings, overrides, isolates
      0x2028, 0x2029, // line and paragraph separators
    ];
    for (const cp of unsafe) {
      const c = String.fromCodePoint(cp);
      const shown = `\\u${cp.toString(16).padStart(4, '0')}`;
      expect([cp, safeText(`a${c}b`)]).toEqual([cp, `a${shown}b`]);
      expect([cp, safeLine(`a${c}b`)]).toEqual([cp, `a${shown}b`]);
    }
    expect(safeLine('tag\u{e0041}')).toBe('tag\\u{e0041}');
    expect(safeLine('lone\ud800')).toBe('lone\\ud800');
    // Line feeds: kept by safeText (message bodies), escaped by safeLine (names, reasons, server messages).
    expect(safeText('a\nb\tc')).toBe('a\nb\tc');
    expect(safeLine('a\nb')).toBe('a\\u000ab');
    expect(escapeForTerminal('a\nb', { lines: true })).toBe(safeText('a\nb'));
    // Ordinary text, emoji and non-Latin scripts are untouched.
    for (const fine of ['Grüße, ✓ 👍🏽 مرحبا שלום 日本語', 'C:\\path', '→ │']) expect(safeText(fine)).toBe(fine);
  });

  it('prefixes every continuation line, so a message cannot forge a header line', () => {
    const forged = formatMessage({ ...base, text: 'one\n[2026-11-25 12:00:01] mallory → bob: forged\n\nlast' });
    const lines = forged.split('\n');
    expect(lines[0]).toBe('[2026-11-25 12:00] alice → bob: one');
    expect(lines.slice(1)).toEqual([`${CONTINUATION}[2026-11-25 12:00:01] mallory → bob: forged`, CONTINUATION, `${CONTINUATION}last`]);
    for (const line of lines.slice(1)) expect(line.startsWith('[')).toBe(false);
    // Other line breaks a terminal honours are escaped, not kept.
    expect(formatMessage({ ...base, text: 'a\r[x] b\u2028c\u0085d' }).split('\n')).toHaveLength(1);
    // Header fields cannot break the line either.
    expect(formatMessage({ ...base, sender: 'eve\n[x]' }).split('\n')).toHaveLength(1);
  });

  it('escapes the same characters in JSON output, which still parses to the same values', () => {
    const value = { text: 'a\u009b\u202e\u200b\n\u{e0041}' };
    const json = safeJson(value);
    expect(json).not.toMatch(/[\u0080-\u009f\u200b\u202e]/u);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('never prints the text of a message that failed', () => {
    const failed: MessageView = { ...base, text: 'should not show', status: 'bad_signature', reason: 'The signature does not match.' };
    expect(formatMessage(failed)).toContain('NOT VERIFIED (bad_signature)');
    expect(formatMessage(failed)).not.toContain('should not show');
    for (const status of ['misplaced', 'earlier_key', 'disowned_key', 'unreadable_format'] as const) {
      const line = formatMessage({ ...failed, status, reason: null });
      expect(line).toMatch(new RegExp(`NOT VERIFIED \\(${status}\\): \\S`));
      expect(line).not.toContain('should not show');
      expect(messageJson({ ...failed, status }).text).toBeNull();
    }
    expect(messageJson(failed)).toEqual({
      id: base.id,
      sender: 'alice',
      recipient: 'bob',
      group: null,
      conversation: 'alice',
      timestamp: base.timestamp,
      kind: 'message',
      text: null,
      status: 'bad_signature',
      reason: 'The signature does not match.',
      replyTo: null,
      edited: false,
      deleted: null,
      reactions: [],
      senderClock: null,
      warning: null,
    });
  });
});
