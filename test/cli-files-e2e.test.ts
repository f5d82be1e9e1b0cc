// The terminal client's files end to end: the real CLI in its own processes against the real server (behind a
// byte-exact proxy that can tamper with a download): send-file, messages listing the files, get-file saving
// them verified, never over an existing file, and a tampered blob refused with exit 6 and nothing left behind.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_FAILED_EXIT_CODE } from '../cli/file-commands.js';
import { registerFixture } from '../core/test-fixtures/accounts.js';
import { AttachmentProxy } from '../core/test-fixtures/attachment-proxy.js';
import { cliRunner } from './support/cli-process.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const PASSWORD = 'files password 1';
let server: ServerProcess;
let proxy: AttachmentProxy;
let home: string;
const { cli } = cliRunner(() => ({ home, serverUrl: proxy.url }));

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'ec-cli-files-'));
  server = await startServerProcess();
  proxy = new AttachmentProxy(server.url, !(await AttachmentProxy.serverHasAttachments(server.url)));
  await proxy.start();
  await Promise.all([registerFixture(server.url, 'alice', 'alice', PASSWORD), registerFixture(server.url, 'bob', 'bob', PASSWORD)]);
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

describe('send-file and get-file', () => {
  const dir = () => mkdtempSync(join(home, 'files-'));

  it('sends two files with a caption, lists them, and saves them verified under their own names', async () => {
    const src = dir();
    const report = randomBytes(3 * 65_536 + 123);
    writeFileSync(join(src, 'report.pdf'), report);
    writeFileSync(join(src, 'notes.txt'), 'hello, files\n');
    const sent = await cli('alice', ['send-file', 'bob', join(src, 'report.pdf'), join(src, 'notes.txt'), '--text', 'two files', '--json'], { password: PASSWORD });
    expect(sent.stderr).not.toContain('\r');
    expect(sent.code).toBe(0);
    const message = JSON.parse(sent.stdout) as { id: string; text: string; files: Array<{ name: string; size: number; mime: string }> };
    expect(message.text).toBe('two files');
    expect(message.files).toEqual([
      { index: 0, name: 'report.pdf', size: report.length, mime: 'application/pdf', image: null },
      { index: 1, name: 'notes.txt', size: 13, mime: 'text/plain', image: null },
    ]);

    const listed = await cli('bob', ['messages', '--peer', 'alice'], { password: PASSWORD });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('two files');
    expect(listed.stdout).toContain('📎 1. report.pdf (192.1 KiB, application/pdf)');
    expect(listed.stdout).toContain('📎 2. notes.txt (13 bytes, text/plain)');

    const out = dir();
    const got = await cli('bob', ['get-file', message.id, '--out', out], { password: PASSWORD });
    expect(got.code).toBe(0);
    expect(got.stderr).not.toContain('\r');
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'report.pdf']);
    expect(readFileSync(join(out, 'report.pdf')).equals(report)).toBe(true);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('hello, files\n');

    // Again, only the second file: the name is taken, so it is saved beside it, and nothing is overwritten.
    const again = await cli('bob', ['get-file', message.id, '--out', out, '--index', '2'], { password: PASSWORD });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('notes (1).txt');
    expect(readdirSync(out).sort()).toEqual(['notes (1).txt', 'notes.txt', 'report.pdf']);
    // The sender can fetch its own file as well.
    const own = dir();
    expect((await cli('alice', ['get-file', message.id, '--out', own, '--index', '1'], { password: PASSWORD })).code).toBe(0);
    expect(readFileSync(join(own, 'report.pdf')).equals(report)).toBe(true);
  }, 120_000);

  it('refuses a tampered blob with exit 6 and leaves no file behind', async () => {
    const src = dir();
    writeFileSync(join(src, 'photo.jpg'), randomBytes(100_000));
    const sent = await cli('alice', ['send-file', 'bob', join(src, 'photo.jpg'), '--json'], { password: PASSWORD });
    expect(sent.code).toBe(0);
    const { id } = JSON.parse(sent.stdout) as { id: string };
    const out = dir();
    proxy.tamperDownload = (blob) => {
      const copy = Buffer.from(blob);
      copy[70_000]! ^= 0x40;
      return copy;
    };
    try {
      const got = await cli('bob', ['get-file', id, '--out', out], { password: PASSWORD });
      expect(got.code).toBe(FILE_FAILED_EXIT_CODE);
      expect(got.stderr).toMatch(/encrypted-chat: photo\.jpg did not verify: Part 2 of 2 of the file could not be decrypted.*It was not saved\./);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      proxy.tamperDownload = null;
    }
  }, 60_000);

  it('says what is wrong before asking for a password: a missing file, no file, an --index out of range', async () => {
    const missing = await cli('alice', ['send-file', 'bob', join(home, 'no-such-file')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is not a readable file');
    expect((await cli('alice', ['send-file', 'bob'])).code).toBe(2);
    expect((await cli('alice', ['get-file', 'not-an-id'])).code).toBe(2);
    expect((await cli('alice', ['get-file', crypto.randomUUID(), '--index', '11'])).code).toBe(2);
    const notDir = join(home, 'plain-file');
    writeFileSync(notDir, 'x');
    const bad = await cli('alice', ['get-file', crypto.randomUUID(), '--out', notDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('is not a folder');
  });
});
