// The shipped deployment files say only what the server and systemd understand: every variable of the
// env file example is a real setting with a valid value, and systemd accepts the unit.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTING_NAMES } from '../../server/config.js';

const envExample = new URL('../../deploy/systemd/server.env.example', import.meta.url);
const unit = new URL('../../deploy/systemd/encrypted-chat.service', import.meta.url).pathname;
const systemdAnalyze = '/usr/bin/systemd-analyze';

function assignments(text: string): Array<{ name: string; value: string; active: boolean }> {
  return text
    .split('\n')
    .map((line) => /^(#?)([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[2]!, value: m[3]!, active: m[1] === '' }));
}

describe('deploy/systemd/server.env.example', () => {
  const vars = assignments(readFileSync(envExample, 'utf8'));

  it('names only settings the server knows, commented-out ones included', () => {
    expect(vars.length).toBeGreaterThan(5);
    expect(vars.map((v) => v.name).filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
  });

  it('is a configuration the server accepts as it stands', () => {
    const env = Object.fromEntries(vars.filter((v) => v.active).map((v) => [v.name, v.value]));
    const config = loadConfig(env);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, trustProxy: 'loopback', databaseUrl: 'sqlite:/var/lib/encrypted-chat/chat.sqlite' });
    expect(config.tlsCert).toBeUndefined();
  });
});

describe.skipIf(!existsSync(systemdAnalyze))(
  `deploy/systemd/encrypted-chat.service${existsSync(systemdAnalyze) ? '' : ' — skipped: systemd-analyze not installed'}`,
  () => {
    it('passes systemd-analyze verify', async () => {
      const { stdout, stderr } = await promisify(execFile)(systemdAnalyze, ['verify', unit]);
      expect(stdout + stderr).toBe('');
    });
  },
);
