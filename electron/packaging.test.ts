// The installers' configuration, checked without building them (that needs the Electron binary, which
// cannot be downloaded here): electron-builder's own schema validation, the security fuses, the Linux
// package's dependencies, the icons and the entry points.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
};

type Config = Record<string, any>;
const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Config;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Config;

function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(structuredClone(config), { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
    expect(config.asar).toBe(true);
  });

  it('builds AppImage and deb, dmg, nsis', () => {
    expect(config.productName).toBe('Encrypted Chat');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('declares what Electron needs on Debian and Ubuntu', () => {
    const depends = (config.deb.depends as string[]).join(',');
    for (const lib of ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0', 'libgbm1']) {
      expect(depends).toContain(lib);
    }
  });

  it('packs the built app and leaves the server and source maps out', () => {
    const files = config.files as string[];
    for (const f of ['dist/electron/**/*', 'dist/desktop-renderer/**/*', 'dist/core/**/*', 'dist/node/**/*']) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('dist/server'))).toBe(false);
    expect(files).toContain('!**/*.map');
  });
});

describe('icons', () => {
  it('exist at every size, square, from 16 to 1024 px', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(`resources/icons/${size}x${size}.png`)).toEqual([size, size]);
    }
    expect(pngSize('resources/icon.png')).toEqual([1024, 1024]);
    expect(readFileSync('resources/icon.ico').readUInt16LE(2)).toBe(1);
    expect(readFileSync('resources/icon.svg', 'utf8')).toContain('<svg');
  });
});

describe('entry points', () => {
  it('points Electron at the compiled main process and has the scripts', () => {
    expect(pkg.main).toBe('dist/electron/main/main.js');
    expect(existsSync('electron/main/main.ts')).toBe(true);
    for (const script of ['build:electron', 'build:preload', 'app', 'dist']) expect(pkg.scripts[script], script).toBeTypeOf('string');
    expect(pkg.scripts.dist).toContain('electron-builder');
  });

  it('gives Windows notifications the installer\'s app id', () => {
    expect(readFileSync('electron/main/main.ts', 'utf8')).toContain(`const APP_ID = '${config.appId}';`);
  });
});
