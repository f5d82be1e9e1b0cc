// Main process, Electron: creates the one chat window with the checked options (window-options.ts),
// loads it from app://chat/, keeps the title for the unread count, and remembers where the person put it.
import { BrowserWindow, screen } from 'electron';
import { APP_START_URL } from './app-scheme.js';
import { APP_NAME } from './notifications.js';
import { fitBounds, mainWindowOptions, type WindowBounds } from './window-options.js';

export interface MainWindowParams {
  preloadPath: string;
  iconPath?: string;
  savedBounds: WindowBounds | null;
  /** Whether the window will paint dark (theme setting, or the system's when the setting is "system"). */
  dark: boolean;
  saveBounds: (bounds: WindowBounds) => void;
}

export function createMainWindow(params: MainWindowParams): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const bounds = fitBounds(params.savedBounds, workAreas);
  const window = new BrowserWindow(
    mainWindowOptions({ preloadPath: params.preloadPath, bounds, title: APP_NAME, dark: params.dark, ...(params.iconPath ? { iconPath: params.iconPath } : {}) }),
  );
  if (bounds.maximized) window.maximize();

  // The title carries the unread count, set by main; the page's <title> must not overwrite it.
  window.on('page-title-updated', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());

  let timer: NodeJS.Timeout | null = null;
  const remember = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    const normal = window.getNormalBounds();
    params.saveBounds({ x: normal.x, y: normal.y, width: normal.width, height: normal.height, maximized: window.isMaximized() });
  };
  const rememberSoon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(remember, 500);
  };
  window.on('resize', rememberSoon);
  window.on('move', rememberSoon);
  window.on('maximize', remember);
  window.on('unmaximize', remember);
  window.on('close', () => {
    if (timer) clearTimeout(timer);
    remember();
  });

  void window.loadURL(APP_START_URL);
  return window;
}
