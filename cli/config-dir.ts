// CLI side: where the terminal client keeps pins, read markers, the outbox and its settings.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** --data-dir, else $XDG_CONFIG_HOME/encrypted-chat, else the platform's per-user config folder. */
export function dataDir(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return explicit;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'encrypted-chat');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'encrypted-chat');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'encrypted-chat');
  return join(homedir(), '.config', 'encrypted-chat');
}
