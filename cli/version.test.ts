// --version prints what package.json says, and takes no command.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClient, run } from './fake-client.fixture.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('--version', () => {
  it("prints the program's version from package.json, signing in nowhere", async () => {
    const fake = new FakeClient();
    for (const flag of ['--version', '-V']) {
      const result = await run([flag], fake);
      expect(result).toEqual({ code: 0, stdout: `encrypted-chat ${version}\n`, stderr: '' });
    }
    expect(fake.calls).toEqual([]);
  });

  it('is a usage error beside a command', async () => {
    const result = await run(['messages', '--version'], new FakeClient());
    expect(result.code).toBe(2);
  });
});
