// Window: what the page knows of the person and the network, told to the live connection — whether the window
// can be seen (short reconnect waits only then) and a try at once when it is seen again or the network is back.
import type { ChatApi } from '../../../core/api/chat-api.js';

export interface WakeTargets {
  document: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  window: Pick<Window, 'addEventListener' | 'removeEventListener'>;
}

/** Starts telling `api`; returns the function that stops. Failures are ignored: the next attempt comes anyway. */
export function watchWakeSignals(api: Pick<ChatApi, 'setVisible' | 'reconnectNow'>, targets: WakeTargets = { document, window }): () => void {
  const quietly = (call: Promise<void>) => void call.catch(() => undefined);
  const visibility = () => quietly(api.setVisible(targets.document.visibilityState !== 'hidden'));
  const online = () => quietly(api.reconnectNow());
  targets.document.addEventListener('visibilitychange', visibility);
  targets.window.addEventListener('online', online);
  visibility();
  return () => {
    targets.document.removeEventListener('visibilitychange', visibility);
    targets.window.removeEventListener('online', online);
  };
}
