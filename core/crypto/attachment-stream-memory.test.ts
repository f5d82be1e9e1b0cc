// Memory while streaming: a 200 MiB file sealed and opened again chunk by chunk in a child process, whose peak
// resident set stays far below the file's size (a memory check, not a timing one).
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;
const child = resolve(import.meta.dirname, '../test-fixtures/stream-memory-child.ts');

describe('attachment streams in bounded memory', () => {
  it('seals and opens 200 MiB with the resident set growing by far less than 100 MiB', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, String(200 * MiB)], { timeout: 240_000 });
    const run = JSON.parse(stdout.trim()) as { size: number; plain: number; baseline: number; peak: number };
    expect(run.plain).toBe(200 * MiB);
    expect(run.peak - run.baseline).toBeLessThan(100 * MiB);
  }, 250_000);
});
