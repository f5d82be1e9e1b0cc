// CLI side: what comes from the person — passwords (environment, file or hidden prompt) and message text.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { ChatError } from '../core/api/errors.js';

export interface Terminal {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  /** Aborted when the command is being stopped (SIGINT/SIGTERM): a prompt gives the terminal back. */
  signal?: AbortSignal;
  /** Called for Ctrl-C typed at a hidden prompt (the terminal is in raw mode, so no SIGINT comes). */
  interrupt?: () => void;
}

export async function readFirstLine(file: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ChatError('invalid_input', `Cannot read ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`);
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new ChatError('invalid_input', `The ${what} file ${file} is empty.`);
  return line;
}

const NO_PASSWORD = 'No password given: set ENCRYPTED_CHAT_PASSWORD, use --password-file, or run in a terminal to be asked.';

/** A hidden prompt on the terminal: nothing typed is echoed. `missing`: what to say when there is no terminal. */
export function promptHidden(term: Terminal, question: string, missing = NO_PASSWORD): Promise<string> {
  const { stdin, stderr, signal } = term;
  if (!stdin.isTTY) return Promise.reject(new ChatError('invalid_input', missing));
  return new Promise((resolve, reject) => {
    let typed = '';
    stderr.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const onAbort = () => finish(new ChatError('invalid_input', 'Cancelled.'));
    const finish = (error: Error | null) => {
      signal?.removeEventListener('abort', onAbort);
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') {
          finish(new ChatError('invalid_input', 'Cancelled.'));
          term.interrupt?.();
          return;
        }
        if (ch === '\u0004' && typed === '') return finish(new ChatError('invalid_input', 'Cancelled.'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PasswordSource {
  envName: string;
  file: string | undefined;
  prompt: string;
  /** Ask twice on the prompt (new passwords). */
  confirm: boolean;
  /** What it is, in "Cannot read the … file" (default: password). */
  what?: string;
  /** What to say when it is not given and there is no terminal to ask on. */
  missing?: string;
  /** Refuses what was given (throws) before it is asked a second time: the strength rule of new passwords. */
  check?: (password: string) => Promise<void>;
}

/**
 * A password: from the environment, the first line of a file, or a hidden prompt (asked twice when `confirm`).
 * `check` runs on it before the second asking, so a refused password is not typed twice for nothing.
 */
export async function password(term: Terminal, source: PasswordSource): Promise<string> {
  const fromEnv = term.env[source.envName];
  const given = fromEnv !== undefined && fromEnv !== '' ? fromEnv : source.file !== undefined ? await readFirstLine(source.file, source.what ?? 'password') : null;
  if (given !== null) {
    await source.check?.(given);
    return given;
  }
  const first = await promptHidden(term, source.prompt, source.missing);
  await source.check?.(first);
  if (source.confirm) {
    const again = await promptHidden(term, 'Type it again: ', source.missing);
    if (again !== first) throw new ChatError('invalid_input', 'The two passwords differ.');
  }
  return first;
}

/** A question answered with one line, echoed as typed (a confirmation, never a secret); stops on a signal. */
export async function promptLine(term: Terminal, question: string): Promise<string> {
  const lines = createInterface({ input: term.stdin, output: term.stderr, terminal: false });
  const { signal } = term;
  let onAbort: () => void = () => undefined;
  try {
    term.stderr.write(question);
    return await new Promise<string>((resolve, reject) => {
      const cancelled = () => reject(new ChatError('invalid_input', 'Cancelled.'));
      lines.once('line', resolve);
      lines.once('close', cancelled);
      onAbort = cancelled;
      if (signal?.aborted) cancelled();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    lines.close();
  }
}

/** Reads the message text from standard input, to its end. */
export async function readStdinText(term: Terminal): Promise<string> {
  if (term.stdin.isTTY) term.stderr.write('Type the message, then press Ctrl-D on an empty line:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of term.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
