// The preload as Electron's sandbox loads it: one CommonJS file whose only require() is `electron`.
// Built here with the project's own Vite config, then run against a stand-in for the sandbox's electron module.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { build } from 'vite';

let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'ec-preload-'));
  await build({ configFile: path.resolve('electron/preload/vite.config.ts'), logLevel: 'silent', build: { outDir } });
  code = await readFile(path.join(outDir, 'preload.cjs'), 'utf8');
});
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('preload bundle', () => {
  it('is CommonJS requiring nothing but electron', () => {
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/^\s*export\s/m);
  });

  it('exposes one frozen bridge named encryptedChat and nothing else', async () => {
    const exposeInMainWorld = vi.fn();
    const ipcRenderer = { invoke: vi.fn(async () => ({ ok: true, value: null })), on: vi.fn(), removeListener: vi.fn() };
    const sandboxRequire = (name: string) => {
      if (name !== 'electron') throw new Error(`the sandbox has no module ${name}`);
      return { contextBridge: { exposeInMainWorld }, ipcRenderer };
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', code)(sandboxRequire, module, module.exports);
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, bridge] = exposeInMainWorld.mock.calls[0]!;
    expect(name).toBe('encryptedChat');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    await bridge.contactDetails('bob');
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('chat:contactDetails', 'bob');
  });
});
