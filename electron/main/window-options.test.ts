import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, fitBounds, mainWindowOptions, MIN_HEIGHT, MIN_WIDTH } from './window-options.js';

describe('mainWindowOptions', () => {
  const options = mainWindowOptions({ preloadPath: '/app/preload.cjs', bounds: DEFAULT_BOUNDS, title: 'Encrypted Chat' });

  it('follows the Electron security checklist', () => {
    const web = options.webPreferences!;
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.preload).toBe('/app/preload.cjs');
  });

  it('paints the background of the theme before the page loads', () => {
    expect(mainWindowOptions({ preloadPath: 'p', bounds: DEFAULT_BOUNDS, title: 't', dark: true }).backgroundColor).toBe('#121212');
    expect(options.backgroundColor).toBe('#ffffff');
  });

  it('centres a window without a saved position and uses a saved one', () => {
    expect(options.center).toBe(true);
    const placed = mainWindowOptions({ preloadPath: 'p', bounds: { x: 10, y: 20, width: 800, height: 600, maximized: false }, title: 't' });
    expect([placed.x, placed.y, placed.width, placed.height, placed.center]).toEqual([10, 20, 800, 600, undefined]);
  });
});

describe('fitBounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('keeps bounds that fit', () => {
    expect(fitBounds({ x: 100, y: 50, width: 900, height: 700, maximized: true }, screen)).toEqual({ x: 100, y: 50, width: 900, height: 700, maximized: true });
  });

  it('uses the defaults without saved bounds', () => {
    expect(fitBounds(null, screen)).toEqual(DEFAULT_BOUNDS);
  });

  it('clamps sizes to the minimum and to the screen', () => {
    const b = fitBounds({ width: 10, height: 99_999, maximized: false }, screen);
    expect(b.width).toBe(MIN_WIDTH);
    expect(b.height).toBe(1080);
    expect(fitBounds({ width: Number.NaN, height: MIN_HEIGHT, maximized: false }, screen).width).toBe(MIN_WIDTH);
  });

  it('drops a position that is mostly off every screen (monitor unplugged)', () => {
    const b = fitBounds({ x: 2500, y: 100, width: 800, height: 600, maximized: false }, screen);
    expect(b.x).toBeUndefined();
    expect(b.y).toBeUndefined();
    const second = [...screen, { x: 1920, y: 0, width: 1280, height: 1024 }];
    expect(fitBounds({ x: 2500, y: 100, width: 800, height: 600, maximized: false }, second).x).toBe(2500);
  });
});
