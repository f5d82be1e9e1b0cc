// Main process, no Electron import: the options of the one chat window and where it goes on screen.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_BOUNDS: WindowBounds = { width: 1100, height: 760, maximized: false };
export const MIN_WIDTH = 420;
export const MIN_HEIGHT = 480;

/**
 * The window's options per Electron's security checklist: the page runs isolated from the preload
 * (contextIsolation), in an OS sandbox (sandbox), without Node (nodeIntegration off, also in workers and
 * subframes), with web security on, no webviews, no insecure content, no experimental features, and no
 * spellchecker (it would send typed words to a dictionary service on some platforms).
 */
/** The window's colour before the page paints, matching the theme so there is no flash of the other one. */
export function backgroundFor(dark: boolean): string {
  return dark ? '#121212' : '#ffffff';
}

export function mainWindowOptions(params: {
  preloadPath: string;
  bounds: WindowBounds;
  title: string;
  iconPath?: string;
  dark?: boolean;
}): BrowserWindowConstructorOptions {
  const { bounds } = params;
  return {
    title: params.title,
    width: bounds.width,
    height: bounds.height,
    ...(bounds.x !== undefined && bounds.y !== undefined ? { x: bounds.x, y: bounds.y } : { center: true }),
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: backgroundFor(params.dark ?? false),
    autoHideMenuBar: false,
    ...(params.iconPath ? { icon: params.iconPath } : {}),
    webPreferences: {
      preload: params.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: process.env.ENCRYPTED_CHAT_DEVTOOLS === '1',
    },
  };
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Saved bounds made safe for today's screens: sizes clamped to the minimum and to the largest work area,
 * and the position dropped (centred instead) when the window would be mostly off every display — a
 * monitor was unplugged since the bounds were saved.
 */
export function fitBounds(saved: WindowBounds | null | undefined, workAreas: Rect[]): WindowBounds {
  const base = saved ?? DEFAULT_BOUNDS;
  const maxWidth = Math.max(MIN_WIDTH, ...workAreas.map((a) => a.width));
  const maxHeight = Math.max(MIN_HEIGHT, ...workAreas.map((a) => a.height));
  const width = clamp(Math.round(base.width), MIN_WIDTH, maxWidth);
  const height = clamp(Math.round(base.height), MIN_HEIGHT, maxHeight);
  const fitted: WindowBounds = { width, height, maximized: base.maximized === true };
  if (base.x !== undefined && base.y !== undefined && Number.isFinite(base.x) && Number.isFinite(base.y)) {
    const rect = { x: Math.round(base.x), y: Math.round(base.y), width, height };
    const visible = workAreas.reduce((sum, area) => sum + overlapArea(rect, area), 0);
    if (visible >= (width * height) / 2) {
      fitted.x = rect.x;
      fitted.y = rect.y;
    }
  }
  return fitted;
}

function clamp(n: number, min: number, max: number): number {
  if (!Number.isFinite(n)) return min;
  return Math.min(Math.max(n, min), max);
}
