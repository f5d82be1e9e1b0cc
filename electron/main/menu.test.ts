import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from './menu.js';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
}

describe('application menu', () => {
  const actions = { showAbout: vi.fn(), openSettingsFolder: vi.fn(), devTools: false };

  it('has the edit roles that make copy and paste work, and quit', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const r = roles(menuTemplate(platform, actions));
      for (const role of ['copy', 'paste', 'cut', 'selectAll', 'undo', 'quit']) expect(r, `${platform} ${role}`).toContain(role);
    }
  });

  it('puts the app menu first on macOS only', () => {
    expect(menuTemplate('darwin', actions)[0]!.label).toBe('Encrypted Chat');
    expect(menuTemplate('linux', actions)[0]!.label).toBe('File');
  });

  it('offers developer tools only when enabled', () => {
    expect(roles(menuTemplate('linux', actions))).not.toContain('toggleDevTools');
    expect(roles(menuTemplate('linux', { ...actions, devTools: true }))).toContain('toggleDevTools');
  });

  it('has no reload (it would drop the window state) and no remote content', () => {
    const r = roles(menuTemplate('linux', actions));
    expect(r).not.toContain('reload');
    expect(r).not.toContain('forceReload');
  });
});
