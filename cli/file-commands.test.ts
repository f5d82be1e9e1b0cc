// How files show in the terminal: sizes, the lines of "messages", the progress bar on a terminal and its
// silence when standard error is piped.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fileLines, fileSize, ProgressBar } from './file-commands-format.js';

function stream(tty: boolean) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean };
  out.isTTY = tty;
  let text = '';
  out.setEncoding('utf8').on('data', (c: string) => (text += c));
  return { out: out as unknown as NodeJS.WriteStream, text: () => text };
}

describe('file output', () => {
  it('gives sizes as a person reads them', () => {
    expect([0, 1, 1023, 1024, 1536, 1024 * 1024, 100 * 1024 * 1024, 3 * 1024 ** 3].map(fileSize)).toEqual(['0 bytes', '1 byte', '1023 bytes', '1 KiB', '1.5 KiB', '1 MiB', '100 MiB', '3 GiB']);
  });

  it('lists a message’s files by safe name, size and claimed type, escaping what the sender wrote', () => {
    expect(fileLines([{ index: 0, name: 'a.png', mime: 'image/png', size: 2048, image: { width: 4, height: 3, thumbnail: 'data:image/png;base64,AA==' } }, { index: 1, name: 'x\u001b[31m.txt', mime: 'text/plain', size: 5 }])).toEqual([
      '📎 1. a.png (2 KiB, image/png, image 4×3)',
      expect.stringMatching(/^📎 2\. x.*\.txt \(5 bytes, text\/plain\)$/),
    ]);
    expect(fileLines(undefined)).toEqual([]);
    expect(fileLines([{ index: 1, name: 'x\u001b[31m.txt', mime: 'text/plain', size: 5 }])[0]).not.toContain('\u001b');
  });

  it('draws the bar in place on a terminal, and nothing when piped', () => {
    expect(ProgressBar.line('a.bin', 512, 1024, 10)).toBe('a.bin [#####-----]  50% 512 bytes / 1 KiB');
    expect(ProgressBar.line('empty', 0, 0, 4)).toBe('empty [####] 100% 0 bytes / 0 bytes');
    const tty = stream(true);
    const bar = new ProgressBar(tty.out);
    bar.show('a.bin', 0, 100);
    bar.show('a.bin', 0, 100);
    bar.show('a.bin', 100, 100);
    bar.end();
    expect(tty.text().split('\r').filter(Boolean)).toHaveLength(3);
    expect(tty.text()).toContain('100%');
    const piped = stream(false);
    const silent = new ProgressBar(piped.out);
    silent.show('a.bin', 50, 100);
    silent.end();
    expect(piped.text()).toBe('');
  });
});
