// Test support for the main process's file tests (vitest in Node, never in the app): a new empty folder under
// the system's temporary folder for each test, removed after it with all it holds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** For every test of the calling scope a folder named `prefix`…, handed to `use` before the test runs. */
export function newFolderEachTest(prefix: string, use: (folder: string) => void): void {
  let folder: string | undefined;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), prefix));
    use(folder);
  });
  afterEach(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });
}
