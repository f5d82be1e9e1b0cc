// Main process, no Electron import: what the command line and environment ask of the desktop app.
//   --server URL | --server=URL   (or ENCRYPTED_CHAT_SERVER): the server to use, replacing the saved one
//   --user-data DIR               (or ENCRYPTED_CHAT_USER_DATA): another profile folder (tests, portable use)
import path from 'node:path';
import { safeServerUrl } from '../../core/client/transport-safety.js';

export interface LaunchOptions {
  serverUrl: string | null;
  userDataDir: string | null;
}

function flagValue(argv: readonly string[], name: string): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1] ?? null;
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return null;
}

/**
 * Reads the options; a bad server address throws the core's ChatError (its message names the problem),
 * so a mistyped `--server` stops the start with one clear line instead of being ignored.
 */
export function parseLaunchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): LaunchOptions {
  const server = flagValue(argv, 'server') ?? (env.ENCRYPTED_CHAT_SERVER?.trim() || null);
  const dataDir = flagValue(argv, 'user-data') ?? (env.ENCRYPTED_CHAT_USER_DATA?.trim() || null);
  return {
    serverUrl: server === null ? null : safeServerUrl(server),
    userDataDir: dataDir === null ? null : path.resolve(dataDir),
  };
}
