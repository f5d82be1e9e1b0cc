// CLI side: how files show in the terminal — sizes, the lines "messages" prints for a message's files, and the
// progress bar of send-file and get-file (drawn in place on a terminal, nothing when standard error is piped).
import type { FileView } from '../core/api/view.js';
import { safeLine } from './output.js';

/** "1.5 MiB", "700 KiB", "12 bytes". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const [unit, size] = bytes < 1024 * 1024 ? ['KiB', bytes / 1024] : bytes < 1024 ** 3 ? ['MiB', bytes / 1024 ** 2] : ['GiB', bytes / 1024 ** 3];
  return `${size.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/** One line per file of a message, for "messages": name, size and claimed type. */
export function fileLines(files: readonly FileView[] | undefined): string[] {
  return (files ?? []).map((f) => `📎 ${f.index + 1}. ${safeLine(f.name)} (${fileSize(f.size)}, ${safeLine(f.mime)}${f.image ? `, image ${f.image.width}×${f.image.height}` : ''})`);
}

/** A progress bar redrawn in place on a terminal; silent when standard error is not one. */
export class ProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #last = '';

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  /** The line for `done` of `total` bytes, e.g. "notes.txt [#########-----------]  45% 1.2 MiB / 2.6 MiB". */
  static line(label: string, done: number, total: number, width = 30): string {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const filled = Math.round(fraction * width);
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${fileSize(done)} / ${fileSize(total)}`;
  }

  show(label: string, done: number, total: number): void {
    if (!this.#tty) return;
    const line = ProgressBar.line(label, done, total);
    if (line === this.#last) return;
    this.#last = line;
    this.#stream.write(`\r\x1b[2K${line}`);
  }

  end(): void {
    if (this.#tty && this.#last !== '') this.#stream.write('\r\x1b[2K');
    this.#last = '';
  }
}
