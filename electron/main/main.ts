// Main process entry (Electron, ESM): app lifecycle, one instance, the menu, and the wiring of the pieces.
// Everything with rules in it lives in Electron-free modules beside this one; this file only connects
// them to Electron's objects.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, net, Notification, powerMonitor, session, shell } from 'electron';
import type { ChatEvent } from '../../core/api/chat-api.js';
import { EVENT_CHANNEL } from '../../core/api/ipc-contract.js';
import { registerChatHandlers } from './ipc-handlers.js';
import { createDesktopCore, type DesktopEffects } from './desktop-core.js';
import { parseLaunchOptions, type LaunchOptions } from './launch-options.js';
import { menuTemplate } from './menu.js';
import { hardenWebContents } from './navigation.js';
import { APP_NAME, windowTitle } from './notifications.js';
import { registerAppSchemePrivileges, serveAppScheme } from './protocol.js';
import type { SessionHost } from './session-host.js';
import type { SettingsStore } from './settings-store.js';
import { createMainWindow } from './window.js';
import { watchWake } from './wake-watch.js';

/** Same as appId in electron-builder.yml. */
const APP_ID = 'org.encryptedchat.desktop';
const devTools = process.env.ENCRYPTED_CHAT_DEVTOOLS === '1';

let launch: LaunchOptions;
try {
  launch = parseLaunchOptions(process.argv, process.env);
} catch (error) {
  // A mistyped --server stops the start with one clear line.
  console.error(`encrypted-chat: ${error instanceof Error ? error.message : String(error)}`);
  app.exit(2);
  throw error;
}
// One fixed folder per OS (docs/desktop.md), whatever name the package or the installer gives the app.
app.setPath('userData', launch.userDataDir ?? path.join(app.getPath('appData'), APP_NAME));

// Before `ready`: the scheme's privileges, and one instance per profile (a second start focuses the first).
registerAppSchemePrivileges();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run();
}

/** The app's one window and session, as the handlers below see them now. */
interface Running {
  window: BrowserWindow | null;
  host: SessionHost | null;
}

function run(): void {
  const appRoot = app.getAppPath();
  const paths = {
    renderer: path.join(appRoot, 'dist', 'desktop-renderer'),
    preload: path.join(appRoot, 'dist', 'electron', 'preload.cjs'),
    icon: path.join(appRoot, 'resources', 'icons', '512x512.png'),
  };
  const running: Running = { window: null, host: null };

  app.setName(APP_NAME);
  // Windows shows notifications only for an app with a user model id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: app.getVersion() });
  watchLifecycle(running);

  const showWindow = (settings: SettingsStore) => {
    const theme = settings.get().theme;
    running.window = createMainWindow({
      preloadPath: paths.preload,
      ...(existsSync(paths.icon) ? { iconPath: paths.icon } : {}),
      savedBounds: settings.get().windowBounds,
      dark: theme === 'dark' || (theme === 'system' && nativeTheme.shouldUseDarkColors),
      saveBounds: (bounds) => void settings.update({ windowBounds: bounds }),
    });
    running.window.on('closed', () => {
      running.window = null;
    });
  };

  void app.whenReady().then(async () => {
    const userData = app.getPath('userData');
    serveAppScheme(session.defaultSession, paths.renderer);
    const core = createDesktopCore({
      userData,
      mainFrame: () => (running.window && !running.window.isDestroyed() ? running.window.webContents.mainFrame : null),
      effects: desktopEffects(running, paths.icon),
    });
    running.host = core.host;
    registerChatHandlers(ipcMain, core.dispatch);
    installMenu(userData);

    await core.host.start(launch.serverUrl);
    // Back from sleep, or the network back: the live connection tries at once instead of at its next turn.
    watchWake({
      onWake: (listener) => {
        powerMonitor.on('resume', listener);
        powerMonitor.on('unlock-screen', listener);
      },
      isOnline: () => net.online,
      reconnect: () => void core.host.reconnectNow().catch(() => undefined),
    });
    showWindow(core.settings);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) showWindow(core.settings);
    });
  });
}

/** Every web contents gets the navigation rules; a second start focuses this one; quitting stops the session. */
function watchLifecycle(running: Running): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    const window = running.window;
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => {
    void running.host?.stop();
  });
}

/** What the Electron-free core asks of Electron: the window's events, notifications, the badge, the browser. */
function desktopEffects(running: Running, iconPath: string): DesktopEffects {
  const live = () => (running.window && !running.window.isDestroyed() ? running.window : null);
  return {
    emit: (event: ChatEvent) => live()?.webContents.send(EVENT_CHANNEL, event),
    isWindowFocused: () => live()?.isFocused() ?? false,
    showNotification: ({ title, body }) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body, ...(existsSync(iconPath) ? { icon: iconPath } : {}) });
      notification.on('click', () => {
        running.window?.show();
        running.window?.focus();
      });
      notification.show();
    },
    setUnreadCount: (count, username) => {
      app.setBadgeCount(count);
      live()?.setTitle(windowTitle(count, username));
    },
    openExternal: (url) => shell.openExternal(url),
    saveTextFile: async (suggestedName, text) => {
      const options = { defaultPath: path.join(app.getPath('documents'), suggestedName), filters: [{ name: 'Text', extensions: ['txt'] }] };
      const window = live();
      const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return false;
      // Readable by this user only: it can take over the account.
      await writeFile(choice.filePath, text, { encoding: 'utf8', mode: 0o600 });
      return true;
    },
    chooseSavePath: async (suggestedName) => {
      const options = { defaultPath: path.join(app.getPath('downloads'), suggestedName) };
      const window = live();
      const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return choice.canceled || !choice.filePath ? null : choice.filePath;
    },
    // Only the kind of error is logged: messages of lower layers could quote a server answer or a path.
    logProblem: (what, error) => console.error(`encrypted-chat: problem ${what}: ${error instanceof Error ? error.name : typeof error}`),
  };
}

function installMenu(userData: string): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, {
        devTools,
        showAbout: () =>
          void dialog.showMessageBox({
            type: 'info',
            title: `About ${APP_NAME}`,
            message: `${APP_NAME} ${app.getVersion()}`,
            detail: 'End-to-end encrypted chat. Your private key and your messages are decrypted only on this computer.',
          }),
        openSettingsFolder: () => void shell.openPath(userData),
      }),
    ),
  );
}
