import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLaunchOptions } from './launch-options.js';

describe('parseLaunchOptions', () => {
  it('reads --server in both forms, normalized', () => {
    expect(parseLaunchOptions(['electron', '.', '--server', 'https://chat.example.org/'], {}).serverUrl).toBe('https://chat.example.org');
    expect(parseLaunchOptions(['--server=http://127.0.0.1:8080'], {}).serverUrl).toBe('http://127.0.0.1:8080');
  });

  it('falls back to ENCRYPTED_CHAT_SERVER, the flag winning', () => {
    expect(parseLaunchOptions([], { ENCRYPTED_CHAT_SERVER: 'https://a.example' }).serverUrl).toBe('https://a.example');
    expect(parseLaunchOptions(['--server', 'https://b.example'], { ENCRYPTED_CHAT_SERVER: 'https://a.example' }).serverUrl).toBe('https://b.example');
    expect(parseLaunchOptions([], {}).serverUrl).toBeNull();
  });

  it('refuses plain http to another machine and non-URLs with a clear message', () => {
    expect(() => parseLaunchOptions(['--server', 'http://chat.example.org'], {})).toThrow(/only to this computer/);
    expect(() => parseLaunchOptions(['--server', 'chat'], {})).toThrow(/not a server address/);
  });

  it('reads the profile folder', () => {
    expect(parseLaunchOptions(['--user-data', 'x/y'], {}).userDataDir).toBe(path.resolve('x/y'));
    expect(parseLaunchOptions([], { ENCRYPTED_CHAT_USER_DATA: '/tmp/p' }).userDataDir).toBe(path.resolve('/tmp/p'));
  });
});
