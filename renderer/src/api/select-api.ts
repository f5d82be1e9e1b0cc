// The one place that chooses the ChatApi implementation. __DESKTOP__ is a compile-time constant
// (renderer/vite.config.ts), so each build contains only its own adapter: the desktop bundle never
// contains the in-page client core, and the web bundle never the Electron bridge adapter.
import type { ChatApi } from '../../../core/api/chat-api.js';

declare const __DESKTOP__: boolean;

export async function selectChatApi(): Promise<ChatApi> {
  if (__DESKTOP__) {
    const { createElectronChatApi, electronBridge } = await import('./electron/adapter.js');
    const bridge = electronBridge();
    if (!bridge) throw new Error('this window was opened outside the Encrypted Chat desktop app (no bridge)');
    return createElectronChatApi(bridge);
  }
  const { createWebChatApi } = await import('./web/web-chat-api.js');
  return createWebChatApi();
}
